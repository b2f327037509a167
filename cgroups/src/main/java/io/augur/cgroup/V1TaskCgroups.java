package io.augur.cgroup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task groups on cgroup v1: the same {@code ROOT/TASK} directory in every controller hierarchy
 * (cpu, cpuacct, memory, pids, and blkio / freezer when mounted). Kills through the freezer when
 * there is one, so a fork bomb cannot outrun the kill loop.
 */
public final class V1TaskCgroups extends ManagedRoot {
    private static final Logger LOG = LoggerFactory.getLogger(V1TaskCgroups.class);

    /** How long a freeze may take before it is reported (quarantine) or forced through (kill). */
    static final java.time.Duration FREEZE_WAIT = java.time.Duration.ofSeconds(5);

    /** v1 reports throttle rules at or above this as "no limit" (the accounting rules). */
    static final long NO_THROTTLE_THRESHOLD = 1L << 62;

    /** The kernel's smallest CFS quota. */
    static final long MIN_QUOTA_US = 1000;

    private final V1Mounts mounts;
    private final List<Path> rootDirs;

    public V1TaskCgroups(
            V1Mounts mounts, String rootName, Clock clock, CgroupFs fs, ProcessSignals signals) {
        super(rootName, clock, fs, signals);
        this.mounts = mounts;
        this.rootDirs = mounts.hierarchies().stream().map(h -> h.resolve(rootName)).toList();
    }

    @Override
    public CgroupVersion version() {
        return CgroupVersion.V1;
    }

    @Override
    List<Path> rootDirs() {
        return rootDirs;
    }

    @Override
    void ensureRoot() {
        for (Path dir : rootDirs()) {
            fs.mkdirs(dir);
        }
        if (mounts.cpuset() != null) {
            inheritCpuset(mounts.cpuset().resolve(rootName));
        }
    }

    /** {@code cpu.shares} = 1024 × cores, within [2, 262144]. */
    @Override
    long writeRootWeight(double cpuCores) {
        long shares = shares(cpuCores);
        fs.write(mounts.cpu().resolve(rootName).resolve("cpu.shares"), Long.toString(shares));
        return shares;
    }

    /** The weight of {@code cores} busy processes (1024 each), within the kernel's [2, 262144]. */
    static long shares(double cores) {
        return Math.max(2, Math.min(262_144, Math.round(1024 * cores)));
    }

    /**
     * A new v1 cpuset group has empty {@code cpuset.cpus} and {@code cpuset.mems}, and no process
     * can join it until both are set: they are copied from the parent when empty.
     */
    private void inheritCpuset(Path dir) {
        for (String file : List.of("cpuset.mems", "cpuset.cpus")) {
            Path own = dir.resolve(file);
            if (fs.read(own).isEmpty()) {
                fs.write(own, fs.read(dir.getParent().resolve(file)));
            }
        }
    }

    @Override
    V1Group group(String taskId) {
        return new V1Group(taskId, null);
    }

    @Override
    V1Group group(String taskId, String sub) {
        return new V1Group(taskId, sub);
    }

    @Override
    void killAll(Group group) {
        V1Group g = (V1Group) group;
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (!g.allPids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "processes " + g.allPids() + " of " + g + " survived " + KILL_GRACE);
            }
            // Frozen, no process can fork between listing and killing. A group still FREEZING
            // after the wait is killed anyway, and the loop goes round again.
            boolean hasFreezer = mounts.freezer() != null && g.freezeWithin(FREEZE_WAIT);
            for (long pid : g.allPids()) {
                signals.kill(pid);
            }
            if (mounts.freezer() != null) {
                g.thaw();
            }
            // Without a freezer a process may fork between listing and killing: go round again.
            awaitEmpty(g::allPids, java.time.Duration.ofMillis(500));
        }
    }

    /** One task's directories in every v1 hierarchy. */
    final class V1Group extends Group {
        /** Whether blkio accounts this group's I/O (it has a throttle rule). */
        private boolean diskAccounted;

        /** The group's directory in each hierarchy, resolved once (the collector reads often). */
        private final java.util.Map<Path, Path> dirs = new java.util.HashMap<>();

        V1Group(String taskId, String sub) {
            super(taskId, sub);
        }

        private Path in(Path hierarchy) {
            return dirs.computeIfAbsent(
                    hierarchy, h -> under(childDir(h.resolve(rootName), taskId)));
        }

        @Override
        List<Path> dirs() {
            return rootDirs().stream().map(root -> under(childDir(root, taskId))).toList();
        }

        /**
         * Makes blkio count the group's disk I/O. On recent kernels (seen on 6.18) v1 {@code
         * blkio.throttle.io_service_bytes} stays 0 unless the group has a throttle rule for the
         * device: unthrottled I/O is not accounted. Each whole disk gets a read and a write rule of
         * {@link BlockDevices#NO_LIMIT} bytes/s, which is never reached. Best effort: a group the
         * kernel refuses rules for reports its disk bytes as not measured (null), never as 0.
         */
        @Override
        void prepare() {
            if (mounts.cpuset() != null) {
                inheritCpuset(in(mounts.cpuset()));
            }
            if (mounts.blkio() == null) {
                return;
            }
            Path dir = in(mounts.blkio());
            for (String device : BlockDevices.wholeDisks(BlockDevices.SYS_BLOCK)) {
                try {
                    fs.write(
                            dir.resolve("blkio.throttle.read_bps_device"),
                            device + " " + BlockDevices.NO_LIMIT);
                    fs.write(
                            dir.resolve("blkio.throttle.write_bps_device"),
                            device + " " + BlockDevices.NO_LIMIT);
                } catch (RuntimeException e) {
                    LOG.debug(
                            "no disk accounting rule for {} on {}: {}",
                            device,
                            taskId,
                            e.getMessage());
                }
            }
        }

        @Override
        public List<Long> processes() {
            // Opened afresh each time: see readFile.
            return ManagedRoot.readPids(
                    List.of(in(mounts.cpuacct()).resolve("cgroup.procs")), fs::read);
        }

        @Override
        public void setCpuCores(double cores) {
            CgroupValues.requirePositive(cores, "cpu cores");
            Path dir = in(mounts.cpu());
            long period = Long.parseLong(fs.read(dir.resolve("cpu.cfs_period_us")));
            long quota = Math.max(MIN_QUOTA_US, Math.round(cores * period));
            fs.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            // Its weight in the root follows its limit: when the node is busier than its tasks'
            // quotas, each still gets CPU in proportion to what it was granted (a task given 1.1
            // cores outweighs one cut to 0.1), not an equal split.
            fs.write(dir.resolve("cpu.shares"), Long.toString(shares(cores)));
        }

        @Override
        public void setMemoryBytes(long bytes) {
            CgroupValues.requirePositive(bytes, "memory bytes");
            fs.write(in(mounts.memory()).resolve("memory.limit_in_bytes"), Long.toString(bytes));
        }

        @Override
        public void setPidsMax(long max) {
            CgroupValues.requirePositive(max, "pids max");
            fs.write(in(mounts.pids()).resolve("pids.max"), Long.toString(max));
        }

        @Override
        public ResourceLimitsReading readLimits() {
            try {
                Path cpu = in(mounts.cpu());
                long quota = Long.parseLong(readFile(cpu.resolve("cpu.cfs_quota_us")));
                long period = Long.parseLong(readFile(cpu.resolve("cpu.cfs_period_us")));
                Long memory =
                        CgroupValues.parseLongOrNull(
                                readFile(in(mounts.memory()).resolve("memory.limit_in_bytes")));
                Long pidsMax =
                        CgroupValues.parseLongOrNull(
                                readFile(in(mounts.pids()).resolve("pids.max")));
                return new ResourceLimitsReading(
                        quota < 0 ? null : (double) quota / period,
                        memory == null || memory >= CgroupValues.V1_UNLIMITED_THRESHOLD
                                ? null
                                : memory,
                        pidsMax);
            } catch (GroupVanishedException e) {
                return ResourceLimitsReading.NONE;
            }
        }

        @Override
        public CgroupUsage readUsage() {
            Instant at = clock.instant();
            try {
                Long cpu =
                        CgroupValues.parseLongOrNull(
                                readOptional(in(mounts.cpuacct()), "cpuacct.usage"));
                Path memDir = in(mounts.memory());
                Long memory =
                        CgroupValues.parseLongOrNull(readOptional(memDir, "memory.usage_in_bytes"));
                String stat = readOptional(memDir, "memory.stat");
                Long rss =
                        first(
                                CgroupValues.keyed(stat, "total_rss"),
                                CgroupValues.keyed(stat, "rss"));
                Long cache =
                        first(
                                CgroupValues.keyed(stat, "total_cache"),
                                CgroupValues.keyed(stat, "cache"));
                Long failcnt = CgroupValues.parseLongOrNull(readOptional(memDir, "memory.failcnt"));
                // oom_kill is in memory.oom_control since Linux 4.13.
                Long oomKills =
                        CgroupValues.keyed(readOptional(memDir, "memory.oom_control"), "oom_kill");
                Long throttled =
                        CgroupValues.keyed(
                                readOptional(in(mounts.cpu()), "cpu.stat"), "throttled_time");
                Long read = null;
                Long write = null;
                Long readOps = null;
                Long writeOps = null;
                if (mounts.blkio() != null) {
                    Path blkio = in(mounts.blkio());
                    // Without a throttle rule the kernel does not account: not measured, not 0.
                    // Rules are only ever added (prepare(), the enforcer's limits): once seen,
                    // this group object does not look again.
                    if (!diskAccounted) {
                        String rules = readOptional(blkio, "blkio.throttle.read_bps_device");
                        diskAccounted = rules != null && !rules.isBlank();
                    }
                    if (diskAccounted) {
                        String io = readOptional(blkio, "blkio.throttle.io_service_bytes");
                        read = CgroupValues.v1BlkioSum(io, "Read");
                        write = CgroupValues.v1BlkioSum(io, "Write");
                        String ops = readOptional(blkio, "blkio.throttle.io_serviced");
                        readOps = CgroupValues.v1BlkioSum(ops, "Read");
                        writeOps = CgroupValues.v1BlkioSum(ops, "Write");
                    }
                }
                Long pids =
                        CgroupValues.parseLongOrNull(
                                readOptional(in(mounts.pids()), "pids.current"));
                return new CgroupUsage(
                        taskId, at, true, cpu, memory, rss, cache, read, write, pids, throttled,
                        failcnt, oomKills, readOps, writeOps);
            } catch (GroupVanishedException e) {
                return CgroupUsage.absent(taskId, at);
            }
        }

        /** Freezes the group; false when it did not reach FROZEN within {@code wait}. */
        boolean freezeWithin(java.time.Duration wait) {
            Path state = in(mounts.freezer()).resolve("freezer.state");
            try {
                fs.write(state, "FROZEN");
                long deadline = System.nanoTime() + wait.toNanos();
                while (!fs.read(state).equals("FROZEN")) {
                    if (System.nanoTime() > deadline) {
                        LOG.warn("{} did not freeze within {}", this, wait);
                        return false;
                    }
                    pause();
                }
                return true;
            } catch (GroupVanishedException e) {
                return false;
            }
        }

        private Path freezer() {
            if (mounts.freezer() == null) {
                throw new CgroupUnavailableException("no v1 freezer hierarchy is mounted");
            }
            return in(mounts.freezer());
        }

        @Override
        public void freeze() {
            freezer();
            if (!freezeWithin(FREEZE_WAIT)) {
                throw new IllegalStateException(
                        this
                                + " did not reach FROZEN within "
                                + FREEZE_WAIT
                                + " (freezer.state "
                                + fs.read(freezer().resolve("freezer.state"))
                                + ")");
            }
        }

        @Override
        public void thaw() {
            try {
                fs.write(freezer().resolve("freezer.state"), "THAWED");
            } catch (GroupVanishedException e) {
                LOG.debug("{} vanished before it was thawed", this);
            }
        }

        @Override
        public void setCpuset(String cpus) {
            if (mounts.cpuset() == null) {
                throw new CgroupUnavailableException("no v1 cpuset hierarchy is mounted");
            }
            Path dir = in(mounts.cpuset());
            if (!fs.exists(dir)) {
                // A group made before cpuset was used: join it now, every process of the task.
                fs.mkdirs(dir);
                inheritCpuset(dir);
                for (long pid : pids()) {
                    fs.write(dir.resolve("cgroup.procs"), Long.toString(pid));
                }
            }
            inheritCpuset(dir);
            fs.write(dir.resolve("cpuset.cpus"), cpus);
        }

        @Override
        public void setDiskLimits(DiskLimits limits) {
            if (mounts.blkio() == null) {
                throw new CgroupUnavailableException("no v1 blkio hierarchy is mounted");
            }
            Path dir = in(mounts.blkio());
            for (String device : BlockDevices.wholeDisks(BlockDevices.SYS_BLOCK)) {
                // Unthrottled bytes keep the never-reached rule: it is what makes blkio account.
                fs.write(
                        dir.resolve("blkio.throttle.read_bps_device"),
                        device + " " + orElse(limits.readBps(), BlockDevices.NO_LIMIT));
                fs.write(
                        dir.resolve("blkio.throttle.write_bps_device"),
                        device + " " + orElse(limits.writeBps(), BlockDevices.NO_LIMIT));
                // 0 removes an IOPS rule.
                fs.write(
                        dir.resolve("blkio.throttle.read_iops_device"),
                        device + " " + orElse(limits.readIops(), 0L));
                fs.write(
                        dir.resolve("blkio.throttle.write_iops_device"),
                        device + " " + orElse(limits.writeIops(), 0L));
            }
        }

        @Override
        public boolean setMemory(long memoryBytes, Long swapBytes) {
            CgroupValues.requirePositive(memoryBytes, "memory bytes");
            Path dir = in(mounts.memory());
            Path memswFile = dir.resolve("memory.memsw.limit_in_bytes");
            boolean accounted = fs.exists(memswFile);
            if (swapBytes != null && swapBytes < 0) {
                throw new IllegalArgumentException("swap bytes must not be negative: " + swapBytes);
            }
            if (!accounted) {
                setMemoryBytes(memoryBytes);
                return swapBytes == null;
            }
            // memsw = memory + swap, and may never be below the memory limit: the one that grows
            // is written first. Without a new swap value, the swap allowed now is kept.
            Long memsw = CgroupValues.parseLongOrNull(fs.read(memswFile));
            boolean swapLimited = memsw != null && memsw < CgroupValues.V1_UNLIMITED_THRESHOLD;
            if (swapBytes == null && !swapLimited) {
                setMemoryBytes(memoryBytes);
                return true;
            }
            long memoryNow = Long.parseLong(fs.read(dir.resolve("memory.limit_in_bytes")));
            long swap = swapBytes != null ? swapBytes : Math.max(0, memsw - memoryNow);
            long target = memoryBytes + swap;
            if (swapLimited && target > memsw) {
                fs.write(memswFile, Long.toString(target));
                setMemoryBytes(memoryBytes);
            } else {
                setMemoryBytes(memoryBytes);
                fs.write(memswFile, Long.toString(target));
            }
            return true;
        }

        @Override
        public ControlsReading readControls() {
            try {
                Boolean frozen = null;
                if (mounts.freezer() != null) {
                    String state = readOptional(in(mounts.freezer()), "freezer.state");
                    frozen = state == null ? null : state.equals("FROZEN");
                }
                String cpus = null;
                if (mounts.cpuset() != null && fs.exists(in(mounts.cpuset()))) {
                    cpus = readOptional(in(mounts.cpuset()), "cpuset.cpus");
                }
                DiskLimits disk = DiskLimits.NONE;
                if (mounts.blkio() != null) {
                    Path b = in(mounts.blkio());
                    disk =
                            new DiskLimits(
                                    lowestRule(readOptional(b, "blkio.throttle.read_bps_device")),
                                    lowestRule(readOptional(b, "blkio.throttle.write_bps_device")),
                                    lowestRule(readOptional(b, "blkio.throttle.read_iops_device")),
                                    lowestRule(
                                            readOptional(b, "blkio.throttle.write_iops_device")));
                }
                Path mem = in(mounts.memory());
                String memsw = readOptional(mem, "memory.memsw.limit_in_bytes");
                Long swap = null;
                if (memsw != null) {
                    long both = Long.parseLong(memsw);
                    Long memory =
                            CgroupValues.parseLongOrNull(
                                    fs.read(mem.resolve("memory.limit_in_bytes")));
                    if (both < CgroupValues.V1_UNLIMITED_THRESHOLD && memory != null) {
                        swap = Math.max(0, both - memory);
                    }
                }
                return new ControlsReading(frozen, cpus, disk, swap, memsw != null);
            } catch (GroupVanishedException e) {
                return ControlsReading.NONE;
            }
        }
    }

    /** The lowest "MAJ:MIN value" rule; null when there is none below the accounting rate. */
    static Long lowestRule(String rules) {
        if (rules == null) {
            return null;
        }
        Long lowest = null;
        for (String line : rules.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                long v = Long.parseLong(parts[1]);
                if (v > 0 && v < NO_THROTTLE_THRESHOLD && (lowest == null || v < lowest)) {
                    lowest = v;
                }
            }
        }
        return lowest;
    }

    private static long orElse(Long value, long otherwise) {
        return value == null ? otherwise : value;
    }

    private static Long first(Long a, Long b) {
        return a != null ? a : b;
    }
}

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
    }

    @Override
    V1Group group(String taskId) {
        return new V1Group(taskId);
    }

    @Override
    void killAll(Group group) {
        V1Group g = (V1Group) group;
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (!g.pids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "processes " + g.pids() + " of " + g + " survived " + KILL_GRACE);
            }
            boolean frozen = g.freeze();
            for (long pid : g.pids()) {
                signals.kill(pid);
            }
            if (frozen) {
                g.thaw();
            }
            // Without a freezer a process may fork between listing and killing: go round again.
            awaitEmpty(g::pids, java.time.Duration.ofMillis(500));
        }
    }

    /** One task's directories in every v1 hierarchy. */
    final class V1Group extends Group {
        /** Whether blkio accounts this group's I/O (it has a throttle rule). */
        private boolean diskAccounted;

        /** The group's directory in each hierarchy, resolved once (the collector reads often). */
        private final java.util.Map<Path, Path> dirs = new java.util.HashMap<>();

        V1Group(String taskId) {
            super(taskId);
        }

        private Path in(Path hierarchy) {
            return dirs.computeIfAbsent(hierarchy, h -> child(h.resolve(rootName), taskId));
        }

        @Override
        List<Path> dirs() {
            return rootDirs().stream().map(root -> child(root, taskId)).toList();
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
            return readPids(List.of(in(mounts.cpuacct()).resolve("cgroup.procs")));
        }

        @Override
        public void setCpuCores(double cores) {
            CgroupValues.requirePositive(cores, "cpu cores");
            Path dir = in(mounts.cpu());
            long period = Long.parseLong(fs.read(dir.resolve("cpu.cfs_period_us")));
            long quota = Math.max(MIN_QUOTA_US, Math.round(cores * period));
            fs.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
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
                long quota = Long.parseLong(fs.read(cpu.resolve("cpu.cfs_quota_us")));
                long period = Long.parseLong(fs.read(cpu.resolve("cpu.cfs_period_us")));
                Long memory =
                        CgroupValues.parseLongOrNull(
                                fs.read(in(mounts.memory()).resolve("memory.limit_in_bytes")));
                Long pidsMax =
                        CgroupValues.parseLongOrNull(
                                fs.read(in(mounts.pids()).resolve("pids.max")));
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

        /** Freezes the group; false when there is no freezer or it would not settle. */
        boolean freeze() {
            if (mounts.freezer() == null) {
                return false;
            }
            Path state = in(mounts.freezer()).resolve("freezer.state");
            try {
                fs.write(state, "FROZEN");
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (!fs.read(state).equals("FROZEN")) {
                    if (System.nanoTime() > deadline) {
                        LOG.warn("{} did not freeze within 2 s; killing it unfrozen", this);
                        return true;
                    }
                    pause();
                }
                return true;
            } catch (GroupVanishedException e) {
                return false;
            }
        }

        void thaw() {
            try {
                fs.write(in(mounts.freezer()).resolve("freezer.state"), "THAWED");
            } catch (GroupVanishedException e) {
                LOG.debug("{} vanished before it was thawed", this);
            }
        }
    }

    private static Long first(Long a, Long b) {
        return a != null ? a : b;
    }
}

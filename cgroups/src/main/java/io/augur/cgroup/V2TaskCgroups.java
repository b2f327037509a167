package io.augur.cgroup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task groups on the unified hierarchy (cgroup v2): {@code MOUNT/ROOT/TASK}. The root delegates the
 * controllers Augur uses (cpu, memory, pids, io) to its children as far as its parent offers them;
 * a control whose controller is not delegated throws {@link CgroupUnavailableException} on write
 * and reads as null. Kills with {@code cgroup.kill} where the kernel has it, else freezes ({@code
 * cgroup.freeze}) and kills.
 */
public final class V2TaskCgroups extends ManagedRoot {
    private static final Logger LOG = LoggerFactory.getLogger(V2TaskCgroups.class);

    /** Controllers Augur wants delegated to task groups. */
    static final List<String> WANTED = List.of("cpu", "memory", "pids", "io");

    private final Path mount;
    private final Path root;

    public V2TaskCgroups(
            Path mount, String rootName, Clock clock, CgroupFs fs, ProcessSignals signals) {
        super(rootName, clock, fs, signals);
        this.mount = mount;
        this.root = mount.resolve(rootName);
    }

    @Override
    public CgroupVersion version() {
        return CgroupVersion.V2;
    }

    @Override
    List<Path> rootDirs() {
        return List.of(root);
    }

    @Override
    void ensureRoot() {
        delegate(mount);
        fs.mkdirs(root);
        delegate(root);
    }

    /** {@code cpu.weight} = 100 × cores, within [1, 10000]; 0 without the cpu controller. */
    @Override
    long writeRootWeight(double cpuCores) {
        Path file = root.resolve("cpu.weight");
        if (!fs.exists(file)) {
            LOG.warn("{} has no cpu.weight (cpu controller not delegated): weight not set", root);
            return 0;
        }
        long weight = weight(cpuCores);
        fs.write(file, Long.toString(weight));
        return weight;
    }

    /** The weight of {@code cores} busy processes (100 each), within the kernel's [1, 10000]. */
    static long weight(double cores) {
        return Math.max(1, Math.min(10_000, Math.round(100 * cores)));
    }

    /** Controllers listed in {@code dir}'s cgroup.controllers. */
    public List<String> availableControllers() {
        return controllers(fs.exists(root) ? root : mount);
    }

    private List<String> controllers(Path dir) {
        String listed = fs.read(dir.resolve("cgroup.controllers"));
        return listed.isBlank() ? List.of() : Arrays.asList(listed.split("\\s+"));
    }

    /** Enables each wanted controller the group has for its children. */
    private void delegate(Path dir) {
        List<String> available = controllers(dir);
        List<String> enabled =
                Arrays.asList(fs.read(dir.resolve("cgroup.subtree_control")).split("\\s+"));
        for (String controller : WANTED) {
            if (available.contains(controller) && !enabled.contains(controller)) {
                try {
                    fs.write(dir.resolve("cgroup.subtree_control"), "+" + controller);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "cannot delegate controller {} below {}: {}",
                            controller,
                            dir,
                            e.getMessage());
                }
            }
        }
    }

    @Override
    V2Group group(String taskId) {
        return new V2Group(taskId, null);
    }

    @Override
    V2Group group(String taskId, String sub) {
        return new V2Group(taskId, sub);
    }

    /** How long a freeze may take before it is reported. */
    static final Duration FREEZE_WAIT = Duration.ofSeconds(5);

    /**
     * The leaf a task's own processes move to when a child group needs controllers delegated:
     * cgroup v2 lets only groups without processes give controllers to their children.
     */
    public static final String TASK_LEAF = "task";

    @Override
    void killAll(Group group) {
        V2Group g = (V2Group) group;
        Path kill = g.dir().resolve("cgroup.kill");
        if (fs.exists(kill)) {
            // One write kills every process of the group atomically, forks included.
            fs.write(kill, "1");
            if (awaitEmpty(g::allPids, KILL_GRACE)) {
                return;
            }
        }
        Path freeze = g.dir().resolve("cgroup.freeze");
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (!g.allPids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "processes " + g.allPids() + " of " + g + " survived " + KILL_GRACE);
            }
            boolean frozen = fs.exists(freeze);
            if (frozen) {
                fs.write(freeze, "1");
            }
            for (long pid : g.allPids()) {
                signals.kill(pid);
            }
            if (frozen) {
                fs.write(freeze, "0");
            }
            awaitEmpty(g::allPids, Duration.ofMillis(500));
        }
    }

    /** One task's directory in the unified hierarchy. */
    final class V2Group extends Group {
        V2Group(String taskId, String sub) {
            super(taskId, sub);
        }

        Path dir() {
            return under(childDir(root, taskId));
        }

        /**
         * A child group gets the controllers its task group has. v2 allows that only while the task
         * group holds no processes itself: they move to the leaf {@link #TASK_LEAF} first.
         */
        @Override
        void prepare() {
            if (sub == null) {
                return;
            }
            Path taskDir = childDir(root, taskId);
            List<String> offered = controllers(taskDir);
            if (offered.stream().noneMatch(WANTED::contains)) {
                return; // nothing to delegate: processes may stay where they are
            }
            if (!sub.equals(TASK_LEAF)) {
                V2Group leaf = (V2Group) group(taskId).child(TASK_LEAF);
                for (long pid : readPids(List.of(taskDir.resolve("cgroup.procs")))) {
                    try {
                        leaf.addProcess(pid);
                    } catch (GroupVanishedException | java.io.UncheckedIOException e) {
                        LOG.debug("pid {} left before it was moved: {}", pid, e.getMessage());
                    }
                }
                delegate(taskDir);
            }
        }

        @Override
        public void freeze() {
            Path freeze = dir().resolve("cgroup.freeze");
            if (!fs.exists(freeze)) {
                throw new CgroupUnavailableException(
                        "this kernel has no cgroup.freeze in " + dir());
            }
            fs.write(freeze, "1");
            long deadline = System.nanoTime() + FREEZE_WAIT.toNanos();
            while (!Boolean.TRUE.equals(frozen())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            this + " did not report frozen 1 within " + FREEZE_WAIT);
                }
                pause();
            }
        }

        private Boolean frozen() {
            Long frozen = CgroupValues.keyed(readOptional(dir(), "cgroup.events"), "frozen");
            return frozen == null ? null : frozen == 1;
        }

        @Override
        public void thaw() {
            Path freeze = dir().resolve("cgroup.freeze");
            if (fs.exists(freeze)) {
                fs.write(freeze, "0");
            }
        }

        @Override
        public void setCpuset(String cpus) {
            fs.write(control("cpuset.cpus", "cpuset"), cpus);
        }

        @Override
        public void setDiskLimits(DiskLimits limits) {
            Path ioMax = control("io.max", "io");
            for (String device : BlockDevices.wholeDisks(BlockDevices.SYS_BLOCK)) {
                fs.write(
                        ioMax,
                        device
                                + " rbps="
                                + maxOr(limits.readBps())
                                + " wbps="
                                + maxOr(limits.writeBps())
                                + " riops="
                                + maxOr(limits.readIops())
                                + " wiops="
                                + maxOr(limits.writeIops()));
            }
        }

        @Override
        public boolean setMemory(long memoryBytes, Long swapBytes) {
            setMemoryBytes(memoryBytes);
            if (swapBytes == null) {
                return true;
            }
            Path swap = dir().resolve("memory.swap.max");
            if (!fs.exists(swap)) {
                return false;
            }
            fs.write(swap, Long.toString(swapBytes));
            return true;
        }

        @Override
        public ControlsReading readControls() {
            try {
                Long rbps = null;
                Long wbps = null;
                Long riops = null;
                Long wiops = null;
                String io = readOptional(dir(), "io.max");
                if (io != null) {
                    rbps = lowestIoMax(io, "rbps");
                    wbps = lowestIoMax(io, "wbps");
                    riops = lowestIoMax(io, "riops");
                    wiops = lowestIoMax(io, "wiops");
                }
                String swap = readOptional(dir(), "memory.swap.max");
                return new ControlsReading(
                        frozen(),
                        readOptional(dir(), "cpuset.cpus"),
                        new DiskLimits(rbps, wbps, riops, wiops),
                        CgroupValues.parseLongOrNull(swap),
                        swap != null);
            } catch (GroupVanishedException e) {
                return ControlsReading.NONE;
            }
        }

        @Override
        List<Path> dirs() {
            return List.of(dir());
        }

        private Path control(String file, String controller) {
            Path path = dir().resolve(file);
            if (!fs.exists(path)) {
                throw new CgroupUnavailableException(
                        "controller '"
                                + controller
                                + "' is not delegated to "
                                + dir()
                                + " (the root offers: "
                                + String.join(" ", availableControllers())
                                + ")");
            }
            return path;
        }

        @Override
        public void setCpuCores(double cores) {
            CgroupValues.requirePositive(cores, "cpu cores");
            Path cpuMax = control("cpu.max", "cpu");
            String[] current = fs.read(cpuMax).split("\\s+");
            long period = current.length > 1 ? Long.parseLong(current[1]) : 100_000L;
            long quota = Math.max(V1TaskCgroups.MIN_QUOTA_US, Math.round(cores * period));
            fs.write(cpuMax, quota + " " + period);
            // Its weight follows its limit, as on v1.
            fs.write(control("cpu.weight", "cpu"), Long.toString(weight(cores)));
        }

        @Override
        public void setMemoryBytes(long bytes) {
            CgroupValues.requirePositive(bytes, "memory bytes");
            fs.write(control("memory.max", "memory"), Long.toString(bytes));
        }

        @Override
        public void setPidsMax(long max) {
            CgroupValues.requirePositive(max, "pids max");
            fs.write(control("pids.max", "pids"), Long.toString(max));
        }

        @Override
        public ResourceLimitsReading readLimits() {
            try {
                Double cpu = null;
                String cpuMax = readOptional(dir(), "cpu.max");
                if (cpuMax != null) {
                    String[] parts = cpuMax.split("\\s+");
                    if (!parts[0].equals("max")) {
                        cpu = Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
                    }
                }
                return new ResourceLimitsReading(
                        cpu,
                        CgroupValues.parseLongOrNull(readOptional(dir(), "memory.max")),
                        CgroupValues.parseLongOrNull(readOptional(dir(), "pids.max")));
            } catch (GroupVanishedException e) {
                return ResourceLimitsReading.NONE;
            }
        }

        @Override
        public CgroupUsage readUsage() {
            Instant at = clock.instant();
            try {
                Path dir = dir();
                // cpu.stat's usage_usec is kept even without the cpu controller.
                String cpuStat = readOptional(dir, "cpu.stat");
                Long usec = CgroupValues.keyed(cpuStat, "usage_usec");
                // throttled_usec is there only when the cpu controller is enabled for the group.
                Long throttledUsec = CgroupValues.keyed(cpuStat, "throttled_usec");
                String events = readOptional(dir, "memory.events");
                Long memory = CgroupValues.parseLongOrNull(readOptional(dir, "memory.current"));
                String stat = readOptional(dir, "memory.stat");
                String io = readOptional(dir, "io.stat");
                Long pids = CgroupValues.parseLongOrNull(readOptional(dir, "pids.current"));
                return new CgroupUsage(
                        taskId,
                        at,
                        true,
                        usec == null ? null : usec * 1000,
                        memory,
                        CgroupValues.keyed(stat, "anon"),
                        CgroupValues.keyed(stat, "file"),
                        CgroupValues.v2IoSum(io, "rbytes"),
                        CgroupValues.v2IoSum(io, "wbytes"),
                        pids,
                        throttledUsec == null ? null : throttledUsec * 1000,
                        CgroupValues.keyed(events, "max"),
                        CgroupValues.keyed(events, "oom_kill"),
                        CgroupValues.v2IoSum(io, "rios"),
                        CgroupValues.v2IoSum(io, "wios"));
            } catch (GroupVanishedException e) {
                return CgroupUsage.absent(taskId, at);
            }
        }
    }

    private static String maxOr(Long value) {
        return value == null ? "max" : Long.toString(value);
    }

    /** The lowest {@code key=N} over io.max lines; null when every device has "max". */
    static Long lowestIoMax(String content, String key) {
        Long lowest = null;
        for (String line : content.split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith(key + "=") && !field.endsWith("=max")) {
                    long v = Long.parseLong(field.substring(key.length() + 1));
                    lowest = lowest == null ? v : Math.min(lowest, v);
                }
            }
        }
        return lowest;
    }
}

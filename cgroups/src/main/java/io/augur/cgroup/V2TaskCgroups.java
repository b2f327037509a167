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
        return new V2Group(taskId);
    }

    @Override
    void killAll(Group group) {
        V2Group g = (V2Group) group;
        Path kill = g.dir().resolve("cgroup.kill");
        if (fs.exists(kill)) {
            // One write kills every process of the group atomically, forks included.
            fs.write(kill, "1");
            if (awaitEmpty(g::pids, KILL_GRACE)) {
                return;
            }
        }
        Path freeze = g.dir().resolve("cgroup.freeze");
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (!g.pids().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "processes " + g.pids() + " of " + g + " survived " + KILL_GRACE);
            }
            boolean frozen = fs.exists(freeze);
            if (frozen) {
                fs.write(freeze, "1");
            }
            for (long pid : g.pids()) {
                signals.kill(pid);
            }
            if (frozen) {
                fs.write(freeze, "0");
            }
            awaitEmpty(g::pids, Duration.ofMillis(500));
        }
    }

    /** One task's directory in the unified hierarchy. */
    final class V2Group extends Group {
        V2Group(String taskId) {
            super(taskId);
        }

        Path dir() {
            return child(root, taskId);
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
}

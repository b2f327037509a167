package io.augur.actuator;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ControlsReading;
import io.augur.cgroup.DiskLimits;
import io.augur.cgroup.GroupVanishedException;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.schema.EnforcedControls;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces allocations with the task groups of one node: CPU quota, memory limit (and swap where
 * the node accounts it), pids max, cpuset, disk bandwidth and IOPS on every whole disk; freezes
 * (quarantine), kills (terminate) and splits tasks. The task's group must exist (the launcher
 * creates it); the enforcer never creates one, so a decision for an unknown task fails instead of
 * conjuring an empty group.
 */
public final class CgroupEffector implements ResourceEffector {

    private static final Logger LOG = LoggerFactory.getLogger(CgroupEffector.class);

    /** Name prefix of split groups: {@code split-PID}. */
    public static final String SPLIT_PREFIX = "split-";

    /** How long a split keeps following a forking subtree before it gives up. */
    static final Duration SPLIT_DEADLINE = Duration.ofSeconds(5);

    private final TaskCgroups cgroups;
    private final Duration observeWindow;
    private final Path proc;

    /**
     * @param observeWindow how long {@link #observe} measures CPU use over
     */
    public CgroupEffector(TaskCgroups cgroups, Duration observeWindow) {
        this(cgroups, observeWindow, ProcessTree.PROC);
    }

    /**
     * @param proc where processes are listed (their parents are read to find a split's subtree)
     */
    public CgroupEffector(TaskCgroups cgroups, Duration observeWindow, Path proc) {
        this.cgroups = cgroups;
        this.observeWindow = observeWindow;
        this.proc = proc;
    }

    private TaskCgroup group(String taskId) throws EnforcementFailure {
        return cgroups.find(taskId)
                .orElseThrow(
                        () ->
                                new EnforcementFailure(
                                        "task "
                                                + taskId
                                                + " has no cgroup under "
                                                + cgroups.rootName()));
    }

    /** Runs a cgroup operation, turning the kernel's refusals into a failure with its reason. */
    private static void effect(String taskId, Runnable operation) throws EnforcementFailure {
        try {
            operation.run();
        } catch (GroupVanishedException e) {
            throw new EnforcementFailure("task " + taskId + "'s cgroup vanished while applying", e);
        } catch (UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw new EnforcementFailure(e.getMessage(), e);
        }
    }

    @Override
    public ResourceLimits apply(String taskId, Allocation allocation) throws EnforcementFailure {
        TaskCgroup group = group(taskId);
        effect(taskId, () -> put(group, allocation));
        return toLimits(group.readLimits(), group.readControls());
    }

    private static void put(TaskCgroup group, Allocation allocation) {
        group.setCpuCores(allocation.cpuCores());
        if (!group.setMemory(allocation.memoryBytes(), allocation.memorySwapBytes())) {
            LOG.warn(
                    "{}: swap limit {} skipped: this node does not account swap per group",
                    group.taskId(),
                    allocation.memorySwapBytes());
        }
        if (allocation.pidsMax() != null) {
            group.setPidsMax(allocation.pidsMax());
        }
        if (allocation.cpusetCpus() != null) {
            group.setCpuset(allocation.cpusetCpus());
        }
        // Disk throttles: null lifts a throttle, so they are written whenever one is asked for
        // or one is in force; a group never throttled is left alone (no blkio/io needed).
        if (allocation.throttlesDisk() || !group.readControls().disk().isNone()) {
            group.setDiskLimits(
                    new DiskLimits(
                            allocation.diskReadBps(),
                            allocation.diskWriteBps(),
                            allocation.diskReadIops(),
                            allocation.diskWriteIops()));
        }
    }

    @Override
    public void freeze(String taskId) throws EnforcementFailure {
        TaskCgroup group = group(taskId);
        effect(taskId, group::freeze);
    }

    @Override
    public void thaw(String taskId) throws EnforcementFailure {
        TaskCgroup group = group(taskId);
        effect(taskId, group::thaw);
    }

    @Override
    public void terminate(String taskId) throws EnforcementFailure {
        TaskCgroup group = group(taskId);
        effect(taskId, group::killAll);
        List<Long> left = group.allPids();
        if (!left.isEmpty()) {
            throw new EnforcementFailure("processes " + left + " of " + taskId + " survived");
        }
    }

    @Override
    public String split(String taskId, long pid, Allocation allocation) throws EnforcementFailure {
        TaskCgroup group = group(taskId);
        String name = SPLIT_PREFIX + pid;
        List<Long> members = group.allPids();
        if (!members.contains(pid)) {
            throw new EnforcementFailure(
                    "pid "
                            + pid
                            + " is not a process of task "
                            + taskId
                            + " (it has "
                            + members
                            + ")");
        }
        TaskCgroup split;
        try {
            split = group.child(name);
        } catch (RuntimeException e) {
            throw new EnforcementFailure("cannot create " + name + ": " + e.getMessage(), e);
        }
        effect(taskId, () -> put(split, allocation));
        // Race-tolerant: a process forked by one already moved is born in the split group; one
        // forked by one not yet moved is caught by the next round. Until a round moves nothing.
        long deadline = System.nanoTime() + SPLIT_DEADLINE.toNanos();
        while (true) {
            Set<Long> inSplit = new HashSet<>(split.pids());
            Set<Long> toMove =
                    new LinkedHashSet<>(ProcessTree.subtree(pid, ProcessTree.parents(proc)));
            toMove.retainAll(group.allPids());
            toMove.removeAll(inSplit);
            if (toMove.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new EnforcementFailure(
                        "split of pid "
                                + pid
                                + " still chasing "
                                + toMove
                                + " after "
                                + SPLIT_DEADLINE);
            }
            for (long p : toMove) {
                try {
                    split.addProcess(p);
                } catch (RuntimeException e) {
                    // exited meanwhile: nothing to move
                    LOG.debug("pid {} not moved: {}", p, e.getMessage());
                }
            }
        }
        if (split.pids().isEmpty()) {
            throw new EnforcementFailure(
                    "pid " + pid + " of " + taskId + " exited before it was split off");
        }
        return name;
    }

    @Override
    public List<Long> splitPids(String taskId, String group) {
        return cgroups.find(taskId)
                .filter(g -> g.children().contains(group))
                .map(g -> g.child(group).pids())
                .orElse(List.of());
    }

    @Override
    public Optional<EnforcedControls> controlsInForce(String taskId) {
        return cgroups.find(taskId)
                .map(
                        g -> {
                            ControlsReading c = g.readControls();
                            return EnforcedControls.newBuilder()
                                    .setFrozen(c.frozen())
                                    .setCpusetCpus(c.cpusetCpus())
                                    .setDiskReadIops(c.disk().readIops())
                                    .setDiskWriteIops(c.disk().writeIops())
                                    .setMemorySwapBytes(c.memorySwapBytes())
                                    .setSplitGroups(
                                            g.children().stream()
                                                    .filter(n -> n.startsWith(SPLIT_PREFIX))
                                                    .toList())
                                    .build();
                        });
    }

    @Override
    public Optional<ResourceLimits> limitsInForce(String taskId) {
        return cgroups.find(taskId).map(g -> toLimits(g.readLimits(), g.readControls()));
    }

    @Override
    public Optional<ResourceUsage> observe(String taskId) {
        Optional<TaskCgroup> group = cgroups.find(taskId);
        if (group.isEmpty()) {
            return Optional.empty();
        }
        CgroupUsage first = group.get().readUsage();
        if (observeWindow.isZero()) {
            return first.present()
                    ? Optional.of(
                            ResourceUsage.newBuilder()
                                    .setMemoryBytes(first.memoryBytes())
                                    .setPids(first.pids())
                                    .build())
                    : Optional.empty();
        }
        try {
            Thread.sleep(observeWindow.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        CgroupUsage second = group.get().readUsage();
        if (!first.present() || !second.present()) {
            return Optional.empty();
        }
        return Optional.of(
                ResourceUsage.newBuilder()
                        .setCpuCores(cores(first, second))
                        .setMemoryBytes(second.memoryBytes())
                        .setPids(second.pids())
                        .build());
    }

    /** Average cores between two readings; null when not measurable. */
    static Double cores(CgroupUsage first, CgroupUsage second) {
        if (first.cpuUsageNanos() == null || second.cpuUsageNanos() == null) {
            return null;
        }
        long elapsed = Duration.between(first.timestamp(), second.timestamp()).toNanos();
        long used = second.cpuUsageNanos() - first.cpuUsageNanos();
        return elapsed <= 0 || used < 0 ? null : (double) used / elapsed;
    }

    static ResourceLimits toLimits(ResourceLimitsReading reading, ControlsReading controls) {
        return ResourceLimits.newBuilder()
                .setCpuCores(reading.cpuCores())
                .setMemoryBytes(reading.memoryBytes())
                .setPidsMax(reading.pidsMax())
                .setDiskReadBps(controls.disk().readBps())
                .setDiskWriteBps(controls.disk().writeBps())
                .build();
    }
}

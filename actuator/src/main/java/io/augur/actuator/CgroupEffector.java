package io.augur.actuator;

import io.augur.cgroup.CgroupUnavailableException;
import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.GroupVanishedException;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Enforces allocations with the task groups of one node: CPU quota, memory limit and pids max. The
 * task's group must exist (the launcher creates it); the enforcer never creates one, so a decision
 * for an unknown task fails instead of conjuring an empty group.
 */
public final class CgroupEffector implements ResourceEffector {

    private final TaskCgroups cgroups;
    private final Duration observeWindow;

    /**
     * @param observeWindow how long {@link #observe} measures CPU use over
     */
    public CgroupEffector(TaskCgroups cgroups, Duration observeWindow) {
        this.cgroups = cgroups;
        this.observeWindow = observeWindow;
    }

    @Override
    public ResourceLimits apply(String taskId, Allocation allocation) throws EnforcementFailure {
        TaskCgroup group =
                cgroups.find(taskId)
                        .orElseThrow(
                                () ->
                                        new EnforcementFailure(
                                                "task "
                                                        + taskId
                                                        + " has no cgroup under "
                                                        + cgroups.rootName()));
        try {
            group.setCpuCores(allocation.cpuCores());
            group.setMemoryBytes(allocation.memoryBytes());
            if (allocation.pidsMax() != null) {
                group.setPidsMax(allocation.pidsMax());
            }
        } catch (GroupVanishedException e) {
            throw new EnforcementFailure("task " + taskId + "'s cgroup vanished while applying", e);
        } catch (UncheckedIOException | CgroupUnavailableException e) {
            throw new EnforcementFailure(e.getMessage(), e);
        }
        return toLimits(group.readLimits());
    }

    @Override
    public Optional<ResourceLimits> limitsInForce(String taskId) {
        return cgroups.find(taskId).map(g -> toLimits(g.readLimits()));
    }

    @Override
    public Optional<ResourceUsage> observe(String taskId) {
        Optional<TaskCgroup> group = cgroups.find(taskId);
        if (group.isEmpty()) {
            return Optional.empty();
        }
        CgroupUsage first = group.get().readUsage();
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

    static ResourceLimits toLimits(ResourceLimitsReading reading) {
        return ResourceLimits.newBuilder()
                .setCpuCores(reading.cpuCores())
                .setMemoryBytes(reading.memoryBytes())
                .setPidsMax(reading.pidsMax())
                .build();
    }
}

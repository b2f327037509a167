package io.augur.actuator;

import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An effector over a map, for tests: tasks exist once {@link #addTask added}, applies are counted,
 * observed usage is whatever the test sets, and a task can be made to refuse limits.
 */
public final class InMemoryEffector implements ResourceEffector {
    private final Map<String, ResourceLimits> limits = new HashMap<>();
    private final Map<String, Integer> applies = new HashMap<>();
    private final Map<String, ResourceUsage> usage = new HashMap<>();
    private final Map<String, String> refusals = new HashMap<>();

    public synchronized InMemoryEffector addTask(String taskId) {
        limits.putIfAbsent(taskId, ResourceLimits.newBuilder().build());
        return this;
    }

    public synchronized void setUsage(String taskId, ResourceUsage observed) {
        usage.put(taskId, observed);
    }

    /** Every later apply to the task fails with {@code reason}. */
    public synchronized void refuse(String taskId, String reason) {
        refusals.put(taskId, reason);
    }

    public synchronized int applyCount(String taskId) {
        return applies.getOrDefault(taskId, 0);
    }

    @Override
    public synchronized ResourceLimits apply(String taskId, Allocation allocation)
            throws EnforcementFailure {
        if (!limits.containsKey(taskId)) {
            throw new EnforcementFailure("task " + taskId + " has no cgroup");
        }
        if (refusals.containsKey(taskId)) {
            throw new EnforcementFailure(refusals.get(taskId));
        }
        ResourceLimits applied =
                ResourceLimits.newBuilder()
                        .setCpuCores(allocation.cpuCores())
                        .setMemoryBytes(allocation.memoryBytes())
                        .setPidsMax(
                                allocation.pidsMax() != null
                                        ? allocation.pidsMax()
                                        : limits.get(taskId).getPidsMax())
                        .build();
        limits.put(taskId, applied);
        applies.merge(taskId, 1, Integer::sum);
        return applied;
    }

    @Override
    public synchronized Optional<ResourceLimits> limitsInForce(String taskId) {
        return Optional.ofNullable(limits.get(taskId));
    }

    @Override
    public synchronized Optional<ResourceUsage> observe(String taskId) {
        if (!limits.containsKey(taskId)) {
            return Optional.empty();
        }
        return Optional.of(usage.getOrDefault(taskId, ResourceUsage.newBuilder().build()));
    }
}

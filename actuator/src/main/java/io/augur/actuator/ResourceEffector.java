package io.augur.actuator;

import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.util.Optional;

/**
 * Where decisions touch the node. Real: {@link CgroupEffector}; tests: {@link InMemoryEffector}.
 */
public interface ResourceEffector {

    /**
     * Puts the allocation on the task's group (idempotent: applying the same allocation twice
     * leaves the same limits) and returns the limits read back.
     *
     * @throws EnforcementFailure when the task has no group or the node refuses a limit
     */
    ResourceLimits apply(String taskId, Allocation allocation) throws EnforcementFailure;

    /** Limits in force on the task now, empty when it has no group. */
    Optional<ResourceLimits> limitsInForce(String taskId);

    /** The task's usage over a short recent interval, empty when it has no group. */
    Optional<ResourceUsage> observe(String taskId);
}

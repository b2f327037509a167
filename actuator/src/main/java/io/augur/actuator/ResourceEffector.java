package io.augur.actuator;

import io.augur.schema.EnforcedControls;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.util.List;
import java.util.Optional;

/**
 * Where decisions touch the node. Real: {@link CgroupEffector}; tests: {@link InMemoryEffector}.
 * Every operation is idempotent: doing it twice leaves the task as doing it once.
 */
public interface ResourceEffector {

    /**
     * Puts the allocation on the task's group and returns the limits read back.
     *
     * @throws EnforcementFailure when the task has no group or the node refuses a limit
     */
    ResourceLimits apply(String taskId, Allocation allocation) throws EnforcementFailure;

    /**
     * Freezes every process of the task in place (quarantine) and returns once they are frozen.
     *
     * @throws EnforcementFailure when the task has no group, the node has no freezer, or the group
     *     does not freeze in time
     */
    void freeze(String taskId) throws EnforcementFailure;

    /** Thaws the task's processes (release from quarantine). */
    void thaw(String taskId) throws EnforcementFailure;

    /**
     * Kills every process of the task (its split groups included), robust against fork races, and
     * returns once its group is empty. The (empty) group stays.
     *
     * @throws EnforcementFailure when the task has no group or processes survive
     */
    void terminate(String taskId) throws EnforcementFailure;

    /**
     * Moves {@code pid} and its descendants into the task's child group {@code split-PID} with the
     * allocation's limits; the rest of the task keeps running under its current limits.
     *
     * @return the split group's name
     * @throws EnforcementFailure when {@code pid} is not a process of the task, or a limit is
     *     refused
     */
    String split(String taskId, long pid, Allocation allocation) throws EnforcementFailure;

    /** The processes in the task's split group {@code group} now (empty when there is none). */
    List<Long> splitPids(String taskId, String group);

    /** Limits in force on the task now, empty when it has no group. */
    Optional<ResourceLimits> limitsInForce(String taskId);

    /**
     * Controls in force beyond the limits (the state field is left ACTIVE: the enforcer knows the
     * state), empty when the task has no group.
     */
    Optional<EnforcedControls> controlsInForce(String taskId);

    /** The task's usage over a short recent interval, empty when it has no group. */
    Optional<ResourceUsage> observe(String taskId);
}

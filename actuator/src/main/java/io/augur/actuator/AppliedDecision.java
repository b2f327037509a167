package io.augur.actuator;

import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;

/**
 * A decision this node applied, with where it was read from and what it left the task in, as the
 * journal keeps it.
 *
 * @param taskId the task
 * @param sequence the decision's sequence
 * @param partition partition of augur.decisions it was read from
 * @param offset its offset there
 * @param state what the task is in after it (a restart re-asserts QUARANTINED and TERMINATED)
 * @param trustLevel the decision's trust level; null in entries journalled before it was kept
 */
public record AppliedDecision(
        String taskId,
        long sequence,
        int partition,
        long offset,
        TaskEnforcementState state,
        TrustLevel trustLevel) {

    public AppliedDecision {
        state = state == null ? TaskEnforcementState.ACTIVE : state;
    }

    /** An ACTIVE task of unknown trust level. */
    public AppliedDecision(String taskId, long sequence, int partition, long offset) {
        this(taskId, sequence, partition, offset, TaskEnforcementState.ACTIVE, null);
    }
}

package io.augur.actuator;

import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;
import java.util.List;

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
 * @param networkRestriction the decisions' allow-list in force on the task's network after it
 *     (destinations as written, {@code A.B.C.D[/N][:PORT]}; a restart re-asserts it), or null for
 *     none (the launch allow-list alone)
 */
public record AppliedDecision(
        String taskId,
        long sequence,
        int partition,
        long offset,
        TaskEnforcementState state,
        TrustLevel trustLevel,
        List<String> networkRestriction) {

    public AppliedDecision {
        state = state == null ? TaskEnforcementState.ACTIVE : state;
        networkRestriction = networkRestriction == null ? null : List.copyOf(networkRestriction);
    }

    /** Without a network restriction. */
    public AppliedDecision(
            String taskId,
            long sequence,
            int partition,
            long offset,
            TaskEnforcementState state,
            TrustLevel trustLevel) {
        this(taskId, sequence, partition, offset, state, trustLevel, null);
    }

    /** An ACTIVE task of unknown trust level. */
    public AppliedDecision(String taskId, long sequence, int partition, long offset) {
        this(taskId, sequence, partition, offset, TaskEnforcementState.ACTIVE, null);
    }
}

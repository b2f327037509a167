package io.augur.functions.allocation;

import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import java.util.ArrayList;
import java.util.List;

/**
 * What the allocator decides for a task: the action, the trust level, the allocation, the sandbox
 * profile and how often to monitor, with the reasons (inputs and thresholds) that led to it.
 *
 * @param action enforcement action
 * @param trustLevel trust level the task is placed in
 * @param allocation the allocation
 * @param sandboxProfile name of the sandbox profile
 * @param monitoringIntervalMs how often the collector should sample the task
 * @param reasons human-readable reasons, in the order they were applied
 */
public record Proposal(
        EnforcementAction action,
        TrustLevel trustLevel,
        Allocation allocation,
        String sandboxProfile,
        long monitoringIntervalMs,
        List<String> reasons) {

    public Proposal {
        reasons = List.copyOf(reasons);
    }

    /** The same proposal with another allocation and more reasons (e.g. after capping). */
    public Proposal withAllocation(Allocation capped, List<String> moreReasons) {
        List<String> all = new ArrayList<>(reasons);
        all.addAll(moreReasons);
        return new Proposal(action, trustLevel, capped, sandboxProfile, monitoringIntervalMs, all);
    }
}

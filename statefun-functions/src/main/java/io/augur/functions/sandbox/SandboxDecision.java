package io.augur.functions.sandbox;

import io.augur.functions.allocation.Allocation;
import io.augur.schema.EnforcementAction;
import io.augur.schema.SecurityEventType;
import io.augur.schema.TrustLevel;
import java.util.List;

/**
 * What one sequence anomaly makes TaskFn decide for a task.
 *
 * @param action the decision's action (THROTTLE/ALLOCATE/RESTRICT keep the task running, SPLIT
 *     moves one process out, QUARANTINE freezes the task)
 * @param trustLevel the decision's trust level
 * @param allocation the task's own allocation (what its node's pool grants it); for SPLIT the
 *     task's unchanged current allocation
 * @param networkBandwidthBps shaping both ways when the network stays on; null = not shaped
 * @param sandboxProfile the sandbox profile the decision names
 * @param monitoringIntervalMs how often the collector samples the task
 * @param splitPid SPLIT: the process moved into {@code split-<pid>}; null otherwise
 * @param splitLimits SPLIT: the split group's limits (the decision's cpu / memory); null otherwise
 * @param pidsMax SPLIT: the split group's process limit; null otherwise
 * @param securityEvents the security events that go with the decision
 * @param reasons why, in order
 */
public record SandboxDecision(
        EnforcementAction action,
        TrustLevel trustLevel,
        Allocation allocation,
        Long networkBandwidthBps,
        String sandboxProfile,
        long monitoringIntervalMs,
        Long splitPid,
        Allocation splitLimits,
        Long pidsMax,
        List<SecurityEventType> securityEvents,
        List<String> reasons) {

    public SandboxDecision {
        securityEvents = List.copyOf(securityEvents);
        reasons = List.copyOf(reasons);
        if ((action == EnforcementAction.SPLIT) != (splitPid != null && splitLimits != null)) {
            throw new IllegalArgumentException("SPLIT and only SPLIT carries a pid and limits");
        }
    }
}

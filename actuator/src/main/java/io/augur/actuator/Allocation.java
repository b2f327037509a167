package io.augur.actuator;

import io.augur.schema.EnforcementDecision;

/**
 * The limits one decision asks the node to put on a task.
 *
 * @param cpuCores CPU quota in cores
 * @param memoryBytes memory limit
 * @param pidsMax process limit, or null to leave it as it is
 */
public record Allocation(double cpuCores, long memoryBytes, Long pidsMax) {

    public static Allocation of(EnforcementDecision d) {
        return new Allocation(d.getCpuCores(), d.getMemoryBytes(), d.getPidsMax());
    }
}

package io.augur.actuator;

import io.augur.schema.EnforcementDecision;

/**
 * The limits one decision asks the node to put on a task (or, for SPLIT, on its split group). A
 * null optional control is left as it is, except disk throttles: null there means "not throttled".
 *
 * @param cpuCores CPU quota in cores
 * @param memoryBytes memory limit
 * @param pidsMax process limit, or null to leave it as it is
 * @param cpusetCpus CPUs the task may run on, or null to leave them as they are
 * @param diskReadBps read bytes per second on every disk, null = not throttled
 * @param diskWriteBps written bytes per second on every disk, null = not throttled
 * @param diskReadIops read operations per second, null = not throttled
 * @param diskWriteIops write operations per second, null = not throttled
 * @param memorySwapBytes swap beyond the memory limit, or null to leave it as it is
 */
public record Allocation(
        double cpuCores,
        long memoryBytes,
        Long pidsMax,
        String cpusetCpus,
        Long diskReadBps,
        Long diskWriteBps,
        Long diskReadIops,
        Long diskWriteIops,
        Long memorySwapBytes) {

    /** Cpu, memory and pids only. */
    public Allocation(double cpuCores, long memoryBytes, Long pidsMax) {
        this(cpuCores, memoryBytes, pidsMax, null, null, null, null, null, null);
    }

    public static Allocation of(EnforcementDecision d) {
        return new Allocation(
                d.getCpuCores(),
                d.getMemoryBytes(),
                d.getPidsMax(),
                d.getCpusetCpus(),
                d.getDiskReadBps(),
                d.getDiskWriteBps(),
                d.getDiskReadIops(),
                d.getDiskWriteIops(),
                d.getMemorySwapBytes());
    }

    /** Whether any disk throttle is asked for. */
    public boolean throttlesDisk() {
        return diskReadBps != null
                || diskWriteBps != null
                || diskReadIops != null
                || diskWriteIops != null;
    }
}

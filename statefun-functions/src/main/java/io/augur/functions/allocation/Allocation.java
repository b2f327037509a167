package io.augur.functions.allocation;

/**
 * What a task is allowed: a CPU quota in cores, a memory limit and whether it may use the network.
 *
 * @param cpuCores CPU quota in cores (quota / period)
 * @param memoryBytes memory limit in bytes
 * @param networkEnabled whether the task may use the network
 */
public record Allocation(double cpuCores, long memoryBytes, boolean networkEnabled) {

    public static final long MIB = 1L << 20;

    public Allocation {
        if (!(cpuCores >= 0) || Double.isInfinite(cpuCores)) {
            throw new IllegalArgumentException("cpuCores must be finite and >= 0: " + cpuCores);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must be >= 0: " + memoryBytes);
        }
    }

    public Allocation withCpu(double cores) {
        return new Allocation(cores, memoryBytes, networkEnabled);
    }

    public Allocation withMemory(long bytes) {
        return new Allocation(cpuCores, bytes, networkEnabled);
    }

    /** The resources this allocation takes from its node's pool. */
    public NodeResources resources() {
        return new NodeResources(cpuCores, memoryBytes);
    }
}

package io.augur.functions.allocation;

/**
 * An amount of a node's poolable resources: CPU cores and memory bytes. Used for a node's capacity,
 * for what it has granted and for what is still available to a task.
 *
 * @param cpuCores cores
 * @param memoryBytes bytes
 */
public record NodeResources(double cpuCores, long memoryBytes) {

    public static final NodeResources NONE = new NodeResources(0, 0);

    public NodeResources {
        if (!(cpuCores >= 0) || Double.isInfinite(cpuCores)) {
            throw new IllegalArgumentException("cpuCores must be finite and >= 0: " + cpuCores);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must be >= 0: " + memoryBytes);
        }
    }
}

package io.augur.actuator;

import java.lang.management.ManagementFactory;

/**
 * What one node can give a single task: decisions beyond these bounds are rejected.
 *
 * @param cpuCores cores of the node
 * @param memoryBytes physical memory of the node
 */
public record NodeBounds(double cpuCores, long memoryBytes) {

    public NodeBounds {
        if (!(cpuCores > 0) || memoryBytes <= 0) {
            throw new IllegalArgumentException(
                    "node bounds must be positive: " + cpuCores + " cores, " + memoryBytes + " B");
        }
    }

    /** This machine's cores and physical memory. */
    public static NodeBounds ofThisMachine() {
        long memory =
                ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize();
        return new NodeBounds(Runtime.getRuntime().availableProcessors(), memory);
    }
}

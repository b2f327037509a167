package io.augur.cgroup;

/**
 * The limits in force on one task group, read back from the kernel. A null field means the control
 * is unset (unlimited) or not available on this node.
 *
 * @param cpuCores CPU quota in cores (quota / period)
 * @param memoryBytes memory limit in bytes, as the kernel rounded it (to pages)
 * @param pidsMax most processes and threads the group may hold
 */
public record ResourceLimitsReading(Double cpuCores, Long memoryBytes, Long pidsMax) {
    /** Nothing set. */
    public static final ResourceLimitsReading NONE = new ResourceLimitsReading(null, null, null);
}

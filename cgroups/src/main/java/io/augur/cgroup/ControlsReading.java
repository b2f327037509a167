package io.augur.cgroup;

/**
 * The controls beyond cpu quota, memory and pids in force on a group, read back from the kernel. A
 * null field means the control is unset or not available on this node.
 *
 * @param frozen whether the kernel reports the group frozen (null: no freezer)
 * @param cpusetCpus the CPUs the group may run on, as the kernel lists them ({@code 0-1})
 * @param disk disk throttling; per field the lowest rule over the node's disks
 * @param memorySwapBytes swap the group may use beyond its memory limit (v1: memsw - memory)
 * @param swapAccounted whether the node accounts swap per group (v1 {@code
 *     memory.memsw.limit_in_bytes}, v2 {@code memory.swap.max} exist); when false, swap limits are
 *     skipped
 */
public record ControlsReading(
        Boolean frozen,
        String cpusetCpus,
        DiskLimits disk,
        Long memorySwapBytes,
        boolean swapAccounted) {
    /** Nothing known (the group vanished). */
    public static final ControlsReading NONE =
            new ControlsReading(null, null, DiskLimits.NONE, null, false);
}

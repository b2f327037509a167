package io.augur.actuator;

import io.augur.actuator.net.Destinations;
import io.augur.cgroup.TaskIds;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import java.util.Optional;

/**
 * Decides whether a decision can be enforced on this node at all: a task id that is safe as a group
 * name, a known action, and limits within the node's bounds (cpu in (0, node cores], memory in [16
 * MiB, node memory], pids max in [1, {@value #MAX_PIDS}], a cpuset of this node's CPUs, disk
 * bandwidth in [{@value #MIN_DISK_BPS}, {@value #MAX_DISK_BPS}] B/s, IOPS in [1, {@value
 * #MAX_DISK_IOPS}], swap in [0, node memory], a positive {@code splitPid} on SPLIT, and at most
 * {@value #MAX_ALLOW_LIST} allow-list entries in the launcher's {@code A.B.C.D[/N][:PORT]} syntax).
 * Whether the split pid belongs to the task is checked when applying (the process table changes).
 * Pure.
 */
public final class DecisionValidator {

    /** Entries of a decision's allow-list (each is one nftables rule per hook). */
    public static final int MAX_ALLOW_LIST = 256;

    /** Below this a task cannot even start a shell; such a limit is a bug upstream. */
    public static final long MIN_MEMORY_BYTES = 16L << 20;

    /** The kernel's own ceiling on pids (PID_MAX_LIMIT on 64-bit). */
    public static final long MAX_PIDS = 4_194_304L;

    /** Below 64 KiB/s a task cannot make progress; such a throttle is a bug upstream. */
    public static final long MIN_DISK_BPS = 64L << 10;

    /** 100 GiB/s: beyond any disk a node has; a larger value is a unit mistake. */
    public static final long MAX_DISK_BPS = 100L << 30;

    /** Below 8 KiB/s a shaped task cannot even finish a TCP handshake in reasonable time. */
    public static final long MIN_NETWORK_BPS = 8L << 10;

    /** 100 GiB/s: beyond any link a node has; a larger value is a unit mistake. */
    public static final long MAX_NETWORK_BPS = 100L << 30;

    /** Beyond the fastest NVMe drives. */
    public static final long MAX_DISK_IOPS = 10_000_000L;

    private static final java.util.regex.Pattern CPU_LIST =
            java.util.regex.Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?){0,63}");

    private final NodeBounds bounds;

    public DecisionValidator(NodeBounds bounds) {
        this.bounds = bounds;
    }

    /**
     * Why the decision must be rejected, or empty when it is enforceable. The decision functions
     * read the cpuCores / memoryBytes messages below to correct a decision down to this node's
     * bounds (statefun-functions {@code feedback.AckPolicy}): keep their wording, or change both.
     */
    public Optional<String> rejection(EnforcementDecision d) {
        if (!TaskIds.isValid(d.getTaskId())) {
            return Optional.of(TaskIds.problem(d.getTaskId()));
        }
        if (d.getAction() == null) {
            return Optional.of("decision has no action");
        }
        if (d.getSequence() < 0) {
            return Optional.of("sequence " + d.getSequence() + " is negative");
        }
        double cpu = d.getCpuCores();
        if (!(cpu > 0) || cpu > bounds.cpuCores()) {
            return Optional.of(
                    "cpuCores " + cpu + " is outside (0, " + bounds.cpuCores() + "] of this node");
        }
        long memory = d.getMemoryBytes();
        if (memory < MIN_MEMORY_BYTES || memory > bounds.memoryBytes()) {
            return Optional.of(
                    "memoryBytes "
                            + memory
                            + " is outside ["
                            + MIN_MEMORY_BYTES
                            + ", "
                            + bounds.memoryBytes()
                            + "] of this node");
        }
        if (d.getPidsMax() != null && (d.getPidsMax() <= 0 || d.getPidsMax() > MAX_PIDS)) {
            return Optional.of("pidsMax " + d.getPidsMax() + " is outside [1, " + MAX_PIDS + "]");
        }
        if (d.getCpusetCpus() != null) {
            Optional<String> cpuset = cpusetProblem(d.getCpusetCpus());
            if (cpuset.isPresent()) {
                return cpuset;
            }
        }
        for (Object[] f :
                new Object[][] {
                    {
                        "networkBandwidthBps",
                        d.getNetworkBandwidthBps(),
                        MIN_NETWORK_BPS,
                        MAX_NETWORK_BPS
                    },
                    {"diskReadBps", d.getDiskReadBps(), MIN_DISK_BPS, MAX_DISK_BPS},
                    {"diskWriteBps", d.getDiskWriteBps(), MIN_DISK_BPS, MAX_DISK_BPS},
                    {"diskReadIops", d.getDiskReadIops(), 1L, MAX_DISK_IOPS},
                    {"diskWriteIops", d.getDiskWriteIops(), 1L, MAX_DISK_IOPS},
                    {"memorySwapBytes", d.getMemorySwapBytes(), 0L, bounds.memoryBytes()}
                }) {
            Long v = (Long) f[1];
            if (v != null && (v < (Long) f[2] || v > (Long) f[3])) {
                return Optional.of(f[0] + " " + v + " is outside [" + f[2] + ", " + f[3] + "]");
            }
        }
        if (d.getAction() == EnforcementAction.SPLIT
                && (d.getSplitPid() == null || d.getSplitPid() <= 1)) {
            return Optional.of("SPLIT needs a splitPid above 1, got " + d.getSplitPid());
        }
        if (d.getNetworkAllowList() != null) {
            if (d.getNetworkAllowList().size() > MAX_ALLOW_LIST) {
                return Optional.of(
                        "networkAllowList has "
                                + d.getNetworkAllowList().size()
                                + " entries, at most "
                                + MAX_ALLOW_LIST);
            }
            try {
                Destinations.parse(d.getNetworkAllowList());
            } catch (IllegalArgumentException e) {
                return Optional.of("networkAllowList: " + TaskIds.printable(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** Why a cpuset list is not made of this node's CPUs (0 .. cores - 1), if it is not. */
    private Optional<String> cpusetProblem(String cpus) {
        if (!CPU_LIST.matcher(cpus).matches()) {
            return Optional.of(
                    "cpusetCpus '" + TaskIds.printable(cpus) + "' is not a CPU list like 0-1,3");
        }
        int cpuCount = (int) Math.ceil(bounds.cpuCores());
        for (String range : cpus.split(",")) {
            String[] ends = range.split("-");
            int first = Integer.parseInt(ends[0]);
            int last = Integer.parseInt(ends[ends.length - 1]);
            if (first > last || last >= cpuCount) {
                return Optional.of(
                        "cpusetCpus '"
                                + cpus
                                + "' names CPUs outside this node's 0-"
                                + (cpuCount - 1));
            }
        }
        return Optional.empty();
    }
}

package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.collector.proc.ProcessActivity;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceSample;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns two readings of a task into one {@link ResourceSample}: CPU cores = Δ usage / Δ time,
 * counters (disk, throttling, failures, OOM kills, /proc I/O, network) = Δ, memory, pids and
 * descriptors = the values at the end. Network comes only from the task's own namespace ({@link
 * ProcessActivity}); a host-wide number is never reported as a task's. Pure.
 */
public final class SampleBuilder {
    /** How many processes a sample lists by default. */
    public static final int DEFAULT_TOP_PROCESSES = 5;

    private final String nodeId;
    private final long ticksPerSecond;
    private final int topProcesses;

    /**
     * @param nodeId this node
     * @param ticksPerSecond the kernel's clock ticks per second (process CPU times are in ticks)
     * @param topProcesses how many of a task's busiest processes each sample lists
     */
    public SampleBuilder(String nodeId, long ticksPerSecond, int topProcesses) {
        if (ticksPerSecond <= 0 || topProcesses < 0) {
            throw new IllegalArgumentException(
                    "ticks per second must be positive and top processes not negative");
        }
        this.nodeId = nodeId;
        this.ticksPerSecond = ticksPerSecond;
        this.topProcesses = topProcesses;
    }

    /** With 100 ticks per second (Linux's USER_HZ) and {@link #DEFAULT_TOP_PROCESSES}. */
    public SampleBuilder(String nodeId) {
        this(nodeId, 100, DEFAULT_TOP_PROCESSES);
    }

    /**
     * The sample for the interval between {@code previous} and {@code current}; empty when either
     * reading is absent (the group vanished) or no time passed.
     */
    public Optional<ResourceSample> build(
            String taskId, TaskInfo info, TaskReading before, TaskReading after) {
        CgroupUsage previous = before.usage();
        CgroupUsage current = after.usage();
        if (!previous.present() || !current.present()) {
            return Optional.empty();
        }
        long elapsedNanos = Duration.between(previous.timestamp(), current.timestamp()).toNanos();
        if (elapsedNanos <= 0) {
            return Optional.empty();
        }
        Long cpuNanos = delta(previous.cpuUsageNanos(), current.cpuUsageNanos());
        Long throttledNanos = delta(previous.cpuThrottledNanos(), current.cpuThrottledNanos());
        ProcessActivity activity =
                ProcessActivity.between(
                        before.processes(),
                        after.processes(),
                        elapsedNanos,
                        ticksPerSecond,
                        topProcesses);
        return Optional.of(
                ResourceSample.newBuilder()
                        .setTaskId(taskId)
                        .setUserId(info.userId())
                        .setNodeId(nodeId)
                        .setRole(info.role())
                        .setTimestamp(current.timestamp())
                        .setIntervalMs(Duration.ofNanos(elapsedNanos).toMillis())
                        .setCpuCores(cpuNanos == null ? null : (double) cpuNanos / elapsedNanos)
                        .setMemoryBytes(current.memoryBytes())
                        .setDiskReadBytes(delta(previous.diskReadBytes(), current.diskReadBytes()))
                        .setDiskWriteBytes(
                                delta(previous.diskWriteBytes(), current.diskWriteBytes()))
                        .setNetRxBytes(activity.netRxBytes())
                        .setNetTxBytes(activity.netTxBytes())
                        .setPids(current.pids())
                        .setLimits(limits(after.limits()))
                        .setCpuThrottledSeconds(
                                throttledNanos == null ? null : throttledNanos / 1e9)
                        .setMemoryRssBytes(current.memoryRssBytes())
                        .setMemoryCacheBytes(current.memoryCacheBytes())
                        .setMemoryFailcnt(delta(previous.memoryFailcnt(), current.memoryFailcnt()))
                        .setOomKills(delta(previous.oomKills(), current.oomKills()))
                        .setDiskReadOps(delta(previous.diskReadOps(), current.diskReadOps()))
                        .setDiskWriteOps(delta(previous.diskWriteOps(), current.diskWriteOps()))
                        .setNetRxPackets(activity.netRxPackets())
                        .setNetTxPackets(activity.netTxPackets())
                        .setOpenFds(activity.openFds())
                        .setIoReadChars(activity.readChars())
                        .setIoWriteChars(activity.writeChars())
                        .setIoReadCalls(activity.readCalls())
                        .setIoWriteCalls(activity.writeCalls())
                        .setProcesses(activity.busiest())
                        .build());
    }

    /** A counter that went backwards was reset (group re-created): unknown, not negative. */
    private static Long delta(Long before, Long after) {
        if (before == null || after == null || after < before) {
            return null;
        }
        return after - before;
    }

    static ResourceLimits limits(ResourceLimitsReading reading) {
        return ResourceLimits.newBuilder()
                .setCpuCores(reading.cpuCores())
                .setMemoryBytes(reading.memoryBytes())
                .setPidsMax(reading.pidsMax())
                .build();
    }
}

package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceSample;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns two readings of a task's group into one {@link ResourceSample}: CPU cores = Δ usage / Δ
 * time, disk bytes = Δ, memory and pids = the current values. Network stays null: tasks have no
 * network namespace yet and a host-wide number must never be reported as a task's. Pure.
 */
public final class SampleBuilder {
    private final String nodeId;

    public SampleBuilder(String nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * The sample for the interval between {@code previous} and {@code current}; empty when either
     * reading is absent (the group vanished) or no time passed.
     */
    public Optional<ResourceSample> build(
            String taskId,
            TaskInfo info,
            CgroupUsage previous,
            CgroupUsage current,
            ResourceLimitsReading limits) {
        if (!previous.present() || !current.present()) {
            return Optional.empty();
        }
        long elapsedNanos = Duration.between(previous.timestamp(), current.timestamp()).toNanos();
        if (elapsedNanos <= 0) {
            return Optional.empty();
        }
        Long cpuNanos = delta(previous.cpuUsageNanos(), current.cpuUsageNanos());
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
                        .setNetRxBytes(null)
                        .setNetTxBytes(null)
                        .setPids(current.pids())
                        .setLimits(limits(limits))
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

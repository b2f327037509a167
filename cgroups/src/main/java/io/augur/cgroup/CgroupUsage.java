package io.augur.cgroup;

import java.time.Instant;

/**
 * One reading of a task group's counters. CPU and disk are cumulative since the group was created
 * (a sampler turns two readings into rates); memory and pids are current values. A null field is a
 * counter this node does not offer. A reading of a group that vanished while it was read is {@link
 * #absent(String, Instant) absent}: all counters null, never half a reading.
 *
 * @param taskId the task
 * @param timestamp when it was read (from the injected clock)
 * @param present false when the group vanished during the read
 * @param cpuUsageNanos cumulative CPU time of the group, nanoseconds
 * @param memoryBytes memory charged to the group (v1 usage_in_bytes, v2 memory.current)
 * @param memoryRssBytes anonymous memory (v1 rss, v2 anon)
 * @param memoryCacheBytes page cache (v1 cache, v2 file)
 * @param diskReadBytes cumulative bytes read from block devices
 * @param diskWriteBytes cumulative bytes written to block devices
 * @param pids processes and threads in the group now
 * @param cpuThrottledNanos cumulative time the group was throttled by its CPU quota (v1 cpu.stat
 *     throttled_time, v2 throttled_usec)
 * @param memoryFailcnt cumulative times the memory limit was hit (v1 memory.failcnt, v2
 *     memory.events max)
 * @param oomKills cumulative processes killed by the OOM killer in the group (v1 memory.oom_control
 *     oom_kill, v2 memory.events oom_kill)
 * @param diskReadOps cumulative read requests to block devices
 * @param diskWriteOps cumulative write requests to block devices
 */
public record CgroupUsage(
        String taskId,
        Instant timestamp,
        boolean present,
        Long cpuUsageNanos,
        Long memoryBytes,
        Long memoryRssBytes,
        Long memoryCacheBytes,
        Long diskReadBytes,
        Long diskWriteBytes,
        Long pids,
        Long cpuThrottledNanos,
        Long memoryFailcnt,
        Long oomKills,
        Long diskReadOps,
        Long diskWriteOps) {

    public static CgroupUsage absent(String taskId, Instant timestamp) {
        return new CgroupUsage(
                taskId, timestamp, false, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }
}

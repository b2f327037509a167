package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.collector.proc.TaskProcesses;

/**
 * One task group's counters, the limits in force and its processes, read together.
 *
 * @param usage the group's counters
 * @param limits the limits in force
 * @param processes its processes and own network namespace ({@link TaskProcesses#NONE} when not
 *     read)
 */
public record TaskReading(
        CgroupUsage usage, ResourceLimitsReading limits, TaskProcesses processes) {

    /** A reading without processes. */
    public TaskReading(CgroupUsage usage, ResourceLimitsReading limits) {
        this(usage, limits, TaskProcesses.NONE);
    }
}

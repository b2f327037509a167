package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;

/**
 * One task group's counters and the limits in force, read together.
 *
 * @param usage the counters
 * @param limits the limits in force
 */
public record TaskReading(CgroupUsage usage, ResourceLimitsReading limits) {}

package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.proc.ProcessTable;
import io.augur.collector.proc.TaskProcesses;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the collector reads task groups from. Real: {@link #of(TaskCgroups, ProcessTable)}. Called
 * from one thread.
 */
public interface UsageSource {

    /** Tasks present now. */
    List<String> taskIds();

    /** A task's reading, empty when its group is gone. */
    Optional<TaskReading> read(String taskId);

    /**
     * Reads the task groups under a managed root, and each group's processes from {@code /proc}
     * (after the group's counters: a process that joins in between is counted from the next round);
     * with {@code processes} null, the groups only (the collector's {@code --proc-stats off}).
     */
    static UsageSource of(TaskCgroups cgroups, ProcessTable processes) {
        return new UsageSource() {
            // The groups of the tasks present, kept between rounds: a group's paths are
            // resolved once, and a present task's group needs no existence check.
            private final Map<String, TaskCgroup> groups = new HashMap<>();

            @Override
            public List<String> taskIds() {
                List<String> ids = cgroups.taskIds();
                groups.keySet().retainAll(new HashSet<>(ids));
                return ids;
            }

            @Override
            public Optional<TaskReading> read(String taskId) {
                TaskCgroup group = groups.get(taskId);
                if (group == null) {
                    Optional<TaskCgroup> found = cgroups.find(taskId);
                    if (found.isEmpty()) {
                        return Optional.empty();
                    }
                    group = found.get();
                    groups.put(taskId, group);
                }
                // Limits before counters: a group that vanishes in between reads as absent
                // (no sample), never as a sample whose limits are missing.
                ResourceLimitsReading limits = group.readLimits();
                CgroupUsage usage = group.readUsage();
                if (!usage.present()) {
                    groups.remove(taskId);
                    return Optional.empty();
                }
                return Optional.of(
                        new TaskReading(
                                usage,
                                limits,
                                processes == null
                                        ? TaskProcesses.NONE
                                        : processes.readTask(group.processes())));
            }
        };
    }
}

package io.augur.collector;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.proc.ProcessTable;
import java.util.List;
import java.util.Optional;

/** Where the collector reads task groups from. Real: {@link #of(TaskCgroups, ProcessTable)}. */
public interface UsageSource {

    /** Tasks present now. */
    List<String> taskIds();

    /** A task's reading, empty when its group is gone. */
    Optional<TaskReading> read(String taskId);

    /**
     * Reads the task groups under a managed root, and each group's processes from {@code /proc}
     * (after the group's counters: a process that joins in between is counted from the next round).
     */
    static UsageSource of(TaskCgroups cgroups, ProcessTable processes) {
        return new UsageSource() {
            @Override
            public List<String> taskIds() {
                return cgroups.taskIds();
            }

            @Override
            public Optional<TaskReading> read(String taskId) {
                Optional<TaskCgroup> group = cgroups.find(taskId);
                if (group.isEmpty()) {
                    return Optional.empty();
                }
                TaskReading reading =
                        new TaskReading(
                                group.get().readUsage(),
                                group.get().readLimits(),
                                processes.readTask(group.get().processes()));
                return reading.usage().present() ? Optional.of(reading) : Optional.empty();
            }
        };
    }
}

package io.augur.collector;

import io.augur.cgroup.TaskCgroups;
import java.util.List;
import java.util.Optional;

/** Where the collector reads task groups from. Real: {@link #of(TaskCgroups)}. */
public interface UsageSource {

    /** Tasks present now. */
    List<String> taskIds();

    /** A task's reading, empty when its group is gone. */
    Optional<TaskReading> read(String taskId);

    /** Reads the task groups under a managed root. */
    static UsageSource of(TaskCgroups cgroups) {
        return new UsageSource() {
            @Override
            public List<String> taskIds() {
                return cgroups.taskIds();
            }

            @Override
            public Optional<TaskReading> read(String taskId) {
                return cgroups.find(taskId)
                        .map(g -> new TaskReading(g.readUsage(), g.readLimits()))
                        .filter(r -> r.usage().present());
            }
        };
    }
}

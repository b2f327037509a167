package io.augur.collector;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.HeldFiles;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.proc.ProcessTable;
import io.augur.collector.proc.TaskProcesses;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        return of(cgroups, processes, HeldFiles.defaultCapacity());
    }

    /**
     * As {@link #of(TaskCgroups, ProcessTable)}, keeping at most {@code heldFiles} of the groups'
     * files open between rounds (0: every read opens its file).
     */
    static UsageSource of(TaskCgroups cgroups, ProcessTable processes, int heldFiles) {
        HeldFiles held = heldFiles == 0 ? null : new HeldFiles(heldFiles);
        return new UsageSource() {
            // The groups of the tasks present, kept between rounds: a group's paths are
            // resolved once, a present task's group needs no existence check, and its files
            // stay open (released when the task is gone, so no removed group stays pinned).
            private final Map<String, TaskCgroup> groups = new HashMap<>();

            @Override
            public List<String> taskIds() {
                List<String> ids = cgroups.taskIds();
                Set<String> present = new HashSet<>(ids);
                for (Iterator<Map.Entry<String, TaskCgroup>> it = groups.entrySet().iterator();
                        it.hasNext(); ) {
                    Map.Entry<String, TaskCgroup> e = it.next();
                    if (!present.contains(e.getKey())) {
                        forget(e.getKey(), e.getValue());
                        it.remove();
                    }
                }
                return ids;
            }

            private void forget(String taskId, TaskCgroup group) {
                group.releaseFiles();
                if (processes != null) {
                    processes.forgetTask(taskId);
                }
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
                    if (held != null) {
                        group.holdFilesIn(held);
                    }
                    groups.put(taskId, group);
                }
                // Limits before counters: a group that vanishes in between reads as absent
                // (no sample), never as a sample whose limits are missing.
                ResourceLimitsReading limits = group.readLimits();
                CgroupUsage usage = group.readUsage();
                if (!usage.present()) {
                    forget(taskId, groups.remove(taskId));
                    return Optional.empty();
                }
                return Optional.of(
                        new TaskReading(
                                usage,
                                limits,
                                processes == null
                                        ? TaskProcesses.NONE
                                        : processes.readTask(taskId, group.processes())));
            }
        };
    }
}

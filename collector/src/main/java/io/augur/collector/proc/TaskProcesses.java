package io.augur.collector.proc;

import java.util.List;

/**
 * A task's processes at one instant and, when they run in a network namespace of their own, that
 * namespace's counters.
 *
 * @param processes every process of the task that could be read (a process that ended mid-read is
 *     left out whole)
 * @param net the task's own namespace's traffic; null when its processes share the node's namespace
 *     (a host-wide number is never a task's) or the counters could not be read
 */
public record TaskProcesses(List<ProcessReading> processes, NetCounters net) {
    /** Nothing read. */
    public static final TaskProcesses NONE = new TaskProcesses(List.of(), null);

    public TaskProcesses {
        processes = List.copyOf(processes);
    }
}

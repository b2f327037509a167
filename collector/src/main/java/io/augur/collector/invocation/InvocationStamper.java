package io.augur.collector.invocation;

import io.augur.collector.TaskDirectory;
import io.augur.collector.TaskInfo;
import io.augur.schema.InvocationEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns captured invocations into {@link InvocationEvent}s: the task's user and role (from
 * augur.tasks), this node, the time of day in the node's zone (the contextual data the sequence
 * model and the policy see), and a per-task sequence.
 *
 * <p>The sequence is monotonic per task, also across restarts of the collector: a task's first
 * invocation seen by this process starts at the clock's epoch milliseconds × 1000, and each further
 * one adds 1. A restart therefore continues above the last sequence unless the task averaged over a
 * million invocations per second since the collector first saw it. Not thread-safe: one thread
 * stamps.
 */
public final class InvocationStamper {
    private final String nodeId;
    private final TaskDirectory directory;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, Long> next = new HashMap<>();

    public InvocationStamper(String nodeId, TaskDirectory directory, Clock clock, ZoneId zone) {
        this.nodeId = nodeId;
        this.directory = directory;
        this.clock = clock;
        this.zone = zone;
    }

    /** Stamps a batch, in its order. */
    public List<InvocationEvent> stamp(List<Invocation> batch) {
        List<InvocationEvent> events = new ArrayList<>(batch.size());
        for (Invocation i : batch) {
            TaskInfo info = directory.infoOf(i.taskId());
            long sequence = next.computeIfAbsent(i.taskId(), t -> clock.millis() * 1000);
            next.put(i.taskId(), sequence + 1);
            Instant at = Instant.ofEpochMilli(i.timestampMillis());
            events.add(
                    InvocationEvent.newBuilder()
                            .setTaskId(i.taskId())
                            .setUserId(info.userId())
                            .setNodeId(nodeId)
                            .setRole(info.role())
                            .setTimestamp(at)
                            .setSequence(sequence)
                            .setKind(i.kind())
                            .setName(i.name())
                            .setArgsDigest(i.argsDigest())
                            .setPid(i.pid())
                            .setThread(i.thread())
                            .setLocalTimeOfDaySeconds(at.atZone(zone).toLocalTime().toSecondOfDay())
                            .build());
        }
        return events;
    }

    /** Forgets the sequences of tasks that are gone (a returning task starts from the clock). */
    public void retain(Collection<String> present) {
        Set<String> keep = new HashSet<>(present);
        next.keySet().retainAll(keep);
    }
}

package io.augur.jobs.pipeline;

import io.augur.schema.TaskEvent;

/**
 * What {@code augur.tasks} said of one task (a Flink POJO, in keyed state): who runs it, and
 * whether and when it ended. The life-cycle event is authoritative for user, role and node; a
 * sample's labels may be stale (the collector labels a task it has not heard of yet as {@code
 * unknown}).
 */
public class TaskRegistration {
    /** {@link #endedAtMs} of a task still running. */
    public static final long RUNNING = Long.MIN_VALUE;

    public String userId;
    public String role;
    public String nodeId;

    /** When the task ended (its ENDED event's timestamp), or {@link #RUNNING}. */
    public long endedAtMs = RUNNING;

    /** Processing time (epoch ms) at which the ENDED event was seen; 0 before. */
    public long endSeenAtMs;

    /** The task ended and its state was cleared: what is left is this tombstone. */
    public boolean closed;

    public TaskRegistration() {}

    static TaskRegistration of(TaskEvent e) {
        TaskRegistration r = new TaskRegistration();
        r.userId = e.getUserId();
        r.role = e.getRole();
        r.nodeId = e.getNodeId();
        return r;
    }
}

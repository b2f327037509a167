package io.augur.jobs.pipeline;

import io.augur.schema.InvocationEvent;

/**
 * One invocation with the task's calls before it (oldest first): what {@code NextCallFn} scores. A
 * Flink POJO.
 */
public class CallToScore {
    public String taskId;
    public String userId;
    public String nodeId;
    public String role;

    /** METHOD or SYSCALL: a model scores only the kind of calls it was trained on. */
    public String kind;

    public long timestampMs;
    public long sequence;
    public String name;
    public Long pid;
    public String[] history = new String[0];

    public CallToScore() {}

    public static CallToScore of(InvocationEvent e, String[] history) {
        CallToScore c = new CallToScore();
        c.taskId = e.getTaskId();
        c.userId = e.getUserId();
        c.nodeId = e.getNodeId();
        c.role = e.getRole();
        c.kind = e.getKind().name();
        c.timestampMs = e.getTimestamp().toEpochMilli();
        c.sequence = e.getSequence();
        c.name = e.getName();
        c.pid = e.getPid();
        c.history = history;
        return c;
    }
}

package io.augur.collector.invocation;

import io.augur.schema.InvocationKind;
import java.util.Objects;

/**
 * One captured invocation, before the collector stamps it with the task's user, role, node,
 * per-task sequence and time of day (see {@code InvocationEvent}). What every capture mechanism
 * (the JVM agent's receiver, the system-call tracer) hands to an {@link InvocationSink}.
 *
 * @param taskId the task the invoking process belongs to
 * @param pid the invoking process, in the node's pid namespace
 * @param thread the invoking thread's name (METHOD) or id (SYSCALL); null when unknown
 * @param kind METHOD or SYSCALL
 * @param name {@code Class#method} or the system call's name
 * @param argsDigest a salted digest of the arguments, never raw values; null when not taken
 * @param timestampMillis when it was invoked, epoch milliseconds
 */
public record Invocation(
        String taskId,
        long pid,
        String thread,
        InvocationKind kind,
        String name,
        String argsDigest,
        long timestampMillis) {

    public Invocation {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}

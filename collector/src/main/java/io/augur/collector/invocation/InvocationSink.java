package io.augur.collector.invocation;

import java.util.List;

/**
 * Where capture mechanisms hand their invocations. Implementations must not block the caller for
 * long: a capture thread that waits loses the events behind it. Within one task, invocations arrive
 * in the order they happened as far as the mechanism knows it (per process and thread).
 */
@FunctionalInterface
public interface InvocationSink {

    /** Takes a batch of invocations (possibly of several tasks), in capture order. */
    void accept(List<Invocation> batch);
}

package io.augur.collector.invocation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Where capture threads leave invocations until the flusher takes them: bounded, never blocking the
 * capture thread for more than a copy. Past the bound the oldest are dropped and counted, so a
 * burst the node cannot ship costs old events, not the capture of new ones. Thread-safe.
 */
public final class InvocationBuffer implements InvocationSink {
    private final int capacity;
    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    private long dropped;

    public InvocationBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void accept(List<Invocation> batch) {
        for (Invocation i : batch) {
            if (queue.size() == capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(i);
        }
    }

    /** Everything held, oldest first; the buffer is empty afterwards. */
    public synchronized List<Invocation> drain() {
        List<Invocation> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }

    /** Invocations dropped because the buffer was full, since start. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized int size() {
        return queue.size();
    }
}

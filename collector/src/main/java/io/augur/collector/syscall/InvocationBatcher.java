package io.augur.collector.syscall;

import io.augur.collector.invocation.Invocation;
import io.augur.collector.invocation.InvocationSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between the threads that read tracers and the {@link InvocationSink}: {@link
 * #offer} never blocks (a full queue drops the call and counts it), and one delivery thread hands
 * the sink batches of at most {@code maxBatch} calls, each sent at the latest {@code linger} after
 * its first call arrived.
 *
 * <p>Why drop rather than wait: a reader that waits stops reading strace's pipe; once the pipe is
 * full strace blocks on its write, and every traced process blocks at its next system call. A slow
 * sink must cost events, never the task's progress.
 */
final class InvocationBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationBatcher.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final InvocationSink sink;
    private final BlockingQueue<Invocation> queue;
    private final int maxBatch;
    private final long lingerNanos;
    private final SyscallCounters counters;
    private final Thread thread;
    private volatile boolean stopping;
    private long lastFailureLog = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;
    private long failuresSinceLog;

    /**
     * @param capacity calls the queue holds before it drops
     * @param maxBatch most calls per {@link InvocationSink#accept} call
     * @param linger longest a call waits for its batch to fill
     */
    InvocationBatcher(
            InvocationSink sink,
            int capacity,
            int maxBatch,
            Duration linger,
            SyscallCounters counters) {
        if (capacity < 1 || maxBatch < 1 || linger.isNegative() || linger.isZero()) {
            throw new IllegalArgumentException(
                    "capacity, maxBatch and linger must be positive: "
                            + capacity
                            + ", "
                            + maxBatch
                            + ", "
                            + linger);
        }
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.lingerNanos = linger.toNanos();
        this.counters = counters;
        this.thread = new Thread(this::run, "syscall-delivery");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a call for the sink, or drops and counts it when the queue is full. */
    void offer(Invocation invocation) {
        if (!queue.offer(invocation)) {
            counters.dropped(1);
        }
    }

    /** Calls waiting for the sink. */
    int queued() {
        return queue.size();
    }

    /** Stops the delivery thread, then hands the sink what is still queued. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Invocation> rest = new ArrayList<>();
        while (queue.drainTo(rest, maxBatch) > 0) {
            deliver(rest);
            rest = new ArrayList<>();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                Invocation first = queue.poll(lingerNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                List<Invocation> batch = new ArrayList<>();
                batch.add(first);
                long deadline = System.nanoTime() + lingerNanos;
                while (batch.size() < maxBatch) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxBatch || left <= 0) {
                        break;
                    }
                    Invocation next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                deliver(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(List<Invocation> batch) {
        try {
            sink.accept(batch);
            counters.delivered(batch.size());
        } catch (RuntimeException e) {
            counters.dropped(batch.size());
            failuresSinceLog++;
            long now = System.nanoTime();
            if (now - lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS) {
                LOG.warn(
                        "the invocation sink failed {} time(s) since the last report; {} calls"
                                + " of this batch dropped",
                        failuresSinceLog,
                        batch.size(),
                        e);
                lastFailureLog = now;
                failuresSinceLog = 0;
            }
        }
    }
}

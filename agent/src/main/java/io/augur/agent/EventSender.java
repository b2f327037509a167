package io.augur.agent;

import io.augur.agent.wire.EventBatch;
import io.augur.agent.wire.FrameWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Drains the ring in batches and writes them to the collector: HELLO once per connection, then
 * EVENTS frames, and a DROPS frame (cumulative) when the drop count changed, at most every {@link
 * #DROPS_EVERY_NANOS}. While the collector is away it does not drain, so the ring keeps the oldest
 * events up to its bound and producers count the rest as dropped; it reconnects with a backoff from
 * {@link #MIN_BACKOFF_NANOS} doubling to {@link #MAX_BACKOFF_NANOS}. A batch whose write failed is
 * counted as dropped (it may or may not have arrived). Runs on one daemon thread ({@link #run});
 * the JVM's shutdown hook calls {@link #stop}, which sends what is left.
 */
public final class EventSender implements Runnable {
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long DROPS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final EventRing ring;
    private final Transport transport;
    private final EventBatch batch;
    private final long pid;
    private final long instance;
    private final String agentVersion;
    private final LongSupplier nanos;

    private OutputStream out;
    private FrameWriter writer;
    private long nextAttempt;
    private long backoff = MIN_BACKOFF_NANOS;
    private long dropsSent;
    private long dropsSentAt;
    private volatile boolean stopping;
    private volatile Thread thread;

    /**
     * @param batchSize most events per EVENTS frame
     * @param pid sent in HELLO: how the collector finds the task
     * @param instance sent in HELLO: this JVM, across reconnections
     * @param nanos monotonic clock ({@link System#nanoTime})
     */
    public EventSender(
            EventRing ring,
            Transport transport,
            int batchSize,
            long pid,
            long instance,
            String agentVersion,
            LongSupplier nanos) {
        this.ring = ring;
        this.transport = transport;
        this.batch = new EventBatch(batchSize);
        this.pid = pid;
        this.instance = instance;
        this.agentVersion = agentVersion;
        this.nanos = nanos;
        this.nextAttempt = nanos.getAsLong();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!stopping) {
            if (!step()) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
        flushAll();
    }

    /**
     * One round: connect when due, send one batch, the drop count when due.
     *
     * @return true when there is more to send at once (a full batch went out)
     */
    boolean step() {
        long now = nanos.getAsLong();
        if (out == null) {
            if (now - nextAttempt < 0) {
                return false;
            }
            connect(now);
            if (out == null) {
                return false;
            }
        }
        try {
            int n = ring.drainTo(batch);
            if (n > 0) {
                writer.writeEvents(batch);
                batch.clear();
            }
            long dropped = ring.dropped();
            if (dropped != dropsSent && now - dropsSentAt >= DROPS_EVERY_NANOS) {
                writer.writeDrops(dropped);
                dropsSent = dropped;
                dropsSentAt = now;
            }
            if (n < batch.capacity()) {
                writer.flush();
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            // A RuntimeException would be a bug of the agent: losing the batch and the connection
            // is better than a dead sender thread, after which every event would be dropped.
            ring.addDropped(batch.size());
            batch.clear();
            disconnect(now);
            return false;
        }
    }

    /** Connected to the collector now. */
    boolean connected() {
        return out != null;
    }

    /**
     * Asks the sending thread to send what the ring holds and stop; waits up to {@code
     * timeoutMillis} (the JVM is exiting: what is not sent by then is lost).
     */
    public void stop(long timeoutMillis) throws InterruptedException {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(timeoutMillis);
        }
    }

    /** The last round at exit: one connection attempt, everything the ring holds, the drops. */
    void flushAll() {
        long now = nanos.getAsLong();
        if (out == null) {
            connect(now);
        }
        if (out == null) {
            return;
        }
        try {
            while (ring.drainTo(batch) > 0) {
                writer.writeEvents(batch);
                batch.clear();
            }
            writer.writeDrops(ring.dropped());
            writer.flush();
        } catch (IOException | RuntimeException e) {
            ring.addDropped(batch.size());
            batch.clear();
        }
        disconnect(now);
    }

    private void connect(long now) {
        try {
            out = transport.connect();
            writer = new FrameWriter(out);
            writer.writeHello(pid, instance, agentVersion);
            backoff = MIN_BACKOFF_NANOS;
            dropsSent = 0;
            dropsSentAt = now - DROPS_EVERY_NANOS;
        } catch (IOException | RuntimeException e) {
            disconnect(now);
        }
    }

    private void disconnect(long now) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // The connection is being abandoned; nothing more to lose.
            }
        }
        out = null;
        writer = null;
        nextAttempt = now + backoff;
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
    }
}

package io.augur.collector;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets every sample to Kafka in per-task order, through a {@link Spool} when the broker cannot be
 * reached.
 *
 * <p>The sampling thread {@link #offer}s each round and never waits for Kafka. A delivery thread
 * calls {@link #deliverOnce} in a loop:
 *
 * <ul>
 *   <li><b>Direct</b> (spool empty): sends the oldest queued round and waits until every record of
 *       it is acknowledged or failed (bounded by the sink's send timeout) before the next, so two
 *       samples of one task are never in flight together. Records that failed, then every round
 *       queued behind them, go to the spool in order, and delivery turns to spooling.
 *   <li><b>Spooling</b> (spool not empty): new rounds are appended to the spool by the sampling
 *       thread itself, behind what it holds. Each step replays a batch from the spool's head that
 *       holds at most the oldest undelivered record of each task, so a task's later sample never
 *       overtakes an earlier one; the head moves past the delivered prefix. Records delivered past
 *       a failed one are remembered and not sent again. Once the spool is empty, delivery is direct
 *       again.
 * </ul>
 *
 * <p>Guarantee: with the broker down and back, no sample is lost (unless the spool's bound drops
 * the oldest, which is counted) and none is sent twice: the producer is idempotent, and a record is
 * spooled only when its send failed. Duplicates remain possible when (a) a send timed out although
 * the broker wrote it (the acknowledgement was lost), (b) the collector crashed after a replayed
 * batch was acknowledged but before the spool's head was moved, or (c) the head file was lost:
 * at-least-once there. A SIGKILL loses the round in flight in direct mode and any rounds queued
 * behind it (normally none; at most send timeout / interval rounds while a send is failing); an
 * orderly stop spools them.
 */
public final class SampleDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(SampleDelivery.class);

    /** What one {@link #deliverOnce} step did. */
    public enum Outcome {
        /** Nothing to send. */
        IDLE,
        /** Everything sent in this step was acknowledged. */
        DELIVERED,
        /** Some send failed: back off before the next step. */
        FAILED
    }

    private final Spool spool;
    private final RecordSink sink;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Duration ackTimeout;
    private final int window;
    private final DropAccount drops;

    private final Object lock = new Object();
    private final ArrayDeque<List<KeyedRecord>> pending = new ArrayDeque<>(); // guarded by lock
    private boolean spooling; // guarded by lock
    private long replayed; // delivery thread only
    private final Set<Long> deliveredAhead = new HashSet<>(); // delivery thread only

    /**
     * @param ackTimeout how long to wait for a sent record's answer at most (the sink's send
     *     timeout plus a margin); past it the record counts as failed
     * @param window how many spooled records one replay step looks at
     * @param dropReport how often at most to log the spool's drops
     */
    public SampleDelivery(
            Spool spool,
            RecordSink sink,
            DeliveryMetrics metrics,
            Clock clock,
            Duration ackTimeout,
            int window,
            Duration dropReport) {
        this.spool = spool;
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
        this.ackTimeout = ackTimeout;
        this.window = window;
        this.drops = new DropAccount(dropReport);
        // A restart replays what the spool holds before any new sample.
        this.spooling = spool.depthRecords() > 0;
        metrics.spoolDepth(spool.depthRecords(), spool.depthBytes());
        if (spooling) {
            LOG.info("replaying {} spooled sample(s) before new ones", spool.depthRecords());
        }
    }

    /** Takes one sampling round; never waits for Kafka (at most for a spool append). */
    public void offer(List<KeyedRecord> round) {
        if (round.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (spooling) {
                toSpool(round);
            } else {
                pending.addLast(List.copyOf(round));
            }
            lock.notifyAll();
        }
    }

    /** Sends one round (direct) or one replay batch (spooling). Delivery thread only. */
    public Outcome deliverOnce() {
        List<KeyedRecord> round;
        synchronized (lock) {
            if (spooling) {
                round = null;
            } else {
                round = pending.peekFirst();
                if (round == null) {
                    return Outcome.IDLE;
                }
            }
        }
        return round == null ? replayBatch() : sendRound(round);
    }

    private Outcome sendRound(List<KeyedRecord> round) {
        Sent sent = sendAll(round);
        List<KeyedRecord> failed = new ArrayList<>();
        for (int i = 0; i < round.size(); i++) {
            if (!sent.acked[i]) {
                failed.add(round.get(i));
            }
        }
        synchronized (lock) {
            pending.removeFirst();
            if (failed.isEmpty()) {
                return Outcome.DELIVERED;
            }
            spooling = true;
            long queued = 0;
            toSpool(failed);
            while (!pending.isEmpty()) {
                List<KeyedRecord> next = pending.removeFirst();
                queued += next.size();
                toSpool(next);
            }
            LOG.warn(
                    "Kafka did not take {} of {} sample(s) ({}); spooling them and {} queued"
                            + " sample(s) until it does",
                    failed.size(),
                    round.size(),
                    sent.firstError,
                    queued);
        }
        return Outcome.FAILED;
    }

    private Outcome replayBatch() {
        List<Spool.Entry> head = spool.peek(window);
        if (!head.isEmpty()) {
            long first = head.get(0).seq();
            deliveredAhead.removeIf(seq -> seq < first);
        }
        // The oldest undelivered record of each task, in spool order.
        List<Spool.Entry> batch = new ArrayList<>();
        Set<ByteBuffer> claimed = new HashSet<>();
        for (Spool.Entry e : head) {
            if (!deliveredAhead.contains(e.seq())
                    && claimed.add(ByteBuffer.wrap(e.record().key()))) {
                batch.add(e);
            }
        }
        Sent sent = sendAll(batch.stream().map(Spool.Entry::record).toList());
        boolean allAcked = true;
        for (int i = 0; i < batch.size(); i++) {
            if (sent.acked[i]) {
                deliveredAhead.add(batch.get(i).seq());
                replayed++;
            } else {
                allAcked = false;
            }
        }
        long through = -1;
        for (Spool.Entry e : head) {
            if (!deliveredAhead.contains(e.seq())) {
                break;
            }
            through = e.seq();
        }
        final long last = through;
        if (last >= 0) {
            spool.removeThrough(last);
            deliveredAhead.removeIf(seq -> seq <= last);
        }
        synchronized (lock) {
            metrics.spoolDepth(spool.depthRecords(), spool.depthBytes());
            if (spool.depthRecords() == 0) {
                spooling = false;
                deliveredAhead.clear();
                LOG.info("spool drained ({} sample(s) replayed); sending directly again", replayed);
                replayed = 0;
            }
        }
        if (!allAcked) {
            LOG.debug("replay not acknowledged: {}", sent.firstError);
            return Outcome.FAILED;
        }
        return Outcome.DELIVERED;
    }

    /** What became of a list of sends, index by index. */
    private record Sent(boolean[] acked, String firstError) {}

    private Sent sendAll(List<KeyedRecord> records) {
        boolean[] acked = new boolean[records.size()];
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        String firstError = null;
        for (KeyedRecord r : records) {
            try {
                futures.add(sink.send(r));
            } catch (RuntimeException e) {
                // Cannot even hand it over (no metadata within max.block.ms): the rest would
                // block as long each, so they count as failed unsent.
                firstError = e.toString();
                break;
            }
        }
        Instant deadline = clock.instant().plus(ackTimeout);
        long ok = 0;
        for (int i = 0; i < futures.size(); i++) {
            try {
                long wait = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
                futures.get(i).get(wait, TimeUnit.MILLISECONDS);
                acked[i] = true;
                ok++;
            } catch (ExecutionException e) {
                firstError = firstError == null ? e.getCause().toString() : firstError;
            } catch (TimeoutException e) {
                firstError = firstError == null ? "no answer within " + ackTimeout : firstError;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                firstError = firstError == null ? "interrupted" : firstError;
            }
        }
        metrics.emitted(ok);
        metrics.sendFailed(records.size() - ok);
        return new Sent(acked, firstError);
    }

    /** Appends to the spool and accounts for it. Caller holds {@link #lock}. */
    private void toSpool(List<KeyedRecord> records) {
        long dropped = spool.append(records);
        metrics.spooled(records.size());
        if (dropped > 0) {
            metrics.dropped(dropped);
            drops.dropped(dropped);
        }
        metrics.spoolDepth(spool.depthRecords(), spool.depthBytes());
    }

    /** Logs the spool's drops since the last report, at most once per report interval. */
    public void reportDrops() {
        OptionalLong n;
        long total;
        synchronized (lock) {
            n = drops.due(clock.instant());
            total = drops.total();
        }
        if (n.isPresent()) {
            LOG.warn(
                    "spool full: dropped the {} oldest sample(s) since the last report ({} in"
                            + " all)",
                    n.getAsLong(),
                    total);
        }
    }

    /** Whether rounds wait for a direct send (as opposed to the spool). */
    public boolean hasPending() {
        synchronized (lock) {
            return !pending.isEmpty();
        }
    }

    /** Whether delivery goes through the spool now. */
    public boolean spooling() {
        synchronized (lock) {
            return spooling;
        }
    }

    /** Moves queued rounds to the spool, so an orderly stop loses none. */
    public void spoolPending() {
        synchronized (lock) {
            if (pending.isEmpty()) {
                return;
            }
            long n = 0;
            while (!pending.isEmpty()) {
                List<KeyedRecord> r = pending.removeFirst();
                n += r.size();
                toSpool(r);
            }
            spooling = true;
            LOG.info("stopping: {} unsent sample(s) spooled for the next start", n);
        }
    }

    /** Waits until a round is offered or {@code timeout} passes. Delivery thread only. */
    public void awaitWork(Duration timeout) throws InterruptedException {
        synchronized (lock) {
            if (pending.isEmpty() && !spooling) {
                lock.wait(Math.max(1, timeout.toMillis()));
            }
        }
    }
}

package io.augur.jobs.forecast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects single requests into batches bounded by size and by time, and hands each batch to one of
 * a fixed set of worker threads, each with its own {@link Worker} (for the forecaster: its own DJL
 * predictor). A batch closes when it holds {@code maxBatch} items or {@code maxDelay} after its
 * first item arrived, whichever is first: under load batches fill, when idle a lone request waits
 * at most {@code maxDelay}.
 *
 * @param <I> request
 * @param <O> result
 */
public final class MicroBatcher<I, O> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);

    /** Processes one batch on one thread; results in request order. */
    public interface Worker<I, O> extends AutoCloseable {
        List<O> process(List<I> batch) throws Exception;

        @Override
        default void close() {}
    }

    private record Pending<I, O>(I item, CompletableFuture<O> result) {}

    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final long maxDelayNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param name thread name prefix
     * @param maxBatch most items per batch
     * @param maxDelay longest wait for a batch to fill
     * @param threads worker threads
     * @param workers makes one worker per thread (called on that thread)
     */
    public MicroBatcher(
            String name,
            int maxBatch,
            Duration maxDelay,
            int threads,
            Supplier<? extends Worker<I, O>> workers) {
        if (maxBatch < 1 || threads < 1 || maxDelay.isNegative()) {
            throw new IllegalArgumentException("need maxBatch >= 1, threads >= 1, maxDelay >= 0");
        }
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> run(workers), name + "-" + i);
            t.setDaemon(true);
            this.threads.add(t);
            t.start();
        }
    }

    /** Queues one request; the future completes when its batch has been processed. */
    public CompletableFuture<O> submit(I item) {
        CompletableFuture<O> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CancellationException("batcher closed"));
            return result;
        }
        queue.add(new Pending<>(item, result));
        return result;
    }

    /** Batches processed so far. */
    public long batches() {
        return batches.get();
    }

    /** Items processed so far. */
    public long items() {
        return items.get();
    }

    private void run(Supplier<? extends Worker<I, O>> workers) {
        try (Worker<I, O> worker = workers.get()) {
            List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
            while (!closed) {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxBatch || left <= 0) {
                        break;
                    }
                    Pending<I, O> next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                process(worker, batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("batch worker {} died", Thread.currentThread().getName(), e);
        } finally {
            failPending();
        }
    }

    private void process(Worker<I, O> worker, List<Pending<I, O>> batch) {
        List<I> input = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            input.add(p.item());
        }
        try {
            List<O> out = worker.process(input);
            if (out.size() != batch.size()) {
                throw new IllegalStateException(
                        "worker returned " + out.size() + " results for " + batch.size());
            }
            batches.incrementAndGet();
            items.addAndGet(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(out.get(i));
            }
        } catch (Exception e) {
            for (Pending<I, O> p : batch) {
                p.result().completeExceptionally(e);
            }
        }
    }

    private void failPending() {
        Pending<I, O> p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new CancellationException("batcher closed"));
        }
    }

    /** Stops the workers; requests not yet processed fail with a CancellationException. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failPending();
    }
}

package io.augur.collector;

import io.augur.collector.invocation.Invocation;
import io.augur.collector.invocation.InvocationBuffer;
import io.augur.collector.invocation.InvocationSink;
import io.augur.collector.invocation.InvocationStamper;
import io.augur.schema.InvocationEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries captured invocations to augur.telemetry.invocations: capture mechanisms hand them to an
 * {@link InvocationBuffer} (bounded, never blocking them); every flush interval one thread stamps
 * what the buffer holds ({@link InvocationStamper}) and offers it as one round to a {@link
 * SampleDelivery} of its own, which sends it or spools it on disk, in order, like samples.
 */
public final class InvocationPipeline implements InvocationSink, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationPipeline.class);

    /** How often the per-task sequences of tasks that are gone are forgotten. */
    static final Duration RETAIN_EVERY = Duration.ofMinutes(1);

    private final InvocationBuffer buffer;
    private final InvocationStamper stamper;
    private final SampleDelivery delivery;
    private final InvocationMetrics metrics;
    private final Duration flushEvery;
    private final Supplier<Collection<String>> presentTasks;
    private final int flushesPerRetain;
    private int flushes;
    private final CountDownLatch stop = new CountDownLatch(1);
    private long methods;
    private long syscalls;

    public InvocationPipeline(
            InvocationBuffer buffer,
            InvocationStamper stamper,
            SampleDelivery delivery,
            InvocationMetrics metrics,
            Duration flushEvery,
            Supplier<Collection<String>> presentTasks) {
        this.buffer = buffer;
        this.stamper = stamper;
        this.delivery = delivery;
        this.metrics = metrics;
        this.flushEvery = flushEvery;
        this.presentTasks = presentTasks;
        this.flushesPerRetain = (int) Math.max(1, RETAIN_EVERY.toMillis() / flushEvery.toMillis());
    }

    @Override
    public void accept(List<Invocation> batch) {
        buffer.accept(batch);
    }

    /** Flushes every interval until {@link #stop}, then once more. */
    @Override
    public void run() {
        try {
            while (!stop.await(flushEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                flushQuietly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }

    public void stop() {
        stop.countDown();
    }

    /** Stamps and offers what the buffer holds; how many it offered. */
    int flush() {
        if (++flushes % flushesPerRetain == 0) {
            stamper.retain(presentTasks.get()); // forget the sequences of tasks that are gone
        }
        List<Invocation> drained = buffer.drain();
        metrics.droppedTotal(InvocationMetrics.Drop.BUFFER, buffer.dropped());
        if (drained.isEmpty()) {
            return 0;
        }
        for (Invocation i : drained) {
            if (i.kind() == io.augur.schema.InvocationKind.METHOD) {
                methods++;
            } else {
                syscalls++;
            }
        }
        metrics.captured(methods, syscalls);
        List<InvocationEvent> events = stamper.stamp(drained);
        delivery.offer(events.stream().map(KeyedRecord::of).toList());
        delivery.reportDrops();
        return events.size();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // A failed flush must not end delivery: what it drained is lost, and said so.
            LOG.error("invocation flush failed; its invocations are lost", e);
        }
    }
}

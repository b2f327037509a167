package io.augur.collector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery thread: steps a {@link SampleDelivery} until stopped, backing off after a failed
 * step. On stop it sends what is queued while Kafka still takes it (bounded) and spools the rest.
 */
public final class DeliveryLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);

    private final SampleDelivery delivery;
    private final Clock clock;
    private final Duration backoff;
    private final Duration finishWithin;
    private final CountDownLatch stop = new CountDownLatch(1);

    public DeliveryLoop(
            SampleDelivery delivery, Clock clock, Duration backoff, Duration finishWithin) {
        this.delivery = delivery;
        this.clock = clock;
        this.backoff = backoff;
        this.finishWithin = finishWithin;
    }

    @Override
    public void run() {
        try {
            while (stop.getCount() > 0) {
                SampleDelivery.Outcome outcome;
                try {
                    outcome = delivery.deliverOnce();
                } catch (RuntimeException e) {
                    // A spool that cannot be read or written: keep trying, loudly.
                    LOG.error("delivery step failed", e);
                    outcome = SampleDelivery.Outcome.FAILED;
                }
                switch (outcome) {
                    case IDLE -> delivery.awaitWork(Duration.ofMillis(200));
                    case FAILED -> stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
                    case DELIVERED -> {}
                }
            }
            Instant deadline = clock.instant().plus(finishWithin);
            while (delivery.hasPending()
                    && clock.instant().isBefore(deadline)
                    && delivery.deliverOnce() == SampleDelivery.Outcome.DELIVERED) {
                // send the queued rounds while Kafka takes them
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delivery.spoolPending();
        }
    }

    /** Asks the loop to finish; it returns after its current step. */
    public void stop() {
        stop.countDown();
    }
}

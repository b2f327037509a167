package io.augur.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    /** Doubles each item; records batch sizes and which thread ran each worker. */
    static final class Doubler implements MicroBatcher.Worker<Integer, Integer> {
        final List<Integer> sizes;
        final Set<Thread> threads;
        final CountDownLatch gate;

        Doubler(List<Integer> sizes, Set<Thread> threads, CountDownLatch gate) {
            this.sizes = sizes;
            this.threads = threads;
            this.gate = gate;
        }

        @Override
        public List<Integer> process(List<Integer> batch) throws Exception {
            threads.add(Thread.currentThread());
            gate.await();
            sizes.add(batch.size());
            if (batch.contains(-1)) {
                throw new IllegalStateException("bad item");
            }
            return batch.stream().map(i -> i * 2).toList();
        }
    }

    @Test
    void requestsQueuedWhileTheWorkerIsBusyGoIntoOneBatchOfAtMostMaxBatch() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        try (MicroBatcher<Integer, Integer> b =
                new MicroBatcher<>(
                        "t",
                        8,
                        Duration.ofMillis(5),
                        1,
                        () -> new Doubler(sizes, ConcurrentHashMap.newKeySet(), gate))) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(b.submit(i));
            }
            gate.countDown();
            for (int i = 0; i < 20; i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(2 * i);
            }
            assertThat(sizes).allMatch(s -> s <= 8);
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
            // The first batch may close before the rest arrive; the others fill up.
            assertThat(sizes.size()).isLessThanOrEqualTo(4);
            assertThat(b.items()).isEqualTo(20);
            assertThat(b.batches()).isEqualTo(sizes.size());
        }
    }

    @Test
    void aLoneRequestIsServedAfterTheDelayWithoutWaitingForABatchToFill() throws Exception {
        try (MicroBatcher<Integer, Integer> b =
                new MicroBatcher<>(
                        "t",
                        1000,
                        Duration.ofMillis(20),
                        1,
                        () ->
                                new Doubler(
                                        new ArrayList<>(),
                                        ConcurrentHashMap.newKeySet(),
                                        new CountDownLatch(0)))) {
            assertThat(b.submit(21).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void aFailingBatchFailsOnlyItsOwnRequests() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (MicroBatcher<Integer, Integer> b =
                new MicroBatcher<>(
                        "t",
                        2,
                        Duration.ZERO,
                        1,
                        () ->
                                new Doubler(
                                        new ArrayList<>(), ConcurrentHashMap.newKeySet(), gate))) {
            CompletableFuture<Integer> bad = b.submit(-1);
            CompletableFuture<Integer> other = b.submit(5);
            gate.countDown();
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("bad item");
            // Either in the same batch (failed too) or the next one.
            try {
                assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo(10);
            } catch (ExecutionException e) {
                assertThat(e).hasMessageContaining("bad item");
            }
            assertThat(b.submit(7).get(10, TimeUnit.SECONDS)).isEqualTo(14);
        }
    }

    @Test
    void eachThreadHasItsOwnWorker() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<Doubler> workers = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        try (MicroBatcher<Integer, Integer> b =
                new MicroBatcher<>(
                        "t",
                        1,
                        Duration.ZERO,
                        3,
                        () -> {
                            Doubler d = new Doubler(new ArrayList<>(), threads, gate);
                            workers.add(d);
                            return d;
                        })) {
            List<CompletableFuture<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                results.add(b.submit(i));
            }
            gate.countDown();
            for (CompletableFuture<Integer> r : results) {
                r.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(workers).hasSize(3);
        assertThat(threads).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void closingFailsWhatWasNotServedAndRefusesNewRequests() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        MicroBatcher<Integer, Integer> b =
                new MicroBatcher<>(
                        "t",
                        1,
                        Duration.ZERO,
                        1,
                        () -> new Doubler(new ArrayList<>(), ConcurrentHashMap.newKeySet(), never));
        b.submit(1); // taken by the worker, which blocks
        CompletableFuture<Integer> queued = b.submit(2);
        Thread closer = new Thread(b::close);
        closer.start();
        never.countDown();
        closer.join(20_000);
        assertThat(queued).isDone();
        assertThat(b.submit(3)).isCompletedExceptionally();
    }
}

package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.Await;
import io.augur.collector.invocation.Invocation;
import io.augur.collector.invocation.InvocationSink;
import io.augur.schema.InvocationKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class InvocationBatcherTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    final SyscallCounters counters = new SyscallCounters();
    final List<List<Invocation>> batches = new CopyOnWriteArrayList<>();

    static Invocation call(long n) {
        return new Invocation("t1", 10, "10", InvocationKind.SYSCALL, "read", null, n);
    }

    static List<Long> times(List<List<Invocation>> batches) {
        return batches.stream().flatMap(List::stream).map(Invocation::timestampMillis).toList();
    }

    int delivered() {
        return batches.stream().mapToInt(List::size).sum();
    }

    @Test
    void handsOnBatchesOfAtMostMaxBatchInOrder() {
        InvocationBatcher batcher =
                new InvocationBatcher(batches::add, 100, 3, Duration.ofMillis(20), counters);
        LongStream.rangeClosed(1, 7).forEach(n -> batcher.offer(call(n)));
        batcher.start();
        Await.until("7 delivered", WAIT, () -> delivered() == 7);
        batcher.close();

        assertThat(batches).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(times(batches)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(counters.delivered()).isEqualTo(7);
        assertThat(counters.dropped()).isZero();
    }

    @Test
    void sendsAPartBatchOnceItsFirstCallHasWaitedTheLinger() {
        InvocationBatcher batcher =
                new InvocationBatcher(batches::add, 100, 1000, Duration.ofMillis(20), counters);
        batcher.start();
        batcher.offer(call(1));
        batcher.offer(call(2));

        Await.until("a batch without close", WAIT, () -> delivered() == 2);
        batcher.close();
        assertThat(times(batches)).containsExactly(1L, 2L);
    }

    @Test
    void dropsAndCountsRatherThanWaitForASlowSink() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InvocationSink slow =
                batch -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    batches.add(batch);
                };
        InvocationBatcher batcher =
                new InvocationBatcher(slow, 4, 1, Duration.ofMillis(20), counters);
        batcher.start();
        batcher.offer(call(1));
        entered.await();

        // The sink holds call 1; the queue takes four more, the last three are dropped at once.
        LongStream.rangeClosed(2, 8).forEach(n -> batcher.offer(call(n)));
        assertThat(counters.dropped()).isEqualTo(3);
        assertThat(batcher.queued()).isEqualTo(4);

        release.countDown();
        batcher.close();
        assertThat(times(batches)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(counters.delivered()).isEqualTo(5);
    }

    @Test
    void aFailingSinkCostsItsBatchNotTheDeliveryThread() {
        AtomicBoolean failNext = new AtomicBoolean(true);
        InvocationSink flaky =
                batch -> {
                    if (failNext.getAndSet(false)) {
                        throw new IllegalStateException("broker away");
                    }
                    batches.add(batch);
                };
        InvocationBatcher batcher =
                new InvocationBatcher(flaky, 100, 10, Duration.ofMillis(10), counters);
        batcher.start();
        batcher.offer(call(1));
        Await.until("the failed batch counted", WAIT, () -> counters.dropped() == 1);
        batcher.offer(call(2));
        Await.until("the next batch delivered", WAIT, () -> counters.delivered() == 1);
        batcher.close();

        assertThat(times(batches)).containsExactly(2L);
    }

    @Test
    void closeHandsOnWhatIsStillQueued() {
        InvocationBatcher batcher =
                new InvocationBatcher(batches::add, 100, 2, Duration.ofSeconds(30), counters);
        LongStream.rangeClosed(1, 5).forEach(n -> batcher.offer(call(n)));
        batcher.close();

        assertThat(times(batches)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(2));
    }
}

package io.augur.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.agent.wire.EventBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventRingTest {

    @Test
    void roundsUpToAPowerOfTwo() {
        assertThat(new EventRing(1).capacity()).isEqualTo(1);
        assertThat(new EventRing(5).capacity()).isEqualTo(8);
        assertThat(new EventRing(65536).capacity()).isEqualTo(65536);
    }

    @Test
    void aFullRingDropsAndCountsInsteadOfBlocking() {
        EventRing ring = new EventRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(i, "main", "a#b", i)).isTrue();
        }
        assertThat(ring.isFull()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(ring.offer(99, "main", "a#b", 99)).isFalse();
        }
        assertThat(ring.dropped()).isEqualTo(10);

        EventBatch batch = new EventBatch(16);
        assertThat(ring.drainTo(batch)).isEqualTo(4);
        assertThat(batch.millis(0)).isZero();
        assertThat(batch.millis(3)).isEqualTo(3);
        assertThat(ring.isFull()).isFalse();
        assertThat(ring.offer(4, "main", "a#b", 4)).isTrue();
        assertThat(ring.dropped()).isEqualTo(10);
    }

    @Test
    void drainsInOrderAcrossWrapAroundUpToTheBatch() {
        EventRing ring = new EventRing(8);
        EventBatch batch = new EventBatch(3);
        List<Long> seen = new ArrayList<>();
        long next = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 5; i++) {
                ring.offer(next, "t", "n", next);
                next++;
            }
            while (ring.drainTo(batch) > 0) {
                for (int i = 0; i < batch.size(); i++) {
                    seen.add(batch.millis(i));
                }
                batch.clear();
            }
        }
        assertThat(seen).hasSize(100);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void concurrentProducersLoseNothingThatWasAccepted() throws Exception {
        EventRing ring = new EventRing(1024);
        int threads = 4;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        long[] accepted = new long[threads];
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread p =
                    new Thread(
                            () -> {
                                try {
                                    start.await();
                                } catch (InterruptedException e) {
                                    return;
                                }
                                for (int i = 0; i < each; i++) {
                                    if (ring.offer(i, "p" + id, "n", id)) {
                                        accepted[id]++;
                                    }
                                }
                            });
            p.start();
            producers.add(p);
        }
        EventBatch batch = new EventBatch(256);
        long[] received = new long[threads];
        long[] lastMillis = {-1, -1, -1, -1};
        start.countDown();
        while (true) {
            boolean producing = producers.stream().anyMatch(Thread::isAlive);
            int n = ring.drainTo(batch);
            for (int i = 0; i < n; i++) {
                int id = (int) batch.digest(i);
                assertThat(batch.thread(i)).isEqualTo("p" + id);
                // Each producer's events come out in its own order.
                assertThat(batch.millis(i)).isGreaterThan(lastMillis[id]);
                lastMillis[id] = batch.millis(i);
                received[id]++;
            }
            batch.clear();
            if (!producing && n == 0) {
                break;
            }
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            assertThat(received[t]).isEqualTo(accepted[t]);
            total += accepted[t];
        }
        assertThat(total + ring.dropped()).isEqualTo((long) threads * each);
    }
}

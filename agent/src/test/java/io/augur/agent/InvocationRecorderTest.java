package io.augur.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.agent.wire.EventBatch;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InvocationRecorderTest {
    static final byte[] SALT = "a-salt-of-16-bytes-or-more".getBytes(StandardCharsets.UTF_8);
    static final long T0 = 1_790_000_000_000L;

    final EventRing ring = new EventRing(16);
    final EventBatch batch = new EventBatch(64);

    @Test
    void recordsNameThreadTimeAndDigest() {
        InvocationRecorder recorder = new InvocationRecorder(ring, SALT, () -> T0, 1);
        recorder.record("com.example.Orders#place", new Object[] {"order-1", 3});
        recorder.record("com.example.Orders#list", null);

        assertThat(ring.drainTo(batch)).isEqualTo(2);
        assertThat(batch.name(0)).isEqualTo("com.example.Orders#place");
        assertThat(batch.thread(0)).isEqualTo(Thread.currentThread().getName());
        assertThat(batch.millis(0)).isEqualTo(T0);
        assertThat(batch.digest(0))
                .isEqualTo(new ArgsDigest(SALT).digest(new Object[] {"order-1", 3}));
        assertThat(batch.digest(1)).isEqualTo(new ArgsDigest(SALT).digest(null));
    }

    @Test
    void aFullRingCountsDropsWithoutDigesting() {
        InvocationRecorder recorder = new InvocationRecorder(ring, SALT, () -> T0, 1);
        for (int i = 0; i < 20; i++) {
            recorder.record("a.B#c", null);
        }
        assertThat(ring.dropped()).isEqualTo(4);
    }

    @Test
    void anExcludedThreadRecordsNothing() throws Exception {
        InvocationRecorder recorder = new InvocationRecorder(ring, SALT, () -> T0, 1);
        Thread sender =
                new Thread(
                        () -> {
                            recorder.exclude();
                            recorder.record("a.B#c", null);
                        });
        sender.start();
        sender.join();
        assertThat(ring.drainTo(batch)).isZero();
    }

    @Test
    void aRateRecordsEveryNthCallOfAThread() {
        InvocationRecorder recorder = new InvocationRecorder(ring, SALT, () -> T0, 5);
        for (int i = 0; i < 15; i++) {
            recorder.record("a.B#c" + i, null);
        }
        assertThat(ring.drainTo(batch)).isEqualTo(3);
        assertThat(batch.name(0)).isEqualTo("a.B#c4");
        assertThat(batch.name(2)).isEqualTo("a.B#c14");
    }
}

package io.augur.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.agent.wire.Event;
import io.augur.agent.wire.Frame;
import io.augur.agent.wire.FrameReader;
import io.augur.agent.wire.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sender driven step by step against an in-memory transport and a hand-moved clock. */
class EventSenderTest {
    long now = 1_000_000_000L;
    final EventRing ring = new EventRing(8);
    final FakeTransport transport = new FakeTransport();
    final EventSender sender = new EventSender(ring, transport, 4, 321, 99, "test", () -> now);

    /** Connections that fail while {@code up} is false; each connection's bytes are kept. */
    static final class FakeTransport implements Transport {
        boolean up;
        int attempts;
        final List<ByteArrayOutputStream> connections = new ArrayList<>();
        boolean breakWrites;

        @Override
        public OutputStream connect() throws IOException {
            attempts++;
            if (!up) {
                throw new ConnectException("no collector");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            connections.add(bytes);
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    if (breakWrites) {
                        throw new IOException("broken pipe");
                    }
                    bytes.write(b);
                }
            };
        }

        List<Frame> frames(int connection) throws IOException {
            FrameReader r =
                    new FrameReader(
                            new ByteArrayInputStream(connections.get(connection).toByteArray()));
            List<Frame> frames = new ArrayList<>();
            for (Frame f = r.read(); f != null; f = r.read()) {
                frames.add(f);
            }
            return frames;
        }
    }

    void offer(int n) {
        for (int i = 0; i < n; i++) {
            ring.offer(i, "main", "a.B#c", i);
        }
    }

    static List<Event> events(List<Frame> frames) {
        return frames.stream()
                .filter(f -> f instanceof Frame.Events)
                .flatMap(f -> ((Frame.Events) f).events().stream())
                .toList();
    }

    @Test
    void helloThenBatchesInOrder() throws IOException {
        transport.up = true;
        offer(6);
        assertThat(sender.step()).isTrue(); // a full batch of 4: more at once
        assertThat(sender.step()).isFalse(); // the remaining 2
        List<Frame> frames = transport.frames(0);
        assertThat(frames.get(0)).isEqualTo(new Frame.Hello(Wire.VERSION, 321, 99, "test"));
        assertThat(events(frames))
                .extracting(Event::millis)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(frames).noneMatch(f -> f instanceof Frame.Drops);
    }

    @Test
    void whileTheCollectorIsAwayItBuffersToTheBoundThenCountsDrops() throws IOException {
        offer(12); // ring of 8
        assertThat(sender.step()).isFalse();
        assertThat(transport.attempts).isEqualTo(1);
        assertThat(ring.dropped()).isEqualTo(4);

        // Backoff: no new attempt before it passes, then one.
        now += TimeUnit.MILLISECONDS.toNanos(10);
        sender.step();
        assertThat(transport.attempts).isEqualTo(1);
        now += EventSender.MIN_BACKOFF_NANOS;
        transport.up = true;
        sender.step();
        sender.step();
        assertThat(transport.attempts).isEqualTo(2);

        List<Frame> frames = transport.frames(0);
        assertThat(events(frames))
                .extracting(Event::millis)
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(frames).contains(new Frame.Drops(4));
    }

    @Test
    void theBackoffDoublesToItsMaximum() {
        long previous = now;
        List<Long> gaps = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int attempts = transport.attempts;
            while (transport.attempts == attempts) {
                now += TimeUnit.MILLISECONDS.toNanos(1);
                sender.step();
            }
            gaps.add(TimeUnit.NANOSECONDS.toMillis(now - previous));
            previous = now;
        }
        assertThat(gaps.subList(1, 4)).containsExactly(50L, 100L, 200L);
        assertThat(gaps.get(11))
                .isEqualTo(TimeUnit.NANOSECONDS.toMillis(EventSender.MAX_BACKOFF_NANOS));
    }

    @Test
    void aFailedWriteCountsItsBatchAsDroppedAndReconnects() throws IOException {
        transport.up = true;
        sender.step();
        assertThat(sender.connected()).isTrue();
        transport.breakWrites = true;
        offer(3);
        sender.step();
        assertThat(sender.connected()).isFalse();
        assertThat(ring.dropped()).isEqualTo(3);

        transport.breakWrites = false;
        now += EventSender.MIN_BACKOFF_NANOS;
        offer(2);
        sender.step();
        List<Frame> second = transport.frames(1);
        assertThat(second.get(0)).isInstanceOf(Frame.Hello.class);
        assertThat(events(second)).hasSize(2);
        // The new connection learns the drops so far.
        assertThat(second).contains(new Frame.Drops(3));
    }

    @Test
    void atExitEverythingLeftIsSent() throws IOException {
        transport.up = true;
        offer(7);
        sender.flushAll();
        List<Frame> frames = transport.frames(0);
        assertThat(events(frames)).hasSize(7);
        assertThat(frames.get(frames.size() - 1)).isEqualTo(new Frame.Drops(0));
    }
}

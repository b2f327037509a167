package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.agent.wire.Event;
import io.augur.agent.wire.EventBatch;
import io.augur.agent.wire.FrameWriter;
import io.augur.cgroup.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver on a real Unix domain socket, with agents played by the test (frames written by the
 * agent's own {@link FrameWriter}) and a resolver that knows pids 100 (task t1) and 200 (t2).
 */
class AgentReceiverIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final long T0 = 1_790_000_000_000L;

    @TempDir Path dir;
    final List<Invocation> received = new CopyOnWriteArrayList<>();
    final TaskResolver tasks =
            pid ->
                    pid == 100
                            ? Optional.of("t1")
                            : pid == 200 ? Optional.of("t2") : Optional.empty();
    AgentReceiver receiver;

    @AfterEach
    void tearDown() throws IOException {
        if (receiver != null) {
            receiver.close();
        }
    }

    AgentReceiver start(AgentReceiver.Limits limits) throws IOException {
        receiver =
                AgentReceiver.start(
                        dir.resolve("run/invocations.sock"), tasks, received::addAll, limits);
        return receiver;
    }

    SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(receiver.socket()));
        return ch;
    }

    static FrameWriter writer(SocketChannel ch) {
        OutputStream out = Channels.newOutputStream(ch);
        return new FrameWriter(out);
    }

    static EventBatch events(String name, int n) {
        EventBatch b = new EventBatch(Math.max(1, n));
        for (int i = 0; i < n; i++) {
            b.add(T0 + i, "main", name, i);
        }
        return b;
    }

    @Test
    void deliversEventsAndDropsOfTheHellosTask() throws IOException {
        start(AgentReceiver.Limits.DEFAULT);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(receiver.socket())))
                .isEqualTo("rw-rw-rw-");
        try (SocketChannel ch = connect()) {
            FrameWriter w = writer(ch);
            w.writeHello(100, 1, "test");
            w.writeEvents(events("a.B#c", 3));
            w.writeDrops(4);
            w.flush();
            Await.until("3 events", WAIT, () -> received.size() == 3);
        }
        Await.until("connection closed", WAIT, () -> receiver.openConnections() == 0);
        assertThat(received)
                .extracting(Invocation::taskId, Invocation::pid, Invocation::name)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("t1", 100L, "a.B#c"));
        assertThat(received.get(2).argsDigest()).isEqualTo(Event.hex(2));
        assertThat(receiver.acceptedConnections()).isEqualTo(1);
        assertThat(receiver.eventsReceived()).isEqualTo(3);
        assertThat(receiver.droppedByTask()).isEqualTo(Map.of("t1", 4L));
    }

    @Test
    void aGarbledConnectionIsClosedAndCountedAndTheOthersGoOn() throws IOException {
        start(AgentReceiver.Limits.DEFAULT);
        try (SocketChannel good = connect();
                SocketChannel bad = connect()) {
            FrameWriter w = writer(good);
            w.writeHello(100, 1, "test");
            w.flush();
            bad.write(ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 4, 1, 2, 3, 4}));
            Await.until("garbled counted", WAIT, () -> receiver.garbledFrames() == 1);
            // The receiver closed the bad one: reading it ends.
            assertClosedByReceiver(bad);

            w.writeEvents(events("a.B#c", 2));
            w.flush();
            Await.until("the good one still delivers", WAIT, () -> received.size() == 2);
        }
        assertThat(receiver.rejectedConnections()).isZero();
    }

    @Test
    void anOversizeFrameIsGarbled() throws IOException {
        start(AgentReceiver.Limits.DEFAULT);
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
            Await.until("garbled counted", WAIT, () -> receiver.garbledFrames() == 1);
        }
    }

    @Test
    void aPidInNoTaskIsRejected() throws IOException {
        start(AgentReceiver.Limits.DEFAULT);
        try (SocketChannel ch = connect()) {
            FrameWriter w = writer(ch);
            w.writeHello(999, 1, "test");
            w.writeEvents(events("a.B#c", 2));
            w.flush();
            Await.until("rejected", WAIT, () -> receiver.rejectedConnections() == 1);
            assertClosedByReceiver(ch);
        }
        assertThat(received).isEmpty();
        assertThat(receiver.acceptedConnections()).isZero();
    }

    @Test
    void aConnectionWithoutHelloIsClosedAfterTheTimeout() throws IOException {
        start(new AgentReceiver.Limits(16, 4, Duration.ofMillis(300)));
        try (SocketChannel ch = connect()) {
            Await.until("rejected", WAIT, () -> receiver.rejectedConnections() == 1);
            assertClosedByReceiver(ch);
        }
        Await.until("closed", WAIT, () -> receiver.openConnections() == 0);
    }

    @Test
    void limitsConnectionsPerTask() throws IOException {
        start(new AgentReceiver.Limits(16, 2, Duration.ofSeconds(10)));
        try (SocketChannel a = connect();
                SocketChannel b = connect();
                SocketChannel c = connect();
                SocketChannel other = connect()) {
            for (SocketChannel ch : List.of(a, b, c)) {
                FrameWriter w = writer(ch);
                w.writeHello(100, ch.hashCode(), "test");
                w.flush();
                Await.until(
                        "hello handled",
                        WAIT,
                        () ->
                                receiver.acceptedConnections() + receiver.rejectedConnections()
                                        == List.of(a, b, c).indexOf(ch) + 1);
            }
            FrameWriter w = writer(other);
            w.writeHello(200, 1, "test");
            w.flush();
            Await.until("t2 accepted", WAIT, () -> receiver.acceptedConnections() == 3);
        }
        assertThat(receiver.rejectedConnections()).isEqualTo(1);
    }

    @Test
    void replacesAStaleSocketRefusesAnyOtherFileAndRemovesItsOwnOnClose() throws IOException {
        Path socket = dir.resolve("s.sock");
        AgentReceiver first = AgentReceiver.start(socket, tasks, received::addAll);
        // A crash leaves the file behind: simulate by starting over it without closing.
        try (AgentReceiver second = AgentReceiver.start(socket, tasks, received::addAll)) {
            assertThat(socket).exists();
        }
        assertThat(socket).doesNotExist();
        first.close();

        Path file = dir.resolve("not-a-socket");
        Files.writeString(file, "precious");
        assertThatThrownBy(() -> AgentReceiver.start(file, tasks, received::addAll))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a socket");
        assertThat(file).hasContent("precious");
    }

    @Test
    void closeEndsOpenConnections() throws IOException {
        start(AgentReceiver.Limits.DEFAULT);
        try (SocketChannel ch = connect()) {
            FrameWriter w = writer(ch);
            w.writeHello(100, 1, "test");
            w.flush();
            Await.until("accepted", WAIT, () -> receiver.acceptedConnections() == 1);
            receiver.close();
            assertThat(receiver.openConnections()).isZero();
            assertClosedByReceiver(ch);
            assertThat(receiver.socket()).doesNotExist();
        }
    }

    /**
     * The receiver closed the connection. A unix socket closed with unread data in its receive
     * queue resets instead of ending (the client sees ECONNRESET, not EOF): both mean closed.
     */
    private static void assertClosedByReceiver(SocketChannel ch) throws IOException {
        int read;
        try {
            read = ch.read(ByteBuffer.allocate(1));
        } catch (SocketException e) {
            assertThat(e).hasMessageContaining("reset");
            return;
        }
        assertThat(read).as("end of stream").isEqualTo(-1);
    }
}

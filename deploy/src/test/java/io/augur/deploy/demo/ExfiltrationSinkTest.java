package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.AddressPool;
import io.augur.cgroup.Await;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo's sink counts what the tasks stream and refuses everyone else, over real sockets on
 * loopback: a client bound to 127.0.0.2 stands for a task (the sink under test admits
 * 127.0.0.0/30), one bound to 127.0.0.9 for a host outside the pool.
 */
class ExfiltrationSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void onlyTheTasksConnectionsAreCounted() throws Exception {
        try (ExfiltrationSink sink =
                ExfiltrationSink.start(new SinkPeerFilter(AddressPool.parse("127.0.0.0/30")))) {
            send("127.0.0.9", sink.port(), 4096);
            Await.until("the outsider refused", WAIT, () -> sink.refusedConnections() == 1);
            send("127.0.0.2", sink.port(), 1000);
            Await.until("the task's bytes counted", WAIT, () -> sink.bytes() == 1000);

            assertThat(sink.connections()).isEqualTo(1);
            assertThat(sink.refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void theDemosSinkRefusesLoopback() throws Exception {
        try (ExfiltrationSink sink = ExfiltrationSink.start()) {
            send("127.0.0.1", sink.port(), 512);
            Await.until("loopback refused", WAIT, () -> sink.refusedConnections() == 1);
            assertThat(sink.bytes()).isZero();
            assertThat(sink.connections()).isZero();
        }
    }

    private static void send(String source, int port, int n) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[n]);
        } catch (SocketException e) {
            // Reset by the sink.
        }
    }
}

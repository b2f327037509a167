package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.AddressPool;
import io.augur.cgroup.Await;
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
            LoopbackPeers.tcpFrom("127.0.0.9", sink.port(), 4096);
            Await.until("the outsider refused", WAIT, () -> sink.refusedConnections() == 1);
            LoopbackPeers.tcpFrom("127.0.0.2", sink.port(), 1000);
            Await.until("the task's bytes counted", WAIT, () -> sink.bytes() == 1000);

            assertThat(sink.connections()).isEqualTo(1);
            assertThat(sink.refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void theDemosSinkRefusesLoopback() throws Exception {
        try (ExfiltrationSink sink = ExfiltrationSink.start()) {
            LoopbackPeers.tcpFrom("127.0.0.1", sink.port(), 512);
            Await.until("loopback refused", WAIT, () -> sink.refusedConnections() == 1);
            assertThat(sink.bytes()).isZero();
            assertThat(sink.connections()).isZero();
        }
    }
}

package io.augur.deploy.record;

import static io.augur.deploy.demo.LoopbackPeers.tcpFrom;
import static io.augur.deploy.demo.LoopbackPeers.udpFrom;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.AddressPool;
import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.deploy.demo.SinkPeerFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sink counts what its admitted peers send and refuses everyone else's, over real sockets on
 * loopback: clients bound to 127.0.0.2 stand for a task (the sink under test admits 127.0.0.0/30),
 * clients bound to 127.0.0.9 for a host outside the pool. Linux routes all of 127.0.0.0/8 to lo, so
 * no set-up is needed.
 */
class RecordingSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SinkPeerFilter LOOPBACK_TASKS =
            new SinkPeerFilter(AddressPool.parse("127.0.0.0/30"));

    @Test
    void aTcpConnectionFromOutsideThePoolIsRefusedAndNotCounted() throws Exception {
        try (RecordingSink sink = RecordingSink.start(LOOPBACK_TASKS)) {
            int port = port(sink.tcpAddress());
            tcpFrom("127.0.0.9", port, 4096);
            Await.until("the outsider refused", WAIT, () -> sink.refusedConnections() == 1);
            tcpFrom("127.0.0.2", port, 1000);
            Await.until("the task's bytes counted", WAIT, () -> sink.tcpBytes() == 1000);

            assertThat(sink.tcpConnections()).isEqualTo(1);
            assertThat(sink.tcpBytes()).as("none of the outsider's bytes").isEqualTo(1000);
            assertThat(sink.refusedConnections()).isEqualTo(1);
            assertThat(sink.refusedDatagrams()).isZero();
        }
    }

    @Test
    void theRecordersSinkRefusesLoopback() throws Exception {
        try (RecordingSink sink = RecordingSink.start()) {
            tcpFrom("127.0.0.1", port(sink.tcpAddress()), 512);
            Await.until("loopback refused", WAIT, () -> sink.refusedConnections() == 1);
            udpFrom("127.0.0.1", port(sink.udpAddress()), 64);
            Await.until("the datagram refused", WAIT, () -> sink.refusedDatagrams() == 1);

            assertThat(sink.admittedPeers()).isEqualTo("10.231.0.0/16");
            assertThat(sink.tcpConnections()).isZero();
            assertThat(sink.tcpBytes()).isZero();
            assertThat(sink.udpDatagrams()).isZero();
            assertThat(sink.udpBytes()).isZero();
        }
    }

    @Test
    void aDatagramFromOutsideThePoolIsDroppedAndNotCounted() throws Exception {
        try (RecordingSink sink = RecordingSink.start(LOOPBACK_TASKS)) {
            int port = port(sink.udpAddress());
            udpFrom("127.0.0.9", port, 300);
            Await.until(
                    "the outsider's datagram refused", WAIT, () -> sink.refusedDatagrams() == 1);
            udpFrom("127.0.0.2", port, 50);
            Await.until("the task's datagram counted", WAIT, () -> sink.udpDatagrams() == 1);

            assertThat(sink.udpBytes()).isEqualTo(50);
            assertThat(sink.refusedDatagrams()).isEqualTo(1);
            assertThat(sink.refusedConnections()).isZero();
        }
    }

    @Test
    void theManifestReportsWhatWasAdmittedAndWhatRefused() throws Exception {
        try (RecordingSink sink = RecordingSink.start()) {
            tcpFrom("127.0.0.1", port(sink.tcpAddress()), 10);
            Await.until("refused", WAIT, () -> sink.refusedConnections() == 1);
            RecordingManifest.Facts facts =
                    new RecordingManifest.Facts(
                            "0e44ac",
                            Recorder.Status.COMPLETE,
                            null,
                            Instant.parse("2026-11-22T07:00:00Z"),
                            Instant.parse("2026-11-22T07:01:00Z"),
                            RecordOptions.parse(new String[] {"--out", "/tmp/rec"}),
                            "augur-record-0e44ac",
                            CgroupVersion.V1,
                            List.of(),
                            0,
                            Set.of(),
                            sink,
                            null);
            @SuppressWarnings("unchecked")
            Map<String, Object> m =
                    (Map<String, Object>) RecordingManifest.toJson(facts).get("sink");
            assertThat(m)
                    .containsEntry("admitted_peers", "10.231.0.0/16")
                    .containsEntry("refused_tcp_connections", 1L)
                    .containsEntry("refused_udp_datagrams", 0L)
                    .containsEntry("tcp_connections", 0L)
                    .containsEntry("tcp_bytes", 0L);
        }
    }

    private static int port(String gatewayAddress) {
        return Integer.parseInt(gatewayAddress.substring(gatewayAddress.lastIndexOf(':') + 1));
    }
}

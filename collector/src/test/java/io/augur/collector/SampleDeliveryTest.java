package io.augur.collector;

import static io.augur.collector.SpoolContractTest.rec;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class SampleDeliveryTest {

    /** A broker the test takes down and up, whole or for some tasks' partitions. */
    static final class ScriptedSink implements RecordSink {
        final List<String> written = new ArrayList<>();
        final Set<String> downFor = new HashSet<>();
        boolean down;
        boolean noMetadata;
        int attempts;

        @Override
        public CompletableFuture<Void> send(KeyedRecord r) {
            attempts++;
            if (noMetadata) {
                throw new TimeoutException("Topic not present in metadata after 5000 ms.");
            }
            if (down || downFor.contains(r.keyString())) {
                return CompletableFuture.failedFuture(new NetworkException("broker down"));
            }
            written.add(new String(r.value(), StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        List<String> of(String task) {
            return written.stream().filter(v -> v.startsWith(task)).toList();
        }
    }

    final CollectorRegistry registry = new CollectorRegistry();
    final CollectorMetrics metrics = new CollectorMetrics(registry);
    final ScriptedSink sink = new ScriptedSink();
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    SampleDelivery delivery(Spool spool) {
        return new SampleDelivery(
                spool, sink, metrics, clock, Duration.ofSeconds(10), 100, Duration.ofSeconds(10));
    }

    double metric(String name) {
        Double v = registry.getSampleValue(name);
        return v == null ? 0 : v;
    }

    /** Steps until there is nothing left to do or a step fails. */
    static SampleDelivery.Outcome drain(SampleDelivery d) {
        SampleDelivery.Outcome o;
        do {
            o = d.deliverOnce();
        } while (o == SampleDelivery.Outcome.DELIVERED);
        return o;
    }

    @Test
    void aHealthyBrokerGetsEveryRoundDirectlyInOrder() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        SampleDelivery d = delivery(spool);
        d.offer(List.of(rec("a", 1), rec("b", 1)));
        d.offer(List.of(rec("a", 2), rec("b", 2)));
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);
        assertThat(sink.written).containsExactly("a1", "b1", "a2", "b2");
        assertThat(metric("augur_collector_samples_emitted_total")).isEqualTo(4);
        assertThat(metric("augur_collector_samples_spooled_total")).isZero();
        assertThat(spool.depthRecords()).isZero();
    }

    @Test
    void brokerDownThenUpLosesNothingAndDuplicatesNothing() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        SampleDelivery d = delivery(spool);
        d.offer(List.of(rec("a", 1), rec("b", 1)));
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);

        sink.down = true;
        d.offer(List.of(rec("a", 2), rec("b", 2)));
        d.offer(List.of(rec("a", 3), rec("b", 3))); // queued behind the failing round
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);
        assertThat(d.spooling()).isTrue();
        assertThat(SpoolContractTest.values(spool.peek(10)))
                .containsExactly("a2", "b2", "a3", "b3");
        d.offer(List.of(rec("a", 4), rec("b", 4))); // straight to the spool now
        assertThat(spool.depthRecords()).isEqualTo(6);
        assertThat(metric("augur_collector_spool_depth_records")).isEqualTo(6);
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);

        sink.down = false;
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);
        assertThat(d.spooling()).isFalse();
        d.offer(List.of(rec("a", 5), rec("b", 5)));
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);

        assertThat(sink.of("a")).containsExactly("a1", "a2", "a3", "a4", "a5");
        assertThat(sink.of("b")).containsExactly("b1", "b2", "b3", "b4", "b5");
        assertThat(spool.depthRecords()).isZero();
        assertThat(metric("augur_collector_spool_depth_records")).isZero();
        assertThat(metric("augur_collector_samples_emitted_total")).isEqualTo(10);
        assertThat(metric("augur_collector_spool_dropped_total")).isZero();
    }

    @Test
    void oneTaskDownDoesNotHoldBackOrDuplicateTheOthers() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        SampleDelivery d = delivery(spool);
        sink.downFor.add("a");
        d.offer(List.of(rec("a", 1), rec("b", 1)));
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);
        d.offer(List.of(rec("a", 2), rec("b", 2)));
        d.offer(List.of(rec("a", 3), rec("b", 3)));
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);
        assertThat(sink.of("b")).containsExactly("b1", "b2", "b3");
        assertThat(sink.of("a")).isEmpty();

        sink.downFor.clear();
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);
        assertThat(sink.of("a")).containsExactly("a1", "a2", "a3");
        assertThat(sink.of("b")).containsExactly("b1", "b2", "b3");
        assertThat(d.spooling()).isFalse();
    }

    @Test
    void noMetadataFailsTheRoundWithoutBlockingOncePerRecord() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        SampleDelivery d = delivery(spool);
        sink.noMetadata = true;
        d.offer(List.of(rec("a", 1), rec("b", 1), rec("c", 1)));
        assertThat(d.deliverOnce()).isEqualTo(SampleDelivery.Outcome.FAILED);
        assertThat(sink.attempts).isEqualTo(1);
        assertThat(SpoolContractTest.values(spool.peek(10))).containsExactly("a1", "b1", "c1");
        assertThat(metric("augur_collector_send_failures_total")).isEqualTo(3);
    }

    @Test
    void aRestartReplaysTheSpoolBeforeNewSamples() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        spool.append(List.of(rec("a", 1), rec("a", 2)));
        SampleDelivery d = delivery(spool);
        assertThat(d.spooling()).isTrue();
        d.offer(List.of(rec("a", 3)));
        assertThat(drain(d)).isEqualTo(SampleDelivery.Outcome.IDLE);
        assertThat(sink.written).containsExactly("a1", "a2", "a3");
    }

    @Test
    void pastTheBoundTheOldestAreDroppedAndCounted() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 3));
        SampleDelivery d = delivery(spool);
        sink.down = true;
        d.offer(List.of(rec("a", 1)));
        d.deliverOnce();
        for (int i = 2; i <= 5; i++) {
            d.offer(List.of(rec("a", i)));
        }
        d.reportDrops();
        assertThat(metric("augur_collector_spool_dropped_total")).isEqualTo(2);
        sink.down = false;
        drain(d);
        assertThat(sink.written).containsExactly("a3", "a4", "a5");
    }

    @Test
    void anOrderlyStopSpoolsWhatIsQueued() {
        InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 20, 100));
        SampleDelivery d = delivery(spool);
        d.offer(List.of(rec("a", 1)));
        d.spoolPending();
        assertThat(SpoolContractTest.values(spool.peek(10))).containsExactly("a1");
        assertThat(d.hasPending()).isFalse();
        assertThat(d.spooling()).isTrue();
    }
}

package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.invocation.Invocation;
import io.augur.collector.invocation.InvocationBuffer;
import io.augur.collector.invocation.InvocationStamper;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topics;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.NetworkException;
import org.junit.jupiter.api.Test;

/** Invocations from capture to the sink: stamped, in order, through a broker outage. */
class InvocationPipelineTest {
    final CollectorRegistry registry = new CollectorRegistry();
    final InvocationMetrics metrics = new InvocationMetrics(registry);
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    final List<InvocationEvent> written = new ArrayList<>();
    boolean down;

    final RecordSink sink =
            r -> {
                if (down) {
                    return CompletableFuture.failedFuture(new NetworkException("broker down"));
                }
                try {
                    written.add(Topics.INVOCATIONS.codec().decode(r.value(), "t", 0, 0));
                } catch (SchemaDecodeException e) {
                    throw new AssertionError(e);
                }
                return CompletableFuture.completedFuture(null);
            };
    final InMemorySpool spool = new InMemorySpool(new SpoolBound(1 << 24, 1_000_000));
    final SampleDelivery delivery =
            new SampleDelivery(
                    spool,
                    sink,
                    metrics,
                    clock,
                    Duration.ofSeconds(10),
                    100,
                    Duration.ofSeconds(10));
    final InvocationBuffer buffer = new InvocationBuffer(1000);
    final InvocationPipeline pipeline =
            new InvocationPipeline(
                    buffer,
                    new InvocationStamper("node-1", new TaskDirectory(), clock, ZoneOffset.UTC),
                    delivery,
                    metrics,
                    Duration.ofMillis(200),
                    List::of);

    static List<Invocation> calls(String task, int from, int n) {
        return IntStream.range(from, from + n)
                .mapToObj(
                        i ->
                                new Invocation(
                                        task, 7, "7", InvocationKind.SYSCALL, "call" + i, null, i))
                .toList();
    }

    void drain() {
        SampleDelivery.Outcome o;
        do {
            o = delivery.deliverOnce();
        } while (o == SampleDelivery.Outcome.DELIVERED);
    }

    double metric(String name, String... labels) {
        Double v =
                labels.length == 0
                        ? registry.getSampleValue(name)
                        : registry.getSampleValue(
                                name, new String[] {labels[0]}, new String[] {labels[1]});
        return v == null ? 0 : v;
    }

    @Test
    void aBrokerOutageLosesNoInvocationAndKeepsEachTasksOrder() {
        pipeline.accept(calls("a", 0, 30));
        pipeline.accept(calls("b", 0, 10));
        pipeline.flush();
        drain();

        down = true;
        pipeline.accept(calls("a", 30, 30));
        pipeline.flush();
        drain(); // fails: spooled
        pipeline.accept(calls("b", 10, 10));
        pipeline.flush(); // behind the spooled ones
        down = false;
        drain();

        List<InvocationEvent> a = written.stream().filter(e -> e.getTaskId().equals("a")).toList();
        assertThat(a)
                .extracting(InvocationEvent::getName)
                .containsExactlyElementsOf(
                        calls("a", 0, 60).stream().map(Invocation::name).toList());
        assertThat(a)
                .extracting(InvocationEvent::getSequence)
                .containsExactlyElementsOf(
                        IntStream.range(0, 60)
                                .mapToObj(i -> T0.toEpochMilli() * 1000 + i)
                                .toList());
        assertThat(written.stream().filter(e -> e.getTaskId().equals("b"))).hasSize(20);
        assertThat(metric("augur_collector_invocations_emitted_total")).isEqualTo(80);
        assertThat(metric("augur_collector_invocations_spooled_total")).isEqualTo(40);
        assertThat(metric("augur_collector_invocations_captured_total", "kind", "SYSCALL"))
                .isEqualTo(80);
        assertThat(spool.depthRecords()).isZero();
    }

    @Test
    void aBufferThatOverflowsBetweenFlushesCountsItsDrops() {
        pipeline.accept(calls("a", 0, 1500));
        pipeline.flush();
        drain();

        assertThat(written).hasSize(1000);
        assertThat(written.get(0).getName()).isEqualTo("call500");
        assertThat(metric("augur_collector_invocations_dropped_total", "where", "buffer"))
                .isEqualTo(500);
    }
}

package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.DeadLetter;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodeSamplesFnTest {
    private static final Clock CLOCK = Clock.fixed(Fixtures.T0.plusSeconds(60), ZoneOffset.UTC);

    private OneInputStreamOperatorTestHarness<RawRecord, ResourceSample> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeSamplesFn(CLOCK, Duration.ofMinutes(1)));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void feed(long offset, byte[] value) throws Exception {
        harness.processElement(
                new RawRecord(
                        Topics.RESOURCES.name(), 2, offset, Topic.keyBytes(Fixtures.TASK), value),
                0);
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DecodeSamplesFn.DEAD_LETTERS);
        if (side == null) {
            return List.of();
        }
        return side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static byte[] encode(ResourceSample s) {
        return Topics.RESOURCES.codec().encode(s);
    }

    /** What the source's deserializer makes of one Kafka record. */
    private static RawRecord read(long offset, byte[] value) {
        List<RawRecord> out = new java.util.ArrayList<>();
        new RawRecordDeserializer(CLOCK, Duration.ofMinutes(1))
                .deserialize(
                        new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                                Topics.RESOURCES.name(), 2, offset, Topic.keyBytes("k"), value),
                        new org.apache.flink.util.Collector<RawRecord>() {
                            @Override
                            public void collect(RawRecord r) {
                                out.add(r);
                            }

                            @Override
                            public void close() {}
                        });
        return out.get(0);
    }

    @Test
    void theSourceGivesOnlyValidSamplesAnEventTimeSoBadRecordsCannotMoveAWatermark()
            throws Exception {
        ResourceSample good = Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.5, 1L << 20);
        RawRecord ok = read(1, encode(good));
        assertThat(ok.eventTimeMs).isEqualTo(Fixtures.T0.toEpochMilli());
        assertThat(ok.sample).isEqualTo(good);

        // Stamped a year ahead: invalid, and it must not drag the watermark a year ahead.
        ResourceSample future =
                Fixtures.sample(Fixtures.TASK, Fixtures.T0.plus(Duration.ofDays(365)), 0.5, 1L);
        RawRecord ahead = read(2, encode(future));
        assertThat(ahead.eventTimeMs).isEqualTo(RawRecord.NO_EVENT_TIME);
        assertThat(ahead.errorType).isEqualTo("validation.FUTURE_TIMESTAMP");

        RawRecord garbage = read(3, "garbage".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.eventTimeMs).isEqualTo(RawRecord.NO_EVENT_TIME);
        assertThat(garbage.errorType).isEqualTo("decode.NOT_SINGLE_OBJECT");

        // Routed by the function as checked, with the coordinates.
        harness.processElement(ok, 0);
        harness.processElement(ahead, 0);
        assertThat(harness.extractOutputValues()).containsExactly(good);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getOffset()).isEqualTo(2);
                            assertThat(d.getErrorType()).isEqualTo("validation.FUTURE_TIMESTAMP");
                        });
    }

    @Test
    void taskEventsGoToTheirSideOutputAndBadOnesAreDeadLettered() throws Exception {
        io.augur.schema.TaskEvent good = Fixtures.taskStarted("t1", "alice", "worker");
        io.augur.schema.TaskEvent noRole = Fixtures.taskStarted("t2", "alice", " ");
        int offset = 0;
        for (io.augur.schema.TaskEvent e : List.of(good, noRole)) {
            harness.processElement(
                    new RawRecord(
                            Topics.TASKS.name(),
                            0,
                            offset++,
                            Topic.keyBytes(e.getTaskId()),
                            Topics.TASKS.codec().encode(e)),
                    0);
        }
        harness.processElement(
                new RawRecord(
                        Topics.TASKS.name(),
                        0,
                        offset,
                        null,
                        Topics.RESOURCES
                                .codec()
                                .encode(Fixtures.sample("t3", Fixtures.T0, 0.1, 1L))),
                0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.getSideOutput(DecodeSamplesFn.TASK_EVENTS))
                .extracting(StreamRecord::getValue)
                .containsExactly(good);
        assertThat(deadLetters())
                .extracting(DeadLetter::getErrorType)
                .containsExactly("validation.MISSING_ROLE", "decode.UNKNOWN_FINGERPRINT");
    }

    @Test
    void validSamplesPassThrough() throws Exception {
        ResourceSample s = Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.5, 1L << 20);
        feed(1, encode(s));

        assertThat(harness.extractOutputValues()).containsExactly(s);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void garbageBecomesADeadLetterWithItsCoordinates() throws Exception {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        feed(7, garbage);

        assertThat(harness.extractOutputValues()).isEmpty();
        DeadLetter d = deadLetters().get(0);
        assertThat(d.getErrorType()).isEqualTo("decode.NOT_SINGLE_OBJECT");
        assertThat(d.getSourceTopic()).isEqualTo(Topics.RESOURCES.name());
        assertThat(d.getPartition()).isEqualTo(2);
        assertThat(d.getOffset()).isEqualTo(7);
        assertThat(d.getRawBytes().array()).isEqualTo(garbage);
        assertThat(d.getComponent()).isEqualTo(DecodeSamplesFn.COMPONENT);
        assertThat(d.getTimestamp()).isEqualTo(CLOCK.instant());
    }

    @Test
    void unknownFingerprintBecomesADeadLetter() throws Exception {
        byte[] bytes = encode(Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.5, 1L));
        bytes[2] ^= 0x5a; // first fingerprint byte: no released schema has it
        feed(3, bytes);

        assertThat(deadLetters())
                .singleElement()
                .extracting(DeadLetter::getErrorType)
                .isEqualTo("decode.UNKNOWN_FINGERPRINT");
    }

    @Test
    void truncatedBodyBecomesADeadLetter() throws Exception {
        byte[] bytes = encode(Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.5, 1L));
        byte[] cut = java.util.Arrays.copyOf(bytes, 14);
        feed(4, cut);

        assertThat(deadLetters())
                .singleElement()
                .extracting(DeadLetter::getErrorType)
                .isEqualTo("decode.CORRUPT");
    }

    @Test
    void implausibleValuesBecomeDeadLettersWithTheReason() throws Exception {
        ResourceSample nan = Fixtures.sample(Fixtures.TASK, Fixtures.T0, Double.NaN, 1L);
        ResourceSample negative = Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.1, -5L);
        ResourceSample noTask = Fixtures.sample("", Fixtures.T0, 0.1, 1L);
        ResourceSample future =
                Fixtures.sample(Fixtures.TASK, CLOCK.instant().plus(Duration.ofHours(1)), 0.1, 1L);
        ResourceSample throttled = Fixtures.sample(Fixtures.TASK, Fixtures.T0, 0.1, 1L);
        throttled.setCpuThrottledSeconds(Double.POSITIVE_INFINITY);
        feed(1, encode(nan));
        feed(2, encode(negative));
        feed(3, encode(noTask));
        feed(4, encode(future));
        feed(5, encode(throttled));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters())
                .extracting(DeadLetter::getErrorType)
                .containsExactly(
                        "validation.NAN",
                        "validation.NEGATIVE",
                        "validation.MISSING_TASK_ID",
                        "validation.FUTURE_TIMESTAMP",
                        "validation.INFINITE");
        assertThat(deadLetters().get(1).getError()).contains("memoryBytes -5");
        assertThat(deadLetters().get(4).getError()).contains("cpuThrottledSeconds Infinity");
    }
}

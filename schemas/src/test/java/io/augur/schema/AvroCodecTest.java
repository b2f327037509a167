package io.augur.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void everyTopicValueRoundTripsWithTheSingleObjectHeader() throws Exception {
        var values = Fixtures.oneOfEach();
        assertThat(values).hasSize(Topics.all().size());
        for (int i = 0; i < values.size(); i++) {
            Topic topic = Topics.all().get(i);
            SpecificRecordBase value = values.get(i);
            assertThat(value).isInstanceOf(topic.valueType());
            byte[] bytes = topic.codec().encode(value);
            assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(topic.codec().decode(bytes, topic.name(), 0, 7L)).isEqualTo(value);
        }
    }

    @Test
    void truncatedBodyIsCorruptAndNamesTheRecord() {
        AvroCodec<RiskAssessment> codec = Topics.RISK.codec();
        byte[] bytes = codec.encode(Fixtures.assessment("t", 0.3, Fixtures.T0));
        byte[] truncated = Arrays.copyOf(bytes, 14);
        assertThatThrownBy(() -> codec.decode(truncated, "augur.risk", 2, 99L))
                .isInstanceOfSatisfying(
                        SchemaDecodeException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(SchemaDecodeException.Kind.CORRUPT);
                            assertThat(e.topic()).isEqualTo("augur.risk");
                            assertThat(e.partition()).isEqualTo(2);
                            assertThat(e.offset()).isEqualTo(99L);
                            assertThat(e.getMessage()).contains("augur.risk-2@99");
                        });
    }

    @Test
    void garbageWithoutHeaderIsRejectedAsNotSingleObject() {
        byte[] garbage = "not avro at all, just text".getBytes();
        assertThatThrownBy(() -> Topics.RESOURCES.codec().decode(garbage, "t", 0, 1L))
                .isInstanceOfSatisfying(
                        SchemaDecodeException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(SchemaDecodeException.Kind.NOT_SINGLE_OBJECT));
        assertThatThrownBy(() -> Topics.RESOURCES.codec().decode(new byte[] {1}, "t", 0, 1L))
                .isInstanceOfSatisfying(
                        SchemaDecodeException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(SchemaDecodeException.Kind.NOT_SINGLE_OBJECT));
        assertThatThrownBy(() -> Topics.RESOURCES.codec().decode(null, "t", 0, 1L))
                .isInstanceOf(SchemaDecodeException.class);
    }

    @Test
    void unknownFingerprintIsTypedAndNamesTheType() {
        byte[] bytes = Topics.ACKS.codec().encode(Fixtures.ack("t", 1, AckOutcome.APPLIED));
        // Same valid header marker, a fingerprint no released schema has.
        Schema stranger = SchemaBuilder.record("Stranger").fields().requiredInt("x").endRecord();
        long fp = AvroCodec.fingerprint(stranger);
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) (fp >>> (8 * i));
        }
        assertThatThrownBy(() -> Topics.ACKS.codec().decode(bytes, "augur.acks", 0, 5L))
                .isInstanceOfSatisfying(
                        SchemaDecodeException.class,
                        e -> {
                            assertThat(e.kind())
                                    .isEqualTo(SchemaDecodeException.Kind.UNKNOWN_FINGERPRINT);
                            assertThat(e.getMessage()).contains("EnforcementAck");
                        });
    }

    @Test
    void aValueOfAnotherTypeIsNotMistakenForThisOne() {
        byte[] sampleBytes =
                Topics.RESOURCES.codec().encode(Fixtures.sample("t", Fixtures.T0, 1, 1));
        assertThatThrownBy(
                        () -> Topics.DECISIONS.codec().decode(sampleBytes, "augur.decisions", 0, 0))
                .isInstanceOfSatisfying(
                        SchemaDecodeException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(SchemaDecodeException.Kind.UNKNOWN_FINGERPRINT));
    }

    @Test
    void deadLetterRecordsTheDecodeKind() {
        var error =
                new SchemaDecodeException(
                        SchemaDecodeException.Kind.CORRUPT, "augur.risk", 1, 3, "bad", null);
        DeadLetter dl =
                DeadLetters.of(
                        "augur.risk", 1, 3, null, new byte[] {9}, error, "jobs", Fixtures.T0);
        assertThat(dl.getErrorType()).isEqualTo("decode.CORRUPT");
        assertThat(dl.getError()).contains("augur.risk-1@3");
        assertThat(Topics.DLQ.codec().encode(dl)).isNotEmpty();
    }
}

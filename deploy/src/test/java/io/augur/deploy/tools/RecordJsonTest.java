package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.augur.schema.AckOutcome;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long KAFKA_TS = Fixtures.T0.plusSeconds(1).toEpochMilli();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String line(Topic<?> topic, SpecificRecordBase value) {
        byte[] bytes = ((Topic) topic).codec().encode(value);
        return RecordJson.toLine(topic, 3, 42L, KAFKA_TS, Topic.keyBytes("k-1"), bytes);
    }

    private static JsonNode parse(String line) throws Exception {
        return MAPPER.readTree(line);
    }

    @Test
    void everyTopicsFixtureBecomesOneJsonObjectWithItsCoordinatesAndEveryField() throws Exception {
        List<SpecificRecordBase> values = Fixtures.oneOfEach();
        assertThat(values).hasSameSizeAs(Topics.all());
        for (int i = 0; i < values.size(); i++) {
            Topic<?> topic = Topics.all().get(i);
            SpecificRecordBase value = values.get(i);
            assertThat(value.getClass()).isEqualTo(topic.valueType());

            String line = line(topic, value);
            assertThat(line).doesNotContain("\n");
            JsonNode json = parse(line);

            assertThat(json.get("_topic").asText()).isEqualTo(topic.name());
            assertThat(json.get("_partition").asInt()).isEqualTo(3);
            assertThat(json.get("_offset").asLong()).isEqualTo(42L);
            assertThat(json.get("_timestamp").asText()).isEqualTo("2026-01-01T00:00:01Z");
            assertThat(json.get("_key").asText()).isEqualTo("k-1");
            assertThat(json.has("_error")).isFalse();
            assertMatches(value, json, topic.name());
        }
    }

    /** Walks the record and its JSON side by side: the JSON must say what the record holds. */
    private static void assertMatches(IndexedRecord record, JsonNode json, String where) {
        for (Schema.Field field : record.getSchema().getFields()) {
            String path = where + "." + field.name();
            assertThat(json.has(field.name())).as(path).isTrue();
            assertValue(record.get(field.pos()), json.get(field.name()), path);
        }
    }

    private static void assertValue(Object value, JsonNode json, String path) {
        if (value == null) {
            assertThat(json.isNull()).as(path + " null").isTrue();
        } else if (value instanceof IndexedRecord nested) {
            assertThat(json.isObject()).as(path).isTrue();
            assertMatches(nested, json, path);
        } else if (value instanceof Instant instant) {
            assertThat(json.asText()).as(path).isEqualTo(instant.toString());
            assertThat(Instant.parse(json.asText())).as(path).isEqualTo(instant);
        } else if (value instanceof Enum<?> e) {
            assertThat(json.isTextual()).as(path).isTrue();
            assertThat(json.asText()).as(path).isEqualTo(e.name());
        } else if (value instanceof ByteBuffer buffer) {
            byte[] expected = new byte[buffer.remaining()];
            buffer.duplicate().get(expected);
            assertThat(Base64.getDecoder().decode(json.asText())).as(path).isEqualTo(expected);
        } else if (value instanceof List<?> list) {
            assertThat(json.isArray()).as(path).isTrue();
            assertThat(json.size()).as(path).isEqualTo(list.size());
            IntStream.range(0, list.size())
                    .forEach(i -> assertValue(list.get(i), json.get(i), path + "[" + i + "]"));
        } else if (value instanceof CharSequence s) {
            assertThat(json.isTextual()).as(path).isTrue();
            assertThat(json.asText()).as(path).isEqualTo(s.toString());
        } else if (value instanceof Boolean b) {
            assertThat(json.isBoolean()).as(path).isTrue();
            assertThat(json.asBoolean()).as(path).isEqualTo(b);
        } else if (value instanceof Double || value instanceof Float) {
            assertThat(json.isNumber()).as(path).isTrue();
            assertThat(json.asDouble()).as(path).isEqualTo(((Number) value).doubleValue());
        } else if (value instanceof Number n) {
            assertThat(json.isIntegralNumber()).as(path).isTrue();
            assertThat(json.asLong()).as(path).isEqualTo(n.longValue());
        } else {
            throw new AssertionError(path + ": no check for " + value.getClass());
        }
    }

    @Test
    void spellsOutTimestampsEnumsBytesAndNullsTheWayOperatorsReadThem() throws Exception {
        JsonNode ack = parse(line(Topics.ACKS, Fixtures.ack("t", 7, AckOutcome.STALE)));
        assertThat(ack.get("outcome").asText()).isEqualTo("STALE");
        assertThat(ack.get("appliedAt").asText()).isEqualTo("2026-01-01T00:00:00.009Z");
        assertThat(ack.get("reason").isNull()).isTrue();
        assertThat(ack.get("applied").get("cpuCores").asDouble()).isEqualTo(0.25);

        JsonNode dead = parse(line(Topics.DLQ, Fixtures.deadLetter()));
        assertThat(dead.get("rawBytes").asText()).isEqualTo("AQID");
        assertThat(dead.get("key").asText())
                .isEqualTo(Base64.getEncoder().encodeToString("task-1".getBytes()));
    }

    @Test
    void nonFiniteDoublesStayValidJson() throws Exception {
        ResourceSample sample = Fixtures.sample("t", Fixtures.T0, Double.NaN, 1L);
        JsonNode json = parse(line(Topics.RESOURCES, sample));
        assertThat(json.get("cpuCores").asText()).isEqualTo("NaN");
    }

    @Test
    void garbageBecomesAnErrorLineWithCoordinatesAndTheRawBytes() throws Exception {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        JsonNode json = parse(RecordJson.toLine(Topics.DECISIONS, 1, 9L, KAFKA_TS, null, garbage));
        assertThat(json.get("_topic").asText()).isEqualTo("augur.decisions");
        assertThat(json.get("_partition").asInt()).isEqualTo(1);
        assertThat(json.get("_offset").asLong()).isEqualTo(9L);
        assertThat(json.get("_key").isNull()).isTrue();
        assertThat(json.get("_error").asText()).startsWith("NOT_SINGLE_OBJECT");
        assertThat(Base64.getDecoder().decode(json.get("_raw").asText())).isEqualTo(garbage);
        assertThat(json.has("decisionId")).isFalse();
    }

    @Test
    void aValueOfAnotherTopicsTypeIsAnErrorNotAMisreading() throws Exception {
        byte[] ack = Topics.ACKS.codec().encode(Fixtures.ack("t", 1, AckOutcome.APPLIED));
        JsonNode json = parse(RecordJson.toLine(Topics.DECISIONS, 0, 0L, KAFKA_TS, null, ack));
        assertThat(json.get("_error").asText()).startsWith("UNKNOWN_FINGERPRINT");
    }

    @Test
    void truncatedBodiesAndNullValuesAreErrorsToo() throws Exception {
        byte[] whole = Topics.ACKS.codec().encode(Fixtures.ack("t", 1, AckOutcome.APPLIED));
        byte[] truncated = java.util.Arrays.copyOf(whole, 14);
        assertThat(
                        parse(RecordJson.toLine(Topics.ACKS, 0, 1L, -1L, null, truncated))
                                .get("_error")
                                .asText())
                .startsWith("CORRUPT");
        JsonNode tombstone = parse(RecordJson.toLine(Topics.TASKS, 0, 2L, -1L, null, null));
        assertThat(tombstone.get("_error").asText()).startsWith("NOT_SINGLE_OBJECT");
        assertThat(tombstone.get("_raw").isNull()).isTrue();
        assertThat(tombstone.get("_timestamp").isNull()).isTrue();
    }

    @Test
    void noSchemaFieldCanBeMistakenForACoordinate() {
        for (SpecificRecordBase value : Fixtures.oneOfEach()) {
            ObjectNode json = RecordJson.record(value);
            json.fieldNames()
                    .forEachRemaining(
                            name ->
                                    assertThat(name)
                                            .as(value.getSchema().getName())
                                            .doesNotStartWith("_"));
        }
    }
}

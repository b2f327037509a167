package io.augur.deploy.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Turns one Kafka record of an Augur topic into one line of JSON for operators: the Kafka
 * coordinates ({@code _topic}, {@code _partition}, {@code _offset}, {@code _timestamp}, {@code
 * _key}) followed by the decoded value's fields. Timestamps are ISO-8601 strings, enums strings,
 * bytes base64, absent values {@code null}. A value that does not decode gives a line with {@code
 * _error} (and {@code _raw}, the bytes in base64) instead: a tool that reads a topic must never
 * stop at the one bad record an operator is looking for. Pure and thread-safe.
 */
public final class RecordJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordJson() {}

    /**
     * One record as a JSON object.
     *
     * @param topic the catalogue topic the record was read from (selects the codec)
     * @param timestampMs the Kafka record timestamp, or a negative value when it has none
     */
    public static ObjectNode toJson(
            Topic<?> topic,
            int partition,
            long offset,
            long timestampMs,
            byte[] key,
            byte[] value) {
        ObjectNode line = coordinates(topic.name(), partition, offset, timestampMs, key);
        SpecificRecordBase decoded;
        try {
            decoded = topic.codec().decode(value, topic.name(), partition, offset);
        } catch (SchemaDecodeException e) {
            line.put("_error", e.kind() + ": " + e.getMessage());
            line.put("_raw", value == null ? null : Base64.getEncoder().encodeToString(value));
            return line;
        }
        line.setAll(record(decoded));
        return line;
    }

    /** {@link #toJson} as one line of compact JSON (no line breaks inside). */
    public static String toLine(
            Topic<?> topic,
            int partition,
            long offset,
            long timestampMs,
            byte[] key,
            byte[] value) {
        return write(toJson(topic, partition, offset, timestampMs, key, value));
    }

    /** Any Avro record as a JSON object, field by field, following its schema. */
    public static ObjectNode record(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(field.schema(), record.get(field.pos())));
        }
        return node;
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A tree of plain nodes always serialises; anything else is a bug here.
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static ObjectNode coordinates(
            String topic, int partition, long offset, long timestampMs, byte[] key) {
        ObjectNode line = NODES.objectNode();
        line.put("_topic", topic);
        line.put("_partition", partition);
        line.put("_offset", offset);
        if (timestampMs >= 0) {
            line.put("_timestamp", Instant.ofEpochMilli(timestampMs).toString());
        } else {
            line.putNull("_timestamp");
        }
        line.put("_key", Topic.keyString(key));
        return line;
    }

    private static JsonNode value(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case UNION:
                return value(branch(schema, value), value);
            case RECORD:
                return record((IndexedRecord) value);
            case ENUM:
                return NODES.textNode(value.toString());
            case STRING:
                return NODES.textNode(value.toString());
            case BYTES:
                return NODES.textNode(base64((ByteBuffer) value));
            case FIXED:
                return NODES.textNode(
                        Base64.getEncoder().encodeToString(((GenericFixed) value).bytes()));
            case ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(value(schema.getElementType(), item));
                }
                return array;
            case MAP:
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    map.set(e.getKey().toString(), value(schema.getValueType(), e.getValue()));
                }
                return map;
            case INT:
            case LONG:
                return integral(schema.getLogicalType(), value);
            case FLOAT:
            case DOUBLE:
                double d = ((Number) value).doubleValue();
                // JSON has no NaN or infinity: spell them out rather than emit invalid JSON.
                return Double.isFinite(d)
                        ? NODES.numberNode(d)
                        : NODES.textNode(Double.toString(d));
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case NULL:
                return NODES.nullNode();
            default:
                throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
        }
    }

    /** Generated classes hand out Instants and LocalDates; plain Avro hands out numbers. */
    private static JsonNode integral(LogicalType logical, Object value) {
        if (value instanceof Instant || value instanceof LocalDate) {
            return NODES.textNode(value.toString());
        }
        long n = ((Number) value).longValue();
        if (logical == null) {
            return NODES.numberNode(n);
        }
        return switch (logical.getName()) {
            case "timestamp-millis" -> NODES.textNode(Instant.ofEpochMilli(n).toString());
            case "timestamp-micros" ->
                    NODES.textNode(Instant.EPOCH.plus(n, ChronoUnit.MICROS).toString());
            case "date" -> NODES.textNode(LocalDate.ofEpochDay(n).toString());
            default -> NODES.numberNode(n);
        };
    }

    private static Schema branch(Schema union, Object value) {
        List<Schema> nonNull =
                union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
        // Augur's unions are all ["null", T]; resolve the general case through Avro.
        if (nonNull.size() == 1) {
            return nonNull.get(0);
        }
        return union.getTypes().get(GenericData.get().resolveUnion(union, value));
    }

    private static String base64(ByteBuffer buffer) {
        // duplicate(): reading must not move the record's own buffer position.
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}

package io.augur.collector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.schema.ResourceSample;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * A {@link ResourceSample} as one line of JSON for people debugging a node: every field of the
 * schema in schema order, nested records as objects, timestamps as ISO-8601 strings, unknown values
 * (and non-finite numbers) as null. Pure.
 */
public final class SampleJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SampleJson() {}

    public static String line(ResourceSample sample) {
        try {
            return MAPPER.writeValueAsString(fields(sample));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write sample as JSON", e);
        }
    }

    static Map<String, Object> fields(IndexedRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            out.put(f.name(), plain(record.get(f.pos())));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof IndexedRecord r) {
            return fields(r);
        }
        if (v instanceof Instant || v instanceof CharSequence || v instanceof Enum<?>) {
            return v.toString();
        }
        if (v instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(SampleJson::plain).toList();
        }
        return v;
    }
}

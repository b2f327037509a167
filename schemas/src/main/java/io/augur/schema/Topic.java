package io.augur.schema;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * One Kafka topic of Augur: its name, the Avro type of its values, how it is keyed, how many
 * partitions it is created with and its cleanup policy. Keys are UTF-8 strings.
 *
 * @param name topic name
 * @param valueType Avro type of every value (single-object encoded)
 * @param key what the key is, e.g. "taskId"
 * @param partitions partitions when Augur creates the topic
 * @param cleanupPolicy Kafka {@code cleanup.policy}
 * @param description what flows on it
 */
public record Topic<V extends SpecificRecordBase>(
        String name,
        Class<V> valueType,
        String key,
        int partitions,
        String cleanupPolicy,
        String description) {

    public AvroCodec<V> codec() {
        return Codecs.of(valueType);
    }

    public static byte[] keyBytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    public static String keyString(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}

package io.augur.collector;

import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;

/**
 * One record bound for augur.telemetry.resources: its key (the task id, UTF-8) and its value (an
 * Avro single-object encoded {@link ResourceSample}). What the spool stores and the sink sends.
 *
 * @param key the Kafka key
 * @param value the Kafka value
 */
public record KeyedRecord(byte[] key, byte[] value) {

    /** The record of one sample: key taskId, value single-object encoded. */
    public static KeyedRecord of(ResourceSample sample) {
        return new KeyedRecord(
                Topic.keyBytes(sample.getTaskId()), Topics.RESOURCES.codec().encode(sample));
    }

    /** The key as a string, for logs. */
    public String keyString() {
        return Topic.keyString(key);
    }
}

package io.augur.collector;

import io.augur.schema.InvocationEvent;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;

/**
 * One record bound for Kafka: its key (the task id, UTF-8) and its value (an Avro single-object
 * encoded {@link ResourceSample} or {@link InvocationEvent}). What the spool stores and the sink
 * sends.
 *
 * @param key the Kafka key
 * @param value the Kafka value
 */
public record KeyedRecord(byte[] key, byte[] value) {

    /** The record of one invocation: key taskId, value single-object encoded. */
    public static KeyedRecord of(InvocationEvent event) {
        return new KeyedRecord(
                Topic.keyBytes(event.getTaskId()), Topics.INVOCATIONS.codec().encode(event));
    }

    /** The record of one task event (augur.tasks): key taskId, value single-object encoded. */
    public static KeyedRecord of(TaskEvent event) {
        return new KeyedRecord(
                Topic.keyBytes(event.getTaskId()), Topics.TASKS.codec().encode(event));
    }

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

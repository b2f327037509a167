package io.augur.jobs.pipeline;

import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import java.util.Arrays;

/**
 * One Kafka record as read, with its coordinates, and what checking it found: the decoded sample
 * (of {@code augur.telemetry.resources}) or task event (of {@code augur.tasks}) if it is valid,
 * else the reason. The source's deserializer checks it ({@link RawRecordDeserializer}) because the
 * event time of a valid sample drives the source's per-partition watermarks; {@link
 * DecodeSamplesFn} routes it (and checks records nobody checked yet). A record never fails the
 * source. A Flink POJO (public fields, no-arg constructor), so it never falls back to Kryo.
 */
public class RawRecord {
    /** Event time of a record that is not valid: it must not move any watermark. */
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;

    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;

    /** The valid sample, or null (not checked yet, or not valid: see {@link #errorType}). */
    public ResourceSample sample;

    /** The valid task event, or null (not checked yet, not a task event, or not valid). */
    public TaskEvent taskEvent;

    /** Why the record is not valid (e.g. {@code decode.CORRUPT}), or null. */
    public String errorType;

    public String error;

    /** The sample's or task event's timestamp (epoch ms), or {@link #NO_EVENT_TIME}. */
    public long eventTimeMs = NO_EVENT_TIME;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
    }

    @Override
    public String toString() {
        return topic
                + "-"
                + partition
                + "@"
                + offset
                + " ("
                + (value == null ? "null" : value.length + " bytes")
                + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r
                && partition == r.partition
                && offset == r.offset
                && java.util.Objects.equals(topic, r.topic)
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(topic, partition, offset);
    }
}

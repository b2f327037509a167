package io.augur.jobs.pipeline;

import java.util.Arrays;

/**
 * One Kafka record as read, before decoding: decoding happens in {@link DecodeSamplesFn} so a
 * record that does not decode becomes a dead letter with its coordinates instead of failing the
 * source. A Flink POJO (public fields, no-arg constructor), so it never falls back to Kryo.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;

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

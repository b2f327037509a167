package io.augur.jobs.pipeline;

import io.augur.schema.Codecs;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Writes values in Augur's Avro single-object encoding (the codec of the catalogue). */
public final class AvroValueSchema<T extends SpecificRecordBase> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;

    public AvroValueSchema(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(T value) {
        return Codecs.of(type).encode(value);
    }
}

package io.augur.schema;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.specific.SpecificRecordBase;

/** One shared {@link AvroCodec} per record type (codecs are thread-safe and costly to build). */
public final class Codecs {
    private static final ConcurrentMap<Class<?>, AvroCodec<?>> CODECS = new ConcurrentHashMap<>();

    private Codecs() {}

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type) {
        return (AvroCodec<T>) CODECS.computeIfAbsent(type, t -> AvroCodec.of(type));
    }
}

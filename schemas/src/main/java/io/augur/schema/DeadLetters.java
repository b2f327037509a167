package io.augur.schema;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter} records so every component reports bad input the same way. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            Throwable error,
            String component,
            Instant now) {
        String errorType =
                error instanceof SchemaDecodeException sde
                        ? "decode." + sde.kind().name()
                        : error.getClass().getSimpleName();
        return of(
                sourceTopic,
                partition,
                offset,
                key,
                value,
                errorType,
                String.valueOf(error.getMessage()),
                component,
                now);
    }

    public static DeadLetter of(
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String errorType,
            String error,
            String component,
            Instant now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setRawBytes(value == null ? null : ByteBuffer.wrap(value))
                .setErrorType(errorType)
                .setError(error)
                .setComponent(component)
                .setTimestamp(now)
                .build();
    }
}

package io.augur.schema;

/**
 * A value that could not be decoded into its Avro type. It names where the bytes came from (topic,
 * partition, offset) so the record can be sent to {@code augur.dlq} with a reason, instead of
 * crashing whoever read it.
 */
public final class SchemaDecodeException extends Exception {

    /** Why decoding failed. */
    public enum Kind {
        /** Fewer bytes than the single-object header, or a header with the wrong marker. */
        NOT_SINGLE_OBJECT,
        /** A valid header whose schema fingerprint no released version of the type has. */
        UNKNOWN_FINGERPRINT,
        /** A known fingerprint, but the body does not decode with that schema. */
        CORRUPT
    }

    private final Kind kind;
    private final String topic;
    private final int partition;
    private final long offset;

    public SchemaDecodeException(
            Kind kind, String topic, int partition, long offset, String message, Throwable cause) {
        super(
                String.format(
                        "%s at %s-%d@%d: %s",
                        kind, topic == null ? "?" : topic, partition, offset, message),
                cause);
        this.kind = kind;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public Kind kind() {
        return kind;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}

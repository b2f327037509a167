package io.augur.collector;

/**
 * How much a {@link Spool} may hold; past either limit the oldest records are dropped.
 *
 * @param maxBytes bytes of framed records held at most
 * @param maxRecords records held at most
 */
public record SpoolBound(long maxBytes, long maxRecords) {
    /** Bytes a record takes in a spool besides its key and value (length, checksum, key length). */
    public static final int FRAME_OVERHEAD = 12;

    public SpoolBound {
        if (maxBytes < 1024 || maxRecords < 1) {
            throw new IllegalArgumentException(
                    "a spool needs at least 1024 bytes and 1 record, got "
                            + maxBytes
                            + " bytes and "
                            + maxRecords
                            + " records");
        }
    }

    /** The bytes one record takes against {@link #maxBytes}. */
    public static long framedSize(KeyedRecord r) {
        return FRAME_OVERHEAD + (long) r.key().length + r.value().length;
    }
}

package io.augur.collector;

import java.util.List;

/**
 * A bounded, ordered queue of records waiting for Kafka, the collector's buffer while the broker is
 * unreachable. Every appended record gets the next sequence number; records leave from the head
 * only, either delivered ({@link #removeThrough}) or dropped because the bound was reached (the
 * oldest go first). Thread-safe: the sampling thread appends while the delivery thread replays.
 * Real: {@link DiskSpool}; for tests: {@link InMemorySpool}.
 */
public interface Spool extends AutoCloseable {

    /**
     * A spooled record and its sequence number.
     *
     * @param seq position in the spool, increasing with every append
     * @param record the record
     */
    record Entry(long seq, KeyedRecord record) {}

    /**
     * Appends records in order, dropping the oldest ones when the bound would be exceeded (a record
     * larger than the whole bound is dropped itself).
     *
     * @return how many records were dropped to make room
     */
    long append(List<KeyedRecord> records);

    /** Up to {@code max} records from the head, oldest first; they stay in the spool. */
    List<Entry> peek(int max);

    /** Removes every record up to and including sequence number {@code seq}. */
    void removeThrough(long seq);

    /** Records held. */
    long depthRecords();

    /** Bytes the held records take (as framed on disk). */
    long depthBytes();

    @Override
    void close();
}

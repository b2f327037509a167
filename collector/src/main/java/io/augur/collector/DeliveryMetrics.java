package io.augur.collector;

/** What a {@link SampleDelivery} reports about one stream of records (samples or invocations). */
public interface DeliveryMetrics {

    /** Records the broker acknowledged. */
    void emitted(long n);

    /** Sends Kafka did not acknowledge (the records are spooled, not lost). */
    void sendFailed(long n);

    /** Records written to the spool. */
    void spooled(long n);

    /** Spooled records dropped, oldest first, because the spool was full. */
    void dropped(long n);

    /** What the spool holds now. */
    void spoolDepth(long records, long bytes);
}

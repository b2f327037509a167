package io.augur.collector;

import java.util.concurrent.CompletableFuture;

/**
 * Where delivered records go: augur.telemetry.resources. Real: {@link KafkaRecordSink}; tests use a
 * scripted one.
 */
public interface RecordSink {

    /**
     * Hands a record over for sending. The future completes when the broker has acknowledged it, or
     * exceptionally when it was not written; it must complete within the sink's send timeout.
     *
     * @throws RuntimeException when the record cannot even be handed over (e.g. no metadata within
     *     the blocking bound); nothing was sent then
     */
    CompletableFuture<Void> send(KeyedRecord record);
}

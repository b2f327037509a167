package io.augur.collector;

import io.augur.launch.KafkaClients;
import io.augur.schema.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records to augur.telemetry.resources (or, through {@link #to}, another topic) with Augur's
 * idempotent producer, bounded in time: a send is answered within {@code sendTimeout} ({@code
 * delivery.timeout.ms}) and never blocks longer than that for metadata or buffer space ({@code
 * max.block.ms}), so an unreachable broker turns into a failed future rather than a stuck thread.
 */
public final class KafkaRecordSink implements RecordSink, AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaRecordSink(String bootstrap, Duration sendTimeout) {
        this.producer = new KafkaProducer<>(properties(bootstrap, sendTimeout));
    }

    static Properties properties(String bootstrap, Duration sendTimeout) {
        Properties p = KafkaClients.idempotentProducer(bootstrap);
        long timeout = sendTimeout.toMillis();
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout - 100));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout));
        return p;
    }

    @Override
    public CompletableFuture<Void> send(KeyedRecord record) {
        return send(Topics.RESOURCES.name(), record);
    }

    /** A sink to another topic through the same producer. */
    public RecordSink to(String topic) {
        return record -> send(topic, record);
    }

    private CompletableFuture<Void> send(String topic, KeyedRecord record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(topic, record.key(), record.value()),
                (meta, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(null);
                    }
                });
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

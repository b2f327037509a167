package io.augur.actuator.sandbox;

import io.augur.launch.KafkaClients;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Where a launcher registers its task's life cycle ({@code augur.tasks}). */
public interface TaskRegistry extends AutoCloseable {

    /** Publishes and waits for the broker's acknowledgement. */
    void publish(TaskEvent event);

    @Override
    void close();

    /** No registration (no {@code --bootstrap}). */
    static TaskRegistry none() {
        return new TaskRegistry() {
            @Override
            public void publish(TaskEvent event) {}

            @Override
            public void close() {}
        };
    }

    /** An idempotent producer keyed by task id, bounded so a dead broker never hangs a task. */
    static TaskRegistry kafka(String bootstrap) {
        Properties props = KafkaClients.idempotentProducer(bootstrap);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        return new TaskRegistry() {
            @Override
            public void publish(TaskEvent e) {
                try {
                    producer.send(
                                    new ProducerRecord<>(
                                            Topics.TASKS.name(),
                                            Topic.keyBytes(e.getTaskId()),
                                            Topics.TASKS.codec().encode(e)))
                            .get();
                } catch (ExecutionException ex) {
                    throw new IllegalStateException(
                            "cannot register task "
                                    + e.getTaskId()
                                    + " ("
                                    + e.getType()
                                    + ") on "
                                    + bootstrap
                                    + ": "
                                    + ex.getCause().getMessage());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted registering " + e.getTaskId());
                }
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(10));
            }
        };
    }
}

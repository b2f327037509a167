package io.augur.launch;

import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole catalogue topic ({@code read_committed}, from the beginning, every partition) and
 * decodes it. For tests, the demo report and operators' tools. A value that does not decode fails
 * loudly: on Augur's own topics that is a bug.
 */
public final class TopicProbe<V extends SpecificRecordBase> implements AutoCloseable {

    private final Topic<V> topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<V> seen = new ArrayList<>();

    public TopicProbe(String bootstrap, Topic<V> topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(KafkaClients.readCommittedReader(bootstrap));
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything read so far, in arrival order (per-partition order is kept). */
    public List<V> seen() {
        return List.copyOf(seen);
    }

    /** Polls once for up to {@code timeout} and returns everything read so far. */
    public List<V> poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                seen.add(topic.codec().decode(r.value(), r.topic(), r.partition(), r.offset()));
            } catch (SchemaDecodeException e) {
                throw new IllegalStateException("undecodable record on " + topic.name(), e);
            }
        }
        return seen();
    }

    /** Polls until {@code done} holds for everything read so far, or fails after the timeout. */
    public List<V> awaitUntil(Predicate<List<V>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(seen)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "condition not met on "
                                + topic.name()
                                + " within "
                                + timeout
                                + "; read "
                                + seen.size()
                                + " records");
            }
            poll(Duration.ofMillis(200));
        }
        return seen();
    }

    /**
     * Keeps polling for {@code quiet} and returns everything read (to check nothing more comes).
     */
    public List<V> drain(Duration quiet) {
        Instant deadline = Instant.now().plus(quiet);
        while (Instant.now().isBefore(deadline)) {
            poll(Duration.ofMillis(200));
        }
        return seen();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

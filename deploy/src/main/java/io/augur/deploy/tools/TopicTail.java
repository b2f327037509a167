package io.augur.deploy.tools;

import io.augur.launch.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads one Augur topic ({@code read_committed}, every partition, no committed offsets) and hands
 * each record to a {@link Lines} as one line of JSON ({@link RecordJson}). Without {@code follow}
 * it stops at the end offsets taken when it started, so records arriving meanwhile do not keep it
 * running; {@link #wakeup()} stops it from another thread (Ctrl-C).
 */
public final class TopicTail implements AutoCloseable {

    /** Where lines go. */
    @FunctionalInterface
    public interface Lines {
        /** Takes one line; returns false when nobody reads any more (e.g. a closed pipe). */
        boolean accept(String line);
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private final TailOptions options;
    private final Consumer<byte[], byte[]> consumer;

    public TopicTail(TailOptions options) {
        this(options, new KafkaConsumer<>(consumerProperties(options.bootstrap())));
    }

    TopicTail(TailOptions options, Consumer<byte[], byte[]> consumer) {
        this.options = options;
        this.consumer = consumer;
    }

    static Properties consumerProperties(String bootstrap) {
        Properties p = KafkaClients.readCommittedReader(bootstrap);
        // An operator waiting on an unreachable broker wants an answer, not the 60 s default.
        p.put(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(METADATA_TIMEOUT.toMillis()));
        return p;
    }

    /**
     * Reads until the end (or forever with {@code follow}), {@code max} lines, the output closing,
     * or {@link #wakeup()}.
     *
     * @return the number of lines written
     * @throws IllegalStateException when the topic does not exist on the cluster
     */
    public long run(Lines out) {
        String name = options.topic().name();
        long written = 0;
        try {
            List<TopicPartition> partitions = partitions(name);
            consumer.assign(partitions);
            if (options.fromBeginning()) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Under read_committed these are the last stable offsets: open transactions are
            // neither waited for nor shown.
            Map<TopicPartition, Long> end =
                    options.follow() ? null : consumer.endOffsets(partitions);
            while (end == null || !reached(end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (end != null
                            && r.offset()
                                    >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // arrived after we started: not ours to print
                    }
                    String line =
                            RecordJson.toLine(
                                    options.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.timestamp(),
                                    r.key(),
                                    r.value());
                    if (!out.accept(line)) {
                        return written;
                    }
                    written++;
                    if (options.max().isPresent() && written >= options.max().getAsLong()) {
                        return written;
                    }
                }
            }
            return written;
        } catch (WakeupException e) {
            // wakeup() is how an operator's Ctrl-C ends the read; not an error.
            return written;
        }
    }

    /** Makes a running {@link #run} return; safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    private List<TopicPartition> partitions(String name) {
        List<PartitionInfo> infos = consumer.partitionsFor(name, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException(
                    "topic "
                            + name
                            + " does not exist on "
                            + options.bootstrap()
                            + " (./augur up creates Augur's topics)");
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

package io.augur.deploy.tools;

import io.augur.launch.KafkaClients;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a time range of one topic, read_committed, once: from the first offset at or after {@code
 * since} in each partition ({@code offsetsForTimes}) to the last stable offset taken when the scan
 * starts, skipping records stamped after {@code until}. Reports progress to a stream every few
 * seconds. Records go to a {@link Visitor} in partition order within each partition.
 */
final class TopicScan implements AutoCloseable {

    /** Takes each record of the range. */
    @FunctionalInterface
    interface Visitor {
        void accept(ConsumerRecord<byte[], byte[]> record) throws java.io.IOException;
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long PROGRESS_NANOS = Duration.ofSeconds(2).toNanos();

    private final Consumer<byte[], byte[]> consumer;
    private final String bootstrap;

    TopicScan(String bootstrap) {
        Properties p = KafkaClients.readCommittedReader(bootstrap);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        this.consumer = new KafkaConsumer<>(p);
        this.bootstrap = bootstrap;
    }

    /** Every partition of {@code topic}; throws when the cluster does not have it. */
    List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException(
                    "topic "
                            + topic
                            + " does not exist on "
                            + bootstrap
                            + " (./augur up creates"
                            + " Augur's topics)");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : infos) {
            out.add(new TopicPartition(p.topic(), p.partition()));
        }
        return out;
    }

    /**
     * Scans {@code partitions} over [since, until].
     *
     * @return the number of records visited
     */
    long scan(
            Collection<TopicPartition> partitions,
            Optional<Instant> since,
            Optional<Instant> until,
            Visitor visitor,
            String what,
            PrintStream progress)
            throws java.io.IOException {
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> start = new HashMap<>();
        if (since.isPresent()) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since.get().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                start.put(tp, at == null ? end.get(tp) : at.offset());
            }
        } else {
            consumer.beginningOffsets(partitions).forEach(start::put);
        }
        long total = 0;
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, start.get(tp));
            total += Math.max(0, end.get(tp) - start.get(tp));
        }
        long untilMs = until.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        long visited = 0;
        long read = 0;
        long lastProgress = System.nanoTime();
        long lastMove = lastProgress;
        Map<TopicPartition, Long> seen = new HashMap<>(start);
        while (!reached(end)) {
            boolean moved = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue;
                }
                read++;
                moved = true;
                if (r.timestamp() <= untilMs) {
                    visitor.accept(r);
                    visited++;
                }
            }
            long now = System.nanoTime();
            for (TopicPartition tp : partitions) {
                long position = consumer.position(tp);
                if (position > seen.get(tp)) {
                    seen.put(tp, position);
                    moved = true; // transaction markers and aborted records advance it too
                }
            }
            if (moved) {
                lastMove = now;
            } else if (now - lastMove > TIMEOUT.toNanos()) {
                throw new IllegalStateException(
                        "reading " + what + " made no progress for " + TIMEOUT.toSeconds() + " s");
            }
            if (now - lastProgress > PROGRESS_NANOS) {
                progress.printf("%s: %d of about %d records read%n", what, read, total);
                lastProgress = now;
            }
        }
        return visited;
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

package io.augur.collector;

import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic (read_committed, no consumer group: each collector reads on
 * its own) from a start position, hands each decoded value to a handler, and keeps following. An
 * undecodable record is logged and skipped; a compaction tombstone is skipped.
 *
 * @param <T> the topic's value type
 */
public final class TopicFollower<T extends SpecificRecordBase> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final Consumer<byte[], byte[]> consumer;
    private final Topic<T> topic;
    private final Duration lookback;
    private final Clock clock;
    private final java.util.function.Consumer<T> handler;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    // While not caught up: the end offsets to reach, taken once the partitions are assigned.
    private Map<TopicPartition, Long> target;

    /**
     * @param lookback how far back to start: null for the beginning, else the first record written
     *     at most this long before the partitions are assigned (the end when there is none)
     */
    public TopicFollower(
            Consumer<byte[], byte[]> consumer,
            Topic<T> topic,
            Duration lookback,
            Clock clock,
            java.util.function.Consumer<T> handler) {
        this.consumer = consumer;
        this.topic = topic;
        this.lookback = lookback;
        this.clock = clock;
        this.handler = handler;
    }

    /**
     * Assigns every partition and reads until the end offsets seen now, so what follows starts from
     * what the topic holds. Returns false when that took longer than {@code timeout} (the rest is
     * read while following).
     */
    public boolean catchUp(Duration timeout) {
        Map<TopicPartition, Long> end;
        try {
            List<TopicPartition> partitions = assign(timeout);
            if (partitions.isEmpty()) {
                LOG.warn("{} has no partitions yet; following it later", topic.name());
                return false;
            }
            end = consumer.endOffsets(partitions, timeout);
        } catch (TimeoutException e) {
            // The broker is down: carry on (samples are spooled), read the topic later.
            LOG.warn("{} unreachable within {}; following it later", topic.name(), timeout);
            return false;
        }
        Instant deadline = clock.instant().plus(timeout);
        while (end.entrySet().stream()
                .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (clock.instant().isAfter(deadline)) {
                LOG.warn("{} not caught up within {}; carrying on", topic.name(), timeout);
                return false;
            }
            pollOnce(Duration.ofMillis(200));
        }
        LOG.info("{} caught up", topic.name());
        caughtUp = true;
        return true;
    }

    /**
     * Whether every record the topic held when this follower first got its partitions was handed
     * over: by {@link #catchUp}, or later while following when that did not finish.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (consumer.assignment().isEmpty()) {
                    assignQuietly();
                } else {
                    pollOnce(Duration.ofMillis(500));
                    checkCaughtUp();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void checkCaughtUp() {
        if (caughtUp) {
            return;
        }
        try {
            if (target == null) {
                target = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(5));
            }
        } catch (TimeoutException e) {
            return; // the broker is still away: ask again after the next poll
        }
        if (target.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            LOG.info("{} caught up while following", topic.name());
            caughtUp = true;
            target = null;
        }
    }

    /** Assigns every partition from the start position; empty when there are none. */
    private List<TopicPartition> assign(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
        List<TopicPartition> partitions =
                infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            return partitions;
        }
        consumer.assign(partitions);
        if (lookback == null) {
            consumer.seekToBeginning(partitions);
            return partitions;
        }
        long since = clock.millis() - lookback.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, since));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = found.get(p);
            if (at == null) {
                consumer.seekToEnd(List.of(p));
            } else {
                consumer.seek(p, at.offset());
            }
        }
        return partitions;
    }

    private void assignQuietly() {
        try {
            if (!assign(Duration.ofSeconds(5)).isEmpty()) {
                LOG.info("following {}", topic.name());
                return;
            }
            // The topic is not there yet: ask again in a while, not in a busy loop.
            Thread.sleep(1000);
        } catch (TimeoutException e) {
            LOG.debug("{} still unreachable", topic.name());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void pollOnce(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue; // a compaction tombstone: nothing to learn
            }
            try {
                handler.accept(
                        topic.codec().decode(r.value(), r.topic(), r.partition(), r.offset()));
            } catch (SchemaDecodeException e) {
                LOG.warn("skipping undecodable record: {}", e.getMessage());
            }
        }
    }
}

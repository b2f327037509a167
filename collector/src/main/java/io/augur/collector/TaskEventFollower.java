package io.augur.collector;

import io.augur.schema.SchemaDecodeException;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads augur.tasks from the beginning (read_committed, every partition, no consumer group offsets)
 * into a {@link TaskDirectory}, then keeps following it.
 */
public final class TaskEventFollower implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEventFollower.class);

    private final Consumer<byte[], byte[]> consumer;
    private final TaskDirectory directory;
    private volatile boolean running = true;

    public TaskEventFollower(Consumer<byte[], byte[]> consumer, TaskDirectory directory) {
        this.consumer = consumer;
        this.directory = directory;
    }

    /**
     * Assigns every partition from the beginning and reads until the end offsets seen now, so the
     * first samples already carry users and roles. Returns false when that took longer than {@code
     * timeout} (the rest is read while sampling).
     */
    public boolean catchUp(Duration timeout) {
        List<TopicPartition> partitions;
        Map<TopicPartition, Long> end;
        try {
            partitions = assign(timeout);
            if (partitions.isEmpty()) {
                LOG.warn("augur.tasks has no partitions yet; users and roles come later");
                return false;
            }
            end = consumer.endOffsets(partitions, timeout);
        } catch (TimeoutException e) {
            // The broker is down: sample anyway (the samples are spooled), learn tasks later.
            LOG.warn("augur.tasks unreachable within {}; users and roles come later", timeout);
            return false;
        }
        Instant deadline = Instant.now().plus(timeout);
        while (end.entrySet().stream()
                .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (Instant.now().isAfter(deadline)) {
                LOG.warn("augur.tasks not caught up within {}; carrying on", timeout);
                return false;
            }
            pollOnce(Duration.ofMillis(200));
        }
        LOG.info("augur.tasks caught up: {} task(s) known", directory.size());
        return true;
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (consumer.assignment().isEmpty()) {
                    assignQuietly();
                } else {
                    pollOnce(Duration.ofMillis(500));
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

    /** Assigns every partition of augur.tasks from the beginning; empty when there are none. */
    private List<TopicPartition> assign(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.TASKS.name(), timeout);
        List<TopicPartition> partitions =
                infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (!partitions.isEmpty()) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        return partitions;
    }

    private void assignQuietly() {
        try {
            if (!assign(Duration.ofSeconds(5)).isEmpty()) {
                LOG.info("following augur.tasks");
                return;
            }
            // The topic is not there yet: ask again in a while, not in a busy loop.
            Thread.sleep(1000);
        } catch (TimeoutException e) {
            LOG.debug("augur.tasks still unreachable");
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
                TaskEvent event =
                        Topics.TASKS
                                .codec()
                                .decode(r.value(), r.topic(), r.partition(), r.offset());
                directory.learn(event);
            } catch (SchemaDecodeException e) {
                LOG.warn("skipping undecodable task event: {}", e.getMessage());
            }
        }
    }
}

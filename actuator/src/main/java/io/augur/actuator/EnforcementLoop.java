package io.augur.actuator;

import io.augur.schema.AckOutcome;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads augur.decisions and, per poll, writes every ack and dead letter together with the consumed
 * offsets in one Kafka transaction. A failed transaction is aborted and the consumer rewound to the
 * committed offsets, so each decision ends with exactly one committed ack.
 */
public final class EnforcementLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EnforcementLoop.class);

    private final String nodeId;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Enforcer enforcer;
    private final EnforcerMetrics metrics;
    private final Clock clock;
    private final String haltAfterApplying;
    private volatile boolean running = true;

    /**
     * @param haltAfterApplying a decision id after whose apply the JVM halts before committing (a
     *     crash-test hook), or null
     */
    public EnforcementLoop(
            String nodeId,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            Enforcer enforcer,
            EnforcerMetrics metrics,
            Clock clock,
            String haltAfterApplying) {
        this.nodeId = nodeId;
        this.consumer = consumer;
        this.producer = producer;
        this.enforcer = enforcer;
        this.metrics = metrics;
        this.clock = clock;
        this.haltAfterApplying = haltAfterApplying;
    }

    /** Subscribes; decisions are read from the next {@link #run()}. */
    public void subscribe() {
        consumer.subscribe(List.of(Topics.DECISIONS.name()), new Reconciler());
    }

    /** Polls and enforces until {@link #stop()}. */
    @Override
    public void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    process(records);
                }
                lag(consumer).ifPresent(metrics::consumerLag);
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
    }

    /**
     * Decisions on this enforcer's partitions not read yet: the sum over its assigned partitions of
     * the consumer's own view (last stable offset − position, from its latest fetch; no request to
     * the broker). Empty while a partition's lag is not known yet.
     */
    static java.util.OptionalLong lag(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            java.util.OptionalLong lag = consumer.currentLag(tp);
            if (lag.isEmpty()) {
                return java.util.OptionalLong.empty();
            }
            total += lag.getAsLong();
        }
        return java.util.OptionalLong.of(total);
    }

    /** Ends {@link #run()} from another thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        producer.beginTransaction();
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                handle(r);
                offsets.put(
                        new TopicPartition(r.topic(), r.partition()),
                        new OffsetAndMetadata(r.offset() + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            enforcer.committed();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            // Another enforcer took over this node's transactional id, or the producer is broken:
            // nothing this process writes can commit any more.
            throw e;
        } catch (KafkaException e) {
            LOG.warn("transaction failed, aborting and re-reading from committed offsets", e);
            producer.abortTransaction();
            enforcer.aborted();
            rewind();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        long started = System.nanoTime();
        EnforcementDecision decision;
        try {
            decision =
                    Topics.DECISIONS
                            .codec()
                            .decode(r.value(), r.topic(), r.partition(), r.offset());
        } catch (SchemaDecodeException e) {
            LOG.warn(
                    "undecodable decision at {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            send(
                    DeadLetters.of(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.key(),
                            r.value(),
                            e,
                            Enforcer.COMPONENT,
                            clock.instant()));
            return;
        }
        if (!nodeId.equals(decision.getNodeId())) {
            return;
        }
        Enforcer.Outcome outcome =
                enforcer.handle(
                        decision,
                        new Enforcer.Source(
                                r.topic(), r.partition(), r.offset(), r.key(), r.value()));
        producer.send(
                new ProducerRecord<>(
                        Topics.ACKS.name(),
                        Topic.keyBytes(decision.getTaskId()),
                        Topics.ACKS.codec().encode(outcome.ack())));
        outcome.deadLetter().ifPresent(this::send);
        metrics.handled(outcome.ack().getOutcome(), (System.nanoTime() - started) / 1e9);
        if (outcome.ack().getOutcome() == AckOutcome.APPLIED) {
            metrics.tasks(enforcer.taskCounts());
        }
        if (outcome.ack().getOutcome() == AckOutcome.APPLIED
                && decision.getDecisionId().equals(haltAfterApplying)) {
            LOG.error(
                    "halting after applying {} before commit (crash-test hook)", haltAfterApplying);
            producer.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    private void send(DeadLetter dead) {
        producer.send(
                new ProducerRecord<>(
                        Topics.DLQ.name(),
                        Topic.keyBytes(dead.getSourceTopic()),
                        Topics.DLQ.codec().encode(dead)));
        metrics.deadLettered();
    }

    private void rewind() {
        Map<TopicPartition, OffsetAndMetadata> committed =
                consumer.committed(consumer.assignment());
        for (TopicPartition tp : consumer.assignment()) {
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) {
                consumer.seek(tp, om.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** On assignment, marks acks as committed where the group's offsets say so. */
    private final class Reconciler implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                Optional.ofNullable(committed.get(tp))
                        .ifPresent(om -> enforcer.reconcile(tp.partition(), om.offset()));
            }
            LOG.info("assigned {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            LOG.info("revoked {}", partitions);
        }
    }
}

package io.augur.deploy.tools;

import io.augur.launch.KafkaClients;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.RiskAssessment;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Everything Kafka holds about one task: its life-cycle events, assessments, decisions, acks and
 * analysts' verdicts, in the order they were written. Records are keyed by task id and the
 * producers use Kafka's default partitioner, so only the partition that holds the key is read, up
 * to its last stable offset when reading began (read_committed).
 *
 * @param events the task's TaskEvents
 * @param assessments its RiskAssessments
 * @param decisions its EnforcementDecisions
 * @param acks its EnforcementAcks
 * @param verdicts its AnalystVerdicts (augur.verdicts)
 * @param undecodable records of the task that did not decode (counted, not shown)
 */
public record TaskHistory(
        List<TaskEvent> events,
        List<RiskAssessment> assessments,
        List<EnforcementDecision> decisions,
        List<EnforcementAck> acks,
        List<AnalystVerdict> verdicts,
        int undecodable) {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    public boolean isEmpty() {
        return events.isEmpty() && assessments.isEmpty() && decisions.isEmpty() && acks.isEmpty();
    }

    /** Reads the task's records from the cluster at {@code bootstrap}. */
    public static TaskHistory read(String bootstrap, String taskId) {
        Properties p = KafkaClients.readCommittedReader(bootstrap);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            int[] bad = new int[1];
            List<TaskEvent> events = read(consumer, Topics.TASKS, taskId, bad);
            List<RiskAssessment> risk = read(consumer, Topics.RISK, taskId, bad);
            List<EnforcementDecision> decisions = read(consumer, Topics.DECISIONS, taskId, bad);
            List<EnforcementAck> acks = read(consumer, Topics.ACKS, taskId, bad);
            List<AnalystVerdict> verdicts = read(consumer, Topics.VERDICTS, taskId, bad);
            return new TaskHistory(events, risk, decisions, acks, verdicts, bad[0]);
        }
    }

    /** The partition Kafka's default partitioner puts {@code key} in. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    static <T extends org.apache.avro.specific.SpecificRecordBase> List<T> read(
            Consumer<byte[], byte[]> consumer, Topic<T> topic, String taskId, int[] bad) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic.name() + " does not exist");
        }
        byte[] key = Topic.keyBytes(taskId);
        TopicPartition tp = new TopicPartition(topic.name(), partitionOf(key, infos.size()));
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp));
        long until = end.get(tp);
        List<T> out = new ArrayList<>();
        long position = consumer.position(tp);
        long progressAt = System.nanoTime();
        while (position < until) {
            if (System.nanoTime() - progressAt > TIMEOUT.toNanos()) {
                throw new IllegalStateException(
                        "reading "
                                + topic.name()
                                + " stopped at offset "
                                + position
                                + " of "
                                + until);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= until || r.key() == null || !Arrays.equals(r.key(), key)) {
                    continue;
                }
                try {
                    out.add(topic.codec().decode(r.value()));
                } catch (io.augur.schema.SchemaDecodeException | RuntimeException e) {
                    bad[0]++;
                }
            }
            long now = consumer.position(tp);
            if (now > position) {
                position = now;
                progressAt = System.nanoTime();
            }
        }
        return out;
    }
}

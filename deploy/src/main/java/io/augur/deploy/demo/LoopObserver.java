package io.augur.deploy.demo;

import io.augur.launch.KafkaClients;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.InvocationEvent;
import io.augur.schema.ResourceSample;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the loop from outside, the way any Kafka consumer could: every committed assessment,
 * decision and ack ({@code read_committed}), each task's invocations, which are only tallied
 * ({@link InvocationTally}: a traced task emits thousands a second), and each task's resource
 * samples, of which only the network counters are summed ({@link NetworkTally}), and the sequence
 * branch's anomaly windows (augur.anomalies). Not thread-safe: one thread polls and reads.
 */
public final class LoopObserver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopObserver.class);

    /** Names counted per task: system calls fit (a task uses a few dozen), methods may not. */
    static final int NAMES_PER_TASK = 256;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<RiskAssessment> assessments = new ArrayList<>();
    private final List<EnforcementDecision> decisions = new ArrayList<>();
    private final List<EnforcementAck> acks = new ArrayList<>();
    private final Map<String, InvocationTally> invocations = new HashMap<>();
    private final Map<String, NetworkTally> network = new HashMap<>();
    private final Map<String, List<ContentionReport.CpuSample>> cpu = new HashMap<>();
    private final List<SequenceAnomaly> anomalies = new ArrayList<>();
    private long invocationRecords;
    private long undecodable;

    public LoopObserver(String bootstrap) {
        Properties props = KafkaClients.readCommittedReader(bootstrap);
        // Invocations come by the thousand a second: larger polls keep the observer up to date.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic :
                List.of(
                        Topics.RISK.name(),
                        Topics.DECISIONS.name(),
                        Topics.ACKS.name(),
                        Topics.INVOCATIONS.name(),
                        Topics.RESOURCES.name(),
                        Topics.ANOMALIES.name())) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever has been committed since the last call (waits up to {@code timeout}). */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                if (r.topic().equals(Topics.RISK.name())) {
                    assessments.add(
                            Topics.RISK
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset()));
                } else if (r.topic().equals(Topics.DECISIONS.name())) {
                    decisions.add(
                            Topics.DECISIONS
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset()));
                } else if (r.topic().equals(Topics.INVOCATIONS.name())) {
                    InvocationEvent e =
                            Topics.INVOCATIONS
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset());
                    invocations
                            .computeIfAbsent(
                                    e.getTaskId(), t -> new InvocationTally(NAMES_PER_TASK))
                            .add(e);
                    invocationRecords++;
                } else if (r.topic().equals(Topics.RESOURCES.name())) {
                    ResourceSample sample =
                            Topics.RESOURCES
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset());
                    network.computeIfAbsent(sample.getTaskId(), t -> new NetworkTally())
                            .add(sample);
                    if (sample.getCpuCores() != null) {
                        cpu.computeIfAbsent(sample.getTaskId(), t -> new ArrayList<>())
                                .add(
                                        new ContentionReport.CpuSample(
                                                sample.getTimestamp(),
                                                sample.getCpuCores(),
                                                appliedCpu(sample)));
                    }
                } else if (r.topic().equals(Topics.ANOMALIES.name())) {
                    SequenceAnomaly a =
                            Topics.ANOMALIES
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset());
                    // A traced task closes many windows a second: only the reasons of a window
                    // above LOW (its most anomalous calls) are kept, for the demo's summary.
                    if (a.getLevel() == AnomalyLevel.NORMAL || a.getLevel() == AnomalyLevel.LOW) {
                        a.setReasons(List.of());
                    }
                    anomalies.add(a);
                } else {
                    acks.add(
                            Topics.ACKS
                                    .codec()
                                    .decode(r.value(), r.topic(), r.partition(), r.offset()));
                }
            } catch (SchemaDecodeException e) {
                undecodable++;
                LOG.warn("undecodable record: {}", e.getMessage());
            }
        }
    }

    public List<RiskAssessment> assessments() {
        return assessments;
    }

    public List<EnforcementDecision> decisions() {
        return decisions;
    }

    public List<EnforcementAck> acks() {
        return acks;
    }

    /**
     * Every committed sequence anomaly window so far (augur.anomalies); the reasons only of those
     * above LOW.
     */
    public List<SequenceAnomaly> anomalies() {
        return anomalies;
    }

    /** Each task's invocations so far, by task id. */
    public Map<String, InvocationTally> invocations() {
        return Collections.unmodifiableMap(invocations);
    }

    /** Each task's network counters from its resource samples so far, by task id. */
    public Map<String, NetworkTally> network() {
        return Collections.unmodifiableMap(network);
    }

    /** The CPU limit in force when the sample was taken, as its cgroup said; NaN if unknown. */
    static double appliedCpu(ResourceSample sample) {
        Double cpu = sample.getLimits() == null ? null : sample.getLimits().getCpuCores();
        return cpu == null ? Double.NaN : cpu;
    }

    /** Each task's measured CPU (cores) per resource sample so far, in arrival order. */
    public List<ContentionReport.CpuSample> cpu(String taskId) {
        return Collections.unmodifiableList(cpu.getOrDefault(taskId, List.of()));
    }

    /** Invocation records read so far, every task's, duplicates included. */
    public long invocationRecords() {
        return invocationRecords;
    }

    /** How many invocations of {@code taskId} were seen so far. */
    public long invocationCount(String taskId) {
        InvocationTally tally = invocations.get(taskId);
        return tally == null ? 0 : tally.count();
    }

    public long undecodable() {
        return undecodable;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.ForkedKafka;
import io.augur.launch.KafkaClients;
import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.RiskAssessment;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur explain} against a real broker: one task's registration, assessments, decisions
 * and acks, among another task's records, read back and explained.
 */
class ExplainIT {

    @TempDir static Path dir;
    static ForkedKafka kafka;

    static final String TASK = "explained-task";
    static final String OTHER = "other-task";

    @BeforeAll
    static void startAndFill() throws Exception {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        RiskAssessment calm = Fixtures.assessment(TASK, 0.1, Fixtures.T0.plusSeconds(2));
        RiskAssessment hot = Fixtures.assessment(TASK, 0.93, Fixtures.T0.plusSeconds(4));
        hot.setReasons(List.of("CPU 2.90 cores forecast, envelope 0.60"));
        EnforcementDecision allocate = Fixtures.decision(TASK, 1, 1.5);
        allocate.setCauseTimestamp(calm.getSourceTimestamp());
        allocate.setReasons(List.of("risk 0.100 <= medium threshold 0.400", "policy default-1"));
        EnforcementDecision restrict = Fixtures.decision(TASK, 2, 1.0);
        restrict.setAction(EnforcementAction.RESTRICT);
        restrict.setTrustLevel(TrustLevel.LOW);
        restrict.setNetworkEnabled(false);
        restrict.setNetworkAllowList(List.of("10.231.0.0/16:9092"));
        restrict.setCauseTimestamp(hot.getSourceTimestamp());
        restrict.setReasons(List.of("risk 0.930 > high threshold 0.700", "policy default-1"));
        try (var producer =
                new KafkaProducer<byte[], byte[]>(
                        KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            send(producer, Topics.TASKS, TASK, Fixtures.taskStarted(TASK, "alice", "worker"));
            send(producer, Topics.TASKS, OTHER, Fixtures.taskStarted(OTHER, "bob", "service"));
            send(producer, Topics.RISK, TASK, calm);
            send(producer, Topics.RISK, OTHER, Fixtures.assessment(OTHER, 0.99, Fixtures.T0));
            send(producer, Topics.RISK, TASK, hot);
            send(producer, Topics.DECISIONS, TASK, allocate);
            send(producer, Topics.DECISIONS, OTHER, Fixtures.decision(OTHER, 1, 3.0));
            send(producer, Topics.DECISIONS, TASK, restrict);
            send(producer, Topics.ACKS, TASK, Fixtures.ack(TASK, 1, AckOutcome.APPLIED));
            // The replayed decision 1: DUPLICATE, which must not hide its APPLIED ack.
            send(producer, Topics.ACKS, TASK, Fixtures.ack(TASK, 1, AckOutcome.DUPLICATE));
            producer.send(
                            new ProducerRecord<>(
                                    Topics.ACKS.name(),
                                    Topic.keyBytes(TASK),
                                    "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecordBase> void send(
            KafkaProducer<byte[], byte[]> producer, Topic<T> topic, String key, T value)
            throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                topic.name(), Topic.keyBytes(key), topic.codec().encode(value)))
                .get();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void explainsTheTaskFromItsOwnRecordsOnly() {
        TaskHistory h = TaskHistory.read(kafka.bootstrapServers(), TASK);

        assertThat(h.events()).hasSize(1);
        assertThat(h.assessments()).extracting(RiskAssessment::getTaskId).containsOnly(TASK);
        assertThat(h.decisions())
                .extracting(EnforcementDecision::getSequence)
                .containsExactly(1L, 2L);
        assertThat(h.acks()).hasSize(2);
        assertThat(h.undecodable()).isEqualTo(1);

        List<String> lines = Explanation.lines(TASK, h, 5);
        String text = String.join("\n", lines);
        System.out.println(text);
        assertThat(lines.get(0)).isEqualTo("Task " + TASK);
        assertThat(lines.get(1))
                .startsWith("  User alice, role worker, node node-1")
                .contains("baseline trust")
                .endsWith("Running.");
        // Decision 2 has no ack yet: what is in force is decision 1's applied limits.
        assertThat(lines.get(2))
                .isEqualTo(
                        "  Now: trust MEDIUM, 0.25 cores / 256 MiB / network on (decision #1 ALLOCATE,"
                                + " applied "
                                + Fixtures.T0.plusMillis(9)
                                + "); decision #2 not acked yet.");
        assertThat(lines.get(3)).startsWith("  Latest risk: risk 0.930");
        assertThat(text)
                .contains("Last 2 of 2 decisions, newest first:")
                .contains(
                        "  #2 RESTRICT, trust LOW: 1.00 cores / 256 MiB / network off (allow-list"
                                + " [10.231.0.0/16:9092])")
                .contains("      ack: none yet")
                .contains("      why: risk 0.930 > high threshold 0.700")
                .contains("      risk because: CPU 2.90 cores forecast, envelope 0.60")
                .contains("      ack: APPLIED at " + Fixtures.T0.plusMillis(9))
                .contains("using 0.20 cores, 0 MiB, 1 pids (4 ms after issue)")
                .contains("1 record(s) of the task did not decode")
                .doesNotContain("bob")
                .doesNotContain("0.990");
        assertThat(text.indexOf("\n  #2 RESTRICT")).isLessThan(text.indexOf("\n  #1 ALLOCATE"));

        assertThat(Explanation.lines(TASK, h, 1))
                .contains("  Last 1 of 2 decisions, newest first:")
                .noneMatch(l -> l.startsWith("  #1 ALLOCATE"));
    }

    @Test
    void anUnknownTaskHasNoHistory() {
        assertThat(TaskHistory.read(kafka.bootstrapServers(), "never-seen").isEmpty()).isTrue();
    }
}

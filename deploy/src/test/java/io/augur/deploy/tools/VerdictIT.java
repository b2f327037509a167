package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.ForkedKafka;
import io.augur.launch.KafkaClients;
import io.augur.launch.UsageException;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.Fixtures;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur verdict} against a real broker: the verdict lands on augur.verdicts with the
 * task's role and the latest (or asked) anomaly's ref; an unknown task writes nothing and exits 1.
 */
class VerdictIT {

    @TempDir static Path dir;
    static ForkedKafka kafka;

    static final String TASK = "judged-task";
    static final String OTHER = "other-task";
    static final Clock CLOCK = Clock.fixed(Fixtures.T0.plusSeconds(60), ZoneOffset.UTC);

    @BeforeAll
    static void startAndFill() throws Exception {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        try (var producer =
                new KafkaProducer<byte[], byte[]>(
                        KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            send(producer, Topics.TASKS, TASK, Fixtures.taskStarted(TASK, "alice", "batch"));
            send(producer, Topics.TASKS, OTHER, Fixtures.taskStarted(OTHER, "bob", "service"));
            send(producer, Topics.ANOMALIES, TASK, anomaly(TASK, 1));
            send(producer, Topics.ANOMALIES, TASK, anomaly(TASK, 2));
            send(producer, Topics.ANOMALIES, OTHER, anomaly(OTHER, 9));
            send(
                    producer,
                    Topics.RISK,
                    TASK,
                    Fixtures.assessment(TASK, 0.9, Fixtures.T0.plusSeconds(5)));
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static SequenceAnomaly anomaly(String task, int second) {
        SequenceAnomaly a = Fixtures.anomaly(task, AnomalyLevel.HIGH, 40.0);
        a.setWindowEnd(Fixtures.T0.plusSeconds(second));
        return a;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            Topic<?> topic,
            String key,
            SpecificRecordBase v)
            throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                topic.name(),
                                Topic.keyBytes(key),
                                ((Topic) topic).codec().encode(v)))
                .get();
    }

    private record Run(int code, String out, String err) {}

    private static Run verdict(String... args) throws UsageException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(kafka.bootstrapServers());
        VerdictOptions options = VerdictOptions.parse(all.toArray(String[]::new), "alice");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                VerdictMain.run(
                        options,
                        CLOCK,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<AnalystVerdict> verdictsOn(String task) {
        try (var consumer =
                new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                        KafkaClients.readCommittedReader(kafka.bootstrapServers()))) {
            return TaskHistory.read(consumer, Topics.VERDICTS, task, new int[1]);
        }
    }

    @Test
    void aFalsePositiveLandsWithTheRoleAndTheLatestAnomaly() throws Exception {
        Run run =
                verdict(TASK, "--false-positive", "--note", "nightly batch", "--analyst", "carol");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode printed = new ObjectMapper().readTree(run.out());
        assertThat(printed.get("assessmentRef").asText())
                .isEqualTo(TASK + "@" + Fixtures.T0.plusSeconds(2).toEpochMilli());
        assertThat(printed.get("_topic").asText()).isEqualTo("augur.verdicts");

        List<AnalystVerdict> written = verdictsOn(TASK);
        assertThat(written).hasSize(1);
        AnalystVerdict v = written.get(0);
        assertThat(v.getLabel()).isEqualTo(VerdictLabel.FALSE_POSITIVE);
        assertThat(v.getRole()).isEqualTo("batch");
        assertThat(v.getSubject()).isEqualTo(VerdictSubject.SEQUENCE);
        assertThat(v.getAnalyst()).isEqualTo("carol");
        assertThat(v.getNote()).isEqualTo("nightly batch");
        assertThat(v.getTimestamp()).isEqualTo(CLOCK.instant());
        assertThat(v.getAssessmentRef()).isEqualTo(printed.get("assessmentRef").asText());
    }

    @Test
    void aChosenWindowAndTheRiskSubjectAreJudgedAsAsked() throws Exception {
        long first = Fixtures.T0.plusSeconds(1).toEpochMilli();
        Run seq =
                verdict(
                        OTHER,
                        "--true-positive",
                        "--window",
                        Long.toString(Fixtures.T0.plusSeconds(9).toEpochMilli()));
        assertThat(seq.code()).as(seq.err()).isZero();
        Run wrong = verdict(OTHER, "--true-positive", "--window", Long.toString(first));
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("no SequenceAnomaly with windowEnd " + first);
        Run risk = verdict(OTHER, "--true-positive", "--subject", "risk");
        assertThat(risk.code()).isEqualTo(1);
        assertThat(risk.err()).contains("no RiskAssessment on augur.risk");
        assertThat(verdictsOn(OTHER))
                .singleElement()
                .satisfies(v -> assertThat(v.getRole()).isEqualTo("service"));
    }

    @Test
    void anUnknownTaskIsRefusedAndNothingIsWritten() throws Exception {
        Run run = verdict("no-such-task", "--false-positive");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("unknown task 'no-such-task'");
        assertThat(run.out()).isEmpty();
        assertThat(verdictsOn("no-such-task")).isEmpty();
    }
}

package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.ForkedKafka;
import io.augur.launch.KafkaClients;
import io.augur.launch.UsageException;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur export} against a real broker: a time range of a topic to Avro and JSON lines
 * (aborted records never), and verdicts joined with the judged tasks' invocations into the augur
 * sequence format.
 */
class ExportIT {

    @TempDir static Path dir;
    static ForkedKafka kafka;

    static final Instant NOW = Fixtures.T0.plusSeconds(3600);
    static final String BENIGN = "nightly-batch";
    static final String HOSTILE = "miner";
    static final String UNJUDGED = "quiet";

    /** Broker (LogAppendTime) timestamps: the first transaction's last, the second's first. */
    static long firstBatchLast;

    static long secondBatchFirst;

    @BeforeAll
    static void startAndFill() throws Exception {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        try (var producer =
                new KafkaProducer<byte[], byte[]>(
                        KafkaClients.transactionalProducer(
                                kafka.bootstrapServers(), "export-it"))) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> first = new ArrayList<>();
            String[] benign = {"openat", "read", "read", "write", "close", "exit_group"};
            for (int i = 0; i < benign.length; i++) {
                first.add(
                        send(
                                producer,
                                Topics.INVOCATIONS,
                                BENIGN,
                                call(BENIGN, i + 1, benign[i], "batch")));
            }
            first.add(
                    send(
                            producer,
                            Topics.INVOCATIONS,
                            UNJUDGED,
                            call(UNJUDGED, 1, "nanosleep", "idle")));
            // The benign task is judged at its 4th call, the hostile one at its 5th.
            send(
                    producer,
                    Topics.VERDICTS,
                    BENIGN,
                    verdict(BENIGN, 4, VerdictLabel.FALSE_POSITIVE, VerdictSubject.SEQUENCE));
            send(
                    producer,
                    Topics.VERDICTS,
                    HOSTILE,
                    verdict(HOSTILE, 5, VerdictLabel.TRUE_POSITIVE, VerdictSubject.SEQUENCE));
            send(
                    producer,
                    Topics.VERDICTS,
                    UNJUDGED,
                    verdict(UNJUDGED, 1, VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK));
            producer.commitTransaction();
            firstBatchLast = maxTimestamp(first);
            // The broker stamps records on arrival: wait for its clock (same host) to move on.
            while (System.currentTimeMillis() <= firstBatchLast + 1) {
                Thread.onSpinWait();
            }
            producer.beginTransaction();
            List<Future<RecordMetadata>> second = new ArrayList<>();
            String[] hostile = {"openat", "read", "socket", "connect", "sendto", "execve"};
            for (int i = 0; i < hostile.length; i++) {
                second.add(
                        send(
                                producer,
                                Topics.INVOCATIONS,
                                HOSTILE,
                                call(HOSTILE, i + 1, hostile[i], "batch")));
            }
            producer.commitTransaction();
            secondBatchFirst = Long.MAX_VALUE;
            for (Future<RecordMetadata> f : second) {
                secondBatchFirst = Math.min(secondBatchFirst, f.get().timestamp());
            }
            assertThat(secondBatchFirst).isGreaterThan(firstBatchLast);
            producer.beginTransaction();
            send(producer, Topics.INVOCATIONS, BENIGN, call("aborted", 99, "kill", "batch"));
            producer.flush();
            producer.abortTransaction();
        }
    }

    static long maxTimestamp(List<Future<RecordMetadata>> sent) throws Exception {
        long max = Long.MIN_VALUE;
        for (Future<RecordMetadata> f : sent) {
            max = Math.max(max, f.get().timestamp());
        }
        return max;
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static InvocationEvent call(String task, long seq, String name, String role) {
        InvocationEvent e = Fixtures.invocation(seq, name);
        e.setTaskId(task);
        e.setRole(role);
        e.setTimestamp(Fixtures.T0.plusSeconds(seq));
        return e;
    }

    static AnalystVerdict verdict(
            String task, long atCall, VerdictLabel label, VerdictSubject subject) {
        AnalystVerdict v = Fixtures.verdict();
        v.setVerdictId(task + "-v");
        v.setTaskId(task);
        v.setAssessmentRef(task + "@" + Fixtures.T0.plusSeconds(atCall).toEpochMilli());
        v.setLabel(label);
        v.setSubject(subject);
        v.setTimestamp(Fixtures.T0.plusSeconds(600));
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Future<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer,
            Topic<?> topic,
            String key,
            SpecificRecordBase v) {
        return producer.send(
                new ProducerRecord<>(
                        topic.name(), Topic.keyBytes(key), ((Topic) topic).codec().encode(v)));
    }

    private record Run(int code, String out, String err) {}

    private static Run export(String... args) throws UsageException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(kafka.bootstrapServers());
        ExportOptions options = ExportOptions.parse(all.toArray(String[]::new), NOW);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                ExportMain.run(
                        options,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTimeRangeOfATopicBecomesAnAvroFileInItsOwnSchema() throws Exception {
        Path out = dir.resolve("avro");
        // The topic is LogAppendTime: --since selects by the broker's stamps (the second batch).
        Run run =
                export(
                        "--topic", "augur.telemetry.invocations",
                        "--since", Instant.ofEpochMilli(secondBatchFirst).toString(),
                        "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        Path file = out.resolve("augur.telemetry.invocations.avro");
        assertThat(run.out()).contains(file.toString()).contains("6 records");
        List<InvocationEvent> read = new ArrayList<>();
        try (var reader =
                new DataFileReader<>(
                        file.toFile(), new SpecificDatumReader<>(InvocationEvent.class))) {
            assertThat(reader.getSchema()).isEqualTo(InvocationEvent.getClassSchema());
            reader.forEach(read::add);
        }
        assertThat(read)
                .extracting(e -> e.getTaskId() + ":" + e.getName())
                .containsExactlyInAnyOrder(
                        HOSTILE + ":openat",
                        HOSTILE + ":read",
                        HOSTILE + ":socket",
                        HOSTILE + ":connect",
                        HOSTILE + ":sendto",
                        HOSTILE + ":execve");
        assertThat(Files.list(out)).hasSize(1); // no partial file left behind
    }

    @Test
    void jsonLinesHoldEveryCommittedRecordAndNoAbortedOne() throws Exception {
        Path out = dir.resolve("jsonl");
        Run run =
                export(
                        "--topic",
                        "augur.telemetry.invocations",
                        "--format",
                        "jsonl",
                        "--out",
                        out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("augur.telemetry.invocations.jsonl"));
        assertThat(lines).hasSize(13);
        ObjectMapper mapper = new ObjectMapper();
        for (String line : lines) {
            JsonNode j = mapper.readTree(line);
            assertThat(j.get("_topic").asText()).isEqualTo("augur.telemetry.invocations");
            assertThat(j.get("taskId").asText()).isNotEqualTo("aborted");
        }
    }

    @Test
    void verdictsBecomeTheRetrainingDatasetInTheAugurSequenceFormat() throws Exception {
        Path out = dir.resolve("verdicts");
        Run run = export("--verdicts", "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(out.resolve("invocations.tsv"));
        long benignEnd = Fixtures.T0.plusSeconds(4).toEpochMilli();
        long hostileEnd = Fixtures.T0.plusSeconds(5).toEpochMilli();
        assertThat(lines)
                .containsExactlyInAnyOrder(
                        "label\ttrace\trole\tkind\tcalls",
                        "benign\t"
                                + BENIGN
                                + "@"
                                + benignEnd
                                + "\tbatch\tSYSCALL\topenat read read write",
                        "hostile\t"
                                + HOSTILE
                                + "@"
                                + hostileEnd
                                + "\tbatch\tSYSCALL\topenat read socket connect sendto");
        assertThat(lines.get(0)).isEqualTo(RetrainingRows.HEADER);
        assertThat(run.out()).contains("2 rows from 2 judged sequence windows");
    }

    @Test
    void anUnreachableBrokerIsAClearErrorNotACrash() throws Exception {
        ExportOptions options =
                ExportOptions.parse(
                        new String[] {
                            "--bootstrap",
                            "127.0.0.1:1",
                            "--topic",
                            "augur.tasks",
                            "--out",
                            dir.resolve("none").toString()
                        },
                        NOW);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                ExportMain.run(
                        options,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("augur export: cannot read from 127.0.0.1:1");
    }
}

package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.ForkedKafka;
import io.augur.launch.KafkaClients;
import io.augur.launch.ModuleClasspath;
import io.augur.schema.AckOutcome;
import io.augur.schema.Fixtures;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur tail} against a real broker: what goes in comes out as JSON lines, garbage as an
 * {@code _error} line, aborted transactions not at all.
 */
class TailIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] GARBAGE = "definitely not avro".getBytes(StandardCharsets.UTF_8);

    @TempDir static Path dir;
    private static ForkedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startKafka() {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        producer =
                new KafkaProducer<>(
                        KafkaClients.transactionalProducer(kafka.bootstrapServers(), "tail-it"));
        producer.initTransactions();
    }

    @AfterAll
    static void stopKafka() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void send(Topic<?> topic, String key, SpecificRecordBase value) {
        send(topic, key, ((Topic) topic).codec().encode(value));
    }

    private static void send(Topic<?> topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic.name(), 0, Topic.keyBytes(key), value));
    }

    private static List<JsonNode> tail(Topic<?> topic, OptionalLong max) throws IOException {
        List<String> lines = new ArrayList<>();
        TailOptions options = new TailOptions(kafka.bootstrapServers(), topic, true, false, max);
        try (TopicTail tail = new TopicTail(options)) {
            tail.run(lines::add);
        }
        List<JsonNode> json = new ArrayList<>();
        for (String line : lines) {
            json.add(MAPPER.readTree(line));
        }
        return json;
    }

    @Test
    void everyTopicComesOutAsTheRecordsThatWentInAndGarbageAsAnErrorLine() throws IOException {
        List<SpecificRecordBase> values = Fixtures.oneOfEach();
        producer.beginTransaction();
        for (int i = 0; i < values.size(); i++) {
            send(Topics.all().get(i), "key-" + i, values.get(i));
        }
        send(Topics.VERDICTS, "bad", GARBAGE);
        producer.commitTransaction();
        // read_committed: an aborted record must never be shown.
        producer.beginTransaction();
        send(Topics.VERDICTS, "aborted", Fixtures.verdict());
        producer.flush();
        producer.abortTransaction();

        for (int i = 0; i < values.size(); i++) {
            Topic<?> topic = Topics.all().get(i);
            String key = "key-" + i;
            // Other tests share the broker: look only at this test's keys.
            List<JsonNode> all = tail(topic, OptionalLong.empty());
            assertThat(all).extracting(j -> j.get("_key").asText()).doesNotContain("aborted");
            List<JsonNode> out =
                    all.stream()
                            .filter(j -> List.of(key, "bad").contains(j.get("_key").asText()))
                            .toList();
            boolean withGarbage = topic == Topics.VERDICTS;
            assertThat(out).as(topic.name()).hasSize(withGarbage ? 2 : 1);

            JsonNode line = out.get(0);
            assertThat(line.get("_topic").asText()).isEqualTo(topic.name());
            assertThat(line.get("_partition").asInt()).isZero();
            assertThat(line.get("_key").asText()).isEqualTo(key);
            assertThat(line.get("_timestamp").asText()).endsWith("Z");
            assertThat(line.has("_error")).isFalse();
            // Through text, as an operator's tool would read it (number node types then match).
            JsonNode expected = MAPPER.readTree(RecordJson.write(RecordJson.record(values.get(i))));
            expected.fieldNames()
                    .forEachRemaining(
                            f ->
                                    assertThat(line.get(f))
                                            .as(topic.name() + "." + f)
                                            .isEqualTo(expected.get(f)));

            if (withGarbage) {
                JsonNode bad = out.get(1);
                assertThat(bad.get("_offset").asLong()).isEqualTo(line.get("_offset").asLong() + 1);
                assertThat(bad.get("_error").asText()).startsWith("NOT_SINGLE_OBJECT");
                assertThat(bad.get("_raw").binaryValue()).isEqualTo(GARBAGE);
            }
        }
    }

    @Test
    void maxStopsEarlyAndFollowPrintsWhatArrivesUntilWokenUp() throws Exception {
        producer.beginTransaction();
        for (int seq = 1; seq <= 3; seq++) {
            send(Topics.ACKS, "t", Fixtures.ack("t", seq, AckOutcome.APPLIED));
        }
        producer.commitTransaction();
        assertThat(tail(Topics.ACKS, OptionalLong.of(2))).hasSize(2);
        int existing = tail(Topics.ACKS, OptionalLong.empty()).size();

        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        TailOptions options =
                new TailOptions(
                        kafka.bootstrapServers(), Topics.ACKS, true, true, OptionalLong.empty());
        try (TopicTail tail = new TopicTail(options)) {
            CompletableFuture<Long> run = CompletableFuture.supplyAsync(() -> tail.run(lines::add));
            for (int i = 0; i < existing; i++) {
                assertThat(lines.poll(30, TimeUnit.SECONDS)).as("existing line " + i).isNotNull();
            }
            producer.beginTransaction();
            send(Topics.ACKS, "t", Fixtures.ack("t", 4, AckOutcome.DUPLICATE));
            producer.commitTransaction();
            String fourth = lines.poll(30, TimeUnit.SECONDS);
            assertThat(fourth).isNotNull();
            assertThat(MAPPER.readTree(fourth).get("outcome").asText()).isEqualTo("DUPLICATE");

            tail.wakeup();
            assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(existing + 1L);
        }
    }

    @Test
    void theMainPrintsJsonLinesOnStdoutAndRejectsUnknownTopicsWithExit2() throws Exception {
        producer.beginTransaction();
        send(Topics.RISK, "r", Fixtures.assessment("r", 0.3, Fixtures.T0));
        producer.commitTransaction();

        Result ok =
                runMain("--bootstrap", kafka.bootstrapServers(), "augur.risk", "--from-beginning");
        assertThat(ok.exit).as(ok.stderr).isZero();
        List<String> lines = Files.readAllLines(ok.stdout);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            assertThat(MAPPER.readTree(line).get("_topic").asText()).isEqualTo("augur.risk");
        }

        Result bad = runMain("--bootstrap", kafka.bootstrapServers(), "augur.nope", "--follow");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.stderr).contains("unknown topic augur.nope").contains("augur.decisions");
        assertThat(Files.readString(bad.stdout)).isEmpty();
    }

    private record Result(int exit, Path stdout, String stderr) {}

    private static Result runMain(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(ModuleClasspath.of("deploy"));
        command.add(TailMain.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "tail", ".out");
        Path err = Files.createTempFile(dir, "tail", ".err");
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("augur tail did not end: " + Files.readString(err));
        }
        return new Result(p.exitValue(), out, Files.readString(err));
    }
}

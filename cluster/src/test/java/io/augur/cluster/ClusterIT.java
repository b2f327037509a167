package io.augur.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.ForkedKafka;
import io.augur.launch.FreePorts;
import io.augur.launch.KafkaClients;
import io.augur.launch.ModuleClasspath;
import io.augur.launch.TopicProbe;
import io.augur.schema.DeadLetter;
import io.augur.schema.Fixtures;
import io.augur.schema.RiskAssessment;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiler job on a real standalone Flink cluster (a JobManager and a TaskManager process
 * started from this module's classpath, RocksDB state), submitted, fed and upgraded through the
 * same commands a user runs: {@code submit} uploads the shaded job jar over REST, assessments flow,
 * {@code upgrade} stops with a savepoint and resubmits from it, and the task's state survives — its
 * registration (an unannounced task's windows would wait and go to augur.dlq), its windows (none
 * lost, none twice).
 */
class ClusterIT {

    private static final String TASK = "cluster-task";
    private static final int WINDOW_S = 2;

    @TempDir static Path dir;
    private static ForkedKafka kafka;
    private static StandaloneCluster cluster;
    private static KafkaProducer<byte[], byte[]> producer;
    private static long nextSecond;

    @BeforeAll
    static void start() throws Exception {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        int rest = FreePorts.next();
        int metrics = FreePorts.range(4); // two reporters, each the range's first free port
        ClusterSpec spec =
                new ClusterSpec(
                        dir.resolve("cluster"),
                        rest,
                        FreePorts.next(),
                        2,
                        "rocksdb",
                        "1600m",
                        metrics + "-" + (metrics + 3));
        cluster = new StandaloneCluster(spec, ModuleClasspath.of("cluster"));
        cluster.start(Duration.ofMinutes(3), System.err::println);
        producer = new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()));
        send(
                Topics.TASKS,
                Topics.TASKS.codec().encode(Fixtures.taskStarted(TASK, Fixtures.USER, "worker")));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.stop(Duration.ofSeconds(30), System.err::println);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void send(Topic<?> topic, byte[] value) {
        producer.send(new ProducerRecord<>(topic.name(), Topic.keyBytes(TASK), value));
    }

    /** Samples of the task, one per second of the scenario, up to (excluding) a second. */
    private static void produceUntil(long second) {
        for (; nextSecond < second; nextSecond++) {
            send(
                    Topics.RESOURCES,
                    Topics.RESOURCES
                            .codec()
                            .encode(
                                    Fixtures.sample(
                                            TASK,
                                            Fixtures.T0.plusSeconds(nextSecond),
                                            0.2 + (nextSecond % 3) * 0.1,
                                            64L << 20)));
        }
        producer.flush();
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                ClusterMain.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("%s\nstdout: %s\nstderr: %s", List.of(args), stdout, err).isZero();
        return stdout.split("\n");
    }

    private static Set<Long> windowSeconds(List<RiskAssessment> seen) {
        return seen.stream()
                .filter(a -> a.getTaskId().equals(TASK))
                .map(a -> (a.getWindowEnd().toEpochMilli() - Fixtures.T0.toEpochMilli()) / 1000)
                .collect(Collectors.toSet());
    }

    @Test
    void submitsUpgradesThroughASavepointAndKeepsTheTasksState() throws Exception {
        String address = cluster.spec().restAddress();
        String clusterDir = cluster.spec().dir().toString();
        String[] submitted =
                run(
                        "submit",
                        "--dir",
                        clusterDir,
                        "--jobmanager",
                        address,
                        "--",
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--window-ms",
                        Integer.toString(WINDOW_S * 1000),
                        "--checkpoint-interval-ms",
                        "1000",
                        "--forecaster",
                        "ewma",
                        "--profiler.watermark.idleness",
                        "1s",
                        "--profiler.tasks.unknown-grace",
                        "4s");
        assertThat(submitted[submitted.length - 1]).startsWith("JOB RUNNING ");
        String first = submitted[submitted.length - 1].substring("JOB RUNNING ".length());

        try (TopicProbe<RiskAssessment> risk =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.RISK)) {
            produceUntil(20);
            risk.awaitUntil(seen -> windowSeconds(seen).contains(12L), Duration.ofMinutes(2));

            String[] upgraded = run("upgrade", "--dir", clusterDir, "--jobmanager", address);
            assertThat(upgraded[0]).startsWith("SAVEPOINT file:");
            assertThat(upgraded[1]).startsWith("JOB RUNNING ");
            String second = upgraded[1].substring("JOB RUNNING ".length());
            assertThat(second).isNotEqualTo(first);
            assertThat(cluster.rest().restoredFrom(second))
                    .as("the new job started from the savepoint")
                    .hasValue(upgraded[0].substring("SAVEPOINT ".length()));
            assertThat(cluster.rest().jobs())
                    .extracting(FlinkRest.JobSummary::id, FlinkRest.JobSummary::state)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple(first, "FINISHED"),
                            org.assertj.core.groups.Tuple.tuple(second, "RUNNING"));

            // Well past the unknown-task grace: a job that had forgotten the task would hold these
            // windows 4 s of event time and then dead-letter them.
            produceUntil(40);
            List<RiskAssessment> seen =
                    risk.awaitUntil(s -> windowSeconds(s).contains(34L), Duration.ofMinutes(2));
            seen = risk.drain(Duration.ofSeconds(3));

            List<Long> windows =
                    seen.stream()
                            .filter(a -> a.getTaskId().equals(TASK))
                            .map(
                                    a ->
                                            (a.getWindowEnd().toEpochMilli()
                                                            - Fixtures.T0.toEpochMilli())
                                                    / 1000)
                            .sorted()
                            .toList();
            assertThat(new HashSet<>(windows))
                    .as("no window twice: %s", windows)
                    .hasSameSizeAs(windows);
            long last = windows.get(windows.size() - 1);
            for (long w = windows.get(0); w <= last; w += WINDOW_S) {
                assertThat(windows).as("no window lost across the upgrade").contains(w);
            }
            assertThat(windows.get(0)).isLessThanOrEqualTo(4L);
        }
        try (TopicProbe<DeadLetter> dlq = new TopicProbe<>(kafka.bootstrapServers(), Topics.DLQ)) {
            assertThat(dlq.drain(Duration.ofSeconds(3)))
                    .as("the task stayed known across the upgrade")
                    .noneMatch(d -> d.getErrorType().contains("UNKNOWN_TASK"));
        }
    }
}

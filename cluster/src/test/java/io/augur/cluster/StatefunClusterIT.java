package io.augur.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.AugurHome;
import io.augur.launch.ForkedKafka;
import io.augur.launch.FreePorts;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StateFun side as an operator deploys it: the official statefun-flink-distribution 3.3.0 jar
 * on a real Flink 1.16.2 standalone cluster (a JobManager and a TaskManager process, {@code cluster
 * up --statefun}), submitted over REST with Augur's module.yaml ({@code statefun submit}), the
 * function server in a process of its own, a forked Kafka broker. Assessments go in on augur.risk;
 * the decisions come out on augur.decisions, committed (read_committed), once each, also across
 * {@code statefun upgrade} (a savepoint, then resubmission from it); {@code cluster down} leaves no
 * process behind.
 */
class StatefunClusterIT {

    private static final String TASK = "dist-task";
    private static final Duration AWAIT = Duration.ofSeconds(90);

    /** Prometheus reporter ports: two processes, and room for two taken by others. */
    private static final int METRICS_PORTS = 4;

    @TempDir static Path dir;
    private static ForkedKafka kafka;
    private static JavaProcess functions;
    private static String functionsUrl;
    private static Path clusterDir;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final long STARTED = System.nanoTime();

    /** Where the run's time goes, in the test's output. */
    private static void phase(String what) {
        System.err.printf(
                "[StatefunClusterIT] +%.1f s %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        functions =
                JavaProcess.builder("statefun-functions", "io.augur.functions.http.FunctionServer")
                        .name("functions")
                        .jvmArg("-Xmx256m")
                        .args("--port", "0")
                        .log(dir.resolve("functions.log"))
                        .start();
        functionsUrl =
                functions
                        .awaitLogLine(l -> l.startsWith("FUNCTIONS READY "), Duration.ofMinutes(1))
                        .substring("FUNCTIONS READY ".length())
                        .trim();
        clusterDir = dir.resolve("statefun-cluster");
        producer = new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()));
        phase("broker and function server up");
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (clusterDir != null) {
            // Whatever the test did: no cluster process outlives it.
            new StandaloneCluster(new ClusterSpec(clusterDir, 0, 0, 1, "hashmap", "1g", "0"), "")
                    .stop(Duration.ofSeconds(30), System.err::println);
        }
        if (functions != null) {
            functions.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theOfficialDistributionOnAFlink116ClusterDecidesOnceAndStopsCleanly() throws Exception {
        String rest = Integer.toString(FreePorts.next());
        // Two reporters (JobManager, TaskManager) in a range with room to spare: each takes the
        // range's first free port.
        int metrics = FreePorts.range(METRICS_PORTS);
        String[] up =
                run(
                        "up",
                        "--statefun",
                        "--dir",
                        clusterDir.toString(),
                        "--rest-port",
                        rest,
                        "--rpc-port",
                        Integer.toString(FreePorts.next()),
                        "--slots",
                        "1",
                        "--metrics-ports",
                        metrics + "-" + (metrics + METRICS_PORTS - 1),
                        "--timeout",
                        "120");
        assertThat(up[up.length - 1]).isEqualTo("CLUSTER UP http://127.0.0.1:" + rest);
        assertThat(clusterDir.resolve("conf/flink-conf.yaml"))
                .content()
                .contains(
                        "classloader.parent-first-patterns.additional:"
                                + " org.apache.flink.statefun;org.apache.kafka;com.google.protobuf");
        FlinkRest flink = new FlinkRest("127.0.0.1:" + rest);
        List<Long> pids = clusterPids();
        assertThat(pids).hasSize(2);

        String[] submitted =
                run(
                        "statefun",
                        "submit",
                        "--dir",
                        clusterDir.toString(),
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--functions",
                        functionsUrl);
        assertThat(submitted[submitted.length - 1]).startsWith("JOB RUNNING ");
        String job = submitted[submitted.length - 1].substring("JOB RUNNING ".length());
        assertThat(flink.jobs())
                .singleElement()
                .satisfies(
                        j -> {
                            assertThat(j.id()).isEqualTo(job);
                            assertThat(j.name()).isEqualTo(StatefunSubmission.JOB_NAME);
                            assertThat(j.state()).isEqualTo("RUNNING");
                        });
        // The Flink the job runs on is the 1.16 cluster's.
        assertThat(flink.job(job).toString()).contains("RUNNING");

        send(Topics.TASKS, Fixtures.taskStarted(TASK, Fixtures.USER, "worker"));
        // Low risk, then moderate (above the policy's 0.4): an allocation, then a throttle.
        send(Topics.RISK, Fixtures.assessment(TASK, 0.1, Fixtures.T0.plusSeconds(2)));
        send(Topics.RISK, Fixtures.assessment(TASK, 0.5, Fixtures.T0.plusSeconds(4)));

        try (TopicProbe<EnforcementDecision> decisions =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.DECISIONS)) {
            decisions.awaitUntil(d -> forTask(d).size() >= 2, AWAIT);
            phase("two decisions committed");
            List<EnforcementDecision> got = forTask(decisions.drain(Duration.ofSeconds(3)));
            Map<String, Long> perId =
                    got.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            EnforcementDecision::getDecisionId,
                                            Collectors.counting()));
            assertThat(perId)
                    .as("one committed decision per assessment: %s", got)
                    .containsOnly(Map.entry(TASK + "/1", 1L), Map.entry(TASK + "/2", 1L));
            assertThat(got).extracting(EnforcementDecision::getSequence).containsExactly(1L, 2L);
            assertThat(got.get(1).getAction()).isEqualTo(EnforcementAction.THROTTLE);
            assertThat(got.get(1).getCpuCores()).isLessThan(got.get(0).getCpuCores());

            theLagMetricTheAlertUsesIsExposed(flink, job, metrics);

            // Upgrade: a savepoint, the job cancelled, the distribution run again from it.
            String[] upgraded = run("statefun", "upgrade", "--dir", clusterDir.toString());
            assertThat(upgraded[0]).startsWith("SAVEPOINT file:");
            assertThat(upgraded[1]).startsWith("JOB RUNNING ");
            String second = upgraded[1].substring("JOB RUNNING ".length());
            assertThat(flink.restoredFrom(second))
                    .hasValue(upgraded[0].substring("SAVEPOINT ".length()));
            assertThat(flink.jobs())
                    .extracting(FlinkRest.JobSummary::id, FlinkRest.JobSummary::state)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple(job, "CANCELED"),
                            org.assertj.core.groups.Tuple.tuple(second, "RUNNING"));

            // High risk after the upgrade: the task's state (its decision sequence) and the
            // ingress offsets came through the savepoint — decision 3, and 1 and 2 not again.
            send(Topics.RISK, Fixtures.assessment(TASK, 0.8, Fixtures.T0.plusSeconds(6)));
            decisions.awaitUntil(d -> forTask(d).size() >= 3, AWAIT);
            phase("third decision committed after the upgrade");
            got = forTask(decisions.drain(Duration.ofSeconds(3)));
            assertThat(got)
                    .as("one decision per assessment across the upgrade: %s", got)
                    .extracting(EnforcementDecision::getDecisionId)
                    .containsExactly(TASK + "/1", TASK + "/2", TASK + "/3");
            assertThat(got.get(2).getAction()).isEqualTo(EnforcementAction.RESTRICT);
        }

        phase("decisions checked");
        String[] down = run("down", "--statefun", "--dir", clusterDir.toString());
        assertThat(down[down.length - 1]).isEqualTo("CLUSTER DOWN (2 processes stopped)");
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("cluster process %d after cluster down", pid)
                    .isEmpty();
        }
        assertThat(flink.slots()).as("nothing answers on the REST port").isEmpty();
        assertThat(clusterDir.resolve("jobmanager.pid")).doesNotExist();
        assertThat(clusterDir.resolve("taskmanager.pid")).doesNotExist();
    }

    /**
     * AugurStatefunLagging's metric as this runtime really exposes it: the ingress's Kafka consumer
     * lag is listed by Flink's REST API (KafkaConsumer.records-lag-max of the source operator), and
     * the Prometheus reporter serves it under the very name the alert's expression uses.
     */
    private static void theLagMetricTheAlertUsesIsExposed(FlinkRest flink, String job, int port)
            throws Exception {
        String alerted = alertMetric("AugurStatefunLagging");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<String> lag = List.of();
        while (lag.isEmpty() && Instant.now().isBefore(deadline)) {
            lag =
                    flink.vertexMetrics(job).stream()
                            .filter(n -> n.endsWith(".KafkaConsumer.records-lag-max"))
                            .toList();
            if (lag.isEmpty()) {
                Thread.sleep(500); // polling Flink's metric fetcher, not synchronising
            }
        }
        assertThat(lag).as("the ingress's records-lag-max in Flink's REST API").isNotEmpty();
        phase("REST lists " + lag);
        List<String> samples = List.of();
        List<Integer> answered = List.of();
        HttpClient http = HttpClient.newHttpClient();
        deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (samples.isEmpty() && Instant.now().isBefore(deadline)) {
            StringBuilder scraped = new StringBuilder();
            List<Integer> up = new java.util.ArrayList<>();
            // Each reporter takes the range's first free port: scrape the whole range.
            for (int p = port; p < port + METRICS_PORTS; p++) {
                try {
                    scraped.append(
                            http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    "http://127.0.0.1:"
                                                                            + p
                                                                            + "/metrics"))
                                                    .timeout(Duration.ofSeconds(5))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body());
                    up.add(p);
                } catch (java.io.IOException e) {
                    // not listening (yet)
                }
            }
            answered = up;
            samples = scraped.toString().lines().filter(l -> l.startsWith(alerted + "{")).toList();
            if (samples.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertThat(samples)
                .as(
                        "the Prometheus reporter's %s (the alert's metric); /metrics answered on %s"
                                + " of %d..%d; the reporters logged:%n%s",
                        alerted, answered, port, port + METRICS_PORTS - 1, reporterLogLines())
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("job_name=\""));
        phase("Prometheus serves " + samples);
    }

    /**
     * What the cluster's processes logged about their metric reporters, for a failure's message.
     */
    private static String reporterLogLines() {
        try (var logs = Files.list(clusterDir.resolve("log"))) {
            return logs.filter(f -> f.toString().endsWith(".log"))
                    .flatMap(
                            f -> {
                                try {
                                    return Files.readAllLines(f).stream()
                                            .filter(
                                                    l ->
                                                            l.contains("Prometheus")
                                                                    || l.contains("eporter"))
                                            .map(l -> f.getFileName() + ": " + l);
                                } catch (java.io.IOException e) {
                                    return java.util.stream.Stream.of(f + ": " + e);
                                }
                            })
                    .collect(Collectors.joining("\n"));
        } catch (java.io.IOException e) {
            return "(no logs: " + e + ")";
        }
    }

    /** The Flink metric an alert of deploy/prometheus's rules file reads. */
    private static String alertMetric(String alert) throws Exception {
        String rules =
                Files.readString(
                        AugurHome.resolve().resolve("deploy/prometheus/rules/augur.rules.yml"));
        Matcher m =
                Pattern.compile("alert: " + alert + "\\b[\\s\\S]*?(flink_[A-Za-z0-9_]+)")
                        .matcher(rules);
        assertThat(m.find()).as("alert %s reads a flink_ metric", alert).isTrue();
        return m.group(1);
    }

    private static List<Long> clusterPids() throws Exception {
        List<Long> pids = new java.util.ArrayList<>();
        for (String role : List.of("jobmanager", "taskmanager")) {
            pids.add(Long.parseLong(Files.readString(clusterDir.resolve(role + ".pid")).trim()));
        }
        return pids;
    }

    private static List<EnforcementDecision> forTask(List<EnforcementDecision> all) {
        return all.stream().filter(d -> d.getTaskId().equals(TASK)).toList();
    }

    private static <V extends SpecificRecordBase> void send(Topic<V> topic, V value) {
        producer.send(
                new ProducerRecord<>(
                        topic.name(), Topic.keyBytes(TASK), topic.codec().encode(value)));
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
        phase(String.join(" ", args).replace(dir.toString(), "TMP") + " -> " + code);
        assertThat(code).as("%s\nstdout: %s\nstderr: %s", List.of(args), stdout, err).isZero();
        return stdout.split("\n");
    }
}

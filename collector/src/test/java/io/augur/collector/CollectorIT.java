package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.launch.ForkedKafka;
import io.augur.launch.FreePorts;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector as its own process against a real broker and this machine's cgroup v1: sampling,
 * the spool across a broker outage and across a restart of the collector, and the JSON printout.
 */
class CollectorIT {
    @TempDir Path dir;
    final String root = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Workloads workloads = new Workloads();
    ForkedKafka kafka;
    TaskCgroups cgroups;
    JavaProcess collector;

    @BeforeEach
    void setUp() {
        assumeTrue(
                Files.isWritable(TaskCgroups.DEFAULT_MOUNT.resolve("cpu")),
                "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(root);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
    }

    @AfterEach
    void tearDown() {
        try {
            if (collector != null) {
                collector.close();
            }
            workloads.close();
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
            }
        }
    }

    void start(String taskId, String shellCommand) {
        workloads.start(cgroups.create(taskId), shellCommand);
    }

    /** Starts CollectorMain as the node "node-c" with its spool in the test's directory. */
    JavaProcess runCollector(String... extra) {
        JavaProcess p =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--node",
                                "node-c",
                                "--cgroup-root",
                                root,
                                "--spool-dir",
                                dir.resolve("spool").toString())
                        .args(extra)
                        .log(dir.resolve("collector.log"))
                        .start();
        p.awaitLogLine(CollectorMain.READY::equals, Duration.ofSeconds(120));
        return p;
    }

    /** Writes task events to augur.tasks. */
    void announce(TaskEvent... events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            for (TaskEvent e : events) {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.TASKS.name(),
                                        Topic.keyBytes(e.getTaskId()),
                                        Topics.TASKS.codec().encode(e)))
                        .get();
            }
        }
    }

    static List<ResourceSample> of(List<ResourceSample> samples, String taskId) {
        return samples.stream().filter(s -> s.getTaskId().equals(taskId)).toList();
    }

    @Test
    void samplesABurnerAtAboutOneCoreAndAnAllocatorsMemory() throws Exception {
        announce(
                Fixtures.taskStarted("burner", "user-b", "batch"),
                Fixtures.taskStarted("allocator", "user-a", "service"));
        start("burner", "sh -c 'while :; do :; done'");
        start("allocator", "sh -c 'x=$(head -c 40000000 /dev/zero | tr \"\\0\" a); sleep 600'");
        start("stranger", "sleep 600");
        cgroups.find("burner").orElseThrow().setMemoryBytes(128L << 20);
        // A quota makes the burner's true use known (half a core) whatever else competes for
        // the two cores; an unthrottled burner reads "one core" only on an idle machine.
        cgroups.find("burner").orElseThrow().setCpuCores(0.5);

        collector = runCollector("--interval-ms", "1000");

        try (TopicProbe<ResourceSample> probe =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            List<ResourceSample> all =
                    probe.awaitUntil(
                            s ->
                                    of(s, "burner").size() >= 4
                                            && of(s, "burner").stream()
                                                    .anyMatch(x -> x.getCpuCores() >= 0.4)
                                            && of(s, "allocator").stream()
                                                    .anyMatch(x -> x.getMemoryBytes() > 35_000_000L)
                                            && !of(s, "stranger").isEmpty(),
                            Duration.ofSeconds(120));

            List<ResourceSample> burner = of(all, "burner");
            // Some interval shows the half core it is allowed (the await), none shows more: the
            // ceiling leaves room for the moment between the timestamp and the cpuacct read.
            assertThat(burner)
                    .allSatisfy(s -> assertThat(s.getCpuCores()).isLessThanOrEqualTo(0.7));
            assertThat(burner)
                    .allSatisfy(
                            s -> {
                                assertThat(s.getUserId()).isEqualTo("user-b");
                                assertThat(s.getRole()).isEqualTo("batch");
                                assertThat(s.getNodeId()).isEqualTo("node-c");
                                assertThat(s.getIntervalMs()).isBetween(500L, 5000L);
                                assertThat(s.getNetRxBytes()).isNull();
                                assertThat(s.getLimits().getMemoryBytes()).isEqualTo(128L << 20);
                                assertThat(s.getPids()).isPositive();
                            });
            ResourceSample allocator = of(all, "allocator").get(of(all, "allocator").size() - 1);
            assertThat(allocator.getMemoryBytes()).isGreaterThan(35_000_000L);
            assertThat(allocator.getUserId()).isEqualTo("user-a");
            ResourceSample stranger = of(all, "stranger").get(0);
            assertThat(stranger.getUserId()).isEqualTo("unknown");
            assertThat(stranger.getRole()).isEqualTo("default");
            assertThat(stranger.getCpuCores()).isLessThan(0.1);
        }

        collector.close();
        assertThat(collector.process().exitValue()).isIn(0, 143);
        assertThat(Files.readString(collector.log())).contains("collector stopped");
    }

    @Test
    void aDecisionsFasterIntervalTakesEffectWithinOneOldInterval() throws Exception {
        start("watched", "sleep 600");
        start("other", "sleep 600");
        Duration old = Duration.ofSeconds(2);
        collector = runCollector("--interval-ms", Long.toString(old.toMillis()));

        try (TopicProbe<ResourceSample> probe =
                        new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES);
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            probe.awaitUntil(s -> of(s, "watched").size() >= 2, Duration.ofSeconds(60));
            // A decision for the same task on another node is not this collector's business.
            send(producer, decision("watched", "node-elsewhere", 1, 100));
            EnforcementDecision faster = decision("watched", "node-c", 2, 250);
            send(producer, faster);
            Instant decided = Instant.now();

            List<ResourceSample> all =
                    probe.awaitUntil(
                            s ->
                                    of(s, "watched").stream()
                                                    .filter(x -> x.getTimestamp().isAfter(decided))
                                                    .count()
                                            >= 8,
                            Duration.ofSeconds(60));

            List<ResourceSample> after =
                    of(all, "watched").stream()
                            .filter(x -> x.getTimestamp().isAfter(decided))
                            .sorted(Comparator.comparing(ResourceSample::getTimestamp))
                            .toList();
            // The first reading after the decision comes sooner than the old schedule's next.
            assertThat(Duration.between(decided, after.get(0).getTimestamp()))
                    .isLessThanOrEqualTo(old);
            // From then on every 250 ms (not the other node's 100 ms), never every 2 s.
            assertThat(after.subList(1, after.size()))
                    .allSatisfy(x -> assertThat(x.getIntervalMs()).isBetween(200L, 450L));
            // The other task keeps the old interval.
            assertThat(of(all, "other"))
                    .allSatisfy(x -> assertThat(x.getIntervalMs()).isBetween(1500L, 2600L));
        }
        assertThat(Files.readString(collector.log())).contains("task watched: sampling every");
    }

    @Test
    void aTracedTasksSystemCallsReachKafkaStampedWithItsUserRoleAndTimeOfDay() throws Exception {
        announce(
                Fixtures.taskStarted("native", "user-n", "traced"),
                Fixtures.taskStarted("plain", "user-p", "batch"));
        String loop = "sh -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.2; done'";
        start("native", loop);
        start("plain", loop);
        int port = FreePorts.next();
        collector =
                runCollector(
                        "--trace-syscalls",
                        "role:traced",
                        "--metrics-port",
                        Integer.toString(port));

        try (TopicProbe<InvocationEvent> probe =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.INVOCATIONS)) {
            List<InvocationEvent> all =
                    probe.awaitUntil(
                            events ->
                                    events.stream()
                                                    .filter(e -> e.getName().equals("execve"))
                                                    .count()
                                            >= 3,
                            Duration.ofSeconds(90));

            // Every cat the loop forks is followed: execve, then it opens and reads the file.
            assertThat(all)
                    .extracting(InvocationEvent::getName)
                    .contains("execve", "openat", "read");
            assertThat(all)
                    .allSatisfy(
                            e -> {
                                assertThat(e.getTaskId()).isEqualTo("native");
                                assertThat(e.getUserId()).isEqualTo("user-n");
                                assertThat(e.getRole()).isEqualTo("traced");
                                assertThat(e.getNodeId()).isEqualTo("node-c");
                                assertThat(e.getKind()).isEqualTo(InvocationKind.SYSCALL);
                                assertThat(e.getPid()).isPositive();
                                assertThat(e.getLocalTimeOfDaySeconds()).isBetween(0, 86_399);
                            });
            // One partition per task: the order read is the order sent, by sequence.
            assertThat(all)
                    .extracting(InvocationEvent::getSequence)
                    .isSortedAccordingTo(Comparator.naturalOrder())
                    .doesNotHaveDuplicates();
        }
        Await.until(
                "invocations counted",
                Duration.ofSeconds(30),
                () -> metric(port, "augur_collector_invocations_emitted_total") > 0);
        assertThat(metric(port, "augur_collector_traced_tasks")).isEqualTo(1.0);

        collector.close();
        assertThat(Files.readString(collector.log())).contains("collector stopped");
    }

    @Test
    void aJvmTaskUnderTheAgentHasItsMethodSequenceInKafka() throws Exception {
        Path home = Path.of(System.getProperty("augur.home", "..")).toAbsolutePath();
        Path agentJar = home.resolve("agent/target/augur-agent.jar");
        assertThat(agentJar).as("the agent module's shaded jar (mvn package)").exists();
        Path socket = dir.resolve("agents.sock");
        collector = runCollector("--invocation-socket", socket.toString());

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process app =
                new ProcessBuilder(
                                cgroups.create("jvm")
                                        .commandInside(
                                                javaBin
                                                        + " -javaagent:"
                                                        + agentJar
                                                        + "=packages=io.augur.workload.orders\\;socket="
                                                        + socket
                                                        + " -cp "
                                                        + home.resolve(
                                                                "collector/target/test-classes")
                                                        + " io.augur.workload.orders.OrderService"))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("app.out").toFile())
                        .start();
        assertThat(app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).as(Files.readString(dir.resolve("app.out"))).isZero();

        try (TopicProbe<InvocationEvent> probe =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.INVOCATIONS)) {
            List<InvocationEvent> all =
                    probe.awaitUntil(
                            events ->
                                    events.stream()
                                                    .filter(e -> e.getName().endsWith("#ship"))
                                                    .count()
                                            >= 2,
                            Duration.ofSeconds(60));

            List<InvocationEvent> main =
                    all.stream().filter(e -> "main".equals(e.getThread())).toList();
            assertThat(main)
                    .extracting(InvocationEvent::getName)
                    .containsExactly(
                            "io.augur.workload.orders.OrderService#main",
                            "io.augur.workload.orders.OrderService#placeOrder",
                            "io.augur.workload.orders.OrderService#validate",
                            "io.augur.workload.orders.PaymentGateway#charge",
                            "io.augur.workload.orders.Shipping#ship");
            assertThat(all)
                    .allSatisfy(
                            e -> {
                                assertThat(e.getTaskId()).isEqualTo("jvm");
                                assertThat(e.getKind()).isEqualTo(InvocationKind.METHOD);
                                assertThat(e.getUserId()).isEqualTo("unknown");
                                assertThat(e.getArgsDigest()).doesNotContain("4111111111111111");
                            });
            assertThat(all)
                    .extracting(InvocationEvent::getSequence)
                    .isSortedAccordingTo(Comparator.naturalOrder());
        }
    }

    static EnforcementDecision decision(String taskId, String node, long sequence, long everyMs) {
        EnforcementDecision d = Fixtures.decision(taskId, sequence, 1.0);
        d.setNodeId(node);
        d.setMonitoringIntervalMs(everyMs);
        return d;
    }

    static void send(KafkaProducer<byte[], byte[]> producer, EnforcementDecision d)
            throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                Topics.DECISIONS.name(),
                                Topic.keyBytes(d.getTaskId()),
                                Topics.DECISIONS.codec().encode(d)))
                .get();
    }

    /** Starts the agent with its spool under the test's directory and metrics on a free port. */
    JavaProcess startCollector(String log, int metricsPort) {
        JavaProcess p =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--node",
                                "node-c",
                                "--cgroup-root",
                                root,
                                "--interval-ms",
                                Long.toString(INTERVAL.toMillis()),
                                "--send-timeout-ms",
                                "2000",
                                "--spool-dir",
                                dir.resolve("spool").toString(),
                                "--metrics-port",
                                Integer.toString(metricsPort))
                        .log(dir.resolve(log))
                        .start();
        p.awaitLogLine(CollectorMain.READY::equals, Duration.ofSeconds(120));
        return p;
    }

    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** A metric's value from the collector's Prometheus endpoint; NaN while it does not answer. */
    static double metric(int port, String name) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return r.body()
                    .lines()
                    .filter(l -> l.startsWith(name + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                    .findFirst()
                    .orElse(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * One task's samples are contiguous (no interval missing) and none is there twice.
     *
     * @return them in timestamp order
     */
    static List<ResourceSample> assertContiguousOnce(List<ResourceSample> all, String taskId) {
        List<ResourceSample> samples =
                of(all, taskId).stream()
                        .sorted(Comparator.comparing(ResourceSample::getTimestamp))
                        .toList();
        assertThat(samples).extracting(ResourceSample::getTimestamp).doesNotHaveDuplicates();
        for (int i = 1; i < samples.size(); i++) {
            Duration gap =
                    Duration.between(
                            samples.get(i - 1).getTimestamp(), samples.get(i).getTimestamp());
            assertThat(gap)
                    .as("gap before sample %d of %d (%s)", i, samples.size(), samples.get(i))
                    .isLessThanOrEqualTo(INTERVAL.multipliedBy(3).dividedBy(2));
        }
        return samples;
    }

    @Test
    void brokerDownThenUpLosesNoSampleAndDuplicatesNone() throws Exception {
        start("steady", "sleep 600");
        int port = FreePorts.next();
        collector = startCollector("collector.log", port);
        Await.until(
                "two samples sent",
                Duration.ofSeconds(60),
                () -> metric(port, "augur_collector_samples_emitted_total") >= 2);

        Instant down = Instant.now();
        kafka.stop();
        Await.until(
                "several samples spooled",
                Duration.ofSeconds(90),
                () -> metric(port, "augur_collector_spool_depth_records") >= 5);
        kafka.start();
        Instant up = Instant.now();
        Await.until(
                "spool drained",
                Duration.ofSeconds(90),
                () -> metric(port, "augur_collector_spool_depth_records") == 0);

        try (TopicProbe<ResourceSample> probe =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            List<ResourceSample> all =
                    probe.awaitUntil(
                            s ->
                                    of(s, "steady").stream()
                                            .anyMatch(
                                                    x ->
                                                            x.getTimestamp()
                                                                    .isAfter(up.plusSeconds(3))),
                            Duration.ofSeconds(60));
            List<ResourceSample> steady = assertContiguousOnce(all, "steady");
            assertThat(steady.get(0).getTimestamp()).isBefore(down);
            assertThat(steady)
                    .filteredOn(
                            x -> x.getTimestamp().isAfter(down) && x.getTimestamp().isBefore(up))
                    .hasSizeGreaterThanOrEqualTo(5);
        }
        assertThat(metric(port, "augur_collector_spool_dropped_total")).isZero();
        assertThat(Files.readString(collector.log())).contains("spool drained");
    }

    @Test
    void aRestartedCollectorReplaysWhatItsSpoolHeld() throws Exception {
        start("steady", "sleep 600");
        int port = FreePorts.next();
        collector = startCollector("collector-1.log", port);
        Await.until(
                "two samples sent",
                Duration.ofSeconds(60),
                () -> metric(port, "augur_collector_samples_emitted_total") >= 2);
        Instant down = Instant.now();
        kafka.stop();
        Await.until(
                "samples spooled",
                Duration.ofSeconds(90),
                () -> metric(port, "augur_collector_spool_depth_records") >= 3);
        collector.close();
        Instant stopped = Instant.now();
        assertThat(Files.readString(collector.log())).contains("collector stopped");
        // Nothing samples the task any more: what comes now is the spool alone.
        cgroups.destroy("steady");

        kafka.start();
        collector = startCollector("collector-2.log", port);
        assertThat(Files.readString(collector.log())).contains("spooled sample(s) before new ones");
        Await.until(
                "spool drained",
                Duration.ofSeconds(90),
                () -> metric(port, "augur_collector_spool_depth_records") == 0);
        try (TopicProbe<ResourceSample> probe =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.RESOURCES)) {
            List<ResourceSample> steady =
                    assertContiguousOnce(probe.drain(Duration.ofSeconds(3)), "steady");
            assertThat(steady.get(0).getTimestamp()).isBefore(down);
            assertThat(steady.get(steady.size() - 1).getTimestamp())
                    .isAfter(stopped.minus(INTERVAL.multipliedBy(3).dividedBy(2)));
        }
    }

    @Test
    void onceFormatJsonPrintsOneLinePerTaskAndExits() throws Exception {
        start("alpha", "sleep 600");
        start("beta", "sh -c 'while :; do :; done'");
        JavaProcess once =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args("--once", "--format", "json", "--cgroup-root", root)
                        .log(dir.resolve("once.log"))
                        .start();
        try {
            assertThat(once.waitFor(Duration.ofSeconds(60))).isTrue();
            assertThat(once.process().exitValue()).as(once.tail()).isZero();
        } finally {
            once.kill();
        }
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(once.log())) {
            if (line.startsWith("{")) {
                lines.add(mapper.readTree(line));
            }
        }
        assertThat(lines)
                .extracting(j -> j.get("taskId").asText())
                .containsExactlyInAnyOrder("alpha", "beta");
        for (JsonNode j : lines) {
            assertThat(Instant.parse(j.get("timestamp").asText())).isBefore(Instant.now());
            assertThat(j.get("userId").asText()).isEqualTo("unknown");
            assertThat(j.get("nodeId").asText()).isNotBlank();
            assertThat(j.get("pids").asLong()).isPositive();
            assertThat(j.has("limits")).isTrue();
        }
    }

    @Test
    void answersHelp() {
        JavaProcess help =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args("--help")
                        .log(dir.resolve("help.log"))
                        .start();
        assertThat(help.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(help.process().exitValue()).isZero();
    }
}

package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.http.FunctionServer;
import io.augur.functions.http.ServerOptions;
import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.AckOutcome;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SecurityEvent;
import io.augur.schema.SecurityEventType;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The closed loop on the real StateFun 3.3.0 runtime (its own JVM) with a real Kafka broker (its
 * own JVM) and the function server: exactly one decision per assessment, also across a SIGKILL of
 * the runtime and a restart from its retained checkpoint; no node over-committed by a burst.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatefunLoopIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration AWAIT = Duration.ofMinutes(4);
    private static final NodeResources CAPACITY = new NodeResources(4.0, 8L << 30);
    private static final long QUARANTINE_MS = 8000;

    private static Path dir;
    private static ForkedKafka kafka;
    private static FunctionServer functions;
    private static JavaProcess runtime;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startLoop() throws Exception {
        dir = Path.of("target", "it", "StatefunLoopIT").toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        functions =
                FunctionServer.start(
                        new ServerOptions(
                                "127.0.0.1",
                                0,
                                OptionalInt.empty(),
                                CAPACITY,
                                AllocationSettings.DEFAULTS,
                                // The shipped default policy, as an operator runs it, but with a
                                // quarantine of 8 s (not 60) before termination.
                                java.util.Optional.of(policy())),
                        Clock.systemUTC());
        runtime = startRuntime(1);
        producer = new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopLoop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (runtime != null) {
            runtime.close();
        }
        if (functions != null) {
            functions.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void exactlyOneDecisionPerAssessmentAcrossAKilledAndRestoredRuntime() {
        String task = "loop-task";
        send(Topics.TASKS, task, TaskFnTest.started(task, "node-1", 2.0, 2048 * MIB));
        // Trust falls at once (it recovers only after sustained calm): low, moderate, high.
        send(Topics.RISK, task, assessment(task, "node-1", 0.1, T0.plusSeconds(1), 0.5, 256 * MIB));
        send(Topics.RISK, task, assessment(task, "node-1", 0.5, T0.plusSeconds(2), 0.5, 256 * MIB));
        send(Topics.RISK, task, assessment(task, "node-1", 0.9, T0.plusSeconds(3), 0.5, 256 * MIB));

        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            List<EnforcementDecision> first =
                    forTask(probe.awaitUntil(d -> forTask(d, task).size() >= 3, AWAIT), task);
            assertThat(first)
                    .extracting(EnforcementDecision::getAction)
                    .containsExactly(
                            EnforcementAction.ALLOCATE,
                            EnforcementAction.THROTTLE,
                            EnforcementAction.RESTRICT);
            assertThat(first)
                    .extracting(EnforcementDecision::getSequence)
                    .containsExactly(1L, 2L, 3L);

            // Mid-stream: more assessments in flight (and a HIGH sequence anomaly for another
            // task), then SIGKILL once some are through.
            send(Topics.TASKS, ANOMALOUS, TaskFnTest.started(ANOMALOUS, "node-1", 1.0, 512 * MIB));
            send(
                    Topics.ANOMALIES,
                    ANOMALOUS,
                    TaskFnSandboxTest.anomaly(ANOMALOUS, AnomalyLevel.HIGH, 40.0, null));
            for (int i = 4; i <= 8; i++) {
                send(
                        Topics.RISK,
                        task,
                        assessment(task, "node-1", 0.05 * i, T0.plusSeconds(i), 0.5, 256 * MIB));
            }
            probe.awaitUntil(d -> forTask(d, task).size() >= 4, AWAIT);
            runtime.kill();

            runtime = startRuntime(2);
            assertThat(
                            runtime.awaitLogLine(
                                    l -> l.contains("restoring from retained checkpoint"), START))
                    .contains("chk-");
            for (int i = 9; i <= 12; i++) {
                send(
                        Topics.RISK,
                        task,
                        assessment(task, "node-1", 0.05 * i, T0.plusSeconds(i), 0.5, 256 * MIB));
            }

            probe.awaitUntil(d -> forTask(d, task).size() >= 12, AWAIT);
            List<EnforcementDecision> all = forTask(probe.drain(Duration.ofSeconds(5)), task);
            Map<String, Long> perId =
                    all.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            EnforcementDecision::getDecisionId,
                                            Collectors.counting()));
            assertThat(perId).hasSize(12).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            assertThat(all)
                    .extracting(EnforcementDecision::getSequence)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(all).allMatch(d -> d.getDecisionId().equals(task + "/" + d.getSequence()));
        }
    }

    /** Sent a HIGH sequence anomaly just before the runtime's SIGKILL in the first test. */
    private static final String ANOMALOUS = "loop-anomalous";

    @Test
    @Order(4)
    void sequenceAnomaliesRestrictSplitAndIsolateWithSecurityEventsExactlyOnce() {
        String medium = "sandbox-medium";
        String split = "sandbox-split";
        send(Topics.TASKS, medium, TaskFnTest.started(medium, "node-sbx", 1.0, 1024 * MIB));
        send(Topics.TASKS, split, TaskFnTest.started(split, "node-sbx", 1.0, 1024 * MIB));
        send(
                Topics.ANOMALIES,
                medium,
                TaskFnSandboxTest.anomaly(medium, AnomalyLevel.MEDIUM, 9.0, null));
        send(
                Topics.ANOMALIES,
                split,
                TaskFnSandboxTest.anomaly(split, AnomalyLevel.HIGH, 40.0, 4242L));
        send(
                Topics.ANOMALIES,
                split,
                TaskFnSandboxTest.anomaly(split, AnomalyLevel.HIGH, 60.0, 4242L));

        try (TopicProbe<EnforcementDecision> probe = decisions();
                TopicProbe<SecurityEvent> security =
                        new TopicProbe<>(kafka.bootstrapServers(), Topics.SECURITY)) {
            List<EnforcementDecision> got =
                    probe.awaitUntil(
                            d ->
                                    forTask(d, medium).size() >= 1
                                            && forTask(d, split).size() >= 3
                                            && forTask(d, ANOMALOUS).size() >= 2,
                            AWAIT);
            // MEDIUM: network off, half the CPU and memory, the restricted profile.
            assertThat(forTask(got, medium))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getAction()).isEqualTo(EnforcementAction.RESTRICT);
                                assertThat(d.getNetworkEnabled()).isFalse();
                                assertThat(d.getCpuCores()).isEqualTo(0.5);
                                assertThat(d.getMemoryBytes()).isEqualTo(512 * MIB);
                                assertThat(d.getSandboxProfile()).isEqualTo("restricted");
                            });
            // HIGH with a process: SPLIT it; the second HIGH isolates the task, then the
            // quarantine time (8 s) terminates it.
            List<EnforcementDecision> splitTask = forTask(got, split);
            assertThat(splitTask)
                    .extracting(EnforcementDecision::getAction)
                    .containsExactly(
                            EnforcementAction.SPLIT,
                            EnforcementAction.QUARANTINE,
                            EnforcementAction.TERMINATE);
            assertThat(splitTask.get(0).getSplitPid()).isEqualTo(4242L);
            assertThat(splitTask.get(0).getCpuCores()).isEqualTo(0.1);
            // The task sent before the SIGKILL: QUARANTINE then TERMINATE, once each.
            assertThat(forTask(got, ANOMALOUS))
                    .extracting(EnforcementDecision::getAction)
                    .containsExactly(EnforcementAction.QUARANTINE, EnforcementAction.TERMINATE);

            List<SecurityEvent> events =
                    security.awaitUntil(
                            e ->
                                    eventsOf(e, split).size() >= 4
                                            && eventsOf(e, ANOMALOUS).size() >= 3,
                            AWAIT);
            events = security.drain(Duration.ofSeconds(3));
            assertThat(eventsOf(events, split))
                    .extracting(SecurityEvent::getEventId)
                    .containsExactly(
                            split + "/scan_requested/1",
                            split + "/scan_requested/2",
                            split + "/task_isolated/2",
                            split + "/task_terminated/3");
            assertThat(eventsOf(events, ANOMALOUS))
                    .extracting(SecurityEvent::getType)
                    .containsExactly(
                            SecurityEventType.SCAN_REQUESTED,
                            SecurityEventType.TASK_ISOLATED,
                            SecurityEventType.TASK_TERMINATED);
            assertThat(eventsOf(events, medium)).isEmpty();
        }
    }

    @Test
    @Order(5)
    void underContentionATrustedTaskGainsWhatALowerTrustTaskLoses() {
        String node = "node-reclaim";
        // Users of their own: the shared fixture user's record is bad by now (earlier tests), and
        // its tasks would all start at LOW trust, with nothing to reclaim between equals.
        send(Topics.TASKS, "hog", ownUser(TaskFnTest.started("hog", node, 4.0, 1024 * MIB)));
        // Moderate risk: THROTTLE to 3 of the node's 4 cores, trust MEDIUM.
        send(Topics.RISK, "hog", assessment("hog", node, 0.5, T0.plusSeconds(300), 4.0, 256 * MIB));
        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            probe.awaitUntil(d -> forTask(d, "hog").size() >= 1, AWAIT);
            send(
                    Topics.TASKS,
                    "trusted",
                    ownUser(TaskFnTest.started("trusted", node, 1.0, 1024 * MIB)));
            // Low risk, forecast 1.5 cores: asks 1.8 with 1.0 free.
            send(
                    Topics.RISK,
                    "trusted",
                    assessment("trusted", node, 0.1, T0.plusSeconds(301), 1.5, 256 * MIB));
            List<EnforcementDecision> got =
                    probe.awaitUntil(
                            d -> forTask(d, "hog").size() >= 2 && forTask(d, "trusted").size() >= 1,
                            AWAIT);
            EnforcementDecision trusted = forTask(got, "trusted").get(0);
            assertThat(trusted.getCpuCores()).isEqualTo(1.8);
            List<EnforcementDecision> hog = forTask(got, "hog");
            assertThat(hog).extracting(EnforcementDecision::getCpuCores).containsExactly(3.0, 2.2);
            assertThat(hog.get(1).getReasons())
                    .anyMatch(r -> r.startsWith("node node-reclaim under contention: reclaimed"));
            assertThat(hog.get(1).getCpuCores() + trusted.getCpuCores())
                    .isLessThanOrEqualTo(CAPACITY.cpuCores() + 1e-9);
        }
    }

    @Test
    @Order(6)
    void aFailedDecisionIsRetriedExactlyOnceAfterItsBackoffAndAnAnomalyLowersTheUsersNextTask() {
        String task = "ack-task";
        send(Topics.TASKS, task, ownUser(TaskFnTest.started(task, "node-ack", 1.0, 1024 * MIB)));
        send(
                Topics.RISK,
                task,
                assessment(task, "node-ack", 0.1, T0.plusSeconds(400), 0.5, 256 * MIB));
        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            EnforcementDecision first =
                    forTask(probe.awaitUntil(d -> forTask(d, task).size() >= 1, AWAIT), task)
                            .get(0);
            // The enforcer could not apply it (as EnforcementLoop reports a cgroup write error).
            send(
                    Topics.ACKS,
                    task,
                    EnforcementAck.newBuilder(
                                    io.augur.schema.Fixtures.ack(
                                            task, first.getSequence(), AckOutcome.FAILED))
                            .setDecisionId(first.getDecisionId())
                            .setNodeId("node-ack")
                            .setReason("cannot write cpu.cfs_quota_us: No such device")
                            .build());
            List<EnforcementDecision> got =
                    forTask(probe.awaitUntil(d -> forTask(d, task).size() >= 2, AWAIT), task);
            EnforcementDecision retry = got.get(1);
            assertThat(retry.getSequence()).isEqualTo(first.getSequence() + 1);
            assertThat(retry.getAction()).isEqualTo(first.getAction());
            assertThat(retry.getCpuCores()).isEqualTo(first.getCpuCores());
            assertThat(retry.getMemoryBytes()).isEqualTo(first.getMemoryBytes());
            assertThat(retry.getReasons().get(0))
                    .startsWith("retry 1 of 3 of decision " + first.getDecisionId() + ": ");
            // The retry came after its backoff (1 s), and only once: nothing more without an ack.
            assertThat(Duration.between(first.getIssuedAt(), retry.getIssuedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
            assertThat(forTask(probe.drain(Duration.ofSeconds(5)), task))
                    .extracting(EnforcementDecision::getDecisionId)
                    .containsExactly(first.getDecisionId(), retry.getDecisionId());

            // Issue 5: a HIGH sequence anomaly of one of a user's tasks lowers the baseline of
            // the user's next task.
            String user = "user-of-anomalies";
            String hostile = "anomaly-first";
            String next = "anomaly-next";
            send(
                    Topics.TASKS,
                    hostile,
                    withUser(TaskFnTest.started(hostile, "node-ack", 1.0, 512 * MIB), user));
            send(
                    Topics.ANOMALIES,
                    hostile,
                    io.augur.schema.SequenceAnomaly.newBuilder(
                                    TaskFnSandboxTest.anomaly(
                                            hostile, AnomalyLevel.HIGH, 40.0, null))
                            .setUserId(user)
                            .setNodeId("node-ack")
                            .build());
            probe.awaitUntil(d -> forTask(d, hostile).size() >= 1, AWAIT);
            send(
                    Topics.TASKS,
                    next,
                    withUser(TaskFnTest.started(next, "node-ack", 1.0, 512 * MIB), user));
            // The baseline travels TaskFn -> UserFn -> TaskFn beside the first assessment, so it
            // shows in the first or second decision (whichever follows it), never later.
            send(
                    Topics.RISK,
                    next,
                    assessment(next, "node-ack", 0.1, T0.plusSeconds(410), 0.5, 256 * MIB));
            probe.awaitUntil(d -> forTask(d, next).size() >= 1, AWAIT);
            send(
                    Topics.RISK,
                    next,
                    assessment(next, "node-ack", 0.1, T0.plusSeconds(412), 0.5, 256 * MIB));
            List<EnforcementDecision> nextTask =
                    forTask(probe.awaitUntil(d -> forTask(d, next).size() >= 2, AWAIT), next);
            assertThat(nextTask.get(1).getTrustLevel())
                    .isEqualTo(io.augur.schema.TrustLevel.MEDIUM);
            assertThat(nextTask)
                    .flatExtracting(EnforcementDecision::getReasons)
                    .anyMatch(
                            r ->
                                    r.startsWith("baseline: user reputation 0.45")
                                            && r.contains("1 tasks with a sequence anomaly")
                                            && r.endsWith("trust starts at MEDIUM"));
        }
    }

    private static io.augur.schema.TaskEvent withUser(io.augur.schema.TaskEvent e, String user) {
        return io.augur.schema.TaskEvent.newBuilder(e).setUserId(user).build();
    }

    private static io.augur.schema.TaskEvent ownUser(io.augur.schema.TaskEvent e) {
        return io.augur.schema.TaskEvent.newBuilder(e)
                .setUserId("user-of-" + e.getTaskId())
                .build();
    }

    private static List<SecurityEvent> eventsOf(List<SecurityEvent> all, String task) {
        return all.stream().filter(e -> e.getTaskId().equals(task)).toList();
    }

    @Test
    @Order(2)
    void aBurstOfRiskOnOneNodeNeverOverCommitsIt() {
        List<String> tasks = List.of("burst-a", "burst-b", "burst-c", "burst-d", "burst-e");
        for (String task : tasks) {
            send(Topics.TASKS, task, TaskFnTest.started(task, "node-burst", 1.0, 1024 * MIB));
        }
        for (int round = 0; round < 3; round++) {
            for (String task : tasks) {
                double risk = round == 1 ? 0.5 : 0.1;
                send(
                        Topics.RISK,
                        task,
                        assessment(
                                task,
                                "node-burst",
                                risk,
                                T0.plusSeconds(100 + round),
                                1.5,
                                1024 * MIB));
            }
        }
        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            // One decision per assessment (15), plus one per reclaim: the tasks share a user whose
            // reputation falls, so their trust differs and a trusted task takes CPU from less
            // trusted ones. The victim's decision follows the trusted task's grant by one round
            // trip: until then both limits are in force, so the node is checked once it settles.
            List<EnforcementDecision> burst =
                    probe
                            .awaitUntil(
                                    d ->
                                            fromAssessments(onNode(d, "node-burst")).size() >= 15
                                                    && latestCpu(onNode(d, "node-burst"))
                                                            <= CAPACITY.cpuCores() + 1e-9,
                                    AWAIT)
                            .stream()
                            .filter(d -> d.getNodeId().equals("node-burst"))
                            .toList();
            assertThat(fromAssessments(burst)).hasSize(15);
            burst = onNode(probe.drain(Duration.ofSeconds(3)), "node-burst");
            assertThat(latestCpu(burst)).isLessThanOrEqualTo(CAPACITY.cpuCores() + 1e-9);
            long memory =
                    latest(burst).values().stream()
                            .mapToLong(EnforcementDecision::getMemoryBytes)
                            .sum();
            assertThat(memory).isLessThanOrEqualTo(CAPACITY.memoryBytes());
            assertThat(burst)
                    .anyMatch(
                            d ->
                                    d.getReasons().stream()
                                            .anyMatch(
                                                    r ->
                                                            r.startsWith("capped cpu")
                                                                    || r.startsWith("reclaimed")));
        }
    }

    private static List<EnforcementDecision> fromAssessments(List<EnforcementDecision> all) {
        return all.stream()
                .filter(d -> d.getReasons().stream().noneMatch(r -> r.contains("under contention")))
                .toList();
    }

    private static Map<String, EnforcementDecision> latest(List<EnforcementDecision> all) {
        return all.stream()
                .collect(
                        Collectors.toMap(
                                EnforcementDecision::getTaskId,
                                Function.identity(),
                                (a, b) -> a.getSequence() > b.getSequence() ? a : b));
    }

    private static double latestCpu(List<EnforcementDecision> all) {
        return latest(all).values().stream().mapToDouble(EnforcementDecision::getCpuCores).sum();
    }

    /**
     * deploy/policies/default.yaml with a quarantine of {@link #QUARANTINE_MS} (not 60 s): short
     * enough for the terminate tests, long enough for a verdict to reach a frozen task first.
     */
    private static Path policy() throws IOException {
        String shipped =
                Files.readString(
                        io.augur.launch.AugurHome.resolve()
                                .resolve("deploy/policies/default.yaml"));
        String quick =
                shipped.replace(
                        "terminate-after-ms: 60000", "terminate-after-ms: " + QUARANTINE_MS);
        assertThat(quick).isNotEqualTo(shipped);
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, quick);
        return file;
    }

    @Test
    @Order(3)
    void aCriticalTaskIsQuarantinedThenTerminatedByTheRuntimesDelayedMessage() {
        String task = "critical-task";
        send(Topics.TASKS, task, TaskFnTest.started(task, "node-1", 1.0, 512 * MIB));
        send(
                Topics.RISK,
                task,
                assessment(task, "node-1", 0.97, T0.plusSeconds(200), 0.5, 256 * MIB));
        // Frozen: a later window decides nothing.
        send(
                Topics.RISK,
                task,
                assessment(task, "node-1", 0.05, T0.plusSeconds(202), 0.0, 256 * MIB));

        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            List<EnforcementDecision> got =
                    forTask(
                            probe.awaitUntil(
                                    d ->
                                            forTask(d, task).stream()
                                                    .anyMatch(
                                                            x ->
                                                                    x.getAction()
                                                                            == EnforcementAction
                                                                                    .TERMINATE),
                                    AWAIT),
                            task);
            assertThat(got)
                    .extracting(EnforcementDecision::getAction)
                    .containsExactly(EnforcementAction.QUARANTINE, EnforcementAction.TERMINATE);
            assertThat(got).extracting(EnforcementDecision::getSequence).containsExactly(1L, 2L);
            Duration kept = Duration.between(got.get(0).getIssuedAt(), got.get(1).getIssuedAt());
            // The 8 s run from the proposal; the QUARANTINE is issued at the node's grant, a
            // moment later.
            assertThat(kept)
                    .isBetween(Duration.ofMillis(QUARANTINE_MS - 500), Duration.ofSeconds(60));
            assertThat(got).allMatch(d -> !d.getNetworkEnabled());
        }
    }

    @Test
    @Order(7)
    void aFalsePositiveVerdictReleasesAQuarantinedTaskWithExactlyOneDecision() {
        String task = "verdict-task";
        send(Topics.TASKS, task, TaskFnTest.started(task, "node-verdict", 2.0, 2048 * MIB));
        send(
                Topics.RISK,
                task,
                assessment(task, "node-verdict", 0.97, T0.plusSeconds(300), 0.5, 256 * MIB));
        try (TopicProbe<EnforcementDecision> probe = decisions()) {
            EnforcementDecision quarantine =
                    forTask(probe.awaitUntil(d -> forTask(d, task).size() >= 1, AWAIT), task)
                            .get(0);
            assertThat(quarantine.getAction()).isEqualTo(EnforcementAction.QUARANTINE);

            // The analyst's verdict, as ./augur verdict writes it, and the same record again (a
            // producer's retry, a replay): one release.
            io.augur.schema.AnalystVerdict verdict =
                    io.augur.schema.AnalystVerdict.newBuilder(io.augur.schema.Fixtures.verdict())
                            .setVerdictId("v-loop-1")
                            .setTaskId(task)
                            .setAssessmentRef(task + "@" + T0.plusSeconds(300).toEpochMilli())
                            .setNote("load test, expected")
                            .setTimestamp(T0.plusSeconds(302))
                            .build();
            send(Topics.VERDICTS, task, verdict);
            send(Topics.VERDICTS, task, verdict);

            List<EnforcementDecision> got =
                    forTask(probe.awaitUntil(d -> forTask(d, task).size() >= 2, AWAIT), task);
            // Past the quarantine's time: its expiry must find the task released (no TERMINATE),
            // and the replayed verdict must have decided nothing.
            Duration untilExpiry =
                    Duration.between(java.time.Instant.now(), quarantine.getIssuedAt())
                            .plusMillis(QUARANTINE_MS + 3000);
            got =
                    forTask(
                            probe.drain(
                                    untilExpiry.isNegative()
                                            ? Duration.ofSeconds(3)
                                            : untilExpiry.plusSeconds(3)),
                            task);
            assertThat(got)
                    .extracting(EnforcementDecision::getAction)
                    .containsExactly(EnforcementAction.QUARANTINE, EnforcementAction.THROTTLE);
            EnforcementDecision release = got.get(1);
            assertThat(release.getSequence()).isEqualTo(2L);
            assertThat(release.getTrustLevel()).isEqualTo(io.augur.schema.TrustLevel.MEDIUM);
            assertThat(release.getCpuCores()).isEqualTo(1.0);
            assertThat(release.getNetworkEnabled()).isTrue();
            assertThat(release.getReasons().get(0))
                    .startsWith("analyst verdict v-loop-1 by alice (FALSE_POSITIVE of RISK")
                    .contains(
                            "\"load test, expected\": released from the quarantine of decision #1");
        }
    }

    private static JavaProcess startRuntime(int run) {
        JavaProcess p =
                JavaProcess.builder("statefun-runtime", "io.augur.statefun.StatefunRuntime")
                        .name("statefun-runtime-" + run)
                        .jvmArg("-Xmx1g")
                        .args(
                                "--bootstrap", kafka.bootstrapServers(),
                                "--functions", functions.url().toString(),
                                "--checkpoint-dir", dir.resolve("checkpoints").toString(),
                                "--checkpoint-interval-ms", "1000")
                        .log(dir.resolve("runtime-" + run + ".log"))
                        .start();
        try {
            p.awaitLogLine(l -> l.startsWith("STATEFUN RUNNING "), START);
        } catch (RuntimeException e) {
            p.kill(); // not yet assigned to the field @AfterAll closes
            throw e;
        }
        return p;
    }

    private static <V extends SpecificRecordBase> void send(Topic<V> topic, String key, V value) {
        producer.send(
                new ProducerRecord<>(
                        topic.name(), Topic.keyBytes(key), topic.codec().encode(value)));
        producer.flush();
    }

    private static TopicProbe<EnforcementDecision> decisions() {
        return new TopicProbe<>(kafka.bootstrapServers(), Topics.DECISIONS);
    }

    private static List<EnforcementDecision> forTask(List<EnforcementDecision> all, String task) {
        return all.stream().filter(d -> d.getTaskId().equals(task)).toList();
    }

    private static List<EnforcementDecision> onNode(List<EnforcementDecision> all, String node) {
        return all.stream().filter(d -> d.getNodeId().equals(node)).toList();
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

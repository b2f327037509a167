package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.AckOutcome;
import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enforcer as its own process against a real broker and this machine's cgroup v1 (needs root):
 * throttling, duplicates, stale and rejected decisions, and a crash between apply and commit.
 */
class EnforcerIT {
    static final Path CPU_MOUNT = TaskCgroups.DEFAULT_MOUNT.resolve("cpu");
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(120);

    @TempDir static Path dir;
    static ForkedKafka kafka;
    static TaskCgroups cgroups;
    static KafkaProducer<byte[], byte[]> producer;
    static final String ROOT = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);

    final Workloads workloads = new Workloads();
    final List<JavaProcess> enforcers = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        assumeTrue(Files.isWritable(CPU_MOUNT), "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(ROOT);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
        kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics();
        producer = new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        try {
            if (producer != null) {
                producer.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
            }
        }
    }

    @AfterEach
    void stopProcesses() {
        enforcers.forEach(JavaProcess::close);
        workloads.close();
    }

    JavaProcess startEnforcer(String node, String... jvmArgs) {
        JavaProcess.Builder b =
                JavaProcess.builder("actuator", EnforcerMain.class.getName())
                        .name("enforcer-" + node)
                        .args(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--node",
                                node,
                                "--cgroup-root",
                                ROOT,
                                "--state-dir",
                                dir.resolve("state-" + node).toString())
                        .log(dir.resolve("enforcer-" + node + ".log"));
        for (String arg : jvmArgs) {
            b.jvmArg(arg);
        }
        JavaProcess p = b.start();
        enforcers.add(p);
        p.awaitLogLine(EnforcerMain.READY::equals, Duration.ofSeconds(120));
        return p;
    }

    TaskCgroup taskWith(String taskId, String shellCommand) {
        TaskCgroup group = cgroups.create(taskId);
        workloads.start(group, shellCommand);
        return group;
    }

    static EnforcementDecision decision(String node, String taskId, long seq, double cpu) {
        EnforcementDecision d = Fixtures.decision(taskId, seq, cpu);
        d.setNodeId(node);
        return d;
    }

    static void send(EnforcementDecision d) throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                Topics.DECISIONS.name(),
                                Topic.keyBytes(d.getTaskId()),
                                Topics.DECISIONS.codec().encode(d)))
                .get();
    }

    static List<EnforcementAck> acksOf(List<EnforcementAck> acks, String decisionId) {
        return acks.stream().filter(a -> a.getDecisionId().equals(decisionId)).toList();
    }

    static EnforcementAck awaitAck(TopicProbe<EnforcementAck> probe, String decisionId, int nth) {
        return acksOf(
                        probe.awaitUntil(a -> acksOf(a, decisionId).size() >= nth, ACK_TIMEOUT),
                        decisionId)
                .get(nth - 1);
    }

    static double coresOver(TaskCgroup group, Duration window) throws InterruptedException {
        CgroupUsage first = group.readUsage();
        Thread.sleep(
                window.toMillis()); // a measurement window, read back from the cgroup's own clock
        CgroupUsage second = group.readUsage();
        return (double) (second.cpuUsageNanos() - first.cpuUsageNanos())
                / Duration.between(first.timestamp(), second.timestamp()).toNanos();
    }

    @Test
    void throttlesABurnerAndAcksDuplicatesAndStaleSequencesWithoutReapplying() throws Exception {
        String node = "node-throttle";
        TaskCgroup burner = taskWith("burner", "sh -c 'while :; do :; done'");
        JavaProcess enforcer = startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            send(decision(node, "burner", 5, 0.25));

            EnforcementAck applied = awaitAck(acks, "burner#5", 1);
            assertThat(applied.getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(applied.getApplied().getCpuCores()).isEqualTo(0.25);
            assertThat(applied.getApplied().getMemoryBytes()).isEqualTo(256L << 20);
            assertThat(applied.getObserved().getCpuCores()).isNotNull();
            assertThat(applied.getObserved().getPids()).isPositive();
            assertThat(applied.getCauseTimestamp()).isEqualTo(Fixtures.T0);
            assertThat(coresOver(burner, Duration.ofSeconds(3))).isLessThanOrEqualTo(0.3);

            // By hand, behind the enforcer's back: a duplicate must not rewrite it.
            Path quota = CPU_MOUNT.resolve(ROOT).resolve("burner").resolve("cpu.cfs_quota_us");
            Files.writeString(quota, "70000");
            send(decision(node, "burner", 5, 0.25));
            EnforcementAck duplicate = awaitAck(acks, "burner#5", 2);
            assertThat(duplicate.getOutcome()).isEqualTo(AckOutcome.DUPLICATE);
            assertThat(Files.readString(quota).trim()).isEqualTo("70000");

            send(decision(node, "burner", 4, 1.0));
            EnforcementAck stale = awaitAck(acks, "burner#4", 1);
            assertThat(stale.getOutcome()).isEqualTo(AckOutcome.STALE);
            assertThat(Files.readString(quota).trim()).isEqualTo("70000");

            send(decision("some-other-node", "burner", 9, 1.0));
            send(decision(node, "no-such-task", 1, 0.5));
            EnforcementAck failed = awaitAck(acks, "no-such-task#1", 1);
            assertThat(failed.getOutcome()).isEqualTo(AckOutcome.FAILED);
            assertThat(failed.getReason()).contains("has no cgroup");
            assertThat(acksOf(acks.seen(), "burner#9")).isEmpty();
        }
        enforcer.close();
        assertThat(Files.readString(enforcer.log())).contains("enforcer stopped");
        // When decisions stop, limits stay as they are.
        assertThat(burner.readLimits().memoryBytes()).isEqualTo(256L << 20);
    }

    @Test
    void rejectsUnsafeOrAbsurdDecisionsWithDeadLetters() throws Exception {
        String node = "node-reject";
        startEnforcer(node);
        send(decision(node, "../../etc", 1, 0.5));
        send(decision(node, "absurd", 1, 1000));
        producer.send(
                        new ProducerRecord<>(
                                Topics.DECISIONS.name(),
                                Topic.keyBytes("garbage"),
                                new byte[] {1, 2, 3}))
                .get();

        try (TopicProbe<EnforcementAck> acks =
                        new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS);
                TopicProbe<DeadLetter> dlq =
                        new TopicProbe<>(kafka.bootstrapServers(), Topics.DLQ)) {
            assertThat(awaitAck(acks, "../../etc#1", 1).getOutcome())
                    .isEqualTo(AckOutcome.REJECTED);
            EnforcementAck absurd = awaitAck(acks, "absurd#1", 1);
            assertThat(absurd.getOutcome()).isEqualTo(AckOutcome.REJECTED);
            assertThat(absurd.getReason()).contains("cpuCores 1000.0");
            List<DeadLetter> dead =
                    dlq.awaitUntil(
                            d ->
                                    d.stream().anyMatch(x -> x.getError().contains("must match"))
                                            && d.stream()
                                                    .anyMatch(
                                                            x ->
                                                                    x.getError()
                                                                            .contains(
                                                                                    "cpuCores 1000"))
                                            && d.stream()
                                                    .anyMatch(
                                                            x ->
                                                                    x.getErrorType()
                                                                            .startsWith("decode.")),
                            ACK_TIMEOUT);
            assertThat(dead)
                    .allSatisfy(
                            d -> assertThat(d.getSourceTopic()).isEqualTo(Topics.DECISIONS.name()));
        }
        assertThat(TaskCgroups.DEFAULT_MOUNT.resolve("etc")).doesNotExist();
    }

    @Test
    void aCrashBetweenApplyAndCommitEndsWithExactlyOneAppliedAck() throws Exception {
        String node = "node-crash";
        TaskCgroup task = taskWith("crashy", "sleep 600");
        JavaProcess doomed =
                startEnforcer(node, "-D" + EnforcerMain.HALT_AFTER_APPLYING + "=crashy#1");
        send(decision(node, "crashy", 1, 0.5));
        assertThat(doomed.waitFor(Duration.ofSeconds(120))).as("enforcer halted").isTrue();
        assertThat(task.readLimits().cpuCores()).isEqualTo(0.5);
        // Undo it by hand: the restarted enforcer must apply it again.
        task.setCpuCores(1.5);

        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            assertThat(awaitAck(acks, "crashy#1", 1).getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(task.readLimits().cpuCores()).isEqualTo(0.5);
            assertThat(acksOf(acks.drain(Duration.ofSeconds(3)), "crashy#1")).hasSize(1);

            // Re-sent upstream at a new offset after its ack committed: a duplicate.
            send(decision(node, "crashy", 1, 0.5));
            assertThat(awaitAck(acks, "crashy#1", 2).getOutcome()).isEqualTo(AckOutcome.DUPLICATE);
        }
    }

    @Test
    void answersHelpAndRefusesBadArguments() throws Exception {
        JavaProcess help =
                JavaProcess.builder("actuator", EnforcerMain.class.getName())
                        .args("--help")
                        .log(dir.resolve("help.log"))
                        .start();
        assertThat(help.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(help.process().exitValue()).isZero();
        assertThat(Files.readString(help.log())).contains("Usage: EnforcerMain");

        JavaProcess bad =
                JavaProcess.builder("actuator", EnforcerMain.class.getName())
                        .args("--node")
                        .log(dir.resolve("bad.log"))
                        .start();
        assertThat(bad.waitFor(Duration.ofSeconds(60))).isTrue();
        assertThat(bad.process().exitValue()).isEqualTo(2);
        assertThat(Files.readString(bad.log())).contains("--node needs a value");
    }
}

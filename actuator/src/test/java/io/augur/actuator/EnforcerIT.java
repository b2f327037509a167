package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
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
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.TaskEnforcementState;
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
        EnforcementDecision absurdDisk = decision(node, "absurd-disk", 1, 0.5);
        absurdDisk.setDiskWriteBps(1L << 50);
        send(absurdDisk);
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
            EnforcementAck disk = awaitAck(acks, "absurd-disk#1", 1);
            assertThat(disk.getOutcome()).isEqualTo(AckOutcome.REJECTED);
            assertThat(disk.getReason()).contains("diskWriteBps");
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

    /** A command that waits for {@code trigger} to exist, then runs {@code then}. */
    static String after(Path trigger, String then) {
        return "sh -c 'while [ ! -e " + trigger + " ]; do sleep 0.05; done; " + then + "'";
    }

    static EnforcementDecision decision(
            String node, String taskId, long seq, EnforcementAction action) {
        EnforcementDecision d = decision(node, taskId, seq, 0.5);
        d.setAction(action);
        return d;
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path v1(String controller, String taskId) {
        return TaskCgroups.DEFAULT_MOUNT.resolve(controller).resolve(ROOT).resolve(taskId);
    }

    @Test
    void aMemoryBalloonIsStoppedAtItsLimit() throws Exception {
        String node = "node-balloon";
        Path go = dir.resolve("balloon-go");
        TaskCgroup task =
                taskWith(
                        "balloon",
                        after(go, "x=$(head -c 200000000 /dev/zero | tr \"\\0\" a); sleep 600"));
        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision d = decision(node, "balloon", 1, 0.5);
            d.setMemoryBytes(64L << 20);
            d.setMemorySwapBytes(0L); // no way around the limit through swap
            send(d);
            EnforcementAck ack = awaitAck(acks, "balloon#1", 1);
            assertThat(ack.getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(ack.getApplied().getMemoryBytes()).isEqualTo(64L << 20);

            Files.createFile(go);
            Await.until(
                    "the balloon OOM-killed at 64 MiB",
                    Duration.ofSeconds(60),
                    () -> {
                        Long kills = task.readUsage().oomKills();
                        return kills != null && kills > 0;
                    });
            // The peak charge never passed the limit (memory and memory+swap are both 64 MiB).
            long peak =
                    Long.parseLong(
                            Files.readString(
                                            v1("memory", "balloon")
                                                    .resolve("memory.max_usage_in_bytes"))
                                    .trim());
            assertThat(peak).isLessThanOrEqualTo(64L << 20);
        }
    }

    @Test
    void aForkStormIsStoppedByPidsMax() throws Exception {
        String node = "node-forks";
        Path go = dir.resolve("forks-go");
        TaskCgroup task =
                taskWith("forker", after(go, "for i in $(seq 1 300); do sleep 600 & done; wait"));
        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision d = decision(node, "forker", 1, 0.5);
            d.setPidsMax(20L);
            send(d);
            assertThat(awaitAck(acks, "forker#1", 1).getApplied().getPidsMax()).isEqualTo(20L);

            Files.createFile(go);
            Path events = v1("pids", "forker").resolve("pids.events");
            Await.until(
                    "forks refused at pids.max",
                    Duration.ofSeconds(60),
                    () -> !read(events).equals("max 0"));
            assertThat(task.readUsage().pids()).isLessThanOrEqualTo(20L);
            assertThat(task.allPids().size()).isLessThanOrEqualTo(20);
        }
    }

    @Test
    void aDiskWriterIsHeldToItsBandwidth() throws Exception {
        assumeTrue(Files.isDirectory(TaskCgroups.DEFAULT_MOUNT.resolve("blkio")), "no blkio");
        String node = "node-disk";
        Path go = dir.resolve("disk-go");
        Path done = dir.resolve("disk-done");
        // 6 MiB past the page cache (O_DIRECT) to a file on this machine's disk.
        taskWith(
                "writer",
                after(
                        go,
                        "dd if=/dev/zero of="
                                + dir.resolve("disk-out")
                                + " bs=256k count=24 oflag=direct && touch "
                                + done
                                + "; sleep 600"));
        startEnforcer(node);
        long bps = 2L << 20;
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision d = decision(node, "writer", 1, 0.5);
            d.setDiskWriteBps(bps);
            d.setDiskWriteIops(1000L);
            send(d);
            EnforcementAck ack = awaitAck(acks, "writer#1", 1);
            assertThat(ack.getApplied().getDiskWriteBps()).isEqualTo(bps);
            assertThat(ack.getControls().getDiskWriteIops()).isEqualTo(1000L);

            long started = System.nanoTime();
            Files.createFile(go);
            Await.until("dd done", Duration.ofSeconds(60), () -> Files.exists(done));
            double seconds = (System.nanoTime() - started) / 1e9;
            // 6 MiB at 2 MiB/s: about 3 s (a first burst may pass at once); unthrottled, ms.
            assertThat(seconds).isGreaterThan(2.0);
            assertThat((6 << 20) / seconds).isLessThan(bps * 1.5);
        }
    }

    @Test
    void quarantineFreezesSurvivesARestartAndAReleaseThaws() throws Exception {
        String node = "node-quarantine";
        TaskCgroup task = taskWith("suspect", "sh -c 'while :; do :; done'");
        Path state = v1("freezer", "suspect").resolve("freezer.state");
        JavaProcess enforcer = startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision q = decision(node, "suspect", 1, EnforcementAction.QUARANTINE);
            q.setCpuCores(0.1);
            send(q);
            EnforcementAck ack = awaitAck(acks, "suspect#1", 1);
            assertThat(ack.getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(ack.getReason()).contains("quarantined");
            assertThat(ack.getControls().getState()).isEqualTo(TaskEnforcementState.QUARANTINED);
            assertThat(ack.getControls().getFrozen()).isTrue();
            assertThat(Files.readString(state).trim()).isEqualTo("FROZEN");
            assertThat(coresOver(task, Duration.ofMillis(500))).isLessThan(0.01);
            assertThat(task.pids()).isNotEmpty(); // kept for inspection

            // Restart with the task thawed behind the enforcer's back: it is frozen again.
            enforcer.close();
            Files.writeString(state, "THAWED");
            startEnforcer(node);
            Await.until(
                    "re-frozen after the restart",
                    Duration.ofSeconds(60),
                    () -> read(state).equals("FROZEN"));

            send(decision(node, "suspect", 2, EnforcementAction.THROTTLE));
            EnforcementAck release = awaitAck(acks, "suspect#2", 1);
            assertThat(release.getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(release.getReason()).contains("released");
            assertThat(release.getControls().getState()).isEqualTo(TaskEnforcementState.ACTIVE);
            assertThat(Files.readString(state).trim()).isEqualTo("THAWED");
            assertThat(coresOver(task, Duration.ofMillis(500))).isGreaterThan(0.1);
        }
    }

    /** Whether a TCP connection from inside the task's namespace reaches {@code host:port}. */
    static boolean connects(io.augur.actuator.net.TaskNetwork net, String host, int port)
            throws Exception {
        Process p =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                net.names().namespace(),
                                "timeout",
                                "3",
                                "bash",
                                "-c",
                                "exec 3<>/dev/tcp/" + host + "/" + port)
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void aRestrictedDecisionTightensTheSeccompProfileOfARunningAugurRunTask() throws Exception {
        String node = "node-seccomp";
        String taskId = "sandboxed-" + UUID.randomUUID().toString().substring(0, 6);
        Path go1 = dir.resolve(taskId + ".go1");
        Path go2 = dir.resolve(taskId + ".go2");
        io.augur.actuator.sandbox.SupervisedProfileStore store =
                new io.augur.actuator.sandbox.SupervisedProfileStore(
                        io.augur.actuator.sandbox.SupervisedProfileStore.DEFAULT_DIR);
        JavaProcess task =
                JavaProcess.builder("actuator", io.augur.actuator.sandbox.RunMain.class.getName())
                        .name("run-" + taskId)
                        .log(dir.resolve("run-" + taskId + ".log"))
                        .args(
                                "--task",
                                taskId,
                                "--cgroup-root",
                                ROOT,
                                "--profile",
                                "default",
                                "--",
                                "sh",
                                "-c",
                                io.augur.actuator.sandbox.SupervisedProfileIT.TASK,
                                "augur-task",
                                go1.toString(),
                                go2.toString())
                        .start();
        enforcers.add(task);
        task.awaitLogLine(l -> l.startsWith("STATE FILES SEEN"), ACK_TIMEOUT);
        Files.writeString(go1, "");
        assertThat(task.awaitLogLine(l -> l.startsWith("UNSHARE1 "), ACK_TIMEOUT))
                .isEqualTo("UNSHARE1 ok");
        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision restrict = decision(node, taskId, 1, EnforcementAction.RESTRICT);
            restrict.setSandboxProfile("restricted");
            send(restrict);
            EnforcementAck ack = awaitAck(acks, taskId + "#1", 1);
            assertThat(ack.getOutcome()).as(ack.toString()).isEqualTo(AckOutcome.APPLIED);
            assertThat(ack.getReason()).startsWith("sandbox profile restricted in force");
            assertThat(ack.getApplied().getCpuCores()).isEqualTo(0.5);
            assertThat(store.read(taskId).orElseThrow().effective()).isEqualTo("restricted");

            Files.writeString(go2, "");
            assertThat(task.awaitLogLine(l -> l.startsWith("UNSHARE2 "), ACK_TIMEOUT))
                    .isEqualTo("UNSHARE2 unshare: unshare failed: Operation not permitted");
            assertThat(task.awaitLogLine(l -> l.startsWith("ORDINARY2 "), ACK_TIMEOUT))
                    .isEqualTo("ORDINARY2 ok");
        }
        assertThat(task.waitFor(ACK_TIMEOUT)).as(task.tail()).isTrue();
        assertThat(task.process().exitValue()).as(task.tail()).isZero();
        assertThat(store.supervised(taskId)).isFalse();
    }

    @Test
    void aTaskOnItsOwnNetworkIsCutByDecisionCutInQuarantineAndReleased() throws Exception {
        String node = "node-net";
        String taskId = "netted-" + UUID.randomUUID().toString().substring(0, 6);
        io.augur.actuator.net.TaskNetworks networks =
                io.augur.actuator.net.TaskNetworks.onThisHost();
        io.augur.actuator.net.TaskNetwork net = networks.create(taskId);
        try (java.net.ServerSocket server =
                new java.net.ServerSocket(
                        0, 50, java.net.InetAddress.getByName(net.hostAddress()))) {
            Thread accept =
                    new Thread(
                            () -> {
                                while (!server.isClosed()) {
                                    try (java.net.Socket c = server.accept()) {
                                        // accepted: the task reached the host
                                    } catch (java.io.IOException closed) {
                                        return;
                                    }
                                }
                            });
            accept.setDaemon(true);
            accept.start();
            taskWith(taskId, "sleep 600");
            startEnforcer(node);
            assertThat(connects(net, net.hostAddress(), server.getLocalPort())).isTrue();
            io.augur.actuator.net.LinuxNetworkEffector kernel =
                    new io.augur.actuator.net.LinuxNetworkEffector();
            try (TopicProbe<EnforcementAck> acks =
                    new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
                EnforcementDecision off = decision(node, taskId, 1, EnforcementAction.RESTRICT);
                off.setNetworkEnabled(false);
                send(off);
                EnforcementAck cut = awaitAck(acks, taskId + "#1", 1);
                assertThat(cut.getOutcome()).isEqualTo(AckOutcome.APPLIED);
                assertThat(cut.getApplied().getNetworkEnabled()).isFalse();
                assertThat(kernel.read(taskId).enabled()).isFalse();
                assertThat(connects(net, net.hostAddress(), server.getLocalPort())).isFalse();

                EnforcementDecision shaped = decision(node, taskId, 2, EnforcementAction.THROTTLE);
                shaped.setNetworkBandwidthBps(256L << 10);
                send(shaped);
                EnforcementAck on = awaitAck(acks, taskId + "#2", 1);
                assertThat(on.getApplied().getNetworkEnabled()).isTrue();
                assertThat(on.getApplied().getNetworkBandwidthBps()).isEqualTo(256L << 10);
                assertThat(kernel.read(taskId).bandwidth()).hasValue(256L << 10);
                assertThat(connects(net, net.hostAddress(), server.getLocalPort())).isTrue();

                // Quarantine cuts it though the decision leaves it on; the release restores it.
                send(decision(node, taskId, 3, EnforcementAction.QUARANTINE));
                EnforcementAck q = awaitAck(acks, taskId + "#3", 1);
                assertThat(q.getApplied().getNetworkEnabled()).isFalse();
                assertThat(kernel.read(taskId).enabled()).isFalse();

                send(decision(node, taskId, 4, EnforcementAction.ALLOCATE));
                EnforcementAck released = awaitAck(acks, taskId + "#4", 1);
                assertThat(released.getApplied().getNetworkEnabled()).isTrue();
                assertThat(released.getApplied().getNetworkBandwidthBps()).isNull();
                assertThat(connects(net, net.hostAddress(), server.getLocalPort())).isTrue();
            }
        } finally {
            networks.destroy(taskId);
        }
    }

    /** A host server on the task's host end that accepts and closes until the socket closes. */
    static java.net.ServerSocket acceptingServer(io.augur.actuator.net.TaskNetwork net)
            throws java.io.IOException {
        java.net.ServerSocket server =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName(net.hostAddress()));
        Thread accept =
                new Thread(
                        () -> {
                            while (!server.isClosed()) {
                                try (java.net.Socket c = server.accept()) {
                                    // accepted: the task reached the host
                                } catch (java.io.IOException closed) {
                                    return;
                                }
                            }
                        });
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    @Test
    void anAllowListDecisionRestrictsARunningTaskSurvivesARestartAndLiftsToTheLaunchList()
            throws Exception {
        String node = "node-allow";
        String taskId = "allowed-" + UUID.randomUUID().toString().substring(0, 6);
        io.augur.actuator.net.TaskNetworks networks =
                io.augur.actuator.net.TaskNetworks.onThisHost();
        io.augur.actuator.net.TaskNetwork net = networks.create(taskId);
        io.augur.actuator.net.LinuxNetworkEffector kernel =
                new io.augur.actuator.net.LinuxNetworkEffector();
        // Launched the way ./augur run --allow HOST_END does: the host end, every port.
        String launch = net.hostAddress() + "/32";
        kernel.apply(
                taskId,
                io.augur.actuator.net.NetworkPolicy.open()
                        .withAllowList(List.of(io.augur.actuator.net.Destination.parse(launch))));
        try (java.net.ServerSocket kafkaLike = acceptingServer(net);
                java.net.ServerSocket other = acceptingServer(net)) {
            int allowedPort = kafkaLike.getLocalPort();
            int otherPort = other.getLocalPort();
            taskWith(taskId, "sleep 600");
            JavaProcess enforcer = startEnforcer(node);
            assertThat(connects(net, net.hostAddress(), allowedPort)).isTrue();
            assertThat(connects(net, net.hostAddress(), otherPort)).isTrue();
            try (TopicProbe<EnforcementAck> acks =
                    new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
                EnforcementDecision restrict =
                        decision(node, taskId, 1, EnforcementAction.RESTRICT);
                String allowed = net.hostAddress() + ":" + allowedPort;
                // 192.168.0.0/16 lies outside the launch list: it stays unreachable.
                restrict.setNetworkAllowList(List.of(allowed, "192.168.0.0/16"));
                send(restrict);
                EnforcementAck ack = awaitAck(acks, taskId + "#1", 1);
                assertThat(ack.getOutcome()).as(ack.toString()).isEqualTo(AckOutcome.APPLIED);
                assertThat(ack.getControls().getNetworkAllowList())
                        .containsExactly(net.hostAddress() + "/32:" + allowedPort);
                assertThat(connects(net, net.hostAddress(), allowedPort)).isTrue();
                assertThat(connects(net, net.hostAddress(), otherPort)).isFalse();

                // A restart re-asserts it after the table was removed behind the enforcer's back.
                enforcer.close();
                String table = io.augur.actuator.net.TaskNetNames.of(taskId).restrictionTable();
                Process del = new ProcessBuilder("nft", "delete", "table", "inet", table).start();
                assertThat(del.waitFor()).isZero();
                assertThat(connects(net, net.hostAddress(), otherPort)).isTrue();
                startEnforcer(node);
                Await.until(
                        "allow-list re-asserted after the restart",
                        Duration.ofSeconds(60),
                        () -> kernel.read(taskId).restriction() != null);
                assertThat(connects(net, net.hostAddress(), otherPort)).isFalse();
                assertThat(connects(net, net.hostAddress(), allowedPort)).isTrue();

                // A bad entry is rejected and changes nothing.
                EnforcementDecision bad = decision(node, taskId, 2, EnforcementAction.RESTRICT);
                bad.setNetworkAllowList(List.of("kafka.internal:9092"));
                send(bad);
                EnforcementAck rejected = awaitAck(acks, taskId + "#2", 1);
                assertThat(rejected.getOutcome()).isEqualTo(AckOutcome.REJECTED);
                assertThat(rejected.getReason())
                        .contains("networkAllowList")
                        .contains("kafka.internal");
                assertThat(connects(net, net.hostAddress(), allowedPort)).isTrue();

                // Loosening to everywhere restores the launch list, no wider.
                EnforcementDecision lift = decision(node, taskId, 3, EnforcementAction.ALLOCATE);
                lift.setNetworkAllowList(List.of("0.0.0.0/0"));
                send(lift);
                EnforcementAck lifted = awaitAck(acks, taskId + "#3", 1);
                assertThat(lifted.getOutcome()).isEqualTo(AckOutcome.APPLIED);
                assertThat(lifted.getControls().getNetworkAllowList()).containsExactly(launch);
                assertThat(kernel.read(taskId).restriction()).isNull();
                assertThat(kernel.read(taskId).allowList())
                        .containsExactly(io.augur.actuator.net.Destination.parse(launch));
                assertThat(connects(net, net.hostAddress(), otherPort)).isTrue();
            }
        } finally {
            networks.destroy(taskId);
        }
        assertThat(
                        new String(
                                new ProcessBuilder("nft", "list", "tables")
                                        .start()
                                        .getInputStream()
                                        .readAllBytes()))
                .doesNotContain(io.augur.actuator.net.TaskNetNames.of(taskId).restrictionTable());
    }

    /** The last line a probe loop wrote after {@code since}, waiting for a fresh one. */
    static String freshProbe(Path out) throws Exception {
        // Two fresh rounds: one may have been running while the decision was applied.
        for (int round = 0; round < 2; round++) {
            Files.deleteIfExists(out);
            Await.until(
                    "a fresh probe round in " + out,
                    Duration.ofSeconds(30),
                    () -> Files.exists(out));
        }
        return Files.readString(out).trim();
    }

    @Test
    void aSplitProcessLosesTheNetworkWhileTheRestOfTheTaskKeepsIt() throws Exception {
        String node = "node-split-net";
        String taskId = "splitnet-" + UUID.randomUUID().toString().substring(0, 6);
        io.augur.actuator.net.TaskNetworks networks =
                io.augur.actuator.net.TaskNetworks.onThisHost();
        io.augur.actuator.net.TaskNetwork net = networks.create(taskId);
        Path unified = io.augur.actuator.net.LinuxSplitNetworkEffector.cgroup2Mount().orElseThrow();
        try (java.net.ServerSocket s1 = acceptingServer(net);
                java.net.ServerSocket s2 = acceptingServer(net)) {
            // Two probe loops in the task's namespace and cgroup; each connects to both servers
            // with a new socket every round and writes "P1=ok P2=fail"-like lines.
            Path loop = dir.resolve(taskId + "-probe.sh");
            Files.writeString(
                    loop,
                    String.join(
                            "\n",
                            "echo $$ > \"$1.pid\"",
                            "while :; do",
                            "  r=''",
                            "  for p in " + s1.getLocalPort() + " " + s2.getLocalPort() + "; do",
                            "    if timeout 2 bash -c \"exec 3<>/dev/tcp/"
                                    + net.hostAddress()
                                    + "/$p\" 2>/dev/null; then r=\"$r ok\"; else r=\"$r fail\"; fi",
                            "  done",
                            "  echo $r > \"$1.tmp\"; mv \"$1.tmp\" \"$1\"; sleep 0.2",
                            "done",
                            ""));
            Path a = dir.resolve(taskId + "-a");
            Path b = dir.resolve(taskId + "-b");
            taskWith(
                    taskId,
                    "ip netns exec "
                            + net.names().namespace()
                            + " bash -c 'bash "
                            + loop
                            + " "
                            + a
                            + " & bash "
                            + loop
                            + " "
                            + b
                            + " & wait'");
            Path aPid = Path.of(a + ".pid");
            Await.until(
                    "both probes started",
                    Duration.ofSeconds(30),
                    () -> Files.exists(aPid) && Files.exists(Path.of(b + ".pid")));
            assertThat(freshProbe(a)).isEqualTo("ok ok");
            assertThat(freshProbe(b)).isEqualTo("ok ok");
            long splitPid = Long.parseLong(Files.readString(aPid).trim());
            startEnforcer(node);
            try (TopicProbe<EnforcementAck> acks =
                    new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
                EnforcementDecision off = decision(node, taskId, 1, EnforcementAction.SPLIT);
                off.setSplitPid(splitPid);
                off.setNetworkEnabled(false);
                send(off);
                EnforcementAck ack = awaitAck(acks, taskId + "#1", 1);
                assertThat(ack.getOutcome()).as(ack.getReason()).isEqualTo(AckOutcome.APPLIED);
                String group = "split-" + splitPid;
                assertThat(ack.getReason()).contains(group + ": network off");
                assertThat(ack.getApplied().getNetworkEnabled()).isTrue(); // the task's
                // The split process's new sockets send nothing; the rest of the task reaches both.
                assertThat(freshProbe(a)).isEqualTo("fail fail");
                assertThat(freshProbe(b)).isEqualTo("ok ok");
                Path v2 = unified.resolve(ROOT).resolve(taskId).resolve(group);
                assertThat(Files.readString(v2.resolve("cgroup.procs")))
                        .contains(Long.toString(splitPid));

                // The same group re-split with an allow-list of one server: that one only.
                EnforcementDecision one = decision(node, taskId, 2, EnforcementAction.SPLIT);
                one.setSplitPid(splitPid);
                one.setNetworkAllowList(List.of(net.hostAddress() + ":" + s1.getLocalPort()));
                send(one);
                EnforcementAck allowed = awaitAck(acks, taskId + "#2", 1);
                assertThat(allowed.getOutcome())
                        .as(allowed.getReason())
                        .isEqualTo(AckOutcome.APPLIED);
                assertThat(allowed.getReason())
                        .contains(
                                group
                                        + ": destinations ["
                                        + net.hostAddress()
                                        + "/32:"
                                        + s1.getLocalPort()
                                        + "]");
                assertThat(freshProbe(a)).isEqualTo("ok fail");
                assertThat(freshProbe(b)).isEqualTo("ok ok");

                // Terminate: the rules and the unified groups go.
                send(decision(node, taskId, 3, EnforcementAction.TERMINATE));
                assertThat(awaitAck(acks, taskId + "#3", 1).getOutcome())
                        .isEqualTo(AckOutcome.APPLIED);
                assertThat(
                                new io.augur.actuator.net.LinuxSplitNetworkEffector(
                                                ROOT, unified, true)
                                        .read(taskId))
                        .isEmpty();
                assertThat(unified.resolve(ROOT).resolve(taskId)).doesNotExist();
            }
        } finally {
            networks.destroy(taskId);
            io.augur.actuator.net.LinuxSplitNetworkEffector.removeGroups(unified, ROOT, taskId);
            Files.deleteIfExists(unified.resolve(ROOT)); // this class's root, empty by now
        }
    }

    @Test
    void terminateLeavesTheCgroupEmptyEvenWithAForkingTask() throws Exception {
        String node = "node-terminate";
        TaskCgroup task = cgroups.create("doomed");
        task.setPidsMax(400);
        workloads.start(task, "sh -c 'while :; do sleep 600 & sleep 0.05; done'");
        Await.until("forking", Duration.ofSeconds(30), () -> task.pids().size() > 10);
        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            send(decision(node, "doomed", 1, EnforcementAction.TERMINATE));
            EnforcementAck ack = awaitAck(acks, "doomed#1", 1);
            assertThat(ack.getOutcome()).isEqualTo(AckOutcome.APPLIED);
            assertThat(ack.getReason()).contains("cgroup is empty");
            assertThat(ack.getControls().getState()).isEqualTo(TaskEnforcementState.TERMINATED);
            assertThat(task.allPids()).isEmpty();
            assertThat(Files.readString(v1("cpuacct", "doomed").resolve("cgroup.procs"))).isBlank();

            send(decision(node, "doomed", 2, EnforcementAction.ALLOCATE));
            EnforcementAck later = awaitAck(acks, "doomed#2", 1);
            assertThat(later.getOutcome()).isEqualTo(AckOutcome.FAILED);
            assertThat(later.getReason()).contains("terminated by sequence 1");
        }
    }

    @Test
    void splitMovesOnlyTheNamedProcessAndItsDescendants() throws Exception {
        String node = "node-split";
        TaskCgroup task = cgroups.create("mixed");
        // root ─┬─ named: sh ─┬─ sleep
        //       │             └─ sleep
        //       └─ sibling: sleep
        Process root =
                workloads.start(
                        task, "sh -c 'sh -c \"sleep 601 & sleep 602 & wait\" & sleep 603 & wait'");
        Await.until(
                "the tree started", Duration.ofSeconds(30), () -> root.descendants().count() >= 4);
        ProcessHandle named =
                root.children()
                        .filter(c -> c.children().findAny().isPresent())
                        .findFirst()
                        .orElseThrow();
        List<Long> subtree =
                java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(named), named.descendants())
                        .map(ProcessHandle::pid)
                        .sorted()
                        .toList();
        List<Long> rest =
                java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(root.toHandle()), root.descendants())
                        .map(ProcessHandle::pid)
                        .filter(p -> !subtree.contains(p))
                        .sorted()
                        .toList();
        assertThat(subtree).hasSize(3);
        assertThat(rest).hasSize(2);
        startEnforcer(node);
        try (TopicProbe<EnforcementAck> acks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.ACKS)) {
            EnforcementDecision d = decision(node, "mixed", 1, EnforcementAction.SPLIT);
            d.setSplitPid(named.pid());
            d.setCpuCores(0.1);
            d.setPidsMax(10L);
            send(d);
            EnforcementAck ack = awaitAck(acks, "mixed#1", 1);
            assertThat(ack.getOutcome()).as(ack.getReason()).isEqualTo(AckOutcome.APPLIED);
            String group = "split-" + named.pid();
            assertThat(ack.getControls().getSplitGroups()).containsExactly(group);

            TaskCgroup split = task.child(group);
            assertThat(split.pids()).containsExactlyElementsOf(subtree);
            assertThat(task.pids()).containsExactlyElementsOf(rest);
            assertThat(split.readLimits().cpuCores()).isEqualTo(0.1);
            assertThat(split.readLimits().pidsMax()).isEqualTo(10L);
            assertThat(task.readLimits().pidsMax()).isNull(); // the rest keeps its own

            EnforcementDecision stranger = decision(node, "mixed", 2, EnforcementAction.SPLIT);
            stranger.setSplitPid(ProcessHandle.current().pid());
            send(stranger);
            EnforcementAck refused = awaitAck(acks, "mixed#2", 1);
            assertThat(refused.getOutcome()).isEqualTo(AckOutcome.FAILED);
            assertThat(refused.getReason()).contains("is not a process of task mixed");
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

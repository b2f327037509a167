package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.launch.ForkedKafka;
import io.augur.launch.FreePorts;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.Fixtures;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reaper in CollectorMain as its own process, against a real broker and this machine's cgroup
 * v1 groups: launchers that "die" (their workload killed and, for one, the group removed, as the
 * demo's killLauncher does; no ENDED published) get exactly one ENDED from the collector after the
 * grace; a task whose launcher published ENDED itself, a running task, and a task of another node
 * get none; a restarted collector reaps nothing again.
 */
class TaskReaperIT {
    static final String NODE = "node-c";
    static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir Path dir;
    final String root = "augur-reap-" + UUID.randomUUID().toString().substring(0, 8);
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

    JavaProcess runCollector(String log, int metricsPort) {
        JavaProcess p =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--node",
                                NODE,
                                "--cgroup-root",
                                root,
                                "--spool-dir",
                                dir.resolve("spool").toString(),
                                "--reap-after-ms",
                                Long.toString(GRACE.toMillis()),
                                "--metrics-port",
                                Integer.toString(metricsPort))
                        .log(dir.resolve(log))
                        .start();
        p.awaitLogLine(CollectorMain.READY::equals, Duration.ofSeconds(120));
        return p;
    }

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

    static TaskEvent started(String taskId, String node) {
        return TaskEvent.newBuilder(Fixtures.taskStarted(taskId, "user-" + taskId, "batch"))
                .setNodeId(node)
                .setTimestamp(Instant.now())
                .build();
    }

    static List<TaskEvent> endedOf(List<TaskEvent> events, String taskId) {
        return events.stream()
                .filter(e -> e.getTaskId().equals(taskId) && e.getType() == TaskEventType.ENDED)
                .toList();
    }

    /** Kills the workload as a dying launcher's pdeathsig does, leaving the group (empty). */
    static void killWorkload(Process workload, TaskCgroup group) {
        workload.descendants().forEach(ProcessHandle::destroyForcibly);
        workload.destroyForcibly();
        Await.until(
                "group " + group.taskId() + " empty",
                Duration.ofSeconds(30),
                () -> group.allPids().isEmpty());
    }

    @Test
    void endsTasksWhoseLauncherDiedOnceAndOnlyThem() throws Exception {
        int port = FreePorts.next();
        collector = runCollector("collector.log", port);
        TaskEvent dead = started("dead", NODE); // launcher SIGKILLed, sandbox removed
        TaskEvent leftover =
                started("leftover", NODE); // launcher killed, its command with it (pdeathsig)
        TaskEvent clean = started("clean", NODE); // launcher ended it and published ENDED
        TaskEvent running = started("running", NODE); // launcher dead or not, workload runs
        TaskEvent elsewhere = started("elsewhere", "node-x"); // no group here, not ours
        TaskCgroup deadGroup = cgroups.create("dead");
        Process deadWorkload = workloads.start(deadGroup, "sleep 600");
        TaskCgroup leftoverGroup = cgroups.create("leftover");
        Process leftoverWorkload = workloads.start(leftoverGroup, "sleep 600");
        TaskCgroup cleanGroup = cgroups.create("clean");
        Process cleanWorkload = workloads.start(cleanGroup, "sleep 600");
        workloads.start(cgroups.create("running"), "sleep 600");
        // Announced once the groups run: with a grace of 3 s the test cannot afford a launcher's
        // slow set-up between STARTED and its group (SandboxRun publishes STARTED first).
        announce(dead, leftover, clean, running, elsewhere);

        try (TopicProbe<TaskEvent> tasks =
                new TopicProbe<>(kafka.bootstrapServers(), Topics.TASKS)) {
            // The launcher of "clean" ends its task as SandboxRun does: group first, then ENDED.
            killWorkload(cleanWorkload, cleanGroup);
            cgroups.destroy("clean");
            announce(
                    TaskEvent.newBuilder(clean)
                            .setType(TaskEventType.ENDED)
                            .setTimestamp(Instant.now())
                            .build());
            // "dead": its sandbox removed (as WorkloadLauncher.killLauncher's clean-up does), no
            // ENDED. "leftover": its command killed with its launcher, nobody removes the (empty)
            // group.
            killWorkload(deadWorkload, deadGroup);
            cgroups.destroy("dead");
            Instant deadGone = Instant.now();
            killWorkload(leftoverWorkload, leftoverGroup);
            Instant leftoverEmpty = Instant.now();

            List<TaskEvent> seen =
                    tasks.awaitUntil(
                            all ->
                                    endedOf(all, "dead").size() == 1
                                            && endedOf(all, "leftover").size() == 1,
                            Duration.ofSeconds(60));
            TaskEvent reapedDead = endedOf(seen, "dead").get(0);
            TaskEvent reapedLeftover = endedOf(seen, "leftover").get(0);
            assertThat(reapedDead)
                    .isEqualTo(
                            TaskEvent.newBuilder(dead)
                                    .setType(TaskEventType.ENDED)
                                    .setTimestamp(reapedDead.getTimestamp())
                                    .build());
            assertThat(reapedLeftover.getUserId()).isEqualTo("user-leftover");
            // Not before the grace: the reaper's clock starts at its first scan after the change.
            assertThat(reapedDead.getTimestamp()).isAfterOrEqualTo(deadGone.plus(GRACE));
            assertThat(reapedLeftover.getTimestamp()).isAfterOrEqualTo(leftoverEmpty.plus(GRACE));

            // Several graces more: nothing else is ended, nothing twice.
            List<TaskEvent> all = tasks.drain(GRACE.multipliedBy(3));
            assertThat(endedOf(all, "dead")).hasSize(1);
            assertThat(endedOf(all, "leftover")).hasSize(1);
            assertThat(endedOf(all, "clean")).hasSize(1); // the launcher's own only
            assertThat(endedOf(all, "running")).isEmpty();
            assertThat(endedOf(all, "elsewhere")).isEmpty();
            assertThat(
                            CollectorIT.metric(
                                    port, "augur_collector_tasks_reaped_total{group=\"absent\",}"))
                    .isEqualTo(1.0);
            assertThat(
                            CollectorIT.metric(
                                    port, "augur_collector_tasks_reaped_total{group=\"empty\",}"))
                    .isEqualTo(1.0);
            assertThat(Files.readString(dir.resolve("collector.log")))
                    .contains("reaped task dead", "reaped task leftover");

            // A restart re-reads augur.tasks from the beginning: the reaped ENDEDs are there, so
            // the leftover group, still empty, is not ended again; the running task still runs.
            collector.close();
            collector = runCollector("collector-2.log", port);
            all = tasks.drain(GRACE.multipliedBy(3));
            assertThat(endedOf(all, "dead")).hasSize(1);
            assertThat(endedOf(all, "leftover")).hasSize(1);
            assertThat(endedOf(all, "running")).isEmpty();
            assertThat(Files.readString(dir.resolve("collector-2.log")))
                    .doesNotContain("reaped task");
        }
    }
}

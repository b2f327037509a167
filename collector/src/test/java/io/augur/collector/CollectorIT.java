package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector as its own process against a real broker and this machine's cgroup v1. */
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

    static List<ResourceSample> of(List<ResourceSample> samples, String taskId) {
        return samples.stream().filter(s -> s.getTaskId().equals(taskId)).toList();
    }

    @Test
    void samplesABurnerAtAboutOneCoreAndAnAllocatorsMemory() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()))) {
            for (TaskEvent e :
                    List.of(
                            Fixtures.taskStarted("burner", "user-b", "batch"),
                            Fixtures.taskStarted("allocator", "user-a", "service"))) {
                producer.send(
                                new ProducerRecord<>(
                                        Topics.TASKS.name(),
                                        Topic.keyBytes(e.getTaskId()),
                                        Topics.TASKS.codec().encode(e)))
                        .get();
            }
        }
        start("burner", "sh -c 'while :; do :; done'");
        start("allocator", "sh -c 'x=$(head -c 40000000 /dev/zero | tr \"\\0\" a); sleep 600'");
        start("stranger", "sleep 600");
        cgroups.find("burner").orElseThrow().setMemoryBytes(128L << 20);
        // A quota makes the burner's true use known (half a core) whatever else competes for
        // the two cores; an unthrottled burner reads "one core" only on an idle machine.
        cgroups.find("burner").orElseThrow().setCpuCores(0.5);

        collector =
                JavaProcess.builder("collector", CollectorMain.class.getName())
                        .args(
                                "--bootstrap",
                                kafka.bootstrapServers(),
                                "--node",
                                "node-c",
                                "--cgroup-root",
                                root,
                                "--interval-ms",
                                "1000")
                        .log(dir.resolve("collector.log"))
                        .start();
        collector.awaitLogLine(CollectorMain.READY::equals, Duration.ofSeconds(120));

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

package io.augur.actuator.bench;

import io.augur.actuator.EnforcerMain;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.ForkedKafka;
import io.augur.launch.JavaProcess;
import io.augur.launch.KafkaClients;
import io.augur.launch.UsageException;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./augur bench enforcer}: decisions applied per second by one node's enforcer and the apply
 * latency from a decision being visible in augur.decisions (the broker's append time) to its ack
 * being committed (seen by a read_committed reader of augur.acks). Real broker (forked KRaft), real
 * EnforcerMain process, real cgroup v1 groups with a sleeping process each (root).
 */
public final class EnforcerBench {
    static final String USAGE =
            """
            usage: augur bench enforcer [--tasks 20] [--paced 100] [--decisions 1000]
                                        [--observe-ms 200]

            Starts a Kafka broker, --tasks task groups (one sleeping process each) and the
            enforcer (EnforcerMain, its own JVM, --observe-ms passed on), then:
              paced  --paced decisions one at a time (the next once the previous ack is
                     committed): latency without queueing.
              burst  --decisions decisions sent at once over the tasks (cpu 0.25 / 0.5 in
                     turn, so every one writes the quota): decisions applied per second (first
                     send to last committed ack) and latency including queueing.
            Latency = ack seen by a read_committed reader − the decision's append time on the
            broker. Prints p50 / p99 / max per phase and a JSON summary as the last line.
            """;

    record Options(int tasks, int paced, int decisions, long observeMs) {
        static Options parse(String[] args) throws UsageException {
            Arguments a =
                    CommandLine.arguments(
                            args, Set.of("tasks", "paced", "decisions", "observe-ms"));
            return new Options(
                    (int) a.longAtLeast("tasks", 20, 1),
                    (int) a.longAtLeast("paced", 100, 0),
                    (int) a.longAtLeast("decisions", 1000, 1),
                    a.longAtLeast("observe-ms", 200, 0));
        }
    }

    /** One phase's result. */
    record Phase(String name, int decisions, double seconds, List<Long> latenciesMs) {
        double perSecond() {
            return decisions / seconds;
        }

        long percentile(double p) {
            List<Long> sorted = latenciesMs.stream().sorted().toList();
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "%-6s %5d decisions in %6.2f s = %7.1f/s  latency p50 %4d ms  p99 %4d ms  max"
                            + " %4d ms",
                    name,
                    decisions,
                    seconds,
                    perSecond(),
                    percentile(50),
                    percentile(99),
                    percentile(100));
        }

        String json() {
            return String.format(
                    Locale.ROOT,
                    "\"%s\":{\"decisions\":%d,\"perSecond\":%.1f,\"p50Ms\":%d,\"p99Ms\":%d,"
                            + "\"maxMs\":%d}",
                    name,
                    decisions,
                    perSecond(),
                    percentile(50),
                    percentile(99),
                    percentile(100));
        }
    }

    private final Options o;
    private final Map<String, Long> sequences = new HashMap<>();
    private final List<String> taskIds = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> acks;
    private int sent;

    private EnforcerBench(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o = CommandLine.parseOrExit("augur bench enforcer", USAGE, Options::parse, args);
        new EnforcerBench(o).run();
    }

    private void run() throws Exception {
        String root = "augur-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("augur-bench-enforcer");
        TaskCgroups cgroups = TaskCgroups.detect(root);
        List<Process> sleepers = new ArrayList<>();
        System.err.printf("broker, %d task groups under %s, enforcer...%n", o.tasks(), root);
        try (ForkedKafka kafka = ForkedKafka.start(dir.resolve("kafka")).createAugurTopics()) {
            for (int i = 0; i < o.tasks(); i++) {
                TaskCgroup g = cgroups.create("bench-" + i);
                taskIds.add(g.taskId());
                sleepers.add(new ProcessBuilder(g.commandInside("sleep 3600")).start());
            }
            try (JavaProcess enforcer =
                    JavaProcess.builder("actuator", EnforcerMain.class.getName())
                            .name("enforcer-bench")
                            .args(
                                    "--bootstrap", kafka.bootstrapServers(),
                                    "--node", "bench",
                                    "--cgroup-root", root,
                                    "--state-dir", dir.resolve("state").toString(),
                                    "--observe-ms", Long.toString(o.observeMs()))
                            .log(dir.resolve("enforcer.log"))
                            .start()) {
                enforcer.awaitLogLine(EnforcerMain.READY::equals, Duration.ofSeconds(120));
                producer =
                        new KafkaProducer<>(
                                KafkaClients.idempotentProducer(kafka.bootstrapServers()));
                acks =
                        new KafkaConsumer<>(
                                KafkaClients.readCommittedReader(kafka.bootstrapServers()));
                List<TopicPartition> parts = new ArrayList<>();
                for (PartitionInfo p : acks.partitionsFor(Topics.ACKS.name())) {
                    parts.add(new TopicPartition(p.topic(), p.partition()));
                }
                acks.assign(parts);
                acks.seekToBeginning(parts);
                // Warm-up: the first decision pays for the enforcer's group join.
                burst("warmup", o.tasks());
                List<Phase> phases = new ArrayList<>();
                if (o.paced() > 0) {
                    phases.add(paced());
                    System.out.println(phases.get(phases.size() - 1).line());
                }
                phases.add(burst("burst", o.decisions()));
                System.out.println(phases.get(phases.size() - 1).line());
                StringBuilder json =
                        new StringBuilder(
                                String.format(
                                        Locale.ROOT,
                                        "{\"tasks\":%d,\"observeMs\":%d",
                                        o.tasks(),
                                        o.observeMs()));
                for (Phase p : phases) {
                    json.append(',').append(p.json());
                }
                System.out.println(json.append('}'));
                producer.close();
                acks.close();
            }
        } finally {
            sleepers.forEach(Process::destroyForcibly);
            cgroups.destroyRoot();
        }
    }

    private EnforcementDecision next() {
        String task = taskIds.get(sent % taskIds.size());
        long seq = sequences.merge(task, 1L, Long::sum);
        sent++;
        Instant now = Instant.now();
        return EnforcementDecision.newBuilder()
                .setDecisionId(task + "#" + seq)
                .setTaskId(task)
                .setNodeId("bench")
                .setSequence(seq)
                .setAction(EnforcementAction.THROTTLE)
                .setTrustLevel(TrustLevel.MEDIUM)
                .setCpuCores(seq % 2 == 0 ? 0.5 : 0.25)
                .setMemoryBytes(256L << 20)
                .setPidsMax(64L)
                .setNetworkEnabled(true)
                .setSandboxProfile("bench")
                .setMonitoringIntervalMs(1000)
                .setCauseTimestamp(now)
                .setIssuedAt(now)
                .setReasons(List.of("bench"))
                .build();
    }

    private Future<RecordMetadata> send(EnforcementDecision d) {
        return producer.send(
                new ProducerRecord<>(
                        Topics.DECISIONS.name(),
                        Topic.keyBytes(d.getTaskId()),
                        Topics.DECISIONS.codec().encode(d)));
    }

    /** Polls acks until every id in {@code waiting} is seen; records when each was. */
    private void awaitAcks(Map<String, Long> seenAt, Set<String> waiting, Duration timeout)
            throws SchemaDecodeException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!seenAt.keySet().containsAll(waiting)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "acks missing after " + timeout + ": " + (waiting.size() - seenAt.size()));
            }
            for (ConsumerRecord<byte[], byte[]> r : acks.poll(Duration.ofMillis(5))) {
                long at = System.currentTimeMillis();
                EnforcementAck ack =
                        Topics.ACKS.codec().decode(r.value(), r.topic(), r.partition(), r.offset());
                seenAt.putIfAbsent(ack.getDecisionId(), at);
            }
        }
    }

    private Phase paced() throws Exception {
        System.err.printf("paced: %d decisions one at a time%n", o.paced());
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        Map<String, Long> seenAt = new HashMap<>();
        for (int i = 0; i < o.paced(); i++) {
            EnforcementDecision d = next();
            long visible = send(d).get().timestamp();
            awaitAcks(seenAt, Set.of(d.getDecisionId()), Duration.ofSeconds(60));
            latencies.add(seenAt.get(d.getDecisionId()) - visible);
        }
        return new Phase("paced", o.paced(), (System.nanoTime() - started) / 1e9, latencies);
    }

    private Phase burst(String name, int n) throws Exception {
        System.err.printf("%s: %d decisions at once%n", name, n);
        long started = System.nanoTime();
        Map<String, Future<RecordMetadata>> pending = new HashMap<>();
        for (int i = 0; i < n; i++) {
            EnforcementDecision d = next();
            pending.put(d.getDecisionId(), send(d));
        }
        producer.flush();
        Map<String, Long> seenAt = new HashMap<>();
        awaitAcks(seenAt, pending.keySet(), Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, Future<RecordMetadata>> e : pending.entrySet()) {
            latencies.add(seenAt.get(e.getKey()) - e.getValue().get().timestamp());
        }
        return new Phase(name, n, seconds, latencies);
    }
}

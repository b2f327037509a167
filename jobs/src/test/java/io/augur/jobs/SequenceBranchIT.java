package io.augur.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.forecast.TestModels;
import io.augur.jobs.sequence.AdaptiveThresholds;
import io.augur.jobs.sequence.AdfaTraces;
import io.augur.jobs.sequence.AdfaTraces.Trace;
import io.augur.jobs.sequence.NextCallModel;
import io.augur.jobs.sequence.SequenceModelRegistry;
import io.augur.jobs.sequence.SequenceSettings;
import io.augur.jobs.sequence.SequenceTestModels;
import io.augur.launch.ForkedKafka;
import io.augur.launch.KafkaClients;
import io.augur.launch.TopicProbe;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.DeadLetter;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production pipeline ({@link BehaviorProfilerJob#withKafka}) with the sequence branch on, a
 * real next-call model ({@link SequenceTestModels}) and a real Kafka broker: ADFA-LD traces
 * replayed as InvocationEvents of tasks of role {@code adfa}, one call per millisecond of event
 * time, in windows of 50 calls.
 *
 * <p>Which traces: the IT proves that the job's levels follow the model's scores, not how good the
 * model is ({@code ./augur eval sequences} measures that). So it picks, with the same model and the
 * same pure {@link AdaptiveThresholds}, a normal validation trace whose windows the thresholds put
 * at LOW at most, an attack trace with a window at HIGH, and a trace with a rare window (MEDIUM,
 * else LOW; from the validation traces, else an attack trace's calmer part); then asserts what the
 * job emitted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SequenceBranchIT {
    private static final Duration AWAIT = Duration.ofMinutes(3);
    private static final int WINDOW = 50;
    private static final String ROLE = SequenceTestModels.ADFA;
    private static final String GROUP = "it-seq";

    @TempDir static Path dir;

    private static MiniClusterWithClientResource flink;
    private static ForkedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static TopicProbe<SequenceAnomaly> anomalies;
    private static JobClient job;

    private static Trace normal;
    private static Trace attack;
    private static Trace rare;
    private static int rareWindow;

    /** Per task: the next sequence number (= its event-time offset in ms). */
    private static final Map<String, Long> NEXT = new HashMap<>();

    /** Per task: the window ends (ms after T0) the job must emit, one anomaly each. */
    private static final Map<String, Set<Long>> EXPECTED = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path registry = SequenceTestModels.registry();
        pickTraces(registry);

        kafka =
                ForkedKafka.start(
                                dir.resolve("kafka"),
                                Map.of(
                                        "log.initial.task.delay.ms", "1000",
                                        "log.retention.check.interval.ms", "1000"))
                        .createAugurTopics();
        producer = new KafkaProducer<>(KafkaClients.idempotentProducer(kafka.bootstrapServers()));

        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
        cluster.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        flink =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(1)
                                .setConfiguration(cluster)
                                .build());
        flink.before();

        Configuration conf = new Configuration();
        conf.set(ProfilerOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(ProfilerOptions.GROUP_ID, GROUP);
        conf.set(ProfilerOptions.TRANSACTIONAL_ID_PREFIX, GROUP);
        conf.set(ProfilerOptions.MODEL_DIR, TestModels.shipped().toString());
        conf.set(SequenceOptions.ENABLED, true);
        conf.set(SequenceOptions.MODEL_DIR, registry.toString());
        conf.set(SequenceOptions.WINDOW_INVOCATIONS, WINDOW);
        conf.set(SequenceOptions.WINDOW_SPAN, Duration.ofHours(1));
        // Never within the test: every window here closes at 50 calls.
        conf.set(SequenceOptions.WINDOW_IDLE, Duration.ofHours(1));
        ProfilerSettings settings = ProfilerSettings.from(conf);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Clock clock = Clock.fixed(Fixtures.T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        job =
                BehaviorProfilerJob.withKafka(settings, clock)
                        .build(env)
                        .executeAsync(BehaviorProfilerJob.JOB_NAME);
        anomalies = new TopicProbe<>(kafka.bootstrapServers(), Topics.ANOMALIES);
    }

    /** Whole windows only: every window of a replay closes at 50 calls. */
    private static Trace whole(Trace t) {
        int n = t.calls().size() / WINDOW * WINDOW;
        return new Trace(t.name(), t.calls().subList(0, n));
    }

    private static List<AnomalyLevel> levels(double[] scores) {
        AdaptiveThresholds t = new AdaptiveThresholds(SequenceSettings.defaultThresholds());
        AdaptiveThresholds.State s = t.initial();
        List<AnomalyLevel> out = new ArrayList<>();
        for (double score : scores) {
            out.add(t.judge(s, score, 1).level());
        }
        return out;
    }

    private static void pickTraces(Path registry) throws Exception {
        try (SequenceModelRegistry r = SequenceModelRegistry.open(registry)) {
            NextCallModel model = r.forRole(ROLE);
            List<Trace> validation =
                    AdfaTraces.read(
                            SequenceTestModels.adfa("validation.tsv.gz"), 150, model.vocabulary());
            List<Trace> attacks =
                    AdfaTraces.read(
                            SequenceTestModels.adfa("attack.tsv.gz"), 150, model.vocabulary());
            // The rare window: preferably MEDIUM, else LOW, in a validation trace without HIGH
            // (a better model alerts on fewer normal windows); else in an attack trace.
            for (AnomalyLevel wanted : List.of(AnomalyLevel.MEDIUM, AnomalyLevel.LOW)) {
                for (List<Trace> source : List.of(validation, attacks)) {
                    for (Trace t : source) {
                        Trace w = whole(t);
                        if (w.calls().size() < 2 * WINDOW || w.calls().size() > 800) {
                            continue;
                        }
                        List<AnomalyLevel> levels =
                                levels(AdfaTraces.windowScores(model, w.calls(), WINDOW));
                        boolean calm =
                                levels.stream().allMatch(l -> l.compareTo(AnomalyLevel.LOW) <= 0);
                        if (source == validation && normal == null && calm) {
                            normal = w;
                            continue;
                        }
                        if (rare == null && !levels.contains(AnomalyLevel.HIGH)) {
                            int k = levels.subList(1, levels.size()).indexOf(wanted);
                            if (k >= 0) {
                                rare = w;
                                rareWindow = k + 1;
                            }
                        }
                    }
                }
            }
            for (Trace t : attacks) {
                Trace w = whole(t);
                if (w.calls().size() < WINDOW || w.calls().size() > 800) {
                    continue;
                }
                if (levels(AdfaTraces.windowScores(model, w.calls(), WINDOW))
                        .contains(AnomalyLevel.HIGH)) {
                    attack = w;
                    break;
                }
            }
        }
        assertThat(normal).as("a calm normal trace").isNotNull();
        assertThat(attack).as("an attack trace with a HIGH window").isNotNull();
        assertThat(rare).as("a normal trace with a rare window").isNotNull();
    }

    @AfterAll
    static void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (anomalies != null) {
            anomalies.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (flink != null) {
            flink.after();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * Replays {@code trace} as task {@code task}'s next invocations: process 100 makes them, but
     * every tenth comes from a second process, 200, so the task has more than one process.
     */
    private static void replay(String task, Trace trace) {
        long first = NEXT.getOrDefault(task, 0L);
        List<String> calls = trace.calls();
        for (int i = 0; i < calls.size(); i++) {
            long seq = first + i;
            InvocationEvent e =
                    InvocationEvent.newBuilder()
                            .setTaskId(task)
                            .setUserId("user-" + task)
                            .setNodeId(Fixtures.NODE)
                            .setTimestamp(Fixtures.T0.plusMillis(seq))
                            .setSequence(seq)
                            .setKind(InvocationKind.SYSCALL)
                            .setName(calls.get(i))
                            .setRole(ROLE)
                            .setPid(seq % 10 == 9 ? 200L : 100L)
                            .build();
            send(Topics.INVOCATIONS.name(), task, Topics.INVOCATIONS.codec().encode(e));
            if ((seq + 1) % WINDOW == 0) {
                EXPECTED.computeIfAbsent(task, t -> new TreeSet<>()).add(seq);
            }
        }
        NEXT.put(task, first + calls.size());
        producer.flush();
    }

    private static void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, Topic.keyBytes(key), value));
    }

    private static long end(SequenceAnomaly a) {
        return a.getWindowEnd().toEpochMilli() - Fixtures.T0.toEpochMilli();
    }

    private static Map<String, List<SequenceAnomaly>> byTask(List<SequenceAnomaly> all) {
        return all.stream()
                .sorted(java.util.Comparator.comparing(SequenceAnomaly::getWindowEnd))
                .collect(Collectors.groupingBy(SequenceAnomaly::getTaskId));
    }

    /** Waits for every expected window, then checks that none came twice or unexpected. */
    private static Map<String, List<SequenceAnomaly>> awaitExactlyOncePerWindow() {
        anomalies.awaitUntil(
                all -> {
                    Map<String, Set<Long>> seen = new HashMap<>();
                    for (SequenceAnomaly a : all) {
                        seen.computeIfAbsent(a.getTaskId(), t -> new TreeSet<>()).add(end(a));
                    }
                    return EXPECTED.entrySet().stream()
                            .allMatch(
                                    e ->
                                            seen.getOrDefault(e.getKey(), Set.of())
                                                    .containsAll(e.getValue()));
                },
                AWAIT);
        List<SequenceAnomaly> all = anomalies.drain(Duration.ofSeconds(5));
        Map<String, Long> counts =
                all.stream()
                        .collect(
                                Collectors.groupingBy(
                                        a -> a.getTaskId() + "@" + end(a), Collectors.counting()));
        assertThat(counts).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
        Map<String, List<SequenceAnomaly>> byTask = byTask(all);
        assertThat(byTask.keySet()).isEqualTo(EXPECTED.keySet());
        byTask.forEach(
                (task, list) ->
                        assertThat(list.stream().map(SequenceBranchIT::end).toList())
                                .as(task)
                                .containsExactlyElementsOf(EXPECTED.get(task)));
        return byTask;
    }

    private static String levels(List<SequenceAnomaly> list) {
        return list.stream()
                .map(
                        a ->
                                String.format(
                                        "%s %.2f [%.2f %.2f %.2f]",
                                        a.getLevel(),
                                        a.getScore(),
                                        a.getLowCutoff(),
                                        a.getMediumCutoff(),
                                        a.getHighCutoff()))
                .collect(Collectors.joining(", "));
    }

    @Test
    @Order(1)
    void aNormalTraceStaysAtLowAndAnAttackTraceReachesHigh() {
        replay("it-normal", normal);
        replay("it-attack", attack);

        Map<String, List<SequenceAnomaly>> byTask = awaitExactlyOncePerWindow();

        List<SequenceAnomaly> n = byTask.get("it-normal");
        assertThat(n)
                .as(normal.name() + ": " + levels(n))
                .allSatisfy(
                        a -> assertThat(a.getLevel()).isIn(AnomalyLevel.NORMAL, AnomalyLevel.LOW));
        List<SequenceAnomaly> a = byTask.get("it-attack");
        assertThat(a)
                .as(attack.name() + ": " + levels(a))
                .anySatisfy(x -> assertThat(x.getLevel()).isEqualTo(AnomalyLevel.HIGH));
        SequenceAnomaly high =
                a.stream().filter(x -> x.getLevel() == AnomalyLevel.HIGH).findFirst().orElseThrow();
        assertThat(high.getRole()).isEqualTo(ROLE);
        assertThat(high.getModelVersion()).startsWith(ROLE + "/");
        assertThat(high.getInvocations()).isEqualTo(WINDOW);
        assertThat(high.getLastSequence() - high.getFirstSequence()).isEqualTo(WINDOW - 1);
        assertThat(high.getScore()).isGreaterThanOrEqualTo(high.getHighCutoff());
        assertThat(high.getReasons()).anyMatch(r -> r.startsWith("call "));
        assertThat(high.getReasons()).anyMatch(r -> r.contains("rolling sequence anomaly"));
        // Process 100 made nine in ten of the calls: it is the one to split off.
        assertThat(high.getAttributedPid()).isEqualTo(100L);
    }

    @Test
    @Order(2)
    void aFalsePositiveVerdictStopsABenignRarePatternFromReAlerting() throws Exception {
        replay("it-rare", rare);
        SequenceAnomaly judged = awaitExactlyOncePerWindow().get("it-rare").get(rareWindow);
        assertThat(judged.getLevel())
                .as(levels(List.of(judged)))
                .isIn(AnomalyLevel.LOW, AnomalyLevel.MEDIUM);

        AnalystVerdict verdict =
                AnalystVerdict.newBuilder()
                        .setVerdictId("it-v1")
                        .setTaskId("it-rare")
                        .setAssessmentRef("it-rare@" + judged.getWindowEnd().toEpochMilli())
                        .setLabel(VerdictLabel.FALSE_POSITIVE)
                        .setAnalyst("alice")
                        .setNote("nightly maintenance script")
                        .setTimestamp(Fixtures.T0)
                        .setRole(null)
                        .setSubject(VerdictSubject.SEQUENCE)
                        .build();
        send(Topics.VERDICTS.name(), "it-rare", Topics.VERDICTS.codec().encode(verdict));
        producer.flush();
        awaitVerdictsConsumed();

        // The same benign pattern again, in the same task.
        replay("it-rare", rare);
        List<SequenceAnomaly> all = awaitExactlyOncePerWindow().get("it-rare");
        int windows = rare.calls().size() / WINDOW;
        SequenceAnomaly again = all.get(windows + rareWindow);
        assertThat(again.getLevel()).as(levels(all)).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(again.getLowCutoff()).isGreaterThan(judged.getScore());
        assertThat(all.subList(windows, all.size()))
                .as(levels(all))
                .allSatisfy(
                        x -> assertThat(x.getLevel()).isIn(AnomalyLevel.NORMAL, AnomalyLevel.LOW));
        assertThat(all.get(windows).getReasons())
                .anyMatch(r -> r.contains("FALSE_POSITIVE by alice"));
    }

    /**
     * The job read the verdict before the replay: the verdict group's offset is committed on a
     * completed checkpoint, whose barrier ScoreSequenceFn saw after the verdict and before any
     * invocation produced from now on.
     */
    private static void awaitVerdictsConsumed() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets(GROUP + "-verdicts")
                                .partitionsToOffsetAndMetadata()
                                .get();
                long committed =
                        offsets.values().stream()
                                .filter(o -> o != null)
                                .mapToLong(OffsetAndMetadata::offset)
                                .sum();
                if (committed >= 1) {
                    return;
                }
                assertThat(System.nanoTime()).as("verdict consumed in time").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    @Test
    @Order(3)
    void deadLettersGarbageAndKeepsScoring() {
        byte[] garbage = "not an invocation".getBytes(StandardCharsets.UTF_8);
        send(Topics.INVOCATIONS.name(), "it-garbage", garbage);
        InvocationEvent nameless = Fixtures.invocation(1, "");
        send(Topics.INVOCATIONS.name(), "it-nameless", Topics.INVOCATIONS.codec().encode(nameless));
        send(Topics.VERDICTS.name(), "it-garbage", garbage);
        producer.flush();
        try (TopicProbe<DeadLetter> dlq = new TopicProbe<>(kafka.bootstrapServers(), Topics.DLQ)) {
            List<DeadLetter> letters =
                    dlq.awaitUntil(
                            l ->
                                    l.stream()
                                                    .filter(
                                                            d ->
                                                                    d.getComponent()
                                                                            .equals(
                                                                                    io.augur.jobs
                                                                                            .pipeline
                                                                                            .DecodeInvocationsFn
                                                                                            .COMPONENT))
                                                    .count()
                                            >= 3,
                            AWAIT);
            assertThat(letters)
                    .filteredOn(d -> d.getSourceTopic().equals(Topics.INVOCATIONS.name()))
                    .extracting(DeadLetter::getErrorType)
                    .contains("validation.MISSING_NAME")
                    .anyMatch(t -> t.startsWith("decode."));
            assertThat(letters)
                    .filteredOn(d -> d.getSourceTopic().equals(Topics.VERDICTS.name()))
                    .extracting(DeadLetter::getErrorType)
                    .anyMatch(t -> t.startsWith("decode."));
        }
        replay("it-normal", normal);
        awaitExactlyOncePerWindow();
    }

    @Test
    @Order(4)
    void restoresFromItsCheckpointWithoutLosingOrRepeatingAWindow() throws Exception {
        replay("it-normal", normal);
        replay("it-attack", attack);
        MiniCluster cluster = flink.getMiniCluster();
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        replay("it-normal", normal);
        replay("it-after-restore", attack);

        Map<String, List<SequenceAnomaly>> byTask = awaitExactlyOncePerWindow();
        assertThat(byTask.get("it-after-restore"))
                .anySatisfy(x -> assertThat(x.getLevel()).isEqualTo(AnomalyLevel.HIGH));
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    }
}

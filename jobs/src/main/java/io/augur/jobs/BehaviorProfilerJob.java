package io.augur.jobs;

import io.augur.jobs.pipeline.AvroValueSchema;
import io.augur.jobs.pipeline.CallToScore;
import io.augur.jobs.pipeline.DecodeInvocationsFn;
import io.augur.jobs.pipeline.DecodeSamplesFn;
import io.augur.jobs.pipeline.ForecastFn;
import io.augur.jobs.pipeline.ForecastRequest;
import io.augur.jobs.pipeline.ForecastedWindow;
import io.augur.jobs.pipeline.KeySchemas;
import io.augur.jobs.pipeline.LateSampleFn;
import io.augur.jobs.pipeline.NextCallFn;
import io.augur.jobs.pipeline.PlainRecordDeserializer;
import io.augur.jobs.pipeline.ProfileTaskFn;
import io.augur.jobs.pipeline.RawRecord;
import io.augur.jobs.pipeline.RawRecordDeserializer;
import io.augur.jobs.pipeline.ScoreSequenceFn;
import io.augur.jobs.pipeline.ScoreTaskFn;
import io.augur.jobs.pipeline.ScoredCall;
import io.augur.jobs.pipeline.SequenceHistoryFn;
import io.augur.jobs.pipeline.TaskWindowFn;
import io.augur.jobs.pipeline.UserRollingRiskFn;
import io.augur.jobs.pipeline.UserSequenceFn;
import io.augur.jobs.pipeline.WindowSummary;
import io.augur.jobs.profile.RollingRisk;
import io.augur.jobs.sequence.SequenceSettings;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.DeadLetter;
import io.augur.schema.InvocationEvent;
import io.augur.schema.ResourceSample;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behavioural profiler: resource samples in, one {@link RiskAssessment} per task and window
 * out, exactly once.
 *
 * <pre>
 * source (samples, checked as read; watermarks per partition)
 *   → DecodeSamplesFn ─(dead letters)→ dead-letter sink
 * task source (augur.tasks, no event time) → DecodeSamplesFn ─(task events)→ ProfileTaskFn
 *   → keyBy taskId → TaskWindowFn (tumbling windows on each task's own clock) ─(late)→ DLQ
 *   → keyBy taskId, connected with the task events → ProfileTaskFn ─(unknown task)→ DLQ
 *   → ForecastFn (async, batched LSTM) → keyBy taskId → ScoreTaskFn
 *   → keyBy userId → UserRollingRiskFn → risk sink
 * with profiler.sequences.enabled:
 * invocation source → DecodeInvocationsFn ─(dead letters)→ dead-letter sink
 *   → keyBy taskId → SequenceHistoryFn → NextCallFn (async, batched next-call model)
 *   → keyBy taskId + verdicts (broadcast) → ScoreSequenceFn → keyBy userId → UserSequenceFn
 *   → anomaly sink
 * </pre>
 *
 * The job takes its source and sinks in the constructor; {@link #main} and {@link LocalJobRunner}
 * plug in the real Kafka connectors ({@link #withKafka}), tests may plug in others.
 */
public final class BehaviorProfilerJob {
    private static final Logger LOG = LoggerFactory.getLogger(BehaviorProfilerJob.class);

    /** Name of the job in Flink. */
    public static final String JOB_NAME = "augur-behavior-profiler";

    private final ProfilerSettings settings;
    private final Source<RawRecord, ?, ?> source;
    private final Source<RawRecord, ?, ?> taskSource;
    private final Sink<RiskAssessment> riskSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final Clock clock;
    private final Source<RawRecord, ?, ?> invocationSource;
    private final Source<RawRecord, ?, ?> verdictSource;
    private final Sink<SequenceAnomaly> anomalySink;

    /**
     * @param settings the profiler's settings
     * @param source raw records of the resource-sample topic
     * @param taskSource raw records of the task topic
     * @param riskSink where assessments go
     * @param deadLetterSink where rejected records go
     * @param clock wall clock for validation and dead-letter timestamps (never for windows)
     */
    public BehaviorProfilerJob(
            ProfilerSettings settings,
            Source<RawRecord, ?, ?> source,
            Source<RawRecord, ?, ?> taskSource,
            Sink<RiskAssessment> riskSink,
            Sink<DeadLetter> deadLetterSink,
            Clock clock) {
        this(settings, source, taskSource, riskSink, deadLetterSink, clock, null, null, null);
    }

    /**
     * As above, with the sequence branch's connectors (used when {@code settings.sequences()} is
     * set).
     *
     * @param invocationSource raw records of the invocation topic
     * @param verdictSource raw records of the verdict topic
     * @param anomalySink where sequence anomalies go
     */
    public BehaviorProfilerJob(
            ProfilerSettings settings,
            Source<RawRecord, ?, ?> source,
            Source<RawRecord, ?, ?> taskSource,
            Sink<RiskAssessment> riskSink,
            Sink<DeadLetter> deadLetterSink,
            Clock clock,
            Source<RawRecord, ?, ?> invocationSource,
            Source<RawRecord, ?, ?> verdictSource,
            Sink<SequenceAnomaly> anomalySink) {
        this.settings = settings;
        this.source = source;
        this.taskSource = taskSource;
        this.riskSink = riskSink;
        this.deadLetterSink = deadLetterSink;
        this.clock = clock;
        this.invocationSource = invocationSource;
        this.verdictSource = verdictSource;
        this.anomalySink = anomalySink;
        if (settings.sequences() != null
                && (invocationSource == null || verdictSource == null || anomalySink == null)) {
            throw new IllegalArgumentException(
                    "the sequence branch is on but has no invocation source, verdict source or"
                            + " anomaly sink");
        }
    }

    /** The job with the real Kafka source and exactly-once Kafka sinks. */
    public static BehaviorProfilerJob withKafka(ProfilerSettings settings, Clock clock) {
        boolean sequences = settings.sequences() != null;
        return new BehaviorProfilerJob(
                settings,
                kafkaSource(settings, clock),
                kafkaTaskSource(settings, clock),
                kafkaRiskSink(settings),
                kafkaDeadLetterSink(settings),
                clock,
                sequences ? kafkaInvocationSource(settings) : null,
                sequences ? kafkaVerdictSource(settings) : null,
                sequences ? kafkaAnomalySink(settings) : null);
    }

    /**
     * Reads augur.telemetry.invocations read_committed from the committed offsets of group {@code
     * <group-id>-invocations} (a new group starts at the beginning).
     */
    public static KafkaSource<RawRecord> kafkaInvocationSource(ProfilerSettings s) {
        return plainSource(s, Topics.INVOCATIONS.name(), s.groupId() + "-invocations");
    }

    /** Reads augur.verdicts read_committed (group {@code <group-id>-verdicts}). */
    public static KafkaSource<RawRecord> kafkaVerdictSource(ProfilerSettings s) {
        return plainSource(s, Topics.VERDICTS.name(), s.groupId() + "-verdicts");
    }

    private static KafkaSource<RawRecord> plainSource(
            ProfilerSettings s, String topic, String groupId) {
        return source(s, topic, groupId, new PlainRecordDeserializer());
    }

    /** Writes sequence anomalies to augur.anomalies (key taskId) in Kafka transactions. */
    public static KafkaSink<SequenceAnomaly> kafkaAnomalySink(ProfilerSettings s) {
        return transactionalSink(
                s,
                Topics.ANOMALIES.name(),
                SequenceAnomaly.class,
                a -> Topic.keyBytes(a.getTaskId()),
                "-anomalies");
    }

    /**
     * Reads augur.telemetry.resources read_committed, from the group's committed offsets; checks
     * each record as it reads it (its event time drives the watermarks).
     */
    public static KafkaSource<RawRecord> kafkaSource(ProfilerSettings s, Clock clock) {
        return checkedSource(s, clock, Topics.RESOURCES.name(), s.groupId());
    }

    /**
     * Reads augur.tasks read_committed from the group's committed offsets (group {@code
     * <group-id>-tasks}): the compacted topic tells every task's latest event.
     */
    public static KafkaSource<RawRecord> kafkaTaskSource(ProfilerSettings s, Clock clock) {
        return checkedSource(s, clock, Topics.TASKS.name(), s.groupId() + "-tasks");
    }

    private static KafkaSource<RawRecord> checkedSource(
            ProfilerSettings s, Clock clock, String topic, String groupId) {
        return source(s, topic, groupId, new RawRecordDeserializer(clock, s.maxFutureSkew()));
    }

    /** Reads a topic read_committed, committing offsets with Flink's checkpoints. */
    private static KafkaSource<RawRecord> source(
            ProfilerSettings s,
            String topic,
            String groupId,
            org.apache.flink.connector.kafka.source.reader.deserializer
                                    .KafkaRecordDeserializationSchema<
                            RawRecord>
                    deserializer) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setTopics(topic)
                .setGroupId(groupId)
                // A new group starts at the beginning: no sample, task or call of a running task is
                // skipped.
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /** Writes assessments to augur.risk (key taskId) in Kafka transactions. */
    public static KafkaSink<RiskAssessment> kafkaRiskSink(ProfilerSettings s) {
        return transactionalSink(
                s, Topics.RISK.name(), RiskAssessment.class, KeySchemas.taskId(), "-risk");
    }

    /** Writes dead letters to augur.dlq (key = source topic) in Kafka transactions. */
    public static KafkaSink<DeadLetter> kafkaDeadLetterSink(ProfilerSettings s) {
        return transactionalSink(
                s, Topics.DLQ.name(), DeadLetter.class, KeySchemas.sourceTopic(), "-dlq");
    }

    /**
     * An exactly-once Avro sink: records go out in Kafka transactions committed with Flink's
     * checkpoints, each sink under its own transactional id prefix.
     */
    private static <T extends SpecificRecordBase> KafkaSink<T> transactionalSink(
            ProfilerSettings s,
            String topic,
            Class<T> type,
            SerializationSchema<T> key,
            String idSuffix) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(s.bootstrapServers())
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<T>builder()
                                .setTopic(topic)
                                .setKeySerializationSchema(key)
                                .setValueSerializationSchema(new AvroValueSchema<>(type))
                                .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(s.transactionalIdPrefix() + idSuffix)
                .setProperty(
                        "transaction.timeout.ms", Long.toString(s.transactionTimeout().toMillis()))
                .build();
    }

    /**
     * Adds the pipeline to {@code env} and configures exactly-once checkpointing and Avro-only
     * serialization (no Kryo fallback).
     */
    public StreamExecutionEnvironment build(StreamExecutionEnvironment env) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(conf);
        env.enableCheckpointing(
                settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointTimeout(settings.checkpointTimeout().toMillis());

        // Watermarks in the source, per Kafka partition, from each valid sample's timestamp (an
        // invalid record has none, so it cannot move a watermark). Per partition, because a
        // partition read behind the others (catching up after a restart, or a collector
        // replaying its spool) must not find its samples late: with one watermark over all
        // partitions they were dead-lettered as late. Idleness keeps a partition without tasks
        // (or whose tasks ended) from holding every window back for longer than its timeout.
        WatermarkStrategy<RawRecord> watermarks =
                WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
                        .withTimestampAssigner((r, kafkaTimestamp) -> r.eventTimeMs)
                        .withIdleness(settings.sourceIdleness());
        SingleOutputStreamOperator<ResourceSample> samples =
                env.fromSource(source, watermarks, "resource-samples")
                        .uid("resource-samples-source")
                        .name("augur.telemetry.resources source")
                        .process(new DecodeSamplesFn(clock, settings.maxFutureSkew()))
                        .uid("decode-samples")
                        .name("DecodeSamplesFn");

        // Task events in a source of their own, without event time: they say who a task is and
        // must not move (or hold back) the samples' watermarks.
        SingleOutputStreamOperator<ResourceSample> tasks =
                env.fromSource(taskSource, WatermarkStrategy.noWatermarks(), "task-events")
                        .uid("task-events-source")
                        .name("augur.tasks source")
                        .process(new DecodeSamplesFn(clock, settings.maxFutureSkew()))
                        .uid("decode-task-events")
                        .name("DecodeSamplesFn (task events)");

        SingleOutputStreamOperator<WindowSummary> windows = windowTasks(samples, settings);
        SingleOutputStreamOperator<ForecastRequest> requests =
                profileTasks(
                        windows, tasks.getSideOutput(DecodeSamplesFn.TASK_EVENTS), settings, clock);
        DataStream<DeadLetter> late =
                windows.getSideOutput(LateSampleFn.LATE_SAMPLES)
                        .map(new LateSampleFn(clock))
                        .uid("late-samples")
                        .name("LateSampleFn");
        DataStream<DeadLetter> deadLetters =
                samples.getSideOutput(DecodeSamplesFn.DEAD_LETTERS)
                        .union(
                                late,
                                tasks.getSideOutput(DecodeSamplesFn.DEAD_LETTERS),
                                requests.getSideOutput(ProfileTaskFn.DEAD_LETTERS));
        if (settings.sequences() != null) {
            deadLetters = deadLetters.union(sequenceBranch(env));
        }
        deadLetters.sinkTo(deadLetterSink).uid("dead-letter-sink").name("augur.dlq sink");

        profileUsers(scoreTasks(requests, settings), settings)
                .sinkTo(riskSink)
                .uid("risk-sink")
                .name("augur.risk sink");
        return env;
    }

    /**
     * The sequence branch: invocations and verdicts → DecodeInvocationsFn → keyBy taskId →
     * SequenceHistoryFn → NextCallFn (async, batched) → keyBy taskId, with the verdicts broadcast →
     * ScoreSequenceFn → keyBy userId → UserSequenceFn → anomaly sink.
     *
     * @return the branch's dead letters
     */
    private DataStream<DeadLetter> sequenceBranch(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<InvocationEvent> invocations =
                env.fromSource(invocationSource, WatermarkStrategy.noWatermarks(), "invocations")
                        .uid("invocations-source")
                        .name("augur.telemetry.invocations source")
                        .process(new DecodeInvocationsFn(clock, settings.maxFutureSkew()))
                        .uid("decode-invocations")
                        .name("DecodeInvocationsFn");
        SingleOutputStreamOperator<InvocationEvent> verdicts =
                env.fromSource(verdictSource, WatermarkStrategy.noWatermarks(), "verdicts")
                        .uid("verdicts-source")
                        .name("augur.verdicts source")
                        .process(new DecodeInvocationsFn(clock, settings.maxFutureSkew()))
                        .uid("decode-verdicts")
                        .name("DecodeInvocationsFn (verdicts)");
        scoreSequences(
                        invocations,
                        verdicts.getSideOutput(DecodeInvocationsFn.VERDICTS),
                        settings.sequences())
                .sinkTo(anomalySink)
                .uid("anomaly-sink")
                .name("augur.anomalies sink");
        return invocations
                .getSideOutput(DecodeInvocationsFn.DEAD_LETTERS)
                .union(verdicts.getSideOutput(DecodeInvocationsFn.DEAD_LETTERS));
    }

    /**
     * keyBy taskId → SequenceHistoryFn → NextCallFn (async, ordered, batched across tasks) → keyBy
     * taskId, connected with the broadcast verdicts → ScoreSequenceFn → keyBy userId →
     * UserSequenceFn.
     */
    public static SingleOutputStreamOperator<SequenceAnomaly> scoreSequences(
            DataStream<InvocationEvent> invocations,
            DataStream<AnalystVerdict> verdicts,
            SequenceSettings s) {
        SingleOutputStreamOperator<CallToScore> calls =
                invocations
                        .keyBy(InvocationEvent::getTaskId, Types.STRING)
                        .process(new SequenceHistoryFn(s.historyLength(), s.stateTtl()))
                        .uid("sequence-history")
                        .name("SequenceHistoryFn");
        SingleOutputStreamOperator<ScoredCall> scored =
                AsyncDataStream.orderedWait(
                                calls,
                                new NextCallFn(s),
                                s.timeout().toMillis(),
                                TimeUnit.MILLISECONDS,
                                s.capacity())
                        .uid("next-call")
                        .name("NextCallFn");
        BroadcastStream<AnalystVerdict> broadcast =
                verdicts.broadcast(ScoreSequenceFn.ROLE_FACTORS);
        return scored.keyBy(c -> c.taskId, Types.STRING)
                .connect(broadcast)
                .process(new ScoreSequenceFn(s))
                .uid("score-sequence")
                .name("ScoreSequenceFn")
                .keyBy(SequenceAnomaly::getUserId, Types.STRING)
                .process(new UserSequenceFn(s.userAlpha(), s.stateTtl()))
                .uid("user-sequence")
                .name("UserSequenceFn");
    }

    /**
     * The whole per-task and per-user pipeline after decoding: windows, profiles, forecasts,
     * scores, rolling risks (dead letters and late samples are dropped: for benchmarks).
     */
    public static SingleOutputStreamOperator<RiskAssessment> assess(
            DataStream<ResourceSample> samples,
            DataStream<TaskEvent> taskEvents,
            ProfilerSettings settings,
            Clock clock) {
        return profileUsers(
                scoreTasks(
                        profileTasks(windowTasks(samples, settings), taskEvents, settings, clock),
                        settings),
                settings);
    }

    /**
     * keyBy taskId → tumbling windows closed on each task's own clock ({@link TaskWindowFn}) → mean
     * per resource, stamped with the window's end; samples for windows that closed already go to
     * {@link LateSampleFn#LATE_SAMPLES}.
     */
    public static SingleOutputStreamOperator<WindowSummary> windowTasks(
            DataStream<ResourceSample> samples, ProfilerSettings settings) {
        return samples.keyBy(ResourceSample::getTaskId, Types.STRING)
                .process(
                        new TaskWindowFn(
                                settings.windowSize(),
                                settings.maxOutOfOrderness(),
                                settings.windowQuietTimeout(),
                                settings.stateTtl()))
                .uid("task-windows")
                .name("TaskWindowFn");
    }

    /**
     * keyBy taskId, connected with the task life-cycle events → ProfileTaskFn (registry, history);
     * windows of unknown or ended tasks go to {@link ProfileTaskFn#DEAD_LETTERS}.
     */
    public static SingleOutputStreamOperator<ForecastRequest> profileTasks(
            DataStream<WindowSummary> windows,
            DataStream<TaskEvent> taskEvents,
            ProfilerSettings settings,
            Clock clock) {
        // Task events say who a task is; they must not drive event time. Their watermarks (from
        // their own Kafka partitions, quiet for hours) would hold ProfileTaskFn's event time back,
        // and with it every grace and linger timer and everything downstream. So their input
        // carries no watermarks and is marked idle: ProfileTaskFn's event time is the windows'.
        DataStream<TaskEvent> withoutEventTime =
                taskEvents
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<TaskEvent>noWatermarks()
                                        .withIdleness(Duration.ofMillis(1)))
                        .uid("task-events-idle")
                        .name("task events (no event time)");
        return windows.keyBy(w -> w.taskId, Types.STRING)
                .connect(withoutEventTime.keyBy(TaskEvent::getTaskId, Types.STRING))
                .process(ProfileTaskFn.of(settings, clock))
                .uid("profile-task")
                .name("ProfileTaskFn");
    }

    /**
     * ForecastFn (async, batched across tasks, ordered) → keyBy taskId → ScoreTaskFn (online
     * recalibration, risk score, task rolling risk).
     */
    public static SingleOutputStreamOperator<RiskAssessment> scoreTasks(
            DataStream<ForecastRequest> requests, ProfilerSettings settings) {
        SingleOutputStreamOperator<ForecastedWindow> forecasts =
                AsyncDataStream.orderedWait(
                                requests,
                                new ForecastFn(
                                        settings.assessor(),
                                        settings.lstm(),
                                        settings.minHistory()),
                                settings.forecastTimeout().toMillis(),
                                TimeUnit.MILLISECONDS,
                                settings.forecastCapacity())
                        .uid("forecast")
                        .name("ForecastFn");
        return forecasts
                .keyBy(w -> w.request.taskId, Types.STRING)
                .process(
                        new ScoreTaskFn(
                                settings.assessor(),
                                new RollingRisk(settings.taskRiskAlpha()),
                                settings.calibrator(),
                                settings.windowSize().toMillis(),
                                settings.stateTtl()))
                .uid("score-task")
                .name("ScoreTaskFn");
    }

    /** keyBy userId → UserRollingRiskFn. */
    public static SingleOutputStreamOperator<RiskAssessment> profileUsers(
            DataStream<RiskAssessment> assessments, ProfilerSettings settings) {
        return assessments
                .keyBy(RiskAssessment::getUserId, Types.STRING)
                .process(
                        new UserRollingRiskFn(
                                new RollingRisk(settings.userRiskAlpha()),
                                settings.stateTtl(),
                                settings.reputation(),
                                settings.reputationTtl()))
                .uid("user-rolling-risk")
                .name("UserRollingRiskFn");
    }

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: BehaviorProfilerJob [--bootstrap HOST:PORT] [--group-id ID]"
                            + " [--window-ms N] [--checkpoint-interval-ms N]"
                            + " [--sequence-model-dir DIR] [--profiler.KEY VALUE ...]",
                    "",
                    "Cluster entry point of Augur's behavioural profiler (submit the job jar with"
                            + " `flink run`).",
                    "Reads augur.telemetry.resources and augur.tasks, writes one RiskAssessment per"
                            + " task and window"
                            + " to augur.risk and rejected records to augur.dlq, exactly once.",
                    "With --sequence-model-dir DIR (profiler.sequences.enabled) it also scores"
                            + " augur.telemetry.invocations with the next-call models of DIR and"
                            + " writes one SequenceAnomaly per task and window to augur.anomalies.",
                    "Every option can also be set in the Flink configuration by its full key"
                            + " (profiler.kafka.bootstrap-servers, profiler.window.size, ...);"
                            + " arguments win.",
                    "For a local run on a MiniCluster use io.augur.jobs.LocalJobRunner.");

    /** Cluster entry point: options from the Flink configuration, overridden by arguments. */
    public static void main(String[] args) throws Exception {
        JobArguments arguments;
        Configuration fromArgs;
        try {
            arguments = JobArguments.parse(args, JobArguments.COMMON);
            if (arguments.help()) {
                System.out.println(USAGE);
                return;
            }
            fromArgs = arguments.profilerConfiguration();
        } catch (JobArguments.UsageException e) {
            System.err.println("BehaviorProfilerJob: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration conf = new Configuration();
        if (env.getConfiguration() instanceof Configuration clusterConf) {
            conf.addAll(clusterConf);
        }
        conf.addAll(fromArgs);
        ProfilerSettings settings;
        try {
            settings = JobArguments.settings(conf);
        } catch (JobArguments.UsageException e) {
            System.err.println("BehaviorProfilerJob: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("submitting {} with {}", JOB_NAME, settings);
        withKafka(settings, Clock.systemUTC()).build(env).execute(JOB_NAME);
    }

    /** Short option names accepted by {@link LocalJobRunner} in addition to the common ones. */
    static Set<String> localOptions() {
        Set<String> names = new HashSet<>(JobArguments.COMMON);
        names.add("checkpoint-dir");
        names.add("parallelism");
        names.add("metrics-port");
        return names;
    }
}

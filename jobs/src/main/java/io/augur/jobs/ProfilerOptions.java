package io.augur.jobs;

import io.augur.jobs.profile.BenignEnvelopes;
import io.augur.jobs.profile.RiskScorer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the {@link BehaviorProfilerJob}, as typed Flink options with defaults. They can
 * be given in the Flink configuration of the cluster, or as {@code --key value} arguments.
 */
public final class ProfilerOptions {
    private ProfilerOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("profiler.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka bootstrap servers for the telemetry source and sinks.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("profiler.kafka.group-id")
                    .stringType()
                    .defaultValue("augur-profiler")
                    .withDescription(
                            "Consumer group of the resource-sample source; offsets are committed"
                                    + " on checkpoints.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("profiler.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("augur-profiler")
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the exactly-once sinks;"
                                    + " '-risk' and '-dlq' are appended. Must be unique per job.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("profiler.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "transaction.timeout.ms of the sinks' producers; at most 15 min (the"
                                    + " broker's transaction.max.timeout.ms).");

    public static final ConfigOption<Duration> WINDOW_SIZE =
            ConfigOptions.key("profiler.window.size")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "Size of the tumbling window per task (closed on the task's own clock).");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("profiler.watermark.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("How late a sample may arrive and still join its window.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            ConfigOptions.key("profiler.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(3))
                    .withDescription(
                            "A Kafka partition without samples for this long stops holding back"
                                    + " the watermark (a partition without tasks, or whose tasks"
                                    + " ended). Longer delays every window by up to this much when"
                                    + " a partition's last task ends; shorter turns a partition"
                                    + " whose collector stalls for longer into late samples. Keep"
                                    + " it above the collectors' sampling interval.");

    public static final ConfigOption<Duration> WINDOW_QUIET_TIMEOUT =
            ConfigOptions.key("profiler.window.quiet-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(3))
                    .withDescription(
                            "A task's windows close on its own samples (one at or after the"
                                    + " window's end plus the out-of-orderness bound), or when the"
                                    + " watermark passes them, or, once the watermark has stood"
                                    + " still this long, when the sample that would have closed"
                                    + " them is this overdue by the wall clock (the task ended or"
                                    + " its collector stalled). Longer delays a quiet task's last"
                                    + " window when the watermark stalls; shorter turns samples"
                                    + " that arrive after such a stall into late samples.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("profiler.validation.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Samples stamped further than this into the future are dead-lettered.");

    public static final ConfigOption<Double> EWMA_ALPHA =
            ConfigOptions.key("profiler.forecast.ewma-alpha")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription("Smoothing factor in (0, 1] of the EWMA forecaster.");

    public static final ConfigOption<Double> BAND_K =
            ConfigOptions.key("profiler.forecast.band-k")
                    .doubleType()
                    .defaultValue(2.0)
                    .withDescription("Half-width of the forecast band in standard deviations.");

    public static final ConfigOption<Integer> HORIZON_STEPS =
            ConfigOptions.key("profiler.forecast.horizon-steps")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Number of forecast steps (10 x 1 s by default). A proactive limit"
                                    + " sized from the forecast stays in force for the loop's"
                                    + " latency plus the next window, so the horizon must cover"
                                    + " both: with 5 s, a task growing steadily outgrows its"
                                    + " memory limit before the next decision.");

    public static final ConfigOption<Duration> HORIZON_STEP =
            ConfigOptions.key("profiler.forecast.step")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Length of one forecast step.");

    public static final ConfigOption<String> FORECASTER =
            ConfigOptions.key("profiler.forecast.model")
                    .stringType()
                    .defaultValue("lstm")
                    .withDescription(
                            "Forecaster: 'lstm' (the TorchScript LSTM of"
                                    + " profiler.forecast.model-dir, served by DJL, batched across"
                                    + " tasks; pids and any failed forecast come from the EWMA) or"
                                    + " 'ewma' (the EWMA forecaster alone).");

    public static final ConfigOption<String> MODEL_DIR =
            ConfigOptions.key("profiler.forecast.model-dir")
                    .stringType()
                    .defaultValue("models/forecaster")
                    .withDescription(
                            "Directory of LSTM model versions (docs/forecaster-model.md); the"
                                    + " newest is served and a newer one is picked up while the"
                                    + " job runs.");

    public static final ConfigOption<Double> INTERVAL_LEVEL =
            ConfigOptions.key("profiler.forecast.interval-level")
                    .doubleType()
                    .defaultValue(0.9)
                    .withDescription(
                            "Level of the LSTM forecast's band, 0.8 or 0.9 (calibrated on held-out"
                                    + " data): the upper bound is what the risk score and the"
                                    + " allocator use.");

    public static final ConfigOption<Double> CALIBRATION_GAMMA =
            ConfigOptions.key("profiler.forecast.calibration-gamma")
                    .doubleType()
                    .defaultValue(0.05)
                    .withDescription(
                            "Step size of each task's online interval recalibration (adaptive"
                                    + " conformal, per resource and per lead): after every window,"
                                    + " each earlier forecast that reaches it is checked, and the"
                                    + " width multiplier of that resource at that forecast's lead"
                                    + " (windows ahead) moves by exp(gamma * (miss - (1 -"
                                    + " level))); 0 turns it off.");

    public static final ConfigOption<Integer> HISTORY_STEPS =
            ConfigOptions.key("profiler.forecast.history-steps")
                    .intType()
                    .defaultValue(48)
                    .withDescription(
                            "Windows of history kept per task; at least the model's window W.");

    public static final ConfigOption<Integer> MIN_HISTORY =
            ConfigOptions.key("profiler.forecast.min-history")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Windows a task must have behind it before the LSTM forecasts it;"
                                    + " until then the EWMA does (the LSTM would read a history"
                                    + " padded with the task's first window, and a young task's"
                                    + " steady growth would look like a jump to revert).");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("profiler.forecast.batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Most task histories in one forward pass.");

    public static final ConfigOption<Duration> BATCH_DELAY =
            ConfigOptions.key("profiler.forecast.batch-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "Longest wait for a batch to fill: the most latency batching adds.");

    public static final ConfigOption<Integer> INFERENCE_THREADS =
            ConfigOptions.key("profiler.forecast.inference-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Inference threads per subtask, one DJL predictor each.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            ConfigOptions.key("profiler.forecast.intra-op-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "PyTorch intra-op threads per forward pass (process-wide; a"
                                    + " -Dai.djl.pytorch.num_threads system property wins).");

    public static final ConfigOption<Duration> MODEL_POLL_INTERVAL =
            ConfigOptions.key("profiler.forecast.model-poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("How often the model directory is checked for a new version.");

    public static final ConfigOption<Duration> FORECAST_TIMEOUT =
            ConfigOptions.key("profiler.forecast.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "A window the model has not forecast by then is forecast by the EWMA.");

    public static final ConfigOption<Integer> FORECAST_CAPACITY =
            ConfigOptions.key("profiler.forecast.capacity")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Windows in flight to the model per subtask (async I/O capacity);"
                                    + " beyond it the operator back-pressures.");

    public static final ConfigOption<Integer> WARM_UP_SAMPLES =
            ConfigOptions.key("profiler.warm-up-samples")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "A task's first samples are not scored (process start-up is not"
                                    + " behaviour): windows holding any of them emit nothing.");

    public static final ConfigOption<Double> TASK_RISK_ALPHA =
            ConfigOptions.key("profiler.rolling-risk.task-alpha")
                    .doubleType()
                    .defaultValue(0.3)
                    .withDescription("Weight of the newest score in a task's rolling risk.");

    public static final ConfigOption<Double> USER_RISK_ALPHA =
            ConfigOptions.key("profiler.rolling-risk.user-alpha")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription(
                            "Weight of the newest score (of any of the user's tasks) in a user's"
                                    + " rolling risk.");

    public static final ConfigOption<Double> TREND_BETA =
            ConfigOptions.key("profiler.forecast.trend-beta")
                    .doubleType()
                    .defaultValue(0.3)
                    .withDescription(
                            "Trend smoothing of the forecaster (Holt's linear method): 0 is plain"
                                    + " EWMA ('ewma-v1'); above 0 the forecast extrapolates a"
                                    + " steady trend ('ewma-trend-v1').");

    public static final ConfigOption<Double> RISK_STEEPNESS =
            ConfigOptions.key("profiler.risk.steepness")
                    .doubleType()
                    .defaultValue(RiskScorer.DEFAULT_STEEPNESS)
                    .withDescription(
                            "Steepness k of the severity curve 1 - exp(-k * excess), excess being"
                                    + " how far the forecast's upper bound leaves the role's"
                                    + " envelope relative to it. With the default 3, 40% above"
                                    + " the envelope scores 0.70 (the allocator's HIGH).");

    public static final ConfigOption<List<String>> ENVELOPE_ROLES =
            ConfigOptions.key("profiler.envelope.roles")
                    .stringType()
                    .asList()
                    .defaultValues(BenignEnvelopes.DEFAULT_ROLE, "worker")
                    .withDescription(
                            "Roles that have a benign envelope 'profiler.envelope.<role>'. 'default'"
                                    + " is required and judges every other role.");

    /** Default envelope of role 'default'. */
    public static final Map<String, String> DEFAULT_ENVELOPE =
            Map.of(
                    "cpu", "1.0",
                    "memory", "512mb",
                    "disk-read", "100mb",
                    "disk-write", "50mb",
                    "net-rx", "10mb",
                    "net-tx", "10mb",
                    "pids", "128");

    /** Default envelope of role 'worker'. */
    public static final Map<String, String> WORKER_ENVELOPE =
            Map.of(
                    "cpu", "0.6",
                    "memory", "256mb",
                    "disk-read", "50mb",
                    "disk-write", "50mb",
                    "net-rx", "5mb",
                    "net-tx", "5mb",
                    "pids", "64");

    /**
     * The envelope of one role, e.g. {@code profiler.envelope.worker:
     * cpu:0.6,memory:256mb,disk-write:50mb,pids:64} (cpu in cores, disk and network per second).
     */
    public static ConfigOption<Map<String, String>> envelope(String role) {
        Map<String, String> defaults =
                switch (role) {
                    case BenignEnvelopes.DEFAULT_ROLE -> DEFAULT_ENVELOPE;
                    case "worker" -> WORKER_ENVELOPE;
                    default -> null;
                };
        ConfigOptions.TypedConfigOptionBuilder<Map<String, String>> builder =
                ConfigOptions.key("profiler.envelope." + role).mapType();
        ConfigOption<Map<String, String>> option =
                defaults == null ? builder.noDefaultValue() : builder.defaultValue(defaults);
        return option.withDescription(
                "Benign envelope of role '"
                        + role
                        + "': keys cpu (cores), memory (bytes), disk-read, disk-write, net-rx,"
                        + " net-tx (bytes per second), pids; sizes like 256mb.");
    }

    public static final ConfigOption<String> UNKNOWN_TASKS =
            ConfigOptions.key("profiler.tasks.unknown")
                    .stringType()
                    .defaultValue("dead-letter")
                    .withDescription(
                            "What happens to the windows of a task that augur.tasks never"
                                    + " announced (no STARTED or ENDED event within"
                                    + " profiler.tasks.unknown-grace): 'dead-letter' (counted, to"
                                    + " augur.dlq as validation.UNKNOWN_TASK) or 'accept' (profiled"
                                    + " under the user and role the samples carry; for nodes whose"
                                    + " tasks are not started by Augur's launcher).");

    public static final ConfigOption<Duration> UNKNOWN_TASK_GRACE =
            ConfigOptions.key("profiler.tasks.unknown-grace")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long (event time after a window's end) a window of a task not yet"
                                    + " announced in augur.tasks waits for its STARTED event;"
                                    + " the launcher's event and the collector's first samples"
                                    + " race, and the two topics are read independently.");

    public static final ConfigOption<Duration> TASK_END_LINGER =
            ConfigOptions.key("profiler.tasks.end-linger")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "After a task's ENDED event, its last windows are still scored for"
                                    + " this long (event time); then all its state and timers are"
                                    + " cleared and later samples of it are dead-lettered. At"
                                    + " least the window size.");

    public static final ConfigOption<Duration> REGISTRATION_TTL =
            ConfigOptions.key("profiler.tasks.registration-ttl")
                    .durationType()
                    .defaultValue(Duration.ofHours(24))
                    .withDescription(
                            "A task's registration (from augur.tasks) is dropped when neither an"
                                    + " event nor a window of it came for this long (a task"
                                    + " whose ENDED event was never sent).");

    public static final ConfigOption<Double> REPUTATION_ALPHA =
            ConfigOptions.key("profiler.reputation.alpha")
                    .doubleType()
                    .defaultValue(0.01)
                    .withDescription(
                            "Weight of the newest score in a user's long-term risk, the slow"
                                    + " average behind the reputation.");

    public static final ConfigOption<Double> REPUTATION_PRIOR_RISK =
            ConfigOptions.key("profiler.reputation.prior-risk")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription(
                            "Long-term risk a user starts from: a new user is neither spotless"
                                    + " nor suspect.");

    public static final ConfigOption<Double> INCIDENT_THRESHOLD =
            ConfigOptions.key("profiler.reputation.incident-threshold")
                    .doubleType()
                    .defaultValue(0.7)
                    .withDescription(
                            "A task of the user whose rolling risk rises above this (the"
                                    + " allocator's HIGH) is one incident, counted once until the"
                                    + " task's rolling risk falls below half of it.");

    public static final ConfigOption<Duration> INCIDENT_HALF_LIFE =
            ConfigOptions.key("profiler.reputation.incident-half-life")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription("Incidents weigh half as much after this long (event time).");

    public static final ConfigOption<Duration> REPUTATION_TTL =
            ConfigOptions.key("profiler.reputation.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "A user's reputation is forgotten when none of their tasks was"
                                    + " assessed for this long (the rolling risk already after"
                                    + " profiler.state.ttl).");

    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT =
            ConfigOptions.key("profiler.checkpoint.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "A checkpoint that has not completed by then fails, and the job"
                                    + " restores from the last one. Assessments are committed"
                                    + " only when a checkpoint completes, so a hung checkpoint"
                                    + " would otherwise stall all output for Flink's default 10"
                                    + " minutes.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("profiler.checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "Exactly-once checkpoint interval; assessments become visible to"
                                    + " read_committed consumers when a checkpoint completes.");

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("profiler.state.ttl")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Per-task and per-user state not written for this long is dropped"
                                    + " (ended or idle tasks).");
}

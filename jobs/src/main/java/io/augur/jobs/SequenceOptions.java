package io.augur.jobs;

import io.augur.jobs.sequence.AdaptiveThresholds;
import io.augur.jobs.sequence.SequenceSettings;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The options of the job's sequence branch ({@code profiler.sequences.*}; jobs/README.md, section
 * Invocation sequences).
 */
public final class SequenceOptions {
    private SequenceOptions() {}

    private static final SequenceSettings D = SequenceSettings.defaults("models/sequences");
    private static final AdaptiveThresholds.Settings T = D.thresholds();

    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("profiler.sequences.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Score invocation sequences (augur.telemetry.invocations →"
                                    + " augur.anomalies). Needs a model registry in"
                                    + " profiler.sequences.model-dir.");

    public static final ConfigOption<String> MODEL_DIR =
            ConfigOptions.key("profiler.sequences.model-dir")
                    .stringType()
                    .defaultValue("models/sequences")
                    .withDescription(
                            "Registry of next-call models, <role>/<version>/{model.pt,"
                                    + " metadata.json} (docs/sequence-model.md); newer versions"
                                    + " are picked up while the job runs.");

    public static final ConfigOption<Integer> HISTORY =
            ConfigOptions.key("profiler.sequences.history")
                    .intType()
                    .defaultValue(D.historyLength())
                    .withDescription(
                            "Calls kept per task; at least the longest model window h (a shorter"
                                    + " history is left-padded).");

    public static final ConfigOption<Integer> WINDOW_INVOCATIONS =
            ConfigOptions.key("profiler.sequences.window.invocations")
                    .intType()
                    .defaultValue(D.windowInvocations())
                    .withDescription("A scoring window closes after this many invocations ...");

    public static final ConfigOption<Duration> WINDOW_SPAN =
            ConfigOptions.key("profiler.sequences.window.span")
                    .durationType()
                    .defaultValue(D.windowSpan())
                    .withDescription("... or when its invocations' event time spans this much ...");

    public static final ConfigOption<Duration> WINDOW_IDLE =
            ConfigOptions.key("profiler.sequences.window.idle")
                    .durationType()
                    .defaultValue(D.windowIdle())
                    .withDescription(
                            "... or this long (processing time) after it opened, so a task that"
                                    + " goes quiet is judged.");

    public static final ConfigOption<Double> INITIAL_BASELINE =
            ConfigOptions.key("profiler.sequences.thresholds.initial-baseline")
                    .doubleType()
                    .defaultValue(T.initialBaseline())
                    .withDescription(
                            "Baseline window score of a task with no window yet (mean ln 1/p).");

    public static final ConfigOption<Double> ALPHA =
            ConfigOptions.key("profiler.sequences.thresholds.alpha")
                    .doubleType()
                    .defaultValue(T.alpha())
                    .withDescription("EWMA weight of a NORMAL or LOW window in the baseline.");

    public static final ConfigOption<Double> MEDIUM_WEIGHT =
            ConfigOptions.key("profiler.sequences.thresholds.medium-weight")
                    .doubleType()
                    .defaultValue(T.mediumWeight())
                    .withDescription(
                            "Share of alpha a MEDIUM window gets (HIGH windows never feed the"
                                    + " baseline).");

    public static final ConfigOption<Double> LOW_MULTIPLIER =
            ConfigOptions.key("profiler.sequences.thresholds.low-multiplier")
                    .doubleType()
                    .defaultValue(T.lowMultiplier())
                    .withDescription("LOW cut-off = max(low floor, baseline × this).");

    public static final ConfigOption<Double> MEDIUM_MULTIPLIER =
            ConfigOptions.key("profiler.sequences.thresholds.medium-multiplier")
                    .doubleType()
                    .defaultValue(T.mediumMultiplier())
                    .withDescription("MEDIUM cut-off = max(medium floor, baseline × this).");

    public static final ConfigOption<Double> HIGH_MULTIPLIER =
            ConfigOptions.key("profiler.sequences.thresholds.high-multiplier")
                    .doubleType()
                    .defaultValue(T.highMultiplier())
                    .withDescription("HIGH cut-off = max(high floor, baseline × this).");

    public static final ConfigOption<Double> LOW_FLOOR =
            ConfigOptions.key("profiler.sequences.thresholds.low-floor")
                    .doubleType()
                    .defaultValue(T.lowFloor())
                    .withDescription("The least LOW cut-off.");

    public static final ConfigOption<Double> MEDIUM_FLOOR =
            ConfigOptions.key("profiler.sequences.thresholds.medium-floor")
                    .doubleType()
                    .defaultValue(T.mediumFloor())
                    .withDescription("The least MEDIUM cut-off.");

    public static final ConfigOption<Double> HIGH_FLOOR =
            ConfigOptions.key("profiler.sequences.thresholds.high-floor")
                    .doubleType()
                    .defaultValue(T.highFloor())
                    .withDescription("The least HIGH cut-off.");

    public static final ConfigOption<Double> FALSE_POSITIVE_MARGIN =
            ConfigOptions.key("profiler.sequences.verdicts.false-positive-margin")
                    .doubleType()
                    .defaultValue(T.falsePositiveMargin())
                    .withDescription(
                            "A FALSE_POSITIVE verdict sets the task's LOW cut-off to at least the"
                                    + " judged window's score × this.");

    public static final ConfigOption<Double> ROLE_RAISE =
            ConfigOptions.key("profiler.sequences.verdicts.role-raise")
                    .doubleType()
                    .defaultValue(T.roleRaise())
                    .withDescription(
                            "A FALSE_POSITIVE verdict with a role multiplies the role's floors by"
                                    + " this; a TRUE_POSITIVE divides once.");

    public static final ConfigOption<Double> ANOMALOUS_CALL =
            ConfigOptions.key("profiler.sequences.attribution.anomalous-call")
                    .doubleType()
                    .defaultValue(D.anomalousCall())
                    .withDescription(
                            "A call is anomalous (for attribution and reasons) when 1/p is at"
                                    + " least this, or it is outside the vocabulary.");

    public static final ConfigOption<Double> ATTRIBUTION_SHARE =
            ConfigOptions.key("profiler.sequences.attribution.share")
                    .doubleType()
                    .defaultValue(D.attributionShare())
                    .withDescription(
                            "attributedPid: the pid that made at least this share of the"
                                    + " window's anomalous calls.");

    public static final ConfigOption<Integer> ATTRIBUTION_MIN_CALLS =
            ConfigOptions.key("profiler.sequences.attribution.min-calls")
                    .intType()
                    .defaultValue(D.attributionMinCalls())
                    .withDescription("... and at least this many of them.");

    public static final ConfigOption<Double> USER_ALPHA =
            ConfigOptions.key("profiler.sequences.user-alpha")
                    .doubleType()
                    .defaultValue(D.userAlpha())
                    .withDescription("EWMA weight of a window in the user's rolling anomaly.");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("profiler.sequences.batch.size")
                    .intType()
                    .defaultValue(D.maxBatch())
                    .withDescription("Most calls per forward pass.");

    public static final ConfigOption<Duration> BATCH_DELAY =
            ConfigOptions.key("profiler.sequences.batch.delay")
                    .durationType()
                    .defaultValue(D.maxDelay())
                    .withDescription("Longest wait for a batch to fill.");

    public static final ConfigOption<Integer> INFERENCE_THREADS =
            ConfigOptions.key("profiler.sequences.inference-threads")
                    .intType()
                    .defaultValue(D.inferenceThreads())
                    .withDescription("Inference threads per subtask.");

    public static final ConfigOption<Integer> TOP_G =
            ConfigOptions.key("profiler.sequences.top-g")
                    .intType()
                    .defaultValue(0)
                    .withDescription("g of the DeepLog view; 0 = each model's topG.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("profiler.sequences.timeout")
                    .durationType()
                    .defaultValue(D.timeout())
                    .withDescription(
                            "How long a call may wait for its score before the job fails (and"
                                    + " restarts from its checkpoint).");

    public static final ConfigOption<Integer> CAPACITY =
            ConfigOptions.key("profiler.sequences.capacity")
                    .intType()
                    .defaultValue(D.capacity())
                    .withDescription("Calls in flight per subtask.");

    /** The branch's settings, or null when {@code profiler.sequences.enabled} is false. */
    public static SequenceSettings from(ReadableConfig c) {
        if (!c.get(ENABLED)) {
            return null;
        }
        return new SequenceSettings(
                c.get(MODEL_DIR),
                c.get(HISTORY),
                c.get(WINDOW_INVOCATIONS),
                c.get(WINDOW_SPAN),
                c.get(WINDOW_IDLE),
                new AdaptiveThresholds.Settings(
                        c.get(INITIAL_BASELINE),
                        c.get(ALPHA),
                        c.get(MEDIUM_WEIGHT),
                        c.get(LOW_MULTIPLIER),
                        c.get(MEDIUM_MULTIPLIER),
                        c.get(HIGH_MULTIPLIER),
                        c.get(LOW_FLOOR),
                        c.get(MEDIUM_FLOOR),
                        c.get(HIGH_FLOOR),
                        c.get(FALSE_POSITIVE_MARGIN),
                        c.get(ROLE_RAISE)),
                c.get(ANOMALOUS_CALL),
                c.get(ATTRIBUTION_SHARE),
                c.get(ATTRIBUTION_MIN_CALLS),
                c.get(USER_ALPHA),
                c.get(BATCH_SIZE),
                c.get(BATCH_DELAY),
                c.get(INFERENCE_THREADS),
                c.get(ProfilerOptions.INTRA_OP_THREADS),
                c.get(TOP_G),
                c.get(ProfilerOptions.MODEL_POLL_INTERVAL),
                c.get(TIMEOUT),
                c.get(CAPACITY),
                c.get(ProfilerOptions.STATE_TTL));
    }
}

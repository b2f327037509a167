package io.augur.jobs;

import io.augur.jobs.forecast.LstmForecastService;
import io.augur.jobs.forecast.ModelDirectory;
import io.augur.jobs.pipeline.Assessor;
import io.augur.jobs.pipeline.ProfileTaskFn;
import io.augur.jobs.profile.BenignEnvelope;
import io.augur.jobs.profile.BenignEnvelopes;
import io.augur.jobs.profile.EwmaForecaster;
import io.augur.jobs.profile.Forecaster;
import io.augur.jobs.profile.OnlineCalibrator;
import io.augur.jobs.profile.UserReputation;
import io.augur.jobs.sequence.SequenceSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The resolved, validated settings of one {@link BehaviorProfilerJob}, read once from {@link
 * ProfilerOptions}. Immutable and serializable, so functions carry it to the task managers.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId source consumer group
 * @param transactionalIdPrefix prefix of the sinks' transactional ids
 * @param transactionTimeout sinks' transaction.timeout.ms
 * @param windowSize tumbling window size
 * @param maxOutOfOrderness watermark bound
 * @param sourceIdleness idleness after which a subtask stops holding back the watermark
 * @param windowQuietTimeout how overdue a task's closing samples may be before its windows close
 *     without them
 * @param maxFutureSkew how far in the future a sample may be stamped
 * @param ewmaAlpha forecaster smoothing
 * @param trendBeta forecaster trend smoothing (0 = plain EWMA)
 * @param bandK forecaster band half-width in σ
 * @param horizonSteps forecast steps
 * @param horizonStep forecast step length
 * @param warmUpSamples samples of a task that are not scored
 * @param taskRiskAlpha task rolling-risk weight
 * @param userRiskAlpha user rolling-risk weight
 * @param riskSteepness steepness of the risk severity curve
 * @param envelopes benign envelopes per role
 * @param checkpointInterval checkpoint interval
 * @param checkpointTimeout how long a checkpoint may take before it fails
 * @param stateTtl TTL of per-task and per-user state
 * @param historySteps windows of history kept per task
 * @param lstm the LSTM service, or null for the EWMA forecaster alone
 * @param forecastTimeout when the EWMA stands in for a model that has not answered
 * @param forecastCapacity windows in flight to the model per subtask
 * @param intervalLevel the forecast band's level
 * @param calibrationGamma step size of the online interval recalibration
 * @param minHistory windows a task needs before the LSTM forecasts it
 * @param acceptUnknownTasks profile tasks augur.tasks never announced (else dead-letter them)
 * @param unknownTaskGrace how long a window of an unannounced task waits for its STARTED event
 * @param taskEndLinger how long after its ENDED event a task's windows are still scored
 * @param registrationTtl how long a registration outlives the task's last event or window
 * @param reputationAlpha weight of the newest score in a user's long-term risk
 * @param reputationPriorRisk long-term risk of a new user
 * @param incidentThreshold task rolling risk that opens an incident
 * @param incidentHalfLife after which an incident weighs half
 * @param reputationTtl how long a user's reputation outlives their last assessment
 * @param sequences the invocation-sequence branch, or null when it is off
 */
public record ProfilerSettings(
        String bootstrapServers,
        String groupId,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Duration windowSize,
        Duration maxOutOfOrderness,
        Duration sourceIdleness,
        Duration windowQuietTimeout,
        Duration maxFutureSkew,
        double ewmaAlpha,
        double trendBeta,
        double bandK,
        int horizonSteps,
        Duration horizonStep,
        int warmUpSamples,
        double taskRiskAlpha,
        double userRiskAlpha,
        double riskSteepness,
        BenignEnvelopes envelopes,
        Duration checkpointInterval,
        Duration checkpointTimeout,
        Duration stateTtl,
        int historySteps,
        LstmForecastService.Settings lstm,
        Duration forecastTimeout,
        int forecastCapacity,
        double intervalLevel,
        double calibrationGamma,
        int minHistory,
        boolean acceptUnknownTasks,
        Duration unknownTaskGrace,
        Duration taskEndLinger,
        Duration registrationTtl,
        double reputationAlpha,
        double reputationPriorRisk,
        double incidentThreshold,
        Duration incidentHalfLife,
        Duration reputationTtl,
        SequenceSettings sequences)
        implements Serializable {

    /** Kafka brokers refuse producer transaction timeouts above their default maximum. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMillis(900_000);

    public ProfilerSettings {
        requirePositive("profiler.window.size", windowSize);
        requirePositive("profiler.forecast.step", horizonStep);
        requirePositive("profiler.checkpoint.interval", checkpointInterval);
        requirePositive("profiler.checkpoint.timeout", checkpointTimeout);
        requirePositive("profiler.state.ttl", stateTtl);
        requirePositive("profiler.watermark.idleness", sourceIdleness);
        requirePositive("profiler.window.quiet-timeout", windowQuietTimeout);
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("profiler.watermark.max-out-of-orderness < 0");
        }
        if (transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0
                || transactionTimeout.compareTo(checkpointInterval) <= 0) {
            throw new IllegalArgumentException(
                    "profiler.kafka.transaction-timeout must be above the checkpoint interval"
                            + " and at most 15 min: "
                            + transactionTimeout);
        }
        if (horizonSteps < 1 || warmUpSamples < 0) {
            throw new IllegalArgumentException(
                    "need profiler.forecast.horizon-steps >= 1 and profiler.warm-up-samples >= 0");
        }
        // Fail at submission, not in a task manager: these throw on bad values.
        new EwmaForecaster(
                ewmaAlpha,
                trendBeta,
                bandK,
                horizonSteps,
                horizonStep.toMillis(),
                windowSize.toMillis());
        new io.augur.jobs.profile.RollingRisk(taskRiskAlpha);
        new io.augur.jobs.profile.RollingRisk(userRiskAlpha);
        new io.augur.jobs.profile.RiskScorer(riskSteepness);
        requirePositive("profiler.forecast.timeout", forecastTimeout);
        if (minHistory < 1 || minHistory > historySteps) {
            throw new IllegalArgumentException(
                    "profiler.forecast.min-history must be within [1, history-steps]: "
                            + minHistory);
        }
        if (historySteps < 1 || forecastCapacity < 1) {
            throw new IllegalArgumentException(
                    "need profiler.forecast.history-steps >= 1 and profiler.forecast.capacity >= 1");
        }
        new OnlineCalibrator(intervalLevel, calibrationGamma);
        requirePositive("profiler.tasks.unknown-grace", unknownTaskGrace);
        requirePositive("profiler.tasks.registration-ttl", registrationTtl);
        requirePositive("profiler.reputation.ttl", reputationTtl);
        if (taskEndLinger.compareTo(windowSize) < 0) {
            throw new IllegalArgumentException(
                    "profiler.tasks.end-linger must be at least profiler.window.size ("
                            + windowSize
                            + "), or a task's last window would find its state gone: "
                            + taskEndLinger);
        }
        new UserReputation(
                reputationAlpha,
                reputationPriorRisk,
                incidentThreshold,
                incidentHalfLife.toMillis());
        if (lstm != null) {
            requireModel(lstm, historySteps);
        }
        if (sequences != null) {
            requireSequenceModels(sequences);
        }
    }

    /** Fails at submission when the sequence model registry is missing or empty. */
    private static void requireSequenceModels(SequenceSettings s) {
        Path dir = Path.of(s.modelDir());
        boolean any = false;
        if (Files.isDirectory(dir)) {
            try (var roles = Files.list(dir)) {
                any = roles.anyMatch(Files::isDirectory);
            } catch (IOException e) {
                any = false;
            }
        }
        if (!any) {
            throw new IllegalArgumentException(
                    "profiler.sequences.model-dir "
                            + s.modelDir()
                            + " holds no <role>/<version>/ model; see docs/sequence-model.md");
        }
    }

    /** Fails at submission when the model directory has nothing the job could serve. */
    private static void requireModel(LstmForecastService.Settings lstm, int historySteps) {
        Optional<ModelDirectory.Candidate> newest;
        try {
            newest = new ModelDirectory(Path.of(lstm.modelDir())).newest();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "profiler.forecast.model-dir: "
                            + e.getMessage()
                            + " (or set"
                            + " profiler.forecast.model to ewma)",
                    e);
        }
        if (newest.isEmpty()) {
            throw new IllegalArgumentException(
                    "profiler.forecast.model-dir "
                            + lstm.modelDir()
                            + " holds no model version (model.pt + a valid metadata.json);"
                            + " see docs/forecaster-model.md, or set profiler.forecast.model to"
                            + " ewma");
        }
        int window = newest.get().metadata().window();
        if (window > historySteps) {
            throw new IllegalArgumentException(
                    "model "
                            + newest.get().metadata().version()
                            + " reads "
                            + window
                            + " steps but profiler.forecast.history-steps is "
                            + historySteps);
        }
    }

    /** Reads and validates every {@link ProfilerOptions} option. */
    public static ProfilerSettings from(ReadableConfig config) {
        Map<String, BenignEnvelope> envelopes = new LinkedHashMap<>();
        for (String role : config.get(ProfilerOptions.ENVELOPE_ROLES)) {
            // get() (not getOptional) so the built-in roles fall back to their defaults.
            Map<String, String> spec = config.get(ProfilerOptions.envelope(role));
            if (spec == null || spec.isEmpty()) {
                throw new IllegalArgumentException(
                        "role '"
                                + role
                                + "' is listed in profiler.envelope.roles but profiler.envelope."
                                + role
                                + " is not set");
            }
            envelopes.put(role, BenignEnvelope.parse(role, spec));
        }
        return new ProfilerSettings(
                config.get(ProfilerOptions.BOOTSTRAP_SERVERS),
                config.get(ProfilerOptions.GROUP_ID),
                config.get(ProfilerOptions.TRANSACTIONAL_ID_PREFIX),
                config.get(ProfilerOptions.TRANSACTION_TIMEOUT),
                config.get(ProfilerOptions.WINDOW_SIZE),
                config.get(ProfilerOptions.MAX_OUT_OF_ORDERNESS),
                config.get(ProfilerOptions.SOURCE_IDLENESS),
                config.get(ProfilerOptions.WINDOW_QUIET_TIMEOUT),
                config.get(ProfilerOptions.MAX_FUTURE_SKEW),
                config.get(ProfilerOptions.EWMA_ALPHA),
                config.get(ProfilerOptions.TREND_BETA),
                config.get(ProfilerOptions.BAND_K),
                config.get(ProfilerOptions.HORIZON_STEPS),
                config.get(ProfilerOptions.HORIZON_STEP),
                config.get(ProfilerOptions.WARM_UP_SAMPLES),
                config.get(ProfilerOptions.TASK_RISK_ALPHA),
                config.get(ProfilerOptions.USER_RISK_ALPHA),
                config.get(ProfilerOptions.RISK_STEEPNESS),
                new BenignEnvelopes(envelopes),
                config.get(ProfilerOptions.CHECKPOINT_INTERVAL),
                config.get(ProfilerOptions.CHECKPOINT_TIMEOUT),
                config.get(ProfilerOptions.STATE_TTL),
                config.get(ProfilerOptions.HISTORY_STEPS),
                lstmSettings(config),
                config.get(ProfilerOptions.FORECAST_TIMEOUT),
                config.get(ProfilerOptions.FORECAST_CAPACITY),
                config.get(ProfilerOptions.INTERVAL_LEVEL),
                config.get(ProfilerOptions.CALIBRATION_GAMMA),
                config.get(ProfilerOptions.MIN_HISTORY),
                acceptUnknownTasks(config.get(ProfilerOptions.UNKNOWN_TASKS)),
                config.get(ProfilerOptions.UNKNOWN_TASK_GRACE),
                config.get(ProfilerOptions.TASK_END_LINGER),
                config.get(ProfilerOptions.REGISTRATION_TTL),
                config.get(ProfilerOptions.REPUTATION_ALPHA),
                config.get(ProfilerOptions.REPUTATION_PRIOR_RISK),
                config.get(ProfilerOptions.INCIDENT_THRESHOLD),
                config.get(ProfilerOptions.INCIDENT_HALF_LIFE),
                config.get(ProfilerOptions.REPUTATION_TTL),
                SequenceOptions.from(config));
    }

    private static boolean acceptUnknownTasks(String value) {
        return switch (value) {
            case "accept" -> true;
            case "dead-letter" -> false;
            default ->
                    throw new IllegalArgumentException(
                            "profiler.tasks.unknown must be 'dead-letter' or 'accept': " + value);
        };
    }

    /** How the profiler treats unknown and ended tasks. */
    public ProfileTaskFn.Registry registry() {
        return new ProfileTaskFn.Registry(
                acceptUnknownTasks, unknownTaskGrace, taskEndLinger, registrationTtl);
    }

    /** The rules of users' reputation. */
    public UserReputation reputation() {
        return new UserReputation(
                reputationAlpha,
                reputationPriorRisk,
                incidentThreshold,
                incidentHalfLife.toMillis());
    }

    private static LstmForecastService.Settings lstmSettings(ReadableConfig config) {
        String model = config.get(ProfilerOptions.FORECASTER);
        switch (model) {
            case "ewma":
                return null;
            case "lstm":
                return new LstmForecastService.Settings(
                        config.get(ProfilerOptions.MODEL_DIR),
                        config.get(ProfilerOptions.INTERVAL_LEVEL),
                        config.get(ProfilerOptions.WINDOW_SIZE).toMillis(),
                        config.get(ProfilerOptions.BATCH_SIZE),
                        config.get(ProfilerOptions.BATCH_DELAY),
                        config.get(ProfilerOptions.INFERENCE_THREADS),
                        config.get(ProfilerOptions.INTRA_OP_THREADS),
                        config.get(ProfilerOptions.MODEL_POLL_INTERVAL));
            default:
                throw new IllegalArgumentException(
                        "profiler.forecast.model must be 'lstm' or 'ewma': " + model);
        }
    }

    /** Each task's online interval recalibration. */
    public OnlineCalibrator calibrator() {
        return new OnlineCalibrator(intervalLevel, calibrationGamma);
    }

    /** Scores forecasts into assessments. */
    public Assessor assessor() {
        return new Assessor(forecaster(), riskScorer(), envelopes);
    }

    /** The risk scorer these settings describe. */
    public io.augur.jobs.profile.RiskScorer riskScorer() {
        return new io.augur.jobs.profile.RiskScorer(riskSteepness);
    }

    /** The forecaster these settings describe. */
    public Forecaster forecaster() {
        return new EwmaForecaster(
                ewmaAlpha,
                trendBeta,
                bandK,
                horizonSteps,
                horizonStep.toMillis(),
                windowSize.toMillis());
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be > 0: " + d);
        }
    }
}

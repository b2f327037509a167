package io.augur.jobs.pipeline;

import io.augur.jobs.profile.BenignEnvelopes;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.Forecaster;
import io.augur.jobs.profile.RiskScore;
import io.augur.jobs.profile.RiskScorer;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns a task's forecast into its {@link RiskAssessment}: scores it against the role's benign
 * envelope and fills in who, when and which model. Pure; the rolling risks are filled in downstream
 * ({@link TaskRollingRiskFn}, {@link UserRollingRiskFn}).
 */
public final class Assessor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Forecaster baseline;
    private final RiskScorer scorer;
    private final BenignEnvelopes envelopes;

    public Assessor(Forecaster baseline, RiskScorer scorer, BenignEnvelopes envelopes) {
        this.baseline = baseline;
        this.scorer = scorer;
        this.envelopes = envelopes;
    }

    /** The baseline forecaster's version. */
    public String baselineVersion() {
        return baseline.modelVersion();
    }

    /** The baseline (EWMA) forecast of a request. */
    public Forecast baselineForecast(ForecastRequest r) {
        return baseline.forecast(r.baselineState);
    }

    /** The model's forecast, with the baseline's bands for the resources the model leaves out. */
    public Forecast complete(ForecastRequest r, Forecast model) {
        return model.fillFrom(baselineForecast(r));
    }

    /**
     * Scores a forecast.
     *
     * @param full the forecast, already {@link #complete completed} where a model made it
     * @param modelVersion the version of the model that made it
     * @param notes extra reasons to report (e.g. why the baseline stood in for the model)
     */
    public RiskAssessment assess(
            ForecastRequest r, Forecast full, String modelVersion, List<String> notes) {
        RiskScore score = scorer.score(full, envelopes.forRole(r.role));
        List<String> reasons = new ArrayList<>(score.reasons());
        reasons.addAll(notes);
        return RiskAssessment.newBuilder()
                .setTaskId(r.taskId)
                .setUserId(r.userId)
                .setNodeId(r.nodeId)
                .setWindowEnd(Instant.ofEpochMilli(r.windowEndMs))
                .setSourceTimestamp(Instant.ofEpochMilli(r.newestSampleMs))
                .setHorizonMs(full.horizonMs())
                .setForecast(toAvro(full))
                .setRiskScore(score.score())
                .setConfidence(score.confidence())
                .setTaskRollingRisk(0.0)
                .setUserRollingRisk(0.0)
                .setAnomalyScore(null)
                .setCpuThrottledPerSecond(
                        Double.isNaN(r.cpuThrottledPerSecond) ? null : r.cpuThrottledPerSecond)
                .setCpuQuotaCores(Double.isNaN(r.cpuQuotaCores) ? null : r.cpuQuotaCores)
                .setModelVersion(modelVersion)
                .setReasons(reasons)
                .build();
    }

    static List<ResourceForecast> toAvro(Forecast forecast) {
        List<ResourceForecast> result = new ArrayList<>();
        for (Map.Entry<Resource, Forecast.Band> e : forecast.bands().entrySet()) {
            Forecast.Band b = e.getValue();
            result.add(
                    ResourceForecast.newBuilder()
                            .setResource(e.getKey())
                            .setStepMs(forecast.stepMs())
                            .setMean(boxed(b.mean()))
                            .setLower(boxed(b.lower()))
                            .setUpper(boxed(b.upper()))
                            .build());
        }
        return result;
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}

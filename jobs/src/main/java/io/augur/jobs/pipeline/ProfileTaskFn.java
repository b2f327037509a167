package io.augur.jobs.pipeline;

import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.profile.BenignEnvelopes;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.Forecaster;
import io.augur.jobs.profile.RiskScore;
import io.augur.jobs.profile.RiskScorer;
import io.augur.jobs.profile.RollingRisk;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Profiles one task per window: folds the window's mean use into the task's forecaster state,
 * forecasts the next steps, scores the forecast against the role's benign envelope, updates the
 * task's rolling risk and emits one {@link RiskAssessment}. The task's profile lives in per-key
 * global state (it outlives windows) with a TTL, so ended tasks are forgotten.
 *
 * <p>Windows holding any of a task's first {@code warmUpSamples} samples emit nothing and teach the
 * forecaster nothing: process start-up is not behaviour. {@code userRollingRisk} is left at 0 and
 * filled downstream by {@link UserRollingRiskFn}.
 */
public final class ProfileTaskFn
        extends ProcessWindowFunction<WindowSummary, RiskAssessment, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final Forecaster forecaster;
    private final RiskScorer scorer;
    private final BenignEnvelopes envelopes;
    private final RollingRisk rollingRisk;
    private final int warmUpSamples;
    private final Duration stateTtl;

    private transient ValueStateDescriptor<TaskProfile> profileDescriptor;

    public ProfileTaskFn(
            Forecaster forecaster,
            RiskScorer scorer,
            BenignEnvelopes envelopes,
            RollingRisk rollingRisk,
            int warmUpSamples,
            Duration stateTtl) {
        this.forecaster = forecaster;
        this.scorer = scorer;
        this.envelopes = envelopes;
        this.rollingRisk = rollingRisk;
        this.warmUpSamples = warmUpSamples;
        this.stateTtl = stateTtl;
    }

    /** The function as the settings describe it. */
    public static ProfileTaskFn of(ProfilerSettings s) {
        return new ProfileTaskFn(
                s.forecaster(),
                s.riskScorer(),
                s.envelopes(),
                new RollingRisk(s.taskRiskAlpha()),
                s.warmUpSamples(),
                s.stateTtl());
    }

    /** Descriptor of the per-task profile (global, per key). */
    static ValueStateDescriptor<TaskProfile> profileDescriptor(Duration ttl) {
        ValueStateDescriptor<TaskProfile> d =
                new ValueStateDescriptor<>("task-profile", TypeInformation.of(TaskProfile.class));
        d.enableTimeToLive(StateTtl.of(ttl));
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        profileDescriptor = profileDescriptor(stateTtl);
    }

    @Override
    public void process(
            String taskId,
            Context ctx,
            Iterable<WindowSummary> summaries,
            Collector<RiskAssessment> out)
            throws Exception {
        ValueState<TaskProfile> state = ctx.globalState().getState(profileDescriptor);
        // An aggregating window hands over exactly one summary.
        WindowSummary w = summaries.iterator().next();
        TaskProfile profile = state.value();
        if (profile == null) {
            profile = new TaskProfile();
            profile.forecasterState = forecaster.initialState();
        }
        long before = profile.samplesSeen;
        profile.samplesSeen += w.samples;
        if (before < warmUpSamples) {
            state.update(profile);
            return;
        }
        profile.forecasterState = forecaster.observe(profile.forecasterState, w.means);
        Forecast forecast = forecaster.forecast(profile.forecasterState);
        RiskScore score = scorer.score(forecast, envelopes.forRole(w.role));
        profile.rollingRisk =
                rollingRisk.update(profile.scored ? profile.rollingRisk : null, score.score());
        profile.scored = true;
        state.update(profile);

        out.collect(
                RiskAssessment.newBuilder()
                        .setTaskId(taskId)
                        .setUserId(w.userId)
                        .setNodeId(w.nodeId)
                        .setWindowEnd(Instant.ofEpochMilli(ctx.window().getEnd()))
                        .setSourceTimestamp(Instant.ofEpochMilli(w.newestSampleMs))
                        .setHorizonMs(forecast.horizonMs())
                        .setForecast(toAvro(forecast))
                        .setRiskScore(score.score())
                        .setConfidence(score.confidence())
                        .setTaskRollingRisk(profile.rollingRisk)
                        .setUserRollingRisk(0.0)
                        .setAnomalyScore(null)
                        .setModelVersion(forecaster.modelVersion())
                        .setReasons(score.reasons())
                        .build());
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

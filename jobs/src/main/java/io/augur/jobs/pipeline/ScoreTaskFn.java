package io.augur.jobs.pipeline;

import io.augur.jobs.profile.CalibrationState;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.OnlineCalibrator;
import io.augur.jobs.profile.ResourceVector;
import io.augur.jobs.profile.RollingRisk;
import io.augur.schema.Resource;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by task: checks the task's earlier forecasts against what its newest window observed (each
 * forecast's step that ends at this window), recalibrates its intervals online per lead ({@link
 * OnlineCalibrator}), scores the recalibrated forecast against the role's benign envelope, and
 * keeps the task's rolling risk. Exports the live coverage of the intervals at every lead ({@code
 * liveCoverage}, a recent average over all tasks of the subtask; counters {@code coverageChecks}
 * and {@code coverageHits}). A task's end marker clears its state; state not written for the TTL is
 * dropped.
 */
public final class ScoreTaskFn
        extends KeyedProcessFunction<String, ForecastedWindow, RiskAssessment> {
    private static final long serialVersionUID = 1L;

    /** Weight of the newest check in {@code liveCoverage}. */
    static final double COVERAGE_ALPHA = 0.01;

    private final Assessor assessor;
    private final RollingRisk rollingRisk;
    private final OnlineCalibrator calibrator;
    private final long windowMs;
    private final Duration ttl;

    private transient ValueState<TaskScoreState> state;
    private transient Counter checks;
    private transient Counter hits;
    private transient double liveCoverage;

    public ScoreTaskFn(
            Assessor assessor,
            RollingRisk rollingRisk,
            OnlineCalibrator calibrator,
            long windowMs,
            Duration ttl) {
        this.assessor = assessor;
        this.rollingRisk = rollingRisk;
        this.calibrator = calibrator;
        this.windowMs = windowMs;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<TaskScoreState> d =
                new ValueStateDescriptor<>("task-score", TypeInformation.of(TaskScoreState.class));
        d.enableTimeToLive(StateTtl.of(ttl));
        state = getRuntimeContext().getState(d);
        var metrics = getRuntimeContext().getMetricGroup();
        checks = metrics.counter("coverageChecks");
        hits = metrics.counter("coverageHits");
        liveCoverage = calibrator.level();
        metrics.gauge("liveCoverage", () -> liveCoverage);
    }

    @Override
    public void processElement(ForecastedWindow w, Context ctx, Collector<RiskAssessment> out)
            throws Exception {
        if (w.request.ended) {
            state.clear(); // the task ended: nothing of it is kept
            return;
        }
        TaskScoreState s = state.value();
        if (s == null) {
            s = new TaskScoreState();
        }
        if (s.calibration == null) { // restored from state written before per-lead calibration
            s.calibration = new CalibrationState();
        }
        ForecastRequest r = w.request;
        double[] observed =
                Arrays.copyOfRange(
                        r.history, r.history.length - ResourceVector.SIZE, r.history.length);
        calibrator.observe(s.calibration, r.windowEndMs, observed, windowMs, this::checked);

        Forecast f = OnlineCalibrator.apply(w.forecast(), s.calibration, windowMs);
        OnlineCalibrator.issue(s.calibration, r.windowEndMs, f, windowMs);
        RiskAssessment a = assessor.assess(r, f, w.modelVersion, Arrays.asList(w.notes));
        s.rollingRisk = rollingRisk.update(s.scored ? s.rollingRisk : null, a.getRiskScore());
        s.scored = true;

        state.update(s);
        out.collect(RiskAssessment.newBuilder(a).setTaskRollingRisk(s.rollingRisk).build());
    }

    private void checked(Resource resource, int lead, boolean covered) {
        checks.inc();
        if (covered) {
            hits.inc();
        }
        liveCoverage += COVERAGE_ALPHA * ((covered ? 1 : 0) - liveCoverage);
    }
}

package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.Forecaster;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssessorTest {
    private final ProfilerSettings settings = ProfilerSettings.from(ProfileTaskFnTest.ewma());
    private final Assessor assessor = settings.assessor();
    private final Forecaster ewma = settings.forecaster();

    /** A request after {@code windows} windows of steady use. */
    private ForecastRequest request(String task, double cpu, double pids, int windows) {
        double[] state = ewma.initialState();
        double[] means = ResourceVector.unknown();
        means[Resource.CPU.ordinal()] = cpu;
        means[Resource.MEMORY.ordinal()] = 64 << 20;
        means[Resource.PIDS.ordinal()] = pids;
        TaskProfile p = new TaskProfile();
        for (int i = 0; i < windows; i++) {
            state = ewma.observe(state, means);
            p.remember(means, 48);
        }
        ForecastRequest r = new ForecastRequest();
        r.taskId = task;
        r.userId = "alice";
        r.nodeId = "n1";
        r.role = "worker";
        r.windowEndMs = 10_000;
        r.newestSampleMs = 9_500;
        r.history = p.history;
        r.baselineState = state;
        return r;
    }

    /** What ForecastFn hands on when the baseline forecasts. */
    private RiskAssessment baseline(ForecastRequest r, List<String> notes) {
        return assessor.assess(r, assessor.baselineForecast(r), assessor.baselineVersion(), notes);
    }

    private static Forecast cpuOnly(double value) {
        double[] v = {value, value, value};
        return new Forecast(2000, 3, Map.of(Resource.CPU, new Forecast.Band(v, v, v)));
    }

    @Test
    void theBaselineScoresAHotTaskHighAndABenignOneZero() {
        RiskAssessment benign = baseline(request("b", 0.3, 3, 3), List.of());
        RiskAssessment hot = baseline(request("h", 3.0, 3, 3), List.of());

        assertThat(benign.getRiskScore()).isZero();
        assertThat(hot.getRiskScore()).isGreaterThan(0.9);
        assertThat(hot.getReasons().get(0)).contains("CPU").contains("3.00 cores");
        assertThat(hot.getModelVersion()).isEqualTo("ewma-trend-v1");
        assertThat(hot.getHorizonMs()).isEqualTo(10_000);
        assertThat(hot.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(10_000));
        assertThat(hot.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(9_500));
        assertThat(hot.getTaskRollingRisk()).isZero(); // filled in by TaskRollingRiskFn
    }

    @Test
    void aModelForecastIsScoredAndWhatItLeavesOutComesFromTheBaseline() {
        // The model says CPU stays low, but pids are far over the worker envelope (64).
        ForecastRequest r = request("t", 0.3, 500, 3);
        RiskAssessment a =
                assessor.assess(r, assessor.complete(r, cpuOnly(0.3)), "lstm-test", List.of());

        assertThat(a.getModelVersion()).isEqualTo("lstm-test");
        assertThat(a.getHorizonMs()).isEqualTo(6000);
        assertThat(a.getForecast())
                .extracting(ResourceForecast::getResource)
                .contains(Resource.CPU, Resource.MEMORY, Resource.PIDS);
        ResourceForecast pids =
                a.getForecast().stream()
                        .filter(f -> f.getResource() == Resource.PIDS)
                        .findFirst()
                        .orElseThrow();
        // Resampled to the model's 3 steps of 2 s.
        assertThat(pids.getMean()).hasSize(3);
        assertThat(pids.getStepMs()).isEqualTo(2000);
        assertThat(a.getRiskScore()).isGreaterThan(0.9);
        assertThat(String.join(" ", a.getReasons())).contains("PIDS");
    }

    @Test
    void theModelsForecastDecidesTheScoreForTheResourcesItCovers() {
        ForecastRequest calmHistory = request("t", 0.3, 3, 3);
        RiskAssessment calm =
                assessor.assess(
                        calmHistory,
                        assessor.complete(calmHistory, cpuOnly(0.3)),
                        "lstm",
                        List.of());
        RiskAssessment surge =
                assessor.assess(
                        calmHistory,
                        assessor.complete(calmHistory, cpuOnly(2.0)),
                        "lstm",
                        List.of());
        assertThat(calm.getRiskScore()).isZero();
        assertThat(surge.getRiskScore()).isGreaterThan(0.8);
    }

    @Test
    void theWindowsThrottlingIsReportedAndUnmeasuredIsNull() {
        ForecastRequest capped = request("c", 0.5, 3, 3);
        capped.cpuThrottledPerSecond = 0.25;
        capped.cpuQuotaCores = 0.5;
        ForecastRequest unmeasured = request("u", 0.5, 3, 3);

        assertThat(baseline(capped, List.of()).getCpuThrottledPerSecond()).isEqualTo(0.25);
        assertThat(baseline(capped, List.of()).getCpuQuotaCores()).isEqualTo(0.5);
        assertThat(baseline(unmeasured, List.of()).getCpuThrottledPerSecond()).isNull();
        assertThat(baseline(unmeasured, List.of()).getCpuQuotaCores()).isNull();
    }

    @Test
    void notesAreAddedToTheReasons() {
        RiskAssessment a =
                baseline(request("t", 0.3, 3, 3), List.of("ewma-trend-v1 stood in for the model"));
        assertThat(a.getReasons()).last().asString().contains("stood in");
    }
}

package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.OnlineCalibrator;
import io.augur.jobs.profile.ResourceVector;
import io.augur.jobs.profile.RollingRisk;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ScoreTaskFnTest {
    private static final long WINDOW = 2000;
    private final ProfilerSettings settings = ProfilerSettings.from(ProfileTaskFnTest.ewma());

    private KeyedOneInputStreamOperatorTestHarness<String, ForecastedWindow, RiskAssessment>
            harness(double gamma) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new ScoreTaskFn(
                                        settings.assessor(),
                                        new RollingRisk(0.5),
                                        new OnlineCalibrator(0.9, gamma),
                                        WINDOW,
                                        Duration.ofMinutes(10))),
                        (ForecastedWindow w) -> w.request.taskId,
                        Types.STRING);
        h.setStateTtlProcessingTime(0);
        h.open();
        return h;
    }

    /** Window k of a task that observed {@code observedCpu}, forecast flat at cpuForecast ± 0.1. */
    private ForecastedWindow window(String task, int k, double observedCpu, double cpuForecast) {
        ForecastRequest r = new ForecastRequest();
        r.taskId = task;
        r.userId = "alice";
        r.nodeId = "n1";
        r.role = "worker";
        r.windowEndMs = k * WINDOW;
        r.newestSampleMs = k * WINDOW - 500;
        double[] means = ResourceVector.unknown();
        means[Resource.CPU.ordinal()] = observedCpu;
        r.history = means;
        r.baselineState = settings.forecaster().initialState();
        double[] m = {cpuForecast, cpuForecast};
        double[] lo = {cpuForecast - 0.1, cpuForecast - 0.1};
        double[] hi = {cpuForecast + 0.1, cpuForecast + 0.1};
        Forecast f = new Forecast(WINDOW, 2, Map.of(Resource.CPU, new Forecast.Band(m, lo, hi)));
        return ForecastedWindow.of(r, f, "lstm-test");
    }

    private static double cpuUpper(RiskAssessment a) {
        return a.getForecast().stream()
                .filter(f -> f.getResource() == Resource.CPU)
                .map(ResourceForecast::getUpper)
                .findFirst()
                .orElseThrow()
                .get(0);
    }

    @Test
    void rollingRiskFollowsEachTasksOwnScores() throws Exception {
        try (var h = harness(0)) {
            h.processElement(window("a", 1, 0.1, 0.1), 1);
            h.processElement(window("b", 1, 3.0, 3.0), 1);
            h.processElement(window("a", 2, 3.0, 3.0), 2);
            List<RiskAssessment> out = h.extractOutputValues();
            assertThat(out.get(0).getRiskScore()).isZero();
            assertThat(out.get(0).getTaskRollingRisk()).isZero();
            assertThat(out.get(1).getTaskRollingRisk()).isEqualTo(out.get(1).getRiskScore());
            assertThat(out.get(2).getTaskRollingRisk()).isEqualTo(0.5 * out.get(2).getRiskScore());
            assertThat(out.get(2).getModelVersion()).isEqualTo("lstm-test");
        }
    }

    @Test
    void aTaskThatKeepsLeavingItsIntervalGetsWiderIntervalsAndATaskThatDoesNotKeepsThem()
            throws Exception {
        try (var h = harness(0.2)) {
            for (int k = 1; k <= 20; k++) {
                // "jumpy" alternates 0.1 / 0.5 while the model always says 0.3 ± 0.1.
                h.processElement(window("jumpy", k, k % 2 == 0 ? 0.1 : 0.5, 0.3), k);
                h.processElement(window("steady", k, 0.3, 0.3), k);
            }
            List<RiskAssessment> out = h.extractOutputValues();
            RiskAssessment jumpy = out.get(out.size() - 2);
            RiskAssessment steady = out.get(out.size() - 1);
            assertThat(jumpy.getTaskId()).isEqualTo("jumpy");
            // Raw upper 0.4; the jumpy task's misses widen it, the steady task's hits narrow it.
            assertThat(cpuUpper(jumpy)).isGreaterThan(0.5);
            assertThat(cpuUpper(steady)).isLessThan(0.4);
        }
    }

    @Test
    void aGapBetweenWindowsIsNotCountedAsAMiss() throws Exception {
        try (var h = harness(0.5)) {
            h.processElement(window("t", 1, 0.3, 0.3), 1);
            h.processElement(window("t", 5, 0.9, 0.3), 2); // windows 2-4 missing: no check
            assertThat(cpuUpper(h.extractOutputValues().get(1))).isEqualTo(0.4);
        }
    }

    @Test
    void aTasksEndMarkerClearsItsStateAndEmitsNothing() throws Exception {
        try (var h = harness(0.5)) {
            h.processElement(window("t", 1, 0.3, 0.3), 1);
            h.processElement(window("u", 1, 0.3, 0.3), 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            ForecastRequest end = new ForecastRequest();
            end.taskId = "t";
            end.ended = true;
            h.processElement(ForecastedWindow.ended(end), 2);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1); // only u's
        }
    }

    @Test
    void aTaskNotSeenForTheTtlStartsAfresh() throws Exception {
        try (var h = harness(0)) {
            h.processElement(window("a", 1, 3.0, 3.0), 1);
            h.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() + 1);
            h.processElement(window("a", 2, 0.1, 0.1), 2);
            assertThat(h.extractOutputValues())
                    .extracting(RiskAssessment::getTaskRollingRisk)
                    .containsExactly(h.extractOutputValues().get(0).getRiskScore(), 0.0);
        }
    }
}

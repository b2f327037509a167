package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.ProfilerSettings;
import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.ResourceSample;
import io.augur.schema.RiskAssessment;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The window operator exactly as the production builder makes it ({@link
 * BehaviorProfilerJob#profileTasks}), driven by a keyed operator harness.
 */
class ProfileTaskFnTest {
    private static final long T0 = Fixtures.T0.toEpochMilli();

    private final ProfilerSettings settings = ProfilerSettings.from(new Configuration());
    private KeyedOneInputStreamOperatorTestHarness<String, ResourceSample, RiskAssessment> harness;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var window = BehaviorProfilerJob.profileTasks(env.fromData(sample("x", 0, 0.1)), settings);
        var transformation =
                (OneInputTransformation<ResourceSample, RiskAssessment>) window.getTransformation();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        transformation.getOperatorFactory(),
                        ResourceSample::getTaskId,
                        Types.STRING);
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static ResourceSample sample(String task, long second, double cpu) {
        return Fixtures.sample(task, Fixtures.T0.plusSeconds(second), cpu, 64L << 20);
    }

    private void feedSeconds(String task, long from, long to, double cpu) throws Exception {
        for (long s = from; s < to; s++) {
            harness.processElement(sample(task, s, cpu), T0 + s * 1000);
        }
    }

    @Test
    void emitsOneAssessmentPerTaskAndWindowAfterWarmUp() throws Exception {
        feedSeconds("benign", 0, 6, 0.3);
        feedSeconds("hot", 0, 6, 3.0);
        harness.processWatermark(T0 + 6000 - 1);

        List<RiskAssessment> out = harness.extractOutputValues();
        // Window [0, 2 s) holds the two warm-up samples: nothing; [2, 4) and [4, 6) are scored.
        assertThat(out)
                .extracting(a -> a.getTaskId() + "@" + (a.getWindowEnd().toEpochMilli() - T0))
                .containsExactlyInAnyOrder("benign@4000", "benign@6000", "hot@4000", "hot@6000");

        RiskAssessment benign = find(out, "benign", 6000);
        RiskAssessment hot = find(out, "hot", 6000);
        assertThat(benign.getRiskScore()).isZero();
        assertThat(hot.getRiskScore()).isGreaterThan(0.9);
        assertThat(hot.getTaskRollingRisk()).isGreaterThan(benign.getTaskRollingRisk());
        assertThat(hot.getReasons().get(0)).contains("CPU").contains("3.00 cores");
        assertThat(hot.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(T0 + 5000));
        assertThat(hot.getModelVersion()).isEqualTo("ewma-trend-v1");
        assertThat(hot.getHorizonMs()).isEqualTo(10_000);
        assertThat(hot.getForecast())
                .extracting(ResourceForecast::getResource)
                .contains(
                        Resource.CPU,
                        Resource.MEMORY,
                        Resource.DISK_READ,
                        Resource.DISK_WRITE,
                        Resource.PIDS);
        ResourceForecast cpu =
                hot.getForecast().stream()
                        .filter(f -> f.getResource() == Resource.CPU)
                        .findFirst()
                        .orElseThrow();
        assertThat(cpu.getMean()).hasSize(10).containsOnly(3.0);
        // Disk is forecast in bytes per second: 4096 bytes per 1 s interval.
        ResourceForecast disk =
                hot.getForecast().stream()
                        .filter(f -> f.getResource() == Resource.DISK_WRITE)
                        .findFirst()
                        .orElseThrow();
        assertThat(disk.getMean().get(0)).isEqualTo(4096.0);
    }

    @Test
    void rollingRiskFollowsTheScores() throws Exception {
        feedSeconds("t", 0, 4, 0.3);
        feedSeconds("t", 4, 8, 3.0);
        harness.processWatermark(T0 + 8000 - 1);

        List<RiskAssessment> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        double[] rolling = out.stream().mapToDouble(RiskAssessment::getTaskRollingRisk).toArray();
        assertThat(rolling[0]).isZero();
        assertThat(rolling[1]).isGreaterThan(0).isLessThan(out.get(1).getRiskScore());
        assertThat(rolling[2]).isGreaterThan(rolling[1]);
    }

    @Test
    void aTaskIdleLongerThanTheTtlIsForgottenAndWarmsUpAgain() throws Exception {
        feedSeconds("t", 0, 4, 0.3);
        harness.processWatermark(T0 + 4000 - 1);
        assertThat(harness.extractOutputValues()).hasSize(1);

        // The profile expires: the task's next samples are a new start, so not scored.
        harness.setStateTtlProcessingTime(settings.stateTtl().toMillis() + 1);
        feedSeconds("t", 100, 102, 3.0);
        harness.processWatermark(T0 + 102_000 - 1);
        assertThat(harness.extractOutputValues()).hasSize(1);

        // Without expiry the same samples would have been scored.
        feedSeconds("t", 102, 104, 3.0);
        harness.processWatermark(T0 + 104_000 - 1);
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void windowContentsAreClearedOnceTheWindowFires() throws Exception {
        feedSeconds("t", 0, 4, 0.3);
        harness.processWatermark(T0 + 4000 - 1);
        // Only the task's profile (global per-key state) remains; no window state, no timers.
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    private static RiskAssessment find(List<RiskAssessment> out, String task, long end) {
        return out.stream()
                .filter(a -> a.getTaskId().equals(task))
                .filter(a -> a.getWindowEnd().toEpochMilli() - T0 == end)
                .findFirst()
                .orElseThrow();
    }
}

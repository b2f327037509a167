package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.ProfilerOptions;
import io.augur.jobs.ProfilerSettings;
import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceSample;
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

    private final ProfilerSettings settings = ProfilerSettings.from(ewma());

    static Configuration ewma() {
        Configuration c = new Configuration();
        c.set(ProfilerOptions.FORECASTER, "ewma");
        return c;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ResourceSample, ForecastRequest> harness;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var window = BehaviorProfilerJob.windowTasks(env.fromData(sample("x", 0, 0.1)), settings);
        var transformation =
                (OneInputTransformation<ResourceSample, ForecastRequest>)
                        window.getTransformation();
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
    void emitsOneRequestPerTaskAndWindowAfterWarmUpWithTheTasksHistory() throws Exception {
        feedSeconds("benign", 0, 6, 0.3);
        feedSeconds("hot", 0, 6, 3.0);
        harness.processWatermark(T0 + 6000 - 1);

        List<ForecastRequest> out = harness.extractOutputValues();
        // Window [0, 2 s) holds the two warm-up samples: nothing; [2, 4) and [4, 6) are scored.
        assertThat(out)
                .extracting(r -> r.taskId + "@" + (r.windowEndMs - T0))
                .containsExactlyInAnyOrder("benign@4000", "benign@6000", "hot@4000", "hot@6000");

        ForecastRequest hot = find(out, "hot", 6000);
        assertThat(hot.newestSampleMs).isEqualTo(T0 + 5000);
        assertThat(hot.role).isEqualTo("worker");
        // Two scored windows so far, oldest first, one value per resource.
        List<double[]> steps = hot.steps();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(1)[Resource.CPU.ordinal()]).isEqualTo(3.0);
        // Disk in bytes per second: 4096 bytes per 1 s interval.
        assertThat(steps.get(1)[Resource.DISK_WRITE.ordinal()]).isEqualTo(4096.0);
        assertThat(hot.baselineState).isNotEmpty();
    }

    @Test
    void aSampleForAWindowThatAlreadyFiredBecomesADeadLetterWithTheReason() throws Exception {
        feedSeconds("t", 0, 6, 0.3);
        harness.processWatermark(T0 + 6000 - 1);
        int before = harness.extractOutputValues().size();

        harness.processElement(sample("t", 3, 9.0), T0 + 3000); // window [2, 4) has fired
        harness.processWatermark(T0 + 8000 - 1);

        assertThat(harness.extractOutputValues()).hasSize(before);
        var late = harness.getSideOutput(LateSampleFn.LATE_SAMPLES);
        assertThat(late).hasSize(1);
        ResourceSample s = late.peek().getValue();
        var letter = new LateSampleFn(java.time.Clock.systemUTC()).map(s);
        assertThat(letter.getErrorType()).isEqualTo("validation.LATE");
        assertThat(letter.getError()).contains("task t").contains("max-out-of-orderness");
        assertThat(letter.getPartition()).isEqualTo(-1);
        assertThat(io.augur.schema.Topics.RESOURCES.codec().decode(letter.getRawBytes().array()))
                .isEqualTo(s);
    }

    @Test
    void theHistoryKeepsTheLastHistoryStepsWindows() throws Exception {
        int keep = settings.historySteps();
        long seconds = 2L * (keep + 5) + 2;
        for (long s = 0; s < seconds; s++) {
            harness.processElement(sample("t", s, s), T0 + s * 1000);
        }
        harness.processWatermark(T0 + seconds * 1000 - 1);
        List<ForecastRequest> out = harness.extractOutputValues();
        ForecastRequest last = out.get(out.size() - 1);
        List<double[]> steps = last.steps();
        assertThat(steps).hasSize(keep);
        // The newest window [seconds-2, seconds) has mean cpu seconds - 1.5.
        assertThat(steps.get(keep - 1)[Resource.CPU.ordinal()]).isEqualTo(seconds - 1.5);
        assertThat(steps.get(0)[Resource.CPU.ordinal()]).isEqualTo(seconds - 1.5 - 2 * (keep - 1));
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

    private static ForecastRequest find(List<ForecastRequest> out, String task, long end) {
        return out.stream()
                .filter(a -> a.taskId.equals(task))
                .filter(a -> a.windowEndMs - T0 == end)
                .findFirst()
                .orElseThrow();
    }
}

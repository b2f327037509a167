package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.ProfilerOptions;
import io.augur.jobs.ProfilerSettings;
import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceSample;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The window operator exactly as the production builder makes it ({@link
 * BehaviorProfilerJob#windowTasks}): 2 s windows, 1 s out-of-orderness, 3 s quiet timeout (the
 * defaults), driven without any watermark unless a test says so.
 */
class TaskWindowFnTest {
    private static final long T0 = Fixtures.T0.toEpochMilli();
    private static final long QUIET_MS = 3_000;

    private KeyedOneInputStreamOperatorTestHarness<String, ResourceSample, WindowSummary> window;

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, ResourceSample, WindowSummary>
            harness() throws Exception {
        Configuration c = new Configuration();
        c.set(ProfilerOptions.FORECASTER, "ewma");
        c.set(ProfilerOptions.WINDOW_QUIET_TIMEOUT, Duration.ofMillis(QUIET_MS));
        ProfilerSettings settings = ProfilerSettings.from(c);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var windows = BehaviorProfilerJob.windowTasks(env.fromData(sample("x", 0, 0.1)), settings);
        var w = (OneInputTransformation<ResourceSample, WindowSummary>) windows.getTransformation();
        return new KeyedOneInputStreamOperatorTestHarness<>(
                w.getOperatorFactory(), ResourceSample::getTaskId, Types.STRING);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (window != null) {
            window.close();
        }
    }

    private static ResourceSample sample(String task, long ms, double cpu) {
        return Fixtures.sample(task, Fixtures.T0.plusMillis(ms), cpu, 64L << 20);
    }

    private void feed(String task, long ms, double cpu) throws Exception {
        window.processElement(sample(task, ms, cpu), T0 + ms);
    }

    private void feedSeconds(String task, long from, long to, double cpu) throws Exception {
        for (long s = from; s < to; s++) {
            feed(task, s * 1000, cpu);
        }
    }

    private List<String> closed() {
        return window.extractOutputValues().stream()
                .map(w -> w.taskId + "@" + (w.windowEndMs - T0) + "x" + w.samples)
                .collect(Collectors.toList());
    }

    private List<ResourceSample> late() {
        var side = window.getSideOutput(LateSampleFn.LATE_SAMPLES);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void eachTasksWindowsCloseOnItsOwnSamplesWithoutAnyWatermark() throws Exception {
        window = harness();
        window.open();
        // One task's samples stop at 1.5 s; another's run on to 7 s. No watermark at all: the
        // first holding back a shared watermark is what stalled windows at parallelism 2.
        feed("slow", 0, 0.1);
        feed("slow", 1500, 0.1);
        feedSeconds("fast", 0, 8, 2.0);

        // fast: [0,2) closes at its sample 3 s (end + 1 s bound), [2,4) at 5 s, [4,6) at 7 s.
        assertThat(closed()).containsExactly("fast@2000x2", "fast@4000x2", "fast@6000x2");
        WindowSummary w = window.extractOutputValues().get(2);
        assertThat(w.means[Resource.CPU.ordinal()]).isEqualTo(2.0);
        assertThat(w.newestSampleMs).isEqualTo(T0 + 5000);
        assertThat(late()).isEmpty();
    }

    @Test
    void aSampleWithinTheBoundStillJoinsItsWindowOneBeyondItIsLate() throws Exception {
        window = harness();
        window.open();
        feed("t", 0, 1.0);
        feed("t", 2500, 1.0); // [0,2) still open: 2.5 s < 2 s + 1 s
        feed("t", 1900, 3.0); // out of order, within the bound: joins [0,2)
        feed("t", 3000, 1.0); // closes [0,2)
        feed("t", 1950, 9.0); // its window has closed: late

        assertThat(closed()).containsExactly("t@2000x2");
        assertThat(window.extractOutputValues().get(0).means[Resource.CPU.ordinal()])
                .isEqualTo(2.0);
        assertThat(late())
                .extracting(s -> s.getTimestamp().toEpochMilli() - T0)
                .containsExactly(1950L);
    }

    @Test
    void aQuietTasksWindowsCloseOnceTheirClosingSampleIsOverdueByTheTimeout() throws Exception {
        window = harness();
        window.open();
        window.setProcessingTime(100_000);
        feedSeconds("t", 0, 4, 1.0); // newest sample 3 s, seen at 100 s: [2,4) open

        // [2,4) would have closed with a sample at 5 s, due 2 s after the 3 s one: its deadline is
        // 100 s + 2 s + the 3 s timeout. The pending timer was set for [0,2) (due 3 s after the
        // 0 s sample) and is not moved earlier, so in a burst like this one it closes at most one
        // window's length after its deadline.
        window.setProcessingTime(100_000 + 2_000 + QUIET_MS - 1);
        assertThat(closed()).containsExactly("t@2000x2");
        window.setProcessingTime(100_000 + 3_000 + QUIET_MS);
        assertThat(closed()).containsExactly("t@2000x2", "t@4000x2");

        // The task comes back: its next window opens as usual; a sample of the closed one is late.
        window.setProcessingTime(200_000);
        feed("t", 3500, 1.0);
        feed("t", 4000, 1.0);
        assertThat(late()).hasSize(1);
        window.setProcessingTime(200_000 + 3_000 + QUIET_MS);
        assertThat(closed()).containsExactly("t@2000x2", "t@4000x2", "t@6000x1");
        assertThat(window.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aSteadyTaskIsNeverClosedByTheQuietTimerEvenWhenTheWallClockRunsFast() throws Exception {
        window = harness();
        window.open();
        // Samples 1 s apart arriving 1.5 s apart (the job is behind): the timer fires early and is
        // set again; every window closes on the task's samples, none on the wall clock.
        for (int s = 0; s < 20; s++) {
            window.setProcessingTime(1_500L * s);
            feed("t", s * 1000L, 1.0);
        }
        assertThat(closed()).hasSize(9).allMatch(w -> w.endsWith("x2"));
        assertThat(late()).isEmpty();
    }

    @Test
    void whileTheWatermarkMovesTheWallClockClosesNothingSoABackloggedTaskLosesNoSample()
            throws Exception {
        window = harness();
        window.open();
        // The job works through a backlog (or is backpressured): each task's samples, 1 s apart
        // in event time, reach it 8 s apart. The source's watermark follows them.
        for (int s = 0; s < 12; s++) {
            window.setProcessingTime(8_000L * s);
            feed("t", s * 1000L, 1.0);
            window.processWatermark(T0 + s * 1000L - 1000 - 1);
        }
        assertThat(closed()).hasSize(5).allMatch(w -> w.endsWith("x2"));
        assertThat(late()).isEmpty();
    }

    @Test
    void theWatermarkAlsoClosesWindowsAsFlinksEventTimeWindowsWould() throws Exception {
        window = harness();
        window.open();
        feedSeconds("t", 0, 2, 1.0);
        window.processWatermark(T0 + 2000 - 1);
        assertThat(closed()).containsExactly("t@2000x2");
        assertThat(window.numEventTimeTimers()).isZero();
    }

    @Test
    void afterARestoreTheWallClockCountsFromTheRestoreSoReplayedSamplesFindTheirWindow()
            throws Exception {
        window = harness();
        window.open();
        window.setProcessingTime(10_000);
        feedSeconds("t", 0, 4, 1.0); // [0,2) closed by the 3 s sample; [2,4) open
        OperatorSubtaskState snapshot = window.snapshot(1, 10_000);
        window.close();

        // The job comes back an hour later; the quiet timer of the old run is long overdue.
        window = harness();
        window.setProcessingTime(3_600_000);
        window.initializeState(snapshot);
        window.open();
        window.setProcessingTime(3_600_001);
        assertThat(closed()).isEmpty();

        // The samples after the checkpoint are replayed: the one at 3.5 s joins [2,4).
        feed("t", 3500, 1.0);
        feed("t", 5000, 1.0);
        assertThat(closed()).containsExactly("t@4000x3");
        assertThat(late()).isEmpty();
    }
}

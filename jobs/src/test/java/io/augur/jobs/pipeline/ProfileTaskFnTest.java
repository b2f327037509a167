package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.augur.jobs.BehaviorProfilerJob;
import io.augur.jobs.ProfilerOptions;
import io.augur.jobs.ProfilerSettings;
import io.augur.schema.DeadLetter;
import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The window operator and ProfileTaskFn exactly as the production builder makes them ({@link
 * BehaviorProfilerJob#windowTasks}, {@link BehaviorProfilerJob#profileTasks}), each in a keyed
 * harness, the window's output fed to ProfileTaskFn as the job does.
 */
class ProfileTaskFnTest {
    private static final long T0 = Fixtures.T0.toEpochMilli();
    private static final long GRACE_MS = 30_000;
    private static final long LINGER_MS = 10_000;

    static Configuration ewma() {
        Configuration c = new Configuration();
        c.set(ProfilerOptions.FORECASTER, "ewma");
        return c;
    }

    private ProfilerSettings settings = ProfilerSettings.from(ewma());

    /** Window outputs already handed to ProfileTaskFn. */
    private int forwarded;

    private KeyedOneInputStreamOperatorTestHarness<String, ResourceSample, WindowSummary> window;
    private KeyedTwoInputStreamOperatorTestHarness<
                    String, WindowSummary, TaskEvent, ForecastRequest>
            profile;

    /** Sets up both harnesses with these settings. */
    @SuppressWarnings("unchecked")
    private void start(Configuration conf) throws Exception {
        settings = ProfilerSettings.from(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var windows = BehaviorProfilerJob.windowTasks(env.fromData(sample("x", 0, 0.1)), settings);
        var w = (OneInputTransformation<ResourceSample, WindowSummary>) windows.getTransformation();
        window =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        w.getOperatorFactory(), ResourceSample::getTaskId, Types.STRING);
        window.open();

        var requests =
                BehaviorProfilerJob.profileTasks(
                        windows, env.fromData(started("x", 0)), settings, Clock.systemUTC());
        var p =
                (TwoInputTransformation<WindowSummary, TaskEvent, ForecastRequest>)
                        requests.getTransformation();
        profile =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        (org.apache.flink.streaming.api.operators.TwoInputStreamOperator<
                                        WindowSummary, TaskEvent, ForecastRequest>)
                                ((org.apache.flink.streaming.api.operators.SimpleOperatorFactory<
                                                        ForecastRequest>)
                                                p.getOperatorFactory())
                                        .getOperator(),
                        (WindowSummary s) -> s.taskId,
                        TaskEvent::getTaskId,
                        Types.STRING);
        profile.setStateTtlProcessingTime(0);
        profile.open();
    }

    private void start() throws Exception {
        start(ewma());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (window != null) {
            window.close();
        }
        if (profile != null) {
            profile.close();
        }
    }

    private static ResourceSample sample(String task, long second, double cpu) {
        ResourceSample s = Fixtures.sample(task, Fixtures.T0.plusSeconds(second), cpu, 64L << 20);
        // What a collector that has not heard of the task yet writes.
        s.setUserId("unknown");
        s.setRole("default");
        return s;
    }

    private static TaskEvent started(String task, long second) {
        TaskEvent e = Fixtures.taskStarted(task, "alice", "worker");
        e.setTimestamp(Fixtures.T0.plusSeconds(second));
        return e;
    }

    private static TaskEvent ended(String task, long second) {
        TaskEvent e = started(task, second);
        e.setType(TaskEventType.ENDED);
        return e;
    }

    private void feedSeconds(String task, long from, long to, double cpu) throws Exception {
        for (long s = from; s < to; s++) {
            window.processElement(sample(task, s, cpu), T0 + s * 1000);
        }
    }

    private void event(TaskEvent e) throws Exception {
        profile.processElement2(e, e.getTimestamp().toEpochMilli());
    }

    /** Advances event time to {@code T0 + ms}: windows fire and flow on, then timers fire. */
    private void watermark(long ms) throws Exception {
        window.processWatermark(T0 + ms);
        // Every window closed since the last call: on its task's own samples or on this watermark.
        List<WindowSummary> fired = window.extractOutputValues();
        for (WindowSummary w : fired.subList(forwarded, fired.size())) {
            profile.processElement1(w, w.windowEndMs - 1);
        }
        forwarded = fired.size();
        profile.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(T0 + ms));
        profile.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(T0 + ms));
    }

    private List<ForecastRequest> requests() {
        return profile.extractOutputValues().stream()
                .filter(r -> !r.ended)
                .collect(Collectors.toList());
    }

    private List<DeadLetter> deadLetters() {
        var side = profile.getSideOutput(ProfileTaskFn.DEAD_LETTERS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void emitsOneRequestPerTaskAndWindowAfterWarmUpLabelledByTheTasksRegistration()
            throws Exception {
        start();
        event(started("benign", 0));
        event(started("hot", 0));
        feedSeconds("benign", 0, 6, 0.3);
        feedSeconds("hot", 0, 6, 3.0);
        watermark(6000 - 1);

        List<ForecastRequest> out = requests();
        // Window [0, 2 s) holds the two warm-up samples: nothing; [2, 4) and [4, 6) are scored.
        assertThat(out)
                .extracting(r -> r.taskId + "@" + (r.windowEndMs - T0))
                .containsExactlyInAnyOrder("benign@4000", "benign@6000", "hot@4000", "hot@6000");

        ForecastRequest hot = find(out, "hot", 6000);
        assertThat(hot.newestSampleMs).isEqualTo(T0 + 5000);
        // The launcher's event says who runs it, not the collector's stale label.
        assertThat(hot.userId).isEqualTo("alice");
        assertThat(hot.role).isEqualTo("worker");
        // Two scored windows so far, oldest first, one value per resource.
        List<double[]> steps = hot.steps();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(1)[Resource.CPU.ordinal()]).isEqualTo(3.0);
        // Disk in bytes per second: 4096 bytes per 1 s interval.
        assertThat(steps.get(1)[Resource.DISK_WRITE.ordinal()]).isEqualTo(4096.0);
        assertThat(hot.baselineState).isNotEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void eachRequestCarriesHowLongTheQuotaThrottledTheTaskPerSecondOfItsWindow() throws Exception {
        start();
        event(started("capped", 0));
        event(started("unmeasured", 0));
        // Window [2, 4): 0.4 s and 0.2 s throttled in two 1 s samples, under quotas of 0.5 and
        // 0.75 cores (raised between them); window [4, 6): one sample without the measurement (an
        // older collector), one with 0.1 s under 0.75.
        Double[] throttled = {0.0, 0.0, 0.4, 0.2, null, 0.1};
        double[] quota = {0.5, 0.5, 0.5, 0.75, 0.5, 0.75};
        for (int second = 0; second < 6; second++) {
            ResourceSample s = sample("capped", second, 0.5);
            s.setCpuThrottledSeconds(throttled[second]);
            s.getLimits().setCpuCores(quota[second]);
            window.processElement(s, T0 + second * 1000L);
        }
        feedSeconds("unmeasured", 0, 6, 0.5);
        watermark(6000 - 1);

        List<ForecastRequest> out = requests();
        assertThat(find(out, "capped", 4000).cpuThrottledPerSecond).isCloseTo(0.3, within(1e-12));
        // Measured under 0.5 and 0.75: it says something of a limit up to 0.5 only.
        assertThat(find(out, "capped", 4000).cpuQuotaCores).isEqualTo(0.5);
        // Only the sample that measured it counts: 0.1 s over its own 1 s, under 0.75.
        assertThat(find(out, "capped", 6000).cpuThrottledPerSecond).isCloseTo(0.1, within(1e-12));
        assertThat(find(out, "capped", 6000).cpuQuotaCores).isEqualTo(0.75);
        assertThat(find(out, "unmeasured", 6000).cpuThrottledPerSecond).isNaN();
        assertThat(find(out, "unmeasured", 6000).cpuQuotaCores).isNaN();
    }

    @Test
    void aSampleForAWindowThatAlreadyFiredBecomesADeadLetterWithTheReason() throws Exception {
        start();
        feedSeconds("t", 0, 6, 0.3);
        window.processWatermark(T0 + 6000 - 1);
        int before = window.extractOutputValues().size();

        window.processElement(sample("t", 3, 9.0), T0 + 3000); // window [2, 4) has fired
        window.processWatermark(T0 + 8000 - 1);

        assertThat(window.extractOutputValues()).hasSize(before);
        var late = window.getSideOutput(LateSampleFn.LATE_SAMPLES);
        assertThat(late).hasSize(1);
        ResourceSample s = late.peek().getValue();
        var letter = new LateSampleFn(Clock.systemUTC()).map(s);
        assertThat(letter.getErrorType()).isEqualTo("validation.LATE");
        assertThat(letter.getError()).contains("task t").contains("max-out-of-orderness");
        assertThat(letter.getPartition()).isEqualTo(-1);
        assertThat(io.augur.schema.Topics.RESOURCES.codec().decode(letter.getRawBytes().array()))
                .isEqualTo(s);
    }

    @Test
    void theHistoryKeepsTheLastHistoryStepsWindows() throws Exception {
        start();
        event(started("t", 0));
        int keep = settings.historySteps();
        long seconds = 2L * (keep + 5) + 2;
        for (long s = 0; s < seconds; s++) {
            window.processElement(sample("t", s, s), T0 + s * 1000);
        }
        watermark(seconds * 1000 - 1);
        List<ForecastRequest> out = requests();
        ForecastRequest last = out.get(out.size() - 1);
        List<double[]> steps = last.steps();
        assertThat(steps).hasSize(keep);
        // The newest window [seconds-2, seconds) has mean cpu seconds - 1.5.
        assertThat(steps.get(keep - 1)[Resource.CPU.ordinal()]).isEqualTo(seconds - 1.5);
        assertThat(steps.get(0)[Resource.CPU.ordinal()]).isEqualTo(seconds - 1.5 - 2 * (keep - 1));
    }

    @Test
    void aProfileIdleLongerThanTheTtlIsForgottenAndWarmsUpAgainWhileTheRegistrationStays()
            throws Exception {
        start();
        event(started("t", 0));
        feedSeconds("t", 0, 4, 0.3);
        watermark(4000 - 1);
        assertThat(requests()).hasSize(1);

        // The profile expires (the registration's TTL is a day): the next samples are a new
        // start, so not scored, and not dead-lettered either.
        profile.setStateTtlProcessingTime(settings.stateTtl().toMillis() + 1);
        feedSeconds("t", 100, 102, 3.0);
        watermark(102_000 - 1);
        assertThat(requests()).hasSize(1);

        // Without expiry the same samples would have been scored.
        feedSeconds("t", 102, 104, 3.0);
        watermark(104_000 - 1);
        assertThat(requests()).hasSize(2);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void windowContentsAreClearedOnceTheWindowFiresOnlyTheTasksClockStays() throws Exception {
        start();
        feedSeconds("t", 0, 4, 0.3);
        window.processWatermark(T0 + 4000 - 1);
        assertThat(window.extractOutputValues()).hasSize(2);
        assertThat(window.numEventTimeTimers()).isZero();
        // The task's clock (how far its windows have closed, so a later sample is known late).
        assertThat(window.numKeyedStateEntries()).isOne();
    }

    @Test
    void windowsThatCameBeforeTheTasksStartedEventWaitForItAndAreProfiledInOrder()
            throws Exception {
        start();
        feedSeconds("t", 0, 8, 0.3);
        watermark(8000 - 1);
        assertThat(requests()).isEmpty();

        event(started("t", 0)); // the launcher's event, read late
        assertThat(requests())
                .extracting(r -> r.windowEndMs - T0)
                .containsExactly(4000L, 6000L, 8000L);
        assertThat(requests()).allSatisfy(r -> assertThat(r.userId).isEqualTo("alice"));

        watermark(8000 + GRACE_MS + 1);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void windowsOfATaskNeverAnnouncedBecomeDeadLettersAfterTheGrace() throws Exception {
        start();
        feedSeconds("ghost", 0, 6, 0.3);
        watermark(6000 - 1);
        watermark(2000 + GRACE_MS - 1);
        assertThat(deadLetters()).isEmpty(); // still within the grace

        watermark(6000 + GRACE_MS);
        assertThat(requests()).isEmpty();
        assertThat(deadLetters())
                .hasSize(3)
                .allSatisfy(
                        d -> {
                            assertThat(d.getErrorType()).isEqualTo("validation.UNKNOWN_TASK");
                            assertThat(d.getError())
                                    .contains("ghost")
                                    .contains("augur.tasks")
                                    .contains("profiler.tasks.unknown-grace")
                                    .contains("2 samples");
                            assertThat(d.getSourceTopic()).isEqualTo("augur.telemetry.resources");
                            assertThat(d.getComponent()).isEqualTo(ProfileTaskFn.COMPONENT);
                        });
        assertThat(profile.numKeyedStateEntries()).isZero();
    }

    @Test
    void whenEventTimeStallsAGhostsWindowsBecomeDeadLettersAfterTwiceTheGraceOfProcessingTime()
            throws Exception {
        start();
        profile.setProcessingTime(1_000);
        feedSeconds("ghost", 0, 6, 0.3);
        watermark(6000 - 1);
        // No sample comes any more: the watermark stays where it is.

        profile.setProcessingTime(1_000 + ProfileTaskFn.WALL_CLOCK_FACTOR * GRACE_MS - 1);
        assertThat(deadLetters()).isEmpty();

        profile.setProcessingTime(1_000 + ProfileTaskFn.WALL_CLOCK_FACTOR * GRACE_MS);
        assertThat(deadLetters())
                .hasSize(3)
                .allSatisfy(d -> assertThat(d.getErrorType()).isEqualTo("validation.UNKNOWN_TASK"));
        assertThat(profile.numKeyedStateEntries()).isZero();
    }

    @Test
    void whenEventTimeStallsAnEndedTaskIsClearedAfterTwiceTheLingerOfProcessingTime()
            throws Exception {
        start();
        profile.setProcessingTime(500);
        event(started("t", 0));
        feedSeconds("t", 0, 10, 0.3);
        event(ended("t", 9));
        watermark(10_000 - 1);
        assertThat(requests()).extracting(r -> r.windowEndMs - T0).contains(10_000L);

        profile.setProcessingTime(500 + ProfileTaskFn.WALL_CLOCK_FACTOR * LINGER_MS - 1);
        assertThat(profile.extractOutputValues()).noneMatch(r -> r.ended);

        profile.setProcessingTime(500 + ProfileTaskFn.WALL_CLOCK_FACTOR * LINGER_MS);
        List<ForecastRequest> all = profile.extractOutputValues();
        ForecastRequest marker = all.get(all.size() - 1);
        assertThat(marker.ended).isTrue();
        assertThat(marker.windowEndMs).isEqualTo(T0 + 9000 + LINGER_MS);
        assertThat(profile.numKeyedStateEntries()).isEqualTo(1); // the tombstone
    }

    @Test
    void withUnknownTasksAcceptedTheSamplesLabelsAreUsed() throws Exception {
        Configuration c = ewma();
        c.set(ProfilerOptions.UNKNOWN_TASKS, "accept");
        start(c);
        feedSeconds("t", 0, 6, 0.3);
        watermark(6000 - 1);
        assertThat(requests())
                .hasSize(2)
                .allSatisfy(
                        r -> {
                            assertThat(r.userId).isEqualTo("unknown");
                            assertThat(r.role).isEqualTo("default");
                        });
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void whenATaskEndsItsStateAndTimersAreClearedAfterTheLingerAndDownstreamIsTold()
            throws Exception {
        start();
        event(started("t", 0));
        feedSeconds("t", 0, 10, 0.3);
        event(ended("t", 9));
        watermark(10_000 - 1);
        // Its last windows are still scored.
        assertThat(requests()).extracting(r -> r.windowEndMs - T0).contains(10_000L);
        assertThat(profile.numEventTimeTimers()).isEqualTo(1); // the linger

        watermark(9000 + LINGER_MS);
        List<ForecastRequest> all = profile.extractOutputValues();
        ForecastRequest marker = all.get(all.size() - 1);
        assertThat(marker.ended).isTrue();
        assertThat(marker.taskId).isEqualTo("t");
        assertThat(marker.history).isEmpty();
        assertThat(profile.numEventTimeTimers()).isZero();
        // Only the registration's tombstone is left.
        assertThat(profile.numKeyedStateEntries()).isEqualTo(1);

        // A sample after that is a dead letter that says so.
        feedSeconds("t", 30, 32, 0.3);
        watermark(32_000 - 1);
        assertThat(deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getErrorType()).isEqualTo("validation.TASK_ENDED"));

        // The id used again by a new task: it starts afresh (warm-up again).
        event(started("t", 40));
        feedSeconds("t", 40, 44, 0.3);
        watermark(44_000 - 1);
        assertThat(requests())
                .last()
                .satisfies(r -> assertThat(r.windowEndMs - T0).isEqualTo(44_000));
        assertThat(requests().get(requests().size() - 1).steps()).hasSize(1);
    }

    /**
     * A task ended twice (the collector's reaper published ENDED for a launcher it took for dead,
     * then the slow launcher its own): the first ENDED stands; the second, within the linger or
     * after it, neither moves the end, nor opens the closed registration, nor sends a second end
     * marker.
     */
    @Test
    void aSecondEndedOfATaskChangesNothing() throws Exception {
        start();
        event(started("t", 0));
        feedSeconds("t", 0, 10, 0.3);
        event(ended("t", 9)); // the reaper's
        event(ended("t", 12)); // the launcher's, within the linger
        watermark(9000 + LINGER_MS);
        assertThat(profile.extractOutputValues().stream().filter(r -> r.ended))
                .singleElement()
                .satisfies(m -> assertThat(m.newestSampleMs - T0).isEqualTo(9000));

        int wallTimers = profile.numProcessingTimeTimers(); // the first end's fallback
        event(ended("t", 9 + 3 * LINGER_MS / 1000)); // once more, long after the linger
        assertThat(profile.numEventTimeTimers()).isZero();
        assertThat(profile.numProcessingTimeTimers()).isEqualTo(wallTimers);
        feedSeconds("t", 60, 62, 0.3);
        watermark(62_000 + 2 * LINGER_MS);

        assertThat(profile.extractOutputValues().stream().filter(r -> r.ended)).hasSize(1);
        assertThat(deadLetters())
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d.getErrorType()).isEqualTo("validation.TASK_ENDED"));
        assertThat(profile.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void aTaskKnownOnlyFromItsEndedEventIsProfiledThenCleared() throws Exception {
        // augur.tasks is compacted: of a task that ended long ago only ENDED is left.
        start();
        feedSeconds("t", 0, 6, 0.3);
        event(ended("t", 5));
        watermark(6000 - 1);
        assertThat(requests()).hasSize(2).allSatisfy(r -> assertThat(r.userId).isEqualTo("alice"));
        watermark(5000 + LINGER_MS);
        assertThat(profile.extractOutputValues().get(2).ended).isTrue();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void theEndLingerMayNotBeShorterThanAWindow() {
        Configuration c = ewma();
        c.set(ProfilerOptions.TASK_END_LINGER, Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProfilerSettings.from(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profiler.tasks.end-linger");
        c.set(ProfilerOptions.UNKNOWN_TASKS, "drop");
        c.set(ProfilerOptions.TASK_END_LINGER, Duration.ofSeconds(10));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProfilerSettings.from(c))
                .hasMessageContaining("'dead-letter' or 'accept'");
    }

    private static ForecastRequest find(List<ForecastRequest> out, String task, long end) {
        return out.stream()
                .filter(a -> a.taskId.equals(task))
                .filter(a -> a.windowEndMs - T0 == end)
                .findFirst()
                .orElseThrow();
    }
}

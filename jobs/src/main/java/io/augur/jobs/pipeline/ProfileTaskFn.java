package io.augur.jobs.pipeline;

import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.profile.Forecaster;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Profiles one task per window: appends the window's mean use to the task's history (the last
 * {@code historySteps} windows, what the LSTM reads), folds it into the baseline forecaster's state
 * and emits one {@link ForecastRequest}. The forecast itself is batched across tasks downstream
 * ({@link ForecastFn}). The task's profile lives in per-key global state (it outlives windows) with
 * a TTL, so ended tasks are forgotten.
 *
 * <p>Windows holding any of a task's first {@code warmUpSamples} samples emit nothing and teach the
 * forecaster nothing: process start-up is not behaviour.
 */
public final class ProfileTaskFn
        extends ProcessWindowFunction<WindowSummary, ForecastRequest, String, TimeWindow> {
    private static final long serialVersionUID = 2L;

    private final Forecaster baseline;
    private final int historySteps;
    private final int warmUpSamples;
    private final Duration stateTtl;

    private transient ValueStateDescriptor<TaskProfile> profileDescriptor;

    public ProfileTaskFn(
            Forecaster baseline, int historySteps, int warmUpSamples, Duration stateTtl) {
        if (historySteps < 1) {
            throw new IllegalArgumentException("historySteps must be >= 1");
        }
        this.baseline = baseline;
        this.historySteps = historySteps;
        this.warmUpSamples = warmUpSamples;
        this.stateTtl = stateTtl;
    }

    /** The function as the settings describe it. */
    public static ProfileTaskFn of(ProfilerSettings s) {
        return new ProfileTaskFn(s.forecaster(), s.historySteps(), s.warmUpSamples(), s.stateTtl());
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
            Collector<ForecastRequest> out)
            throws Exception {
        ValueState<TaskProfile> state = ctx.globalState().getState(profileDescriptor);
        // An aggregating window hands over exactly one summary.
        WindowSummary w = summaries.iterator().next();
        TaskProfile profile = state.value();
        if (profile == null) {
            profile = new TaskProfile();
            profile.forecasterState = baseline.initialState();
        }
        long before = profile.samplesSeen;
        profile.samplesSeen += w.samples;
        if (before < warmUpSamples) {
            state.update(profile);
            return;
        }
        profile.forecasterState = baseline.observe(profile.forecasterState, w.means);
        profile.remember(w.means, historySteps);
        state.update(profile);

        ForecastRequest r = new ForecastRequest();
        r.taskId = taskId;
        r.userId = w.userId;
        r.nodeId = w.nodeId;
        r.role = w.role;
        r.windowEndMs = ctx.window().getEnd();
        r.newestSampleMs = w.newestSampleMs;
        r.history = profile.history.clone();
        r.baselineState = profile.forecasterState.clone();
        out.collect(r);
    }
}

package io.augur.jobs.pipeline;

import io.augur.jobs.ProfilerSettings;
import io.augur.jobs.profile.Forecaster;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by task; profiles each of its windows against what {@code augur.tasks} says of it.
 *
 * <ul>
 *   <li>A window of a registered task (a STARTED or ENDED event came) appends its means to the
 *       task's history (the last {@code historySteps} windows, what the LSTM reads), folds them
 *       into the baseline forecaster's state and emits one {@link ForecastRequest}, labelled with
 *       the registration's user, role and node.
 *   <li>A window of a task not (yet) registered waits for its STARTED event for {@code
 *       unknownGrace} of event time (launcher and collector race, and the topics are read
 *       independently); then it becomes a dead letter {@code validation.UNKNOWN_TASK}, counted.
 *       With {@code acceptUnknown} it is profiled at once under the labels its samples carry.
 *   <li>Both waits also end after twice their duration of processing time ({@link
 *       #WALL_CLOCK_FACTOR}), should event time stall: the watermark only moves while samples come,
 *       and at parallelism 2 Flink's idleness handling was seen to leave an event-time timer
 *       unfired after a quiet spell (jobs/README, "parallelism 2").
 *   <li>{@code endLinger} of event time after the task's ENDED event its profile, pending windows
 *       and timers are cleared and an end marker ({@link ForecastRequest#ended}) goes downstream so
 *       that {@link ScoreTaskFn} clears the task's state too. A tombstone of the registration stays
 *       (for the registration TTL) so a later window of the task is a dead letter {@code
 *       validation.TASK_ENDED}. A second ENDED of a task (the collector's reaper and then a slow
 *       launcher, or a replay) is ignored and counted ({@code repeatedTaskEnds}): the first end
 *       stands.
 * </ul>
 *
 * <p>Windows holding any of a task's first {@code warmUpSamples} samples emit nothing and teach the
 * forecaster nothing: process start-up is not behaviour. The forecast itself is batched across
 * tasks downstream ({@link ForecastFn}). The profile has a TTL (idle tasks are forgotten); the
 * registration has its own, longer one, refreshed by every window (read access).
 */
public final class ProfileTaskFn
        extends KeyedCoProcessFunction<String, WindowSummary, TaskEvent, ForecastRequest> {
    private static final long serialVersionUID = 4L;

    /**
     * The grace and the linger end after this many times their duration of processing time when
     * event time has not ended them first.
     */
    public static final int WALL_CLOCK_FACTOR = 2;

    /** Name of this component in dead letters. */
    public static final String COMPONENT = "jobs.BehaviorProfilerJob.ProfileTaskFn";

    /** Windows of unknown or ended tasks, as dead letters. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("task-dead-letters", TypeInformation.of(DeadLetter.class));

    /** How {@link ProfileTaskFn} treats tasks, as the settings say. */
    public record Registry(
            boolean acceptUnknown,
            Duration unknownGrace,
            Duration endLinger,
            Duration registrationTtl)
            implements java.io.Serializable {}

    private final Forecaster baseline;
    private final int historySteps;
    private final int warmUpSamples;
    private final Duration stateTtl;
    private final Registry registry;
    private final Clock clock;

    private transient ValueState<TaskProfile> profile;
    private transient ValueState<TaskRegistration> registration;
    private transient ListState<WindowSummary> pending;
    private transient Counter unknownWindows;
    private transient Counter endedWindows;
    private transient Counter tasksEnded;
    private transient Counter endedTwice;

    /**
     * @param baseline the baseline forecaster whose state the profile keeps
     * @param historySteps windows of history kept per task
     * @param warmUpSamples a task's first samples, not scored
     * @param stateTtl TTL of the profile
     * @param registry how unknown and ended tasks are treated
     * @param clock for the dead letters' timestamps only
     */
    public ProfileTaskFn(
            Forecaster baseline,
            int historySteps,
            int warmUpSamples,
            Duration stateTtl,
            Registry registry,
            Clock clock) {
        if (historySteps < 1) {
            throw new IllegalArgumentException("historySteps must be >= 1");
        }
        this.baseline = baseline;
        this.historySteps = historySteps;
        this.warmUpSamples = warmUpSamples;
        this.stateTtl = stateTtl;
        this.registry = registry;
        this.clock = clock;
    }

    /** The function as the settings describe it. */
    public static ProfileTaskFn of(ProfilerSettings s, Clock clock) {
        return new ProfileTaskFn(
                s.forecaster(),
                s.historySteps(),
                s.warmUpSamples(),
                s.stateTtl(),
                s.registry(),
                clock);
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<TaskProfile> p =
                new ValueStateDescriptor<>("task-profile", TypeInformation.of(TaskProfile.class));
        p.enableTimeToLive(StateTtl.of(stateTtl));
        profile = getRuntimeContext().getState(p);

        StateTtlConfig registrationTtl =
                StateTtlConfig.newBuilder(registry.registrationTtl())
                        .updateTtlOnReadAndWrite()
                        .neverReturnExpired()
                        .cleanupFullSnapshot()
                        .build();
        ValueStateDescriptor<TaskRegistration> r =
                new ValueStateDescriptor<>(
                        "task-registration", TypeInformation.of(TaskRegistration.class));
        r.enableTimeToLive(registrationTtl);
        registration = getRuntimeContext().getState(r);
        ListStateDescriptor<WindowSummary> w =
                new ListStateDescriptor<>(
                        "unregistered-windows", TypeInformation.of(WindowSummary.class));
        w.enableTimeToLive(registrationTtl);
        pending = getRuntimeContext().getListState(w);

        var metrics = getRuntimeContext().getMetricGroup();
        unknownWindows = metrics.counter("unknownTaskWindows");
        endedWindows = metrics.counter("endedTaskWindows");
        tasksEnded = metrics.counter("tasksEnded");
        endedTwice = metrics.counter("repeatedTaskEnds");
    }

    @Override
    public void processElement1(WindowSummary w, Context ctx, Collector<ForecastRequest> out)
            throws Exception {
        TaskRegistration reg = registration.value();
        if (reg == null) {
            if (registry.acceptUnknown()) {
                profile(w, null, out);
            } else {
                long grace = registry.unknownGrace().toMillis();
                long now = ctx.timerService().currentProcessingTime();
                w.pendingSinceMs = now;
                pending.add(w);
                ctx.timerService().registerEventTimeTimer(w.windowEndMs + grace);
                ctx.timerService().registerProcessingTimeTimer(now + WALL_CLOCK_FACTOR * grace);
            }
            return;
        }
        if (reg.closed) {
            endedWindows.inc();
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            w,
                            "validation.TASK_ENDED",
                            "task "
                                    + w.taskId
                                    + " ended at "
                                    + Instant.ofEpochMilli(reg.endedAtMs)
                                    + " and its state was cleared "
                                    + registry.endLinger()
                                    + " later (profiler.tasks.end-linger)"));
            return;
        }
        profile(w, reg, out);
    }

    @Override
    public void processElement2(TaskEvent e, Context ctx, Collector<ForecastRequest> out)
            throws Exception {
        TaskRegistration reg = registration.value();
        if (e.getType() == TaskEventType.STARTED) {
            if (reg != null && !reg.closed) {
                return; // a replayed STARTED: the task is known already
            }
            if (reg != null) {
                profile.clear(); // the id is reused: a new task
            }
            reg = TaskRegistration.of(e);
        } else {
            if (reg != null && (reg.closed || reg.endedAtMs != TaskRegistration.RUNNING)) {
                // Ended twice: the collector's reaper ended a task whose launcher it took for
                // dead and the launcher, only slow, published its own ENDED later (or a replay).
                // The first end stands: moving it would delay the clean-up, and reopening the
                // tombstone would clear the task and tell downstream a second time.
                endedTwice.inc();
                return;
            }
            if (reg == null) {
                // Known only from its ENDED event (augur.tasks is compacted).
                reg = TaskRegistration.of(e);
            }
            reg.endedAtMs = e.getTimestamp().toEpochMilli();
            long linger = registry.endLinger().toMillis();
            reg.endSeenAtMs = ctx.timerService().currentProcessingTime();
            ctx.timerService().registerEventTimeTimer(reg.endedAtMs + linger);
            ctx.timerService()
                    .registerProcessingTimeTimer(reg.endSeenAtMs + WALL_CLOCK_FACTOR * linger);
        }
        registration.update(reg);
        List<WindowSummary> waiting = waiting();
        pending.clear();
        for (WindowSummary w : waiting) {
            profile(w, reg, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ForecastRequest> out)
            throws Exception {
        // Either clock may end a wait: event time as specified, processing time as the fallback.
        boolean eventTimer =
                ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.EVENT_TIME;
        long eventNow = eventTimer ? timestamp : ctx.timerService().currentWatermark();
        long wallNow = ctx.timerService().currentProcessingTime();
        List<WindowSummary> waiting = waiting();
        if (!waiting.isEmpty()) {
            List<WindowSummary> keep = new ArrayList<>();
            long grace = registry.unknownGrace().toMillis();
            for (WindowSummary w : waiting) {
                if (w.windowEndMs + grace <= eventNow
                        || w.pendingSinceMs + WALL_CLOCK_FACTOR * grace <= wallNow) {
                    unknownWindows.inc();
                    ctx.output(
                            DEAD_LETTERS,
                            deadLetter(
                                    w,
                                    "validation.UNKNOWN_TASK",
                                    "no STARTED event for task "
                                            + w.taskId
                                            + " in "
                                            + Topics.TASKS.name()
                                            + " within "
                                            + registry.unknownGrace()
                                            + " (profiler.tasks.unknown-grace) after its window"
                                            + " ending "
                                            + Instant.ofEpochMilli(w.windowEndMs)
                                            + " (the samples say user "
                                            + w.userId
                                            + ", role "
                                            + w.role
                                            + ")"));
                } else {
                    keep.add(w);
                }
            }
            pending.update(keep);
        }
        TaskRegistration reg = registration.value();
        long linger = registry.endLinger().toMillis();
        if (reg != null
                && !reg.closed
                && reg.endedAtMs != TaskRegistration.RUNNING
                && (eventNow >= reg.endedAtMs + linger
                        || reg.endSeenAtMs + WALL_CLOCK_FACTOR * linger <= wallNow)) {
            profile.clear();
            pending.clear();
            reg.closed = true;
            registration.update(reg);
            tasksEnded.inc();
            ForecastRequest end = new ForecastRequest();
            end.taskId = ctx.getCurrentKey();
            end.userId = reg.userId;
            end.nodeId = reg.nodeId;
            end.role = reg.role;
            end.ended = true;
            end.windowEndMs = Math.max(eventNow, reg.endedAtMs + linger);
            end.newestSampleMs = reg.endedAtMs;
            out.collect(end);
        }
    }

    /** The windows waiting for their task's registration, oldest first. */
    private List<WindowSummary> waiting() throws Exception {
        List<WindowSummary> all = new ArrayList<>();
        Iterable<WindowSummary> stored = pending.get();
        if (stored != null) {
            stored.forEach(all::add);
        }
        all.sort(Comparator.comparingLong(w -> w.windowEndMs));
        return all;
    }

    private void profile(WindowSummary w, TaskRegistration reg, Collector<ForecastRequest> out)
            throws Exception {
        TaskProfile p = profile.value();
        if (p == null) {
            p = new TaskProfile();
            p.forecasterState = baseline.initialState();
        }
        long before = p.samplesSeen;
        p.samplesSeen += w.samples;
        if (before < warmUpSamples) {
            profile.update(p);
            return;
        }
        p.forecasterState = baseline.observe(p.forecasterState, w.means);
        p.remember(w.means, historySteps);
        profile.update(p);

        ForecastRequest r = new ForecastRequest();
        r.taskId = w.taskId;
        r.userId = reg == null ? w.userId : reg.userId;
        r.nodeId = reg == null ? w.nodeId : reg.nodeId;
        r.role = reg == null ? w.role : reg.role;
        r.windowEndMs = w.windowEndMs;
        r.newestSampleMs = w.newestSampleMs;
        r.cpuThrottledPerSecond = w.cpuThrottledPerSecond;
        r.cpuQuotaCores = w.cpuQuotaCores;
        r.history = p.history.clone();
        r.baselineState = p.forecasterState.clone();
        out.collect(r);
    }

    private DeadLetter deadLetter(WindowSummary w, String errorType, String error) {
        return DeadLetters.of(
                Topics.RESOURCES.name(),
                -1,
                -1,
                Topic.keyBytes(w.taskId),
                null,
                errorType,
                error + "; " + w.samples + " samples in the window",
                COMPONENT,
                clock.instant());
    }
}

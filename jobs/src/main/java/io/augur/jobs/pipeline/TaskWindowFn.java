package io.augur.jobs.pipeline;

import io.augur.schema.ResourceSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tumbling windows per task, closed on the task's own clock: the mean of a task's samples over each
 * window of {@code size}, stamped with the window's end.
 *
 * <p>A window [start, end) closes at the first of:
 *
 * <ol>
 *   <li><b>the task's clock</b>: a sample of the same task at or after {@code end +
 *       maxOutOfOrderness} (a watermark per task: samples of one task arrive in order from one
 *       Kafka partition, so its own newest sample says how far its time has come);
 *   <li><b>the watermark</b> passing the window, as Flink's event-time windows do (when watermarks
 *       flow, nothing changes);
 *   <li><b>quiet</b>: the task's clock, advanced with the wall clock since its newest sample
 *       arrived, has passed {@code end + maxOutOfOrderness} by {@code quietTimeout} — the samples
 *       that would have closed it are that overdue (the task ended, or its collector stalled) —
 *       <em>and</em> the watermark has not moved for {@code quietTimeout} either. While the
 *       watermark moves, it is the judge: a job working through a backlog, or held back by
 *       backpressure, reads each task's samples slower than they were made, and closing its windows
 *       by the wall clock would turn its own next samples into late ones.
 * </ol>
 *
 * <p>So no task's window waits for another task's samples: a watermark held back by another
 * partition (or one that stalls, as Flink's idleness handling can) delays nothing. After a restore
 * the wall-clock rule counts from the first record or timer this instance handles, so replayed
 * samples still find their windows open.
 *
 * <p>Windows close in order of their end, so a sample is late exactly when its window starts before
 * the end of the last closed window; it goes to {@link LateSampleFn#LATE_SAMPLES}.
 */
public final class TaskWindowFn
        extends KeyedProcessFunction<String, ResourceSample, WindowSummary> {
    private static final long serialVersionUID = 1L;

    private final long sizeMs;
    private final long boundMs;
    private final long quietMs;
    private final Duration stateTtl;
    private final WindowMeansFn means = new WindowMeansFn();

    private transient MapState<Long, SampleAccumulator> open;
    private transient ValueState<TaskClock> clock;
    private transient Counter closedByTaskClock;
    private transient Counter closedByWatermark;
    private transient Counter closedQuiet;

    /** Processing time of the first record or timer this instance handled; -1 before. */
    private transient long startedAtMs;

    /** The watermark as last seen, and when it was last seen to move (processing time). */
    private transient long lastWatermark;

    private transient long watermarkMovedAtMs;

    public TaskWindowFn(
            Duration size, Duration maxOutOfOrderness, Duration quietTimeout, Duration stateTtl) {
        if (size.toMillis() < 1) {
            throw new IllegalArgumentException("window size must be at least 1 ms: " + size);
        }
        if (maxOutOfOrderness.isNegative() || quietTimeout.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness and quiet timeout must be >= 0");
        }
        this.sizeMs = size.toMillis();
        this.boundMs = maxOutOfOrderness.toMillis();
        this.quietMs = quietTimeout.toMillis();
        this.stateTtl = stateTtl;
    }

    /** A task's clock and its closing progress (a Flink POJO). */
    public static class TaskClock {
        /** Newest sample timestamp (epoch ms); Long.MIN_VALUE before the first. */
        public long newestMs = Long.MIN_VALUE;

        /** Processing time at which the newest sample arrived. */
        public long newestSeenAtMs;

        /** End of the last closed window; samples of windows starting before it are late. */
        public long closedUpToMs = Long.MIN_VALUE;

        /** Processing time of the pending quiet timer; 0 when none is pending. */
        public long quietTimerAtMs;

        public TaskClock() {}
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        MapStateDescriptor<Long, SampleAccumulator> openDesc =
                new MapStateDescriptor<>(
                        "open-windows", Types.LONG, TypeInformation.of(SampleAccumulator.class));
        ValueStateDescriptor<TaskClock> clockDesc =
                new ValueStateDescriptor<>("task-clock", TypeInformation.of(TaskClock.class));
        if (stateTtl != null) {
            openDesc.enableTimeToLive(StateTtl.of(stateTtl));
            clockDesc.enableTimeToLive(StateTtl.of(stateTtl));
        }
        open = getRuntimeContext().getMapState(openDesc);
        clock = getRuntimeContext().getState(clockDesc);
        var metrics = getRuntimeContext().getMetricGroup();
        closedByTaskClock = metrics.counter("windowsClosedByTaskClock");
        closedByWatermark = metrics.counter("windowsClosedByWatermark");
        closedQuiet = metrics.counter("windowsClosedQuiet");
        startedAtMs = -1;
        lastWatermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(ResourceSample s, Context ctx, Collector<WindowSummary> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        started(now, ctx.timerService().currentWatermark());
        TaskClock c = clockOf();
        long ts = s.getTimestamp().toEpochMilli();
        long start = ts - Math.floorMod(ts, sizeMs);
        if (c.closedUpToMs != Long.MIN_VALUE && start < c.closedUpToMs) {
            ctx.output(LateSampleFn.LATE_SAMPLES, s);
            return;
        }
        SampleAccumulator acc = open.get(start);
        if (acc == null) {
            acc = means.createAccumulator();
            ctx.timerService().registerEventTimeTimer(start + sizeMs - 1);
        }
        open.put(start, means.add(s, acc));
        if (ts > c.newestMs) {
            c.newestMs = ts;
            c.newestSeenAtMs = now;
        }
        closeThrough(c.newestMs - boundMs, c, ctx, out, closedByTaskClock);
        armQuietTimer(c, ctx.timerService());
        clock.update(c);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowSummary> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        started(now, ctx.timerService().currentWatermark());
        TaskClock c = clockOf();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            // The window [timestamp + 1 - size, timestamp + 1) and any older one.
            closeThrough(timestamp + 1, c, ctx, out, closedByWatermark);
        } else {
            if (timestamp != c.quietTimerAtMs) {
                return; // a timer this instance no longer counts on
            }
            c.quietTimerAtMs = 0;
            if (now - watermarkMovedAtMs >= quietMs) {
                // The watermark stands still: close every window whose quiet deadline has come,
                // end <= the task's clock as the wall clock has advanced it since its newest
                // sample, less the bound and the timeout.
                long advanced = c.newestMs + (now - since(c));
                closeThrough(advanced - boundMs - quietMs, c, ctx, out, closedQuiet);
            }
        }
        armQuietTimer(c, ctx.timerService());
        clock.update(c);
    }

    private void started(long now, long watermark) {
        if (startedAtMs < 0) {
            startedAtMs = now;
            watermarkMovedAtMs = now;
        }
        if (watermark != lastWatermark) {
            lastWatermark = watermark;
            watermarkMovedAtMs = now;
        }
    }

    /** When the newest sample counts as seen: never before this instance started. */
    private long since(TaskClock c) {
        return Math.max(c.newestSeenAtMs, startedAtMs);
    }

    private TaskClock clockOf() throws Exception {
        TaskClock c = clock.value();
        return c == null ? new TaskClock() : c;
    }

    /** Emits and clears, oldest first, every open window whose end is at most {@code limit}. */
    private void closeThrough(
            long limit,
            TaskClock c,
            KeyedProcessFunction<String, ResourceSample, WindowSummary>.Context ctx,
            Collector<WindowSummary> out,
            Counter reason)
            throws Exception {
        List<Long> starts = new ArrayList<>();
        for (Map.Entry<Long, SampleAccumulator> e : open.entries()) {
            if (e.getKey() + sizeMs <= limit) {
                starts.add(e.getKey());
            }
        }
        starts.sort(null);
        for (long start : starts) {
            long end = start + sizeMs;
            WindowSummary w = means.getResult(open.get(start));
            w.windowEndMs = end;
            out.collect(w);
            open.remove(start);
            ctx.timerService().deleteEventTimeTimer(end - 1);
            c.closedUpToMs = Math.max(c.closedUpToMs, end);
            reason.inc();
        }
    }

    /**
     * Makes sure one quiet timer is pending while windows are open: at the earliest open window's
     * deadline, and no sooner than the watermark could count as standing still. It is never moved
     * earlier; when it fires early (the task's samples kept coming, or the watermark moved), it is
     * set again for the deadline as it stands then.
     */
    private void armQuietTimer(TaskClock c, org.apache.flink.streaming.api.TimerService timers)
            throws Exception {
        if (c.quietTimerAtMs != 0) {
            return;
        }
        long earliestEnd = Long.MAX_VALUE;
        for (Long start : open.keys()) {
            earliestEnd = Math.min(earliestEnd, start + sizeMs);
        }
        if (earliestEnd == Long.MAX_VALUE) {
            return;
        }
        long deadline = since(c) + Math.max(0, earliestEnd + boundMs - c.newestMs) + quietMs;
        long at =
                Math.max(
                        Math.max(deadline, watermarkMovedAtMs + quietMs),
                        timers.currentProcessingTime() + 1);
        timers.registerProcessingTimeTimer(at);
        c.quietTimerAtMs = at;
    }
}

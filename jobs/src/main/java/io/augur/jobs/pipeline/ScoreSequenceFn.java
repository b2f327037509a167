package io.augur.jobs.pipeline;

import io.augur.jobs.sequence.AdaptiveThresholds;
import io.augur.jobs.sequence.SequenceSettings;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by taskId: gathers the task's scored calls into scoring windows, judges each window against
 * the task's adaptive cut-offs ({@link AdaptiveThresholds}) and emits one {@link SequenceAnomaly}
 * per task and window. Analyst verdicts (broadcast, {@code subject == SEQUENCE}) adjust the judged
 * task's thresholds and, with a role, the role's (broadcast state).
 *
 * <p>Windows: a window closes after {@code windowInvocations} calls, or when the event time of its
 * calls spans {@code windowSpan}, or {@code windowIdle} of processing time after it opened
 * (whichever first). Its score is the mean of ln(1/p) over its calls — the window's mean negative
 * log-likelihood, the {@code mean-log} aggregation of docs/sequence-model.md (0 when every call was
 * certain, ln(maxScore) = 13.8 when every call was impossible). Attribution: the pid that made at
 * least {@code attributionShare} (and {@code attributionMinCalls}) of the window's anomalous calls
 * (1/p ≥ {@code anomalousCall}, or out of vocabulary), in windows above NORMAL.
 */
public final class ScoreSequenceFn
        extends KeyedBroadcastProcessFunction<String, ScoredCall, AnalystVerdict, SequenceAnomaly> {
    private static final long serialVersionUID = 1L;

    /** The role's floor factors (role → factor ≥ 1), raised by FALSE_POSITIVE verdicts. */
    public static final MapStateDescriptor<String, Double> ROLE_FACTORS =
            new MapStateDescriptor<>("sequence-role-factors", Types.STRING, Types.DOUBLE);

    private final SequenceSettings settings;
    private final AdaptiveThresholds thresholds;

    private transient ValueState<SequenceWindow> window;
    private transient MapState<Long, Integer> windowPids;
    private transient ValueState<TaskSequenceState> task;
    private transient ValueStateDescriptor<TaskSequenceState> taskDescriptor;
    private transient Counter windows;
    private transient Counter highWindows;
    private transient Counter verdicts;

    public ScoreSequenceFn(SequenceSettings settings) {
        this.settings = settings;
        this.thresholds = new AdaptiveThresholds(settings.thresholds());
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<SequenceWindow> w =
                new ValueStateDescriptor<>(
                        "sequence-window", TypeInformation.of(SequenceWindow.class));
        w.enableTimeToLive(StateTtl.of(settings.stateTtl()));
        window = getRuntimeContext().getState(w);
        MapStateDescriptor<Long, Integer> p =
                new MapStateDescriptor<>("sequence-window-pids", Types.LONG, Types.INT);
        p.enableTimeToLive(StateTtl.of(settings.stateTtl()));
        windowPids = getRuntimeContext().getMapState(p);
        taskDescriptor =
                new ValueStateDescriptor<>(
                        "sequence-task", TypeInformation.of(TaskSequenceState.class));
        taskDescriptor.enableTimeToLive(StateTtl.of(settings.stateTtl()));
        task = getRuntimeContext().getState(taskDescriptor);
        windows = getRuntimeContext().getMetricGroup().counter("sequenceWindows");
        // Windows judged HIGH: the alert AugurSequenceAnomalyHigh fires while they keep coming.
        highWindows = getRuntimeContext().getMetricGroup().counter("sequenceHighWindows");
        verdicts = getRuntimeContext().getMetricGroup().counter("sequenceVerdicts");
    }

    /** Windows judged HIGH by this instance (the metric {@code sequenceHighWindows}). */
    long highWindowCount() {
        return highWindows.getCount();
    }

    @Override
    public void processElement(ScoredCall c, ReadOnlyContext ctx, Collector<SequenceAnomaly> out)
            throws Exception {
        SequenceWindow w = window.value();
        if (w != null && c.timestampMs - w.startMs >= settings.windowSpan().toMillis()) {
            // This call is past the window's span: judge the window without it.
            emit(ctx.getCurrentKey(), w, ctx, out);
            w = null;
        }
        if (w == null) {
            w = new SequenceWindow();
            w.startMs = c.timestampMs;
            w.firstSequence = c.sequence;
            w.openedAtMs = ctx.timerService().currentProcessingTime();
            ctx.timerService()
                    .registerProcessingTimeTimer(w.openedAtMs + settings.windowIdle().toMillis());
        }
        w.userId = c.userId;
        w.nodeId = c.nodeId;
        w.role = c.role;
        w.endMs = Math.max(w.endMs, c.timestampMs);
        w.lastSequence = c.sequence;
        w.invocations++;
        if (c.pid != null) {
            if (w.firstPid == null) {
                w.firstPid = c.pid;
            } else if (!w.firstPid.equals(c.pid)) {
                w.severalPids = true;
            }
        }
        if (c.unscored == null) {
            w.scored++;
            w.sumLog += Math.log(Math.max(1, c.anomaly));
            w.maxScore = Math.max(w.maxScore, c.anomaly);
            w.topG = c.topG;
            w.modelVersion = c.modelVersion;
            if (c.outOfVocabulary) {
                w.outOfVocabulary++;
            }
            if (c.topGMiss) {
                w.topGMisses++;
            }
            if (c.outOfVocabulary || c.anomaly >= settings.anomalousCall()) {
                w.anomalousCalls++;
                if (c.pid != null) {
                    Integer n = windowPids.get(c.pid);
                    windowPids.put(c.pid, n == null ? 1 : n + 1);
                }
            }
            w.addTop(c.name, c.anomaly);
        } else if (w.modelVersion == null) {
            w.modelVersion = "none: " + c.unscored;
        }
        if (w.invocations >= settings.windowInvocations()) {
            emit(ctx.getCurrentKey(), w, ctx, out);
        } else {
            window.update(w);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SequenceAnomaly> out)
            throws Exception {
        SequenceWindow w = window.value();
        if (w != null && w.openedAtMs + settings.windowIdle().toMillis() <= timestamp) {
            emit(ctx.getCurrentKey(), w, ctx, out);
        }
    }

    private void emit(
            String taskId, SequenceWindow w, ReadOnlyContext ctx, Collector<SequenceAnomaly> out)
            throws Exception {
        TaskSequenceState t = task.value();
        if (t == null) {
            t = new TaskSequenceState();
            t.thresholds = thresholds.initial();
        }
        Double factor = ctx.getBroadcastState(ROLE_FACTORS).get(w.role);
        double roleFactor = factor == null ? 1 : factor;
        double score = w.score();
        AdaptiveThresholds.Judgement j = thresholds.judge(t.thresholds, score, roleFactor);
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < w.topCalls.length; i++) {
            if (w.topScores[i] >= settings.anomalousCall()) {
                reasons.add(
                        String.format(
                                Locale.ROOT, "call %s: 1/p %.3g", w.topCalls[i], w.topScores[i]));
            }
        }
        if (w.outOfVocabulary > 0) {
            reasons.add(w.outOfVocabulary + " call(s) outside the model's vocabulary");
        }
        if (w.scored < w.invocations) {
            reasons.add((w.invocations - w.scored) + " call(s) not scored: " + w.modelVersion);
        }
        if (t.thresholds.verdictFloor > 0) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "LOW cut-off at least %.3f after a FALSE_POSITIVE verdict",
                            t.thresholds.verdictFloor));
        }
        if (roleFactor > 1) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "role %s floors ×%.2f after FALSE_POSITIVE verdicts",
                            w.role,
                            roleFactor));
        }
        if (t.thresholds.incidents > 0) {
            reasons.add(t.thresholds.incidents + " confirmed incident(s) (TRUE_POSITIVE verdicts)");
        }
        for (String note : t.notes) {
            reasons.add(note);
        }
        t.notes = new String[0];
        Long pid = j.level() == AnomalyLevel.NORMAL ? null : attributedPid(w);
        if (pid != null) {
            reasons.add("pid " + pid + " made most of the anomalous calls");
        }
        t.remember(w.endMs, score);
        task.update(t);
        window.clear();
        windowPids.clear();
        windows.inc();
        if (j.level() == AnomalyLevel.HIGH) {
            highWindows.inc();
        }
        out.collect(
                SequenceAnomaly.newBuilder()
                        .setTaskId(taskId)
                        .setUserId(w.userId)
                        .setNodeId(w.nodeId)
                        .setRole(w.role)
                        .setWindowStart(Instant.ofEpochMilli(w.startMs))
                        .setWindowEnd(Instant.ofEpochMilli(w.endMs))
                        .setFirstSequence(w.firstSequence)
                        .setLastSequence(w.lastSequence)
                        .setInvocations(w.invocations)
                        .setScore(score)
                        .setMaxScore(w.maxScore)
                        .setLevel(j.level())
                        .setBaseline(j.baseline())
                        .setLowCutoff(j.low())
                        .setMediumCutoff(j.medium())
                        .setHighCutoff(j.high())
                        .setOutOfVocabulary(w.outOfVocabulary)
                        .setTopG(w.topG)
                        .setTopGMisses(w.topGMisses)
                        .setAttributedPid(pid)
                        .setModelVersion(w.modelVersion == null ? "none" : w.modelVersion)
                        .setReasons(reasons)
                        .build());
    }

    private Long attributedPid(SequenceWindow w) throws Exception {
        // Only a task with other processes making calls can lose one to a split: attributing the
        // only process would make SPLIT a restriction of the whole task under another name.
        if (!w.severalPids || w.anomalousCalls < settings.attributionMinCalls()) {
            return null;
        }
        for (Map.Entry<Long, Integer> e : windowPids.entries()) {
            if (e.getValue() >= settings.attributionMinCalls()
                    && e.getValue() >= settings.attributionShare() * w.anomalousCalls) {
                return e.getKey();
            }
        }
        return null;
    }

    @Override
    public void processBroadcastElement(
            AnalystVerdict v, Context ctx, Collector<SequenceAnomaly> out) throws Exception {
        if (v.getSubject() != VerdictSubject.SEQUENCE) {
            return;
        }
        verdicts.inc();
        boolean fp = v.getLabel() == VerdictLabel.FALSE_POSITIVE;
        if (v.getRole() != null && !v.getRole().isBlank()) {
            var roles = ctx.getBroadcastState(ROLE_FACTORS);
            Double old = roles.get(v.getRole());
            double now =
                    fp
                            ? thresholds.roleFalsePositive(old == null ? 1 : old)
                            : thresholds.roleTruePositive(old == null ? 1 : old);
            roles.put(v.getRole(), now);
        }
        long judgedEnd = windowEnd(v.getAssessmentRef());
        ctx.applyToKeyedState(
                taskDescriptor,
                (key, state) -> {
                    if (!key.equals(v.getTaskId())) {
                        return;
                    }
                    TaskSequenceState t = state.value();
                    if (t == null) {
                        return;
                    }
                    if (fp) {
                        double judged = t.scoreOf(judgedEnd);
                        String which = "window " + v.getAssessmentRef();
                        if (Double.isNaN(judged)) {
                            judged = t.highestRecent();
                            which =
                                    "its highest recent window ("
                                            + v.getAssessmentRef()
                                            + " not remembered)";
                        }
                        if (!Double.isNaN(judged)) {
                            thresholds.falsePositive(t.thresholds, judged);
                            t.note(
                                    String.format(
                                            Locale.ROOT,
                                            "FALSE_POSITIVE by %s on %s (score %.3f) raised the cut-offs",
                                            v.getAnalyst(),
                                            which,
                                            judged));
                        }
                    } else {
                        thresholds.truePositive(t.thresholds);
                        t.note(
                                "TRUE_POSITIVE by "
                                        + v.getAnalyst()
                                        + " on "
                                        + v.getAssessmentRef()
                                        + ": incident counted, baseline reset");
                    }
                    state.update(t);
                });
    }

    /**
     * The windowEnd of an assessmentRef {@code taskId@windowEnd} (epoch ms or ISO-8601), or
     * Long.MIN_VALUE.
     */
    static long windowEnd(String ref) {
        if (ref == null) {
            return Long.MIN_VALUE;
        }
        String end = ref.substring(ref.lastIndexOf('@') + 1);
        try {
            return Long.parseLong(end);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(end).toEpochMilli();
            } catch (RuntimeException e2) {
                return Long.MIN_VALUE;
            }
        }
    }
}

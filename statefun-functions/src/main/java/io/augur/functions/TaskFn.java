package io.augur.functions;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.ForecastSummary;
import io.augur.functions.allocation.Proposal;
import io.augur.functions.allocation.RiskInput;
import io.augur.functions.allocation.TrustRecovery;
import io.augur.functions.feedback.AckPolicy;
import io.augur.functions.feedback.FeedbackSettings;
import io.augur.functions.feedback.HeadroomTuner;
import io.augur.functions.policy.Policy;
import io.augur.functions.quarantine.QuarantineVerdicts;
import io.augur.functions.sandbox.NetworkAllowLists;
import io.augur.functions.sandbox.SandboxDecision;
import io.augur.functions.sandbox.SandboxHold;
import io.augur.functions.sandbox.SandboxOutcome;
import io.augur.functions.sandbox.SandboxPolicy;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.AnomalyReport;
import io.augur.functions.wire.BaselineRequest;
import io.augur.functions.wire.BaselineTrust;
import io.augur.functions.wire.DecisionRetry;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.PendingDecision;
import io.augur.functions.wire.PendingDecisions;
import io.augur.functions.wire.QuarantineExpiry;
import io.augur.functions.wire.QuarantineRelease;
import io.augur.functions.wire.ReclaimNotice;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskProfile;
import io.augur.functions.wire.UserReport;
import io.augur.schema.AckOutcome;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.AvroCodec;
import io.augur.schema.Codecs;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceLimits;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.SecurityEvent;
import io.augur.schema.SecurityEventType;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.statefun.sdk.java.AddressScopedStorage;
import org.apache.flink.statefun.sdk.java.Context;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctionSpec;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.ValueSpec;
import org.apache.flink.statefun.sdk.java.io.KafkaEgressMessage;
import org.apache.flink.statefun.sdk.java.message.EgressMessage;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task ({@code augur.fn/task}, id = taskId). Receives the task's life cycle, its risk
 * assessments, its sequence anomalies (the sandbox levels, {@link SandboxPolicy}; security events
 * to {@code augur.security}) and the enforcer's acks from Kafka; for every assessment it runs the
 * allocation policy's risk branches, reserves the next decision {@code sequence} (it alone owns the
 * sequence), asks the task's {@link NodeFn} to cap the proposal by the node's availability, and on
 * the grant emits exactly one {@link EnforcementDecision} to {@code augur.decisions}.
 *
 * <p>Flow: assessment → (sequence n reserved, proposal kept as pending) → AllocationRequest(n) →
 * NodeFn → AllocationGrant(n) → decision n. StateFun delivers each message exactly once, so each
 * assessment yields one decision and sequences have no gaps.
 *
 * <p>Acks close the loop: an APPLIED ack's observed usage tunes the task's headroom ({@link
 * HeadroomTuner}); a FAILED or REJECTED one is retried, corrected or escalated ({@link AckPolicy}),
 * never only logged. MEDIUM and HIGH anomalies and analysts' verdicts reach the task's user's
 * record ({@link UserFn}).
 */
public final class TaskFn implements StatefulFunction {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFn.class);

    public static final TypeName TYPE = TypeName.typeNameOf(AugurFunctions.NAMESPACE, "task");

    /** Egress of decisions (and of dead letters); ids as in the runtime's module.yaml. */
    public static final TypeName DECISIONS_EGRESS = TypeName.typeNameOf("augur.io", "decisions");

    public static final TypeName DLQ_EGRESS = TypeName.typeNameOf("augur.io", "dlq");

    /** Egress of security events ({@code augur.security}). */
    public static final TypeName SECURITY_EGRESS = TypeName.typeNameOf("augur.io", "security");

    /** Name this component gives in dead letters. */
    public static final String COMPONENT = "statefun-functions/TaskFn";

    /**
     * State of tasks that have not been heard of for this long is dropped (ended or vanished
     * tasks). Long enough that a live task never loses its sequence.
     */
    static final Duration STATE_TTL = Duration.ofDays(30);

    static final ValueSpec<TaskProfile> PROFILE =
            ValueSpec.named("profile")
                    .thatExpiresAfterCall(STATE_TTL)
                    .withCustomType(Types.TASK_PROFILE);
    static final ValueSpec<Limits> ALLOCATION =
            ValueSpec.named("allocation")
                    .thatExpiresAfterCall(STATE_TTL)
                    .withCustomType(Types.LIMITS);
    static final ValueSpec<Long> SEQUENCE =
            ValueSpec.named("sequence").thatExpiresAfterCall(STATE_TTL).withLongType();
    static final ValueSpec<PendingDecisions> PENDING =
            ValueSpec.named("pending")
                    .thatExpiresAfterCall(STATE_TTL)
                    .withCustomType(Types.PENDING_DECISIONS);
    static final ValueSpec<Long> LAST_ACK =
            ValueSpec.named("lastAck").thatExpiresAfterCall(STATE_TTL).withLongType();

    /** The sequence of the QUARANTINE decision in force, while the task is quarantined. */
    static final ValueSpec<Long> QUARANTINED =
            ValueSpec.named("quarantined").thatExpiresAfterCall(STATE_TTL).withLongType();

    /**
     * When the quarantine in force was caused (epoch ms): its incident's time on the user's record.
     */
    static final ValueSpec<Long> QUARANTINED_AT =
            ValueSpec.named("quarantinedAt").thatExpiresAfterCall(STATE_TTL).withLongType();

    /**
     * The ids of the analysts' verdicts already handled (newest last, at most {@link
     * #VERDICTS_KEPT}, one per line): a verdict delivered twice does nothing twice.
     */
    static final ValueSpec<String> HANDLED_VERDICTS =
            ValueSpec.named("handledVerdicts").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    static final int VERDICTS_KEPT = 64;

    /** Why the task's trust starts where it does (its user's record), for its next decision. */
    static final ValueSpec<String> BASELINE_NOTE =
            ValueSpec.named("baselineNote").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    /** Set once the task was terminated by decision: nothing more is decided for it. */
    static final ValueSpec<Boolean> TERMINATED =
            ValueSpec.named("terminated").thatExpiresAfterCall(STATE_TTL).withBooleanType();

    /** The held trust level and its calm streak ({@link TrustRecovery}). */
    static final ValueSpec<String> TRUST =
            ValueSpec.named("trust").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    static final ValueSpec<Integer> CALM_STREAK =
            ValueSpec.named("calmStreak").thatExpiresAfterCall(STATE_TTL).withIntType();

    /** The held sandbox level ({@link SandboxHold}): level, calm windows, split-off pid. */
    static final ValueSpec<String> SANDBOX_LEVEL =
            ValueSpec.named("sandboxLevel").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    static final ValueSpec<Integer> SANDBOX_CALM =
            ValueSpec.named("sandboxCalm").thatExpiresAfterCall(STATE_TTL).withIntType();

    static final ValueSpec<Long> SPLIT_PID =
            ValueSpec.named("splitPid").thatExpiresAfterCall(STATE_TTL).withLongType();

    /** Whether a decision left an allow-list restriction on the task's network (to lift later). */
    static final ValueSpec<Boolean> NETWORK_RESTRICTED =
            ValueSpec.named("networkRestricted").thatExpiresAfterCall(STATE_TTL).withBooleanType();

    /**
     * The last forecast's memory upper bound: MEDIUM never restricts memory below it. Absent until
     * the task's first memory forecast (which a proactive allocation never lowers memory on).
     */
    static final ValueSpec<Long> WORKING_SET =
            ValueSpec.named("workingSet").thatExpiresAfterCall(STATE_TTL).withLongType();

    /** A QUARANTINE whose time passed before its grant came back: TERMINATE follows the grant. */
    static final ValueSpec<Long> TERMINATE_DUE =
            ValueSpec.named("terminateDue").thatExpiresAfterCall(STATE_TTL).withLongType();

    /** Why that TERMINATE follows, when not because the quarantine time passed (a verdict). */
    static final ValueSpec<String> TERMINATE_WHY =
            ValueSpec.named("terminateWhy").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    /**
     * The CPU the node's pool held the task at (a grant capped below its request, or reclaimed),
     * until it is granted more.
     */
    static final ValueSpec<Double> HELD_AT =
            ValueSpec.named("heldAt").thatExpiresAfterCall(STATE_TTL).withDoubleType();

    /** The task's headroom as tuned by the enforcer's acks ({@link HeadroomTuner}). */
    static final ValueSpec<Double> HEADROOM =
            ValueSpec.named("headroom").thatExpiresAfterCall(STATE_TTL).withDoubleType();

    static final ValueSpec<Integer> HEADROOM_LOW =
            ValueSpec.named("headroomLow").thatExpiresAfterCall(STATE_TTL).withIntType();

    /** What the last tuning ack showed, for the next proactive decision's reasons. */
    static final ValueSpec<String> HEADROOM_NOTE =
            ValueSpec.named("headroomNote").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    /** The last decision issued (sent or withheld): what a FAILED ack re-issues. */
    static final ValueSpec<EnforcementDecision> LAST_DECISION =
            ValueSpec.named("lastDecision")
                    .thatExpiresAfterCall(STATE_TTL)
                    .withCustomType(Types.ENFORCEMENT_DECISION);

    /**
     * While the last decision re-issues a failed one: the first decision of the chain, and how many
     * retries and corrections were made for it ({@link AckPolicy}).
     */
    static final ValueSpec<String> RETRY_OF =
            ValueSpec.named("retryOf").thatExpiresAfterCall(STATE_TTL).withUtf8StringType();

    static final ValueSpec<Integer> RETRY_ATTEMPTS =
            ValueSpec.named("retryAttempts").thatExpiresAfterCall(STATE_TTL).withIntType();

    /** With default settings; the server uses {@link #spec(FunctionsConfig)}. */
    public static final StatefulFunctionSpec SPEC = spec(FunctionsConfig.DEFAULTS);

    private final Policy rules;
    private final AllocationPolicy policy;
    private final Clock clock;
    private final DecisionObserver observer;

    /**
     * @param rules the decision policy in force for this request batch
     * @param clock source of {@code issuedAt}
     * @param observer metrics sink
     */
    public TaskFn(Policy rules, Clock clock, DecisionObserver observer) {
        this.rules = rules;
        this.policy = rules.allocationPolicy();
        this.clock = clock;
        this.observer = observer;
    }

    public static StatefulFunctionSpec spec(FunctionsConfig config) {
        return StatefulFunctionSpec.builder(TYPE)
                .withValueSpecs(
                        PROFILE,
                        ALLOCATION,
                        SEQUENCE,
                        PENDING,
                        LAST_ACK,
                        TRUST,
                        CALM_STREAK,
                        QUARANTINED,
                        TERMINATED,
                        BASELINE_NOTE,
                        SANDBOX_LEVEL,
                        SANDBOX_CALM,
                        SPLIT_PID,
                        NETWORK_RESTRICTED,
                        WORKING_SET,
                        HELD_AT,
                        TERMINATE_DUE,
                        HEADROOM,
                        HEADROOM_LOW,
                        HEADROOM_NOTE,
                        LAST_DECISION,
                        RETRY_OF,
                        RETRY_ATTEMPTS,
                        QUARANTINED_AT,
                        HANDLED_VERDICTS,
                        TERMINATE_WHY)
                .withSupplier(
                        () -> new TaskFn(config.currentPolicy(), config.clock(), config.observer()))
                .build();
    }

    /** Deterministic decision id: a replayed assessment gets the same id. */
    public static String decisionId(String taskId, long sequence) {
        return taskId + "/" + sequence;
    }

    @Override
    public CompletableFuture<Void> apply(Context context, Message message) {
        if (message.is(Types.RISK_ASSESSMENT)) {
            decode(context, message, Topics.RISK.name(), RiskAssessment.class)
                    .ifPresent(a -> onAssessment(context, a));
        } else if (message.is(Types.SEQUENCE_ANOMALY)) {
            decode(context, message, Topics.ANOMALIES.name(), SequenceAnomaly.class)
                    .ifPresent(a -> onAnomaly(context, a));
        } else if (message.is(Types.RECLAIM_NOTICE)) {
            onReclaim(context, message.as(Types.RECLAIM_NOTICE));
        } else if (message.is(Types.ALLOCATION_GRANT)) {
            onGrant(context, message.as(Types.ALLOCATION_GRANT));
        } else if (message.is(Types.TASK_EVENT)) {
            decode(context, message, Topics.TASKS.name(), TaskEvent.class)
                    .ifPresent(e -> onTaskEvent(context, e));
        } else if (message.is(Types.ENFORCEMENT_ACK)) {
            decode(context, message, Topics.ACKS.name(), EnforcementAck.class)
                    .ifPresent(a -> onAck(context, a));
        } else if (message.is(Types.QUARANTINE_EXPIRY)) {
            onQuarantineExpiry(context, message.as(Types.QUARANTINE_EXPIRY));
        } else if (message.is(Types.BASELINE_TRUST)) {
            onBaseline(context, message.as(Types.BASELINE_TRUST));
        } else if (message.is(Types.DECISION_RETRY)) {
            onRetry(context, message.as(Types.DECISION_RETRY));
        } else if (message.is(Types.ANALYST_VERDICT)) {
            decode(context, message, Topics.VERDICTS.name(), AnalystVerdict.class)
                    .ifPresent(v -> onVerdict(context, v));
        } else {
            deadLetter(
                    context,
                    "unknown",
                    message.rawValue().toByteArray(),
                    "unexpected-type",
                    "TaskFn does not handle " + message.valueTypeName());
        }
        return context.done();
    }

    private void onAssessment(Context context, RiskAssessment assessment) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        Optional<String> inactive = inactive(storage);
        if (inactive.isPresent()) {
            if (inactive.get().equals("task-ended")) {
                // Windows closing after the task ended: nothing left to allocate.
                LOG.warn(
                        "assessment for ended task {} ignored (window {})",
                        taskId,
                        assessment.getWindowEnd());
            }
            observer.assessmentSkipped(taskId, inactive.get());
            return;
        }
        List<String> notes = new ArrayList<>();
        storage.get(BASELINE_NOTE)
                .ifPresent(
                        note -> {
                            notes.add(note);
                            storage.remove(BASELINE_NOTE);
                        });
        TaskProfile profile =
                profile(storage, taskId, assessment.getNodeId(), assessment.getUserId(), notes);
        ForecastSummary forecast = ForecastSummary.of(assessment);
        // The task's first memory forecast comes from one window: its level, not its growth.
        boolean firstMemoryForecast =
                storage.get(WORKING_SET).isEmpty() && forecast.memoryUpperBytes().isPresent();
        forecast.memoryUpperBytes().ifPresent(bytes -> storage.set(WORKING_SET, bytes));
        Allocation current = toAllocation(decidedLimits(storage));
        TrustRecovery.Hold before =
                new TrustRecovery.Hold(
                        storage.get(TRUST).map(TrustLevel::valueOf).orElse(TrustLevel.HIGH),
                        storage.get(CALM_STREAK).orElse(0));
        TrustRecovery.Hold held =
                new TrustRecovery(policy.settings()).next(before, assessment.getRiskScore());
        Optional<Double> heldAt = storage.get(HELD_AT);
        // Held down: by the node's pool, or by its own lowered trust (a MEDIUM or LOW task runs
        // under limits a decision cut).
        boolean heldByPool = heldAt.map(at -> current.cpuCores() <= at + 1e-9).orElse(false);
        boolean heldDown = heldByPool || before.level() != TrustLevel.HIGH;
        Optional<String> saturated =
                heldDown
                        ? policy.settings().cpuSaturation(forecast, current.cpuCores())
                        : Optional.empty();
        if (saturated.isPresent()
                && (held.level().ordinal() < before.level().ordinal()
                        || held.calmStreak() > before.calmStreak())) {
            // TrustLevel declares HIGH, MEDIUM, LOW: a smaller ordinal is more trust. A task held
            // down (by the pool, or by the limits its lowered trust brought) that uses all it is
            // given cannot show its demand: its calm windows are no evidence that it changed, so
            // they do not count towards recovery (a capped CPU burner reads as calm).
            held = before;
            notes.add(
                    String.format(
                            java.util.Locale.ROOT,
                            "held down by %s at %.3f cores (%s): a calm window is no evidence,"
                                    + " trust stays %s (calm streak %d)",
                            heldByPool ? "the node's pool" : "its trust's limits",
                            current.cpuCores(),
                            saturated.get(),
                            before.level(),
                            before.calmStreak()));
        }
        storage.set(TRUST, held.level().name());
        storage.set(CALM_STREAK, held.calmStreak());
        // The stricter of the risk side and the held sandbox level wins (SandboxPolicy).
        FeedbackSettings feedback = rules.feedback();
        double headroom =
                feedback.clampHeadroom(storage.get(HEADROOM).orElse(policy.settings().headroom()));
        Proposal risky =
                policy.propose(
                        new RiskInput(
                                assessment.getRiskScore(), forecast, current, firstMemoryForecast),
                        held.level(),
                        headroom);
        SandboxPolicy.Constrained constrained =
                rules.sandboxPolicy().constrain(risky, hold(storage), current);
        Proposal proposal = constrained.proposal();
        if (proposal.action() == EnforcementAction.ALLOCATE && storage.get(HEADROOM).isPresent()) {
            notes.add(
                    String.format(
                            java.util.Locale.ROOT,
                            "headroom %.0f%% tuned by the enforcer's acks (policy starts at %.0f%%,"
                                    + " bounds %.0f-%.0f%%)%s",
                            headroom * 100,
                            policy.settings().headroom() * 100,
                            feedback.headroomMin() * 100,
                            feedback.headroomMax() * 100,
                            storage.get(HEADROOM_NOTE).map(n -> "; last ack: " + n).orElse("")));
        }

        long sequence = nextSequence(storage);
        if (profile.getUserId() != null) {
            context.send(
                    MessageBuilder.forAddress(UserFn.TYPE, profile.getUserId())
                            .withCustomType(
                                    Types.USER_REPORT,
                                    UserReport.newBuilder()
                                            .setUserId(profile.getUserId())
                                            .setTaskId(taskId)
                                            .setRiskScore(assessment.getRiskScore())
                                            .setTrustLevel(proposal.trustLevel().name())
                                            .setAtMs(assessment.getWindowEnd().toEpochMilli())
                                            .build())
                            .build());
        }
        if (proposal.action() == EnforcementAction.QUARANTINE) {
            quarantine(context, taskId, sequence, assessment.getWindowEnd());
        }
        List<String> reasons = new ArrayList<>(notes);
        reasons.add(
                String.format(
                        java.util.Locale.ROOT,
                        "assessment window %s, model %s, confidence %.2f",
                        assessment.getWindowEnd(),
                        assessment.getModelVersion(),
                        assessment.getConfidence()));
        reasons.addAll(proposal.reasons());
        PendingDecision pending =
                pending(proposal, sequence, assessment.getSourceTimestamp(), reasons)
                        .setNetworkBandwidthBps(constrained.networkBandwidthBps())
                        .setSecurityEvents(
                                proposal.action() == EnforcementAction.QUARANTINE
                                        ? List.of(SecurityEventType.TASK_ISOLATED.name())
                                        : List.of())
                        .setRiskScore(assessment.getRiskScore())
                        .build();
        request(context, profile, pending);
    }

    /**
     * Why no decision is made for this task any more, if so: it ended, was terminated, or is
     * quarantined (frozen and kept for inspection: any decision now would release it, since the
     * enforcer thaws a quarantined task on its next ALLOCATE / THROTTLE / RESTRICT; windows that
     * close after the freeze only show the task standing still).
     */
    /**
     * The task's next decision sequence, taken (monotonic: the enforcer never applies an older
     * one).
     */
    private static long nextSequence(AddressScopedStorage storage) {
        long sequence = storage.get(SEQUENCE).orElse(0L) + 1;
        storage.set(SEQUENCE, sequence);
        return sequence;
    }

    private static Optional<String> inactive(AddressScopedStorage storage) {
        if (storage.get(PROFILE).map(TaskProfile::getEnded).orElse(false)) {
            return Optional.of("task-ended");
        }
        if (storage.get(TERMINATED).orElse(false)) {
            return Optional.of("task-terminated");
        }
        if (storage.get(QUARANTINED).isPresent()) {
            return Optional.of("task-quarantined");
        }
        return Optional.empty();
    }

    /**
     * A sequence anomaly window: the sandbox levels ({@link SandboxPolicy}). NORMAL decides
     * nothing; LOW, MEDIUM and HIGH decide when they raise what is in force, through the same
     * reserved-sequence, node-granted path as a risk decision.
     */
    private void onAnomaly(Context context, SequenceAnomaly anomaly) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        Optional<String> inactive = inactive(storage);
        if (inactive.isPresent()) {
            observer.assessmentSkipped(taskId, "anomaly-" + inactive.get());
            return;
        }
        Allocation current = toAllocation(decidedLimits(storage));
        TrustLevel trust = storage.get(TRUST).map(TrustLevel::valueOf).orElse(TrustLevel.HIGH);
        Optional<Long> workingSet = storage.get(WORKING_SET);
        SandboxOutcome outcome =
                rules.sandboxPolicy()
                        .decide(
                                anomaly,
                                hold(storage),
                                current,
                                trust,
                                workingSet.map(OptionalLong::of).orElse(OptionalLong.empty()));
        setHold(storage, outcome.next());
        if (outcome.decision().isEmpty()) {
            if (outcome.skipped() != null) {
                observer.assessmentSkipped(taskId, outcome.skipped());
            }
            return;
        }
        SandboxDecision d = outcome.decision().get();
        reportAnomaly(context, anomaly);
        List<String> reasons = new ArrayList<>();
        storage.get(BASELINE_NOTE)
                .ifPresent(
                        note -> {
                            reasons.add(note);
                            storage.remove(BASELINE_NOTE);
                        });
        TaskProfile profile =
                profile(storage, taskId, anomaly.getNodeId(), anomaly.getUserId(), reasons);
        reasons.addAll(d.reasons());
        long sequence = nextSequence(storage);
        if (d.action() == EnforcementAction.QUARANTINE) {
            quarantine(context, taskId, sequence, anomaly.getWindowEnd());
        }
        request(
                context,
                profile,
                PendingDecision.newBuilder()
                        .setSequence(sequence)
                        .setAction(d.action().name())
                        .setTrustLevel(d.trustLevel().name())
                        .setSandboxProfile(d.sandboxProfile())
                        .setMonitoringIntervalMs(d.monitoringIntervalMs())
                        .setCauseTimestamp(anomaly.getWindowEnd())
                        .setRequested(toLimits(d.allocation()))
                        .setReasons(reasons)
                        .setNetworkBandwidthBps(d.networkBandwidthBps())
                        .setSplitPid(d.splitPid())
                        .setSplitLimits(d.splitLimits() == null ? null : toLimits(d.splitLimits()))
                        .setPidsMax(d.pidsMax())
                        .setSecurityEvents(
                                d.securityEvents().stream().map(SecurityEventType::name).toList())
                        .setAnomalyScore(anomaly.getScore())
                        .build());
    }

    /**
     * The node reclaimed part of this task's grant for a task of higher trust (adaptive-trust-zones
     * step 4). The pool's grant is already smaller; the task decides the smaller limits through the
     * usual pending → grant path (so its decisions stay in sequence order), never more than it has,
     * and is held down: its calm windows no longer count towards recovering trust.
     */
    private void onReclaim(Context context, ReclaimNotice notice) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        Optional<TaskProfile> known = storage.get(PROFILE);
        if (known.isEmpty() || inactive(storage).isPresent()) {
            LOG.info("reclaim from task {} ignored: ended, terminated or quarantined", taskId);
            return;
        }
        Allocation current =
                storage.get(ALLOCATION)
                        .map(TaskFn::toAllocation)
                        .orElse(policy.settings().defaultAllocation());
        Allocation reduced =
                new Allocation(
                        Math.min(notice.getCpuCores(), current.cpuCores()),
                        Math.min(notice.getMemoryBytes(), current.memoryBytes()),
                        current.networkEnabled());
        TrustLevel trust = storage.get(TRUST).map(TrustLevel::valueOf).orElse(TrustLevel.HIGH);
        List<String> reasons = new ArrayList<>(notice.getReasons());
        reasons.add(
                String.format(
                        java.util.Locale.ROOT,
                        "reclaimed: cpu %.3f -> %.3f cores, memory %d MiB, trust %s kept",
                        current.cpuCores(),
                        reduced.cpuCores(),
                        reduced.memoryBytes() / Allocation.MIB,
                        trust));
        Proposal proposal =
                rules.sandboxPolicy()
                        .constrain(
                                new Proposal(
                                        trust == TrustLevel.LOW
                                                ? EnforcementAction.RESTRICT
                                                : EnforcementAction.THROTTLE,
                                        trust,
                                        reduced,
                                        trust == TrustLevel.LOW
                                                ? AllocationPolicy.PROFILE_RESTRICTED
                                                : AllocationPolicy.PROFILE_MONITORED,
                                        policy.settings().elevatedMonitoringIntervalMs(),
                                        reasons),
                                hold(storage),
                                current)
                        .proposal();
        long sequence = nextSequence(storage);
        request(
                context,
                known.get(),
                pending(proposal, sequence, clock.instant(), proposal.reasons())
                        .setReclaimed(true)
                        .build());
    }

    /**
     * A decision to request carrying {@code proposal}'s action, trust, sandbox profile, monitoring
     * interval and allocation; the caller adds what is particular to its cause.
     */
    private static PendingDecision.Builder pending(
            Proposal proposal, long sequence, Instant cause, List<String> reasons) {
        return PendingDecision.newBuilder()
                .setSequence(sequence)
                .setAction(proposal.action().name())
                .setTrustLevel(proposal.trustLevel().name())
                .setSandboxProfile(proposal.sandboxProfile())
                .setMonitoringIntervalMs(proposal.monitoringIntervalMs())
                .setCauseTimestamp(cause)
                .setRequested(toLimits(proposal.allocation()))
                .setReasons(reasons);
    }

    /** The task's profile, made from what a record says when no STARTED event was seen. */
    private static TaskProfile profile(
            AddressScopedStorage storage,
            String taskId,
            String nodeId,
            String userId,
            List<String> notes) {
        Optional<TaskProfile> known = storage.get(PROFILE);
        if (known.isPresent()) {
            return known.get();
        }
        // Never drop a record for want of a STARTED event: act on what it says.
        TaskProfile profile =
                TaskProfile.newBuilder()
                        .setTaskId(taskId)
                        .setNodeId(nodeId)
                        .setUserId(userId)
                        .setRole(null)
                        .setStartedAt(null)
                        .setEnded(false)
                        .build();
        storage.set(PROFILE, profile);
        notes.add("no STARTED event seen: node from the assessment, default current allocation");
        return profile;
    }

    static SandboxHold hold(AddressScopedStorage storage) {
        return new SandboxHold(
                storage.get(SANDBOX_LEVEL).map(AnomalyLevel::valueOf).orElse(AnomalyLevel.NORMAL),
                storage.get(SANDBOX_CALM).orElse(0),
                storage.get(SPLIT_PID).orElse(null));
    }

    private static void setHold(AddressScopedStorage storage, SandboxHold hold) {
        storage.set(SANDBOX_LEVEL, hold.level().name());
        storage.set(SANDBOX_CALM, hold.calmWindows());
        if (hold.splitPid() != null) {
            storage.set(SPLIT_PID, hold.splitPid());
        }
    }

    /**
     * Marks the task quarantined by decision {@code sequence} and asks the runtime to remind it
     * when the quarantine time has passed. From the proposal on, not the grant: a record arriving
     * before the grant must not decide anything that would release the quarantine.
     */
    private void quarantine(Context context, String taskId, long sequence, Instant cause) {
        context.storage().set(QUARANTINED, sequence);
        context.storage().set(QUARANTINED_AT, cause.toEpochMilli());
        long after = policy.settings().terminateAfterMs();
        if (after > 0) {
            context.sendAfter(
                    Duration.ofMillis(after),
                    MessageBuilder.forAddress(TYPE, taskId)
                            .withCustomType(
                                    Types.QUARANTINE_EXPIRY,
                                    QuarantineExpiry.newBuilder()
                                            .setTaskId(taskId)
                                            .setSequence(sequence)
                                            .build())
                            .build());
        }
    }

    /** Keeps the proposal as pending and asks the task's node to grant it. */
    private void request(Context context, TaskProfile profile, PendingDecision pending) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        List<PendingDecision> items =
                new ArrayList<>(
                        storage.get(PENDING).map(PendingDecisions::getItems).orElse(List.of()));
        items.add(pending);
        storage.set(PENDING, new PendingDecisions(items));

        context.send(
                MessageBuilder.forAddress(NodeFn.TYPE, profile.getNodeId())
                        .withCustomType(
                                Types.ALLOCATION_REQUEST,
                                AllocationRequest.newBuilder()
                                        .setTaskId(taskId)
                                        .setNodeId(profile.getNodeId())
                                        .setSequence(pending.getSequence())
                                        .setRequested(pending.getRequested())
                                        .setTrustLevel(pending.getTrustLevel())
                                        // A frozen task is left alone: a decision to shrink it
                                        // would thaw it.
                                        .setReclaimable(
                                                !pending.getAction()
                                                                .equals(
                                                                        EnforcementAction.QUARANTINE
                                                                                .name())
                                                        && !pending.getAction()
                                                                .equals(
                                                                        EnforcementAction.TERMINATE
                                                                                .name()))
                                        .build())
                        .build());
    }

    private void onGrant(Context context, AllocationGrant grant) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        List<PendingDecision> items =
                new ArrayList<>(
                        storage.get(PENDING).map(PendingDecisions::getItems).orElse(List.of()));
        PendingDecision pending = null;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).getSequence() == grant.getSequence()) {
                pending = items.remove(i);
                break;
            }
        }
        if (pending == null) {
            // Cannot happen with exactly-once messaging; make it loud rather than invent a
            // decision.
            LOG.error(
                    "grant {} for task {} matches no pending proposal",
                    grant.getSequence(),
                    taskId);
            deadLetter(
                    context,
                    "internal",
                    Codecs.of(AllocationGrant.class).encode(grant),
                    "orphan-grant",
                    "grant " + grant.getSequence() + " matches no pending proposal");
            return;
        }
        if (items.isEmpty()) {
            storage.remove(PENDING);
        } else {
            storage.set(PENDING, new PendingDecisions(items));
        }
        if (!storage.get(PROFILE).map(TaskProfile::getEnded).orElse(false)) {
            storage.set(ALLOCATION, grant.getGranted());
        }
        double grantedCpu = grant.getGranted().getCpuCores();
        if (pending.getReclaimed() || grantedCpu < pending.getRequested().getCpuCores() - 1e-9) {
            storage.set(HELD_AT, grantedCpu);
        } else if (storage.get(HELD_AT).map(at -> grantedCpu > at + 1e-9).orElse(false)) {
            storage.remove(HELD_AT);
        }
        List<String> reasons = new ArrayList<>(pending.getReasons());
        reasons.addAll(grant.getReasons());
        reasons.add(
                "policy "
                        + rules.version()
                        + (rules.monitorOnly() ? " (monitor only: not sent)" : ""));
        Limits granted = grant.getGranted();
        // SPLIT: the grant is the task's own (unchanged) allocation; the decision's limits are the
        // split group's, never above what the task was granted.
        Limits limits = granted;
        if (pending.getSplitLimits() != null) {
            Limits child = pending.getSplitLimits();
            limits =
                    Limits.newBuilder()
                            .setCpuCores(Math.min(child.getCpuCores(), granted.getCpuCores()))
                            .setMemoryBytes(
                                    Math.min(child.getMemoryBytes(), granted.getMemoryBytes()))
                            .setNetworkEnabled(granted.getNetworkEnabled())
                            .build();
        }
        EnforcementAction action = EnforcementAction.valueOf(pending.getAction());
        TrustLevel trust = TrustLevel.valueOf(pending.getTrustLevel());
        boolean restrictedNow = storage.get(NETWORK_RESTRICTED).orElse(false);
        List<String> allowList =
                rules.networkAllowLists()
                        .forDecision(action, trust, hold(storage).level(), restrictedNow);
        if (allowList != null) {
            reasons.add(reasons.size() - 1, allowListReason(action, allowList));
        }
        if (NetworkAllowLists.restrictsAfter(action, allowList, restrictedNow)) {
            storage.set(NETWORK_RESTRICTED, true);
        } else {
            storage.remove(NETWORK_RESTRICTED);
        }
        EnforcementDecision decision =
                EnforcementDecision.newBuilder()
                        .setDecisionId(decisionId(taskId, pending.getSequence()))
                        .setTaskId(taskId)
                        .setNodeId(grant.getNodeId())
                        .setSequence(pending.getSequence())
                        .setAction(action)
                        .setTrustLevel(trust)
                        .setNetworkAllowList(allowList)
                        .setCpuCores(limits.getCpuCores())
                        .setMemoryBytes(limits.getMemoryBytes())
                        .setNetworkEnabled(limits.getNetworkEnabled())
                        .setNetworkBandwidthBps(
                                limits.getNetworkEnabled()
                                        ? pending.getNetworkBandwidthBps()
                                        : null)
                        .setDiskReadBps(null)
                        .setDiskWriteBps(null)
                        .setPidsMax(pending.getPidsMax())
                        .setSplitPid(pending.getSplitPid())
                        .setSandboxProfile(pending.getSandboxProfile())
                        .setMonitoringIntervalMs(pending.getMonitoringIntervalMs())
                        .setCauseTimestamp(pending.getCauseTimestamp())
                        .setIssuedAt(clock.instant())
                        .setReasons(reasons)
                        .build();
        emit(context, decision, taskId, reasons);
        long decided = pending.getSequence();
        if (storage.get(TERMINATE_DUE).map(due -> due == decided).orElse(false)) {
            // Its quarantine time passed while this QUARANTINE waited for the grant.
            storage.remove(TERMINATE_DUE);
            sendSecurityEvents(context, decision, pending);
            Optional<String> why = storage.get(TERMINATE_WHY);
            storage.remove(TERMINATE_WHY);
            if (why.isPresent()) {
                terminate(context, why.get());
            } else {
                terminate(
                        context,
                        QuarantineExpiry.newBuilder()
                                .setTaskId(taskId)
                                .setSequence(pending.getSequence())
                                .build());
            }
            return;
        }
        sendSecurityEvents(context, decision, pending);
    }

    private static String allowListReason(EnforcementAction action, List<String> allowList) {
        if (allowList.equals(NetworkAllowLists.LIFT)) {
            return "network allow-list lifted (0.0.0.0/0): back to the task's launch allow-list";
        }
        String list = allowList.isEmpty() ? "no destination" : String.join(", ", allowList);
        return action == EnforcementAction.SPLIT
                ? "split-off group's network restricted to " + list
                : "network restricted to " + list + " (within the task's launch allow-list)";
    }

    private void sendSecurityEvents(
            Context context, EnforcementDecision decision, PendingDecision pending) {
        if (pending.getSecurityEvents() == null) {
            // Every path sets the list (default []); seen null once in an IT run, not reproduced.
            LOG.error("pending decision without securityEvents (none sent): {}", pending);
        }
        for (String type :
                pending.getSecurityEvents() == null
                        ? List.<String>of()
                        : pending.getSecurityEvents()) {
            securityEvent(
                    context,
                    decision,
                    SecurityEventType.valueOf(type),
                    pending.getAnomalyScore(),
                    pending.getRiskScore());
        }
    }

    /**
     * Sends a security event that goes with {@code decision}; its id is deterministic ({@code
     * taskId/type/sequence}), so a consumer recognises a replay. Under a monitor-only policy only
     * SCAN_REQUESTED is sent (it asks a scanner to look and changes nothing on the node); a
     * TASK_ISOLATED or TASK_TERMINATED would be false when the decision was not sent, so it is
     * withheld and counted.
     */
    private void securityEvent(
            Context context,
            EnforcementDecision decision,
            SecurityEventType type,
            Double anomalyScore,
            Double riskScore) {
        String taskId = decision.getTaskId();
        if (rules.monitorOnly() && type != SecurityEventType.SCAN_REQUESTED) {
            observer.securityEventWithheld(taskId, type);
            LOG.info(
                    "monitor-only policy {}: security event {} for task {} not sent",
                    rules.version(),
                    type,
                    taskId);
            return;
        }
        String userId =
                context.storage()
                        .get(PROFILE)
                        .map(TaskProfile::getUserId)
                        .filter(u -> u != null)
                        .orElse("unknown");
        SecurityEvent event =
                SecurityEvent.newBuilder()
                        .setEventId(
                                taskId
                                        + "/"
                                        + type.name().toLowerCase(java.util.Locale.ROOT)
                                        + "/"
                                        + decision.getSequence())
                        .setTaskId(taskId)
                        .setUserId(userId)
                        .setNodeId(decision.getNodeId())
                        .setTimestamp(decision.getIssuedAt())
                        .setType(type)
                        .setDecisionId(decision.getDecisionId())
                        .setAnomalyScore(anomalyScore)
                        .setRiskScore(riskScore)
                        .setReasons(decision.getReasons())
                        .build();
        context.send(
                KafkaEgressMessage.forEgress(SECURITY_EGRESS)
                        .withTopic(Topics.SECURITY.name())
                        .withUtf8Key(taskId)
                        .withValue(Topics.SECURITY.codec().encode(event))
                        .build());
        observer.securityEventSent(event);
    }

    /** Sends a decision to the enforcers, or under a monitor-only policy logs it instead. */
    private void emit(
            Context context, EnforcementDecision decision, String taskId, List<String> reasons) {
        // A decision of its own starts no retry chain; reissue() sets the chain after this.
        context.storage().set(LAST_DECISION, decision);
        context.storage().remove(RETRY_OF);
        context.storage().remove(RETRY_ATTEMPTS);
        if (rules.monitorOnly()) {
            // A dry run: the decision is made (and the state follows it) but never reaches a node.
            observer.decisionWithheld(decision);
            LOG.info(
                    "monitor-only policy {}: decision {} {} for task {} not sent: cpu {} memory {}"
                            + " network {}; {}",
                    rules.version(),
                    decision.getDecisionId(),
                    decision.getAction(),
                    taskId,
                    decision.getCpuCores(),
                    decision.getMemoryBytes(),
                    decision.getNetworkEnabled(),
                    String.join("; ", reasons));
            return;
        }
        context.send(decisionMessage(decision));
        observer.decisionIssued(decision);
        LOG.debug(
                "decision {} {} for task {}",
                decision.getDecisionId(),
                decision.getAction(),
                taskId);
    }

    /**
     * The quarantine time of decision {@code expiry.sequence} has passed. If that quarantine still
     * holds (no later decision released it, the task did not end), the task is terminated:
     * "isolate, then terminate" (adaptive-trust-zones.md, Critical). The TERMINATE decision goes
     * straight to the enforcer, and the task's grant back to its node's pool.
     */
    private void onQuarantineExpiry(Context context, QuarantineExpiry expiry) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        Optional<Long> quarantined = storage.get(QUARANTINED);
        boolean ended = storage.get(PROFILE).map(TaskProfile::getEnded).orElse(false);
        if (quarantined.isEmpty()
                || quarantined.get() != expiry.getSequence()
                || ended
                || storage.get(TERMINATED).orElse(false)) {
            LOG.debug(
                    "quarantine expiry of decision {} for task {} is moot",
                    expiry.getSequence(),
                    taskId);
            return;
        }
        boolean quarantineSent =
                storage.get(PENDING).map(PendingDecisions::getItems).orElse(List.of()).stream()
                        .noneMatch(p -> p.getSequence() == expiry.getSequence());
        if (!quarantineSent) {
            // The QUARANTINE itself still waits for its node's grant (e.g. after a restore): a
            // TERMINATE now would reach the enforcer before it, out of sequence. It follows the
            // grant instead (onGrant).
            storage.set(TERMINATE_DUE, expiry.getSequence());
            return;
        }
        terminate(context, expiry);
    }

    private void terminate(Context context, QuarantineExpiry expiry) {
        terminate(
                context,
                "quarantined by decision #"
                        + expiry.getSequence()
                        + " and not released within "
                        + Duration.ofMillis(policy.settings().terminateAfterMs()).toSeconds()
                        + " s: terminate (critical anomaly: isolate, then terminate)");
    }

    /** Issues TERMINATE (next sequence, straight to the enforcer) and returns the grant. */
    private void terminate(Context context, String why) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        long sequence = nextSequence(storage);
        storage.remove(QUARANTINED);
        storage.remove(QUARANTINED_AT);
        storage.set(TERMINATED, true);
        Limits current = currentLimits(storage);
        String nodeId =
                storage.get(PROFILE)
                        .map(TaskProfile::getNodeId)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "quarantined task without profile"));
        List<String> reasons = new ArrayList<>();
        reasons.add(why);
        reasons.add(
                "policy "
                        + rules.version()
                        + (rules.monitorOnly() ? " (monitor only: not sent)" : ""));
        EnforcementDecision decision =
                EnforcementDecision.newBuilder()
                        .setDecisionId(decisionId(taskId, sequence))
                        .setTaskId(taskId)
                        .setNodeId(nodeId)
                        .setSequence(sequence)
                        .setAction(EnforcementAction.TERMINATE)
                        .setTrustLevel(TrustLevel.LOW)
                        .setCpuCores(current.getCpuCores())
                        .setMemoryBytes(current.getMemoryBytes())
                        .setNetworkEnabled(false)
                        .setNetworkBandwidthBps(null)
                        .setDiskReadBps(null)
                        .setDiskWriteBps(null)
                        .setPidsMax(null)
                        .setSandboxProfile(AllocationPolicy.PROFILE_RESTRICTED)
                        .setMonitoringIntervalMs(policy.settings().elevatedMonitoringIntervalMs())
                        .setCauseTimestamp(clock.instant())
                        .setIssuedAt(clock.instant())
                        .setReasons(reasons)
                        .build();
        emit(context, decision, taskId, reasons);
        securityEvent(context, decision, SecurityEventType.TASK_TERMINATED, null, null);
        release(context, taskId, nodeId);
    }

    /** Returns the task's grant to its node's pool. */
    private static void release(Context context, String taskId, String nodeId) {
        context.send(
                MessageBuilder.forAddress(NodeFn.TYPE, nodeId)
                        .withCustomType(
                                Types.RELEASE_REQUEST,
                                ReleaseRequest.newBuilder()
                                        .setTaskId(taskId)
                                        .setNodeId(nodeId)
                                        .build())
                        .build());
    }

    /** The user's record allows this task at most {@code baseline.trustLevel}. */
    private void onBaseline(Context context, BaselineTrust baseline) {
        AddressScopedStorage storage = context.storage();
        TrustLevel held = storage.get(TRUST).map(TrustLevel::valueOf).orElse(TrustLevel.HIGH);
        TrustLevel allowed = TrustLevel.valueOf(baseline.getTrustLevel());
        TrustLevel next = lower(held, allowed);
        if (next != held) {
            storage.set(TRUST, next.name());
            storage.set(CALM_STREAK, 0);
        }
        storage.set(
                BASELINE_NOTE,
                "baseline: "
                        + baseline.getReason()
                        + (next != held ? "; trust starts at " + next : "; trust stays " + held));
    }

    /** The less trusted of two levels. */
    static TrustLevel lower(TrustLevel a, TrustLevel b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private void onTaskEvent(Context context, TaskEvent event) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        if (event.getType() == TaskEventType.STARTED) {
            Optional<TaskProfile> before = storage.get(PROFILE);
            if (before.map(TaskProfile::getEnded).orElse(false)) {
                // The id is reused by a new task: the old one's quarantine or end is not its.
                storage.remove(QUARANTINED);
                storage.remove(TERMINATED);
                storage.remove(TRUST);
                storage.remove(CALM_STREAK);
                storage.remove(SANDBOX_LEVEL);
                storage.remove(SANDBOX_CALM);
                storage.remove(SPLIT_PID);
                storage.remove(WORKING_SET);
                storage.remove(HELD_AT);
                storage.remove(TERMINATE_DUE);
                storage.remove(TERMINATE_WHY);
                storage.remove(QUARANTINED_AT);
                storage.remove(HEADROOM);
                storage.remove(HEADROOM_LOW);
                storage.remove(HEADROOM_NOTE);
                storage.remove(LAST_DECISION);
                storage.remove(RETRY_OF);
                storage.remove(RETRY_ATTEMPTS);
            }
            boolean fresh = before.isEmpty() || before.get().getEnded();
            if (fresh) {
                // adaptive-trust-zones.md step 1: the task starts at the baseline trust its
                // source and configuration give it (never above what it already fell to, if
                // assessments overtook this event), and asks its user's record for the highest
                // trust the user's reputation allows.
                TrustLevel baseline =
                        event.getBaselineTrust() == null
                                ? TrustLevel.HIGH
                                : event.getBaselineTrust();
                TrustLevel held =
                        storage.get(TRUST).map(TrustLevel::valueOf).orElse(TrustLevel.HIGH);
                storage.set(TRUST, lower(held, baseline).name());
                context.send(
                        MessageBuilder.forAddress(UserFn.TYPE, event.getUserId())
                                .withCustomType(
                                        Types.BASELINE_REQUEST,
                                        BaselineRequest.newBuilder()
                                                .setUserId(event.getUserId())
                                                .setTaskId(taskId)
                                                .setAtMs(event.getTimestamp().toEpochMilli())
                                                .build())
                                .build());
            }
            storage.set(
                    PROFILE,
                    TaskProfile.newBuilder()
                            .setTaskId(taskId)
                            .setNodeId(event.getNodeId())
                            .setUserId(event.getUserId())
                            .setRole(event.getRole())
                            .setStartedAt(event.getTimestamp())
                            .setEnded(false)
                            .build());
            // If decisions were already made (assessments overtook STARTED), they stay in force.
            if (storage.get(ALLOCATION).isEmpty()) {
                storage.set(ALLOCATION, initialLimits(event.getInitialAllocation()));
            }
            return;
        }
        String nodeId = storage.get(PROFILE).map(TaskProfile::getNodeId).orElse(event.getNodeId());
        TaskProfile ended =
                storage.get(PROFILE)
                        .map(p -> TaskProfile.newBuilder(p).setEnded(true).build())
                        .orElse(
                                TaskProfile.newBuilder()
                                        .setTaskId(taskId)
                                        .setNodeId(nodeId)
                                        .setUserId(event.getUserId())
                                        .setRole(event.getRole())
                                        .setStartedAt(null)
                                        .setEnded(true)
                                        .build());
        storage.set(PROFILE, ended);
        storage.remove(ALLOCATION);
        storage.remove(LAST_ACK);
        // The sequence stays: a reused task id must never repeat a decision id.
        release(context, taskId, nodeId);
    }

    private void onAck(Context context, EnforcementAck ack) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        long lastAck = storage.get(LAST_ACK).orElse(0L);
        if (ack.getSequence() < lastAck) {
            return; // an older ack arriving late says nothing new
        }
        storage.set(LAST_ACK, ack.getSequence());
        boolean latest = ack.getSequence() == storage.get(SEQUENCE).orElse(0L);
        Optional<EnforcementDecision> decided =
                storage.get(LAST_DECISION).filter(d -> d.getSequence() == ack.getSequence());
        if (ack.getOutcome() == AckOutcome.APPLIED && ack.getApplied() != null && latest) {
            // What the enforcer reports in force is the current allocation of the next round.
            Limits current = currentLimits(storage);
            storage.set(ALLOCATION, merge(ack.getApplied(), current));
            if (storage.get(RETRY_OF).isPresent()) {
                LOG.info(
                        "decision {} of task {} applied after {} attempt(s) re-issuing {}",
                        ack.getDecisionId(),
                        taskId,
                        storage.get(RETRY_ATTEMPTS).orElse(0),
                        storage.get(RETRY_OF).get());
                storage.remove(RETRY_OF);
                storage.remove(RETRY_ATTEMPTS);
            }
            if (decided.map(d -> d.getAction() == EnforcementAction.ALLOCATE).orElse(false)) {
                // The feedback loop: only a proactive allocation was sized by the headroom; usage
                // under a cut (THROTTLE, RESTRICT) is held down on purpose and says nothing of it.
                HeadroomTuner tuner = new HeadroomTuner(rules.feedback());
                HeadroomTuner.Tuned tuned =
                        tuner.tune(
                                new HeadroomTuner.State(
                                        storage.get(HEADROOM)
                                                .orElse(
                                                        tuner.initial(policy.settings().headroom())
                                                                .headroom()),
                                        storage.get(HEADROOM_LOW).orElse(0)),
                                ack.getApplied(),
                                ack.getObserved());
                storage.set(HEADROOM, tuned.next().headroom());
                storage.set(HEADROOM_LOW, tuned.next().lowStreak());
                storage.set(HEADROOM_NOTE, tuned.reason());
                LOG.debug("task {} ack {}: {}", taskId, ack.getDecisionId(), tuned.reason());
            }
            return;
        }
        if (ack.getOutcome() != AckOutcome.FAILED && ack.getOutcome() != AckOutcome.REJECTED) {
            return;
        }
        if (decided.isEmpty()) {
            // Not the decision this function issued last (a newer one superseded it, or the
            // state that knew it is gone): nothing to re-issue, but never silently.
            LOG.warn(
                    "decision {} of task {} was {} ({}); {}",
                    ack.getDecisionId(),
                    taskId,
                    ack.getOutcome(),
                    ack.getReason(),
                    latest ? "its decision is not known here" : "a newer decision supersedes it");
            observer.ackFollowedUp(taskId, latest ? "unknown" : "superseded");
            if (latest) {
                deadLetter(
                        context,
                        Topics.ACKS.name(),
                        Codecs.of(EnforcementAck.class).encode(ack),
                        "ack.unknown-decision",
                        "decision "
                                + ack.getDecisionId()
                                + " was "
                                + ack.getOutcome()
                                + " and is not known to TaskFn: neither retried nor escalated");
            }
            return;
        }
        EnforcementDecision failed = decided.get();
        AckPolicy.FollowUp next =
                new AckPolicy(rules.feedback())
                        .onProblem(ack, failed, latest, storage.get(RETRY_ATTEMPTS).orElse(0));
        observer.ackFollowedUp(
                taskId, next.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        if (next instanceof AckPolicy.Superseded superseded) {
            LOG.info("task {}: {}", taskId, superseded.reason());
        } else if (next instanceof AckPolicy.Gone gone) {
            LOG.warn("task {}: {}", taskId, gone.reason());
            storage.set(TERMINATED, true);
            storage.remove(QUARANTINED);
            storage.get(PROFILE).ifPresent(p -> release(context, taskId, p.getNodeId()));
        } else if (next instanceof AckPolicy.Retry retry) {
            LOG.warn("task {}: {}", taskId, retry.reason());
            context.sendAfter(
                    retry.delay(),
                    MessageBuilder.forAddress(TYPE, taskId)
                            .withCustomType(
                                    Types.DECISION_RETRY,
                                    DecisionRetry.newBuilder()
                                            .setTaskId(taskId)
                                            .setSequence(failed.getSequence())
                                            .setAttempt(retry.attempt())
                                            .setReason(retry.reason())
                                            .build())
                            .build());
        } else if (next instanceof AckPolicy.Correct correct) {
            LOG.warn("task {}: {}", taskId, correct.reason());
            reissue(
                    context,
                    failed,
                    correct.attempt(),
                    correct.cpuCores(),
                    correct.memoryBytes(),
                    correct.reason());
        } else if (next instanceof AckPolicy.Escalate escalate) {
            escalate(context, failed, escalate);
        }
    }

    /** A FAILED decision's backoff has passed: re-issue it if it is still the task's latest. */
    private void onRetry(Context context, DecisionRetry retry) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        Optional<EnforcementDecision> last =
                storage.get(LAST_DECISION).filter(d -> d.getSequence() == retry.getSequence());
        if (storage.get(PROFILE).map(TaskProfile::getEnded).orElse(false)) {
            LOG.info(
                    "retry of decision {} of task {}: the task ended", retry.getSequence(), taskId);
            return;
        }
        if (last.isEmpty() || storage.get(SEQUENCE).orElse(0L) != retry.getSequence()) {
            LOG.info(
                    "retry of decision {} of task {}: a newer decision supersedes it",
                    retry.getSequence(),
                    taskId);
            return;
        }
        reissue(
                context,
                last.get(),
                retry.getAttempt(),
                last.get().getCpuCores(),
                last.get().getMemoryBytes(),
                retry.getReason());
    }

    /**
     * Re-issues {@code failed} under the next sequence with these CPU and memory limits (straight
     * to the enforcer: the node's pool granted them, or more, for the failed decision), as attempt
     * {@code attempt} of the chain that began with the first failed decision.
     */
    private void reissue(
            Context context,
            EnforcementDecision failed,
            int attempt,
            double cpuCores,
            long memoryBytes,
            String why) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        String origin = storage.get(RETRY_OF).orElse(failed.getDecisionId());
        long sequence = nextSequence(storage);
        List<String> reasons = new ArrayList<>();
        reasons.add(
                String.format(
                        java.util.Locale.ROOT,
                        "%s %d of %d of decision %s: %s",
                        cpuCores == failed.getCpuCores() && memoryBytes == failed.getMemoryBytes()
                                ? "retry"
                                : "correction",
                        attempt,
                        rules.feedback().maxRetries(),
                        origin,
                        why));
        reasons.addAll(failed.getReasons());
        EnforcementDecision decision =
                EnforcementDecision.newBuilder(failed)
                        .setDecisionId(decisionId(taskId, sequence))
                        .setSequence(sequence)
                        .setCpuCores(cpuCores)
                        .setMemoryBytes(memoryBytes)
                        .setIssuedAt(clock.instant())
                        .setReasons(reasons)
                        .build();
        Limits current = currentLimits(storage);
        storage.set(
                ALLOCATION,
                Limits.newBuilder(current)
                        .setCpuCores(Math.min(current.getCpuCores(), cpuCores))
                        .setMemoryBytes(Math.min(current.getMemoryBytes(), memoryBytes))
                        .build());
        emit(context, decision, taskId, reasons);
        storage.set(RETRY_OF, origin);
        storage.set(RETRY_ATTEMPTS, attempt);
    }

    /**
     * A decision that cannot be enforced: a dead letter for the operators (always), then the
     * stricter action {@link AckPolicy} chose, if any.
     */
    private void escalate(
            Context context, EnforcementDecision failed, AckPolicy.Escalate escalation) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        LOG.error("task {}: {}", taskId, escalation.reason());
        deadLetter(
                context,
                Topics.DECISIONS.name(),
                Topics.DECISIONS.codec().encode(failed),
                "decision.unenforceable",
                escalation.reason());
        storage.remove(RETRY_OF);
        storage.remove(RETRY_ATTEMPTS);
        if (escalation.stricter().isEmpty()
                || storage.get(PROFILE).map(TaskProfile::getEnded).orElse(true)) {
            return;
        }
        if (escalation.stricter().get() == EnforcementAction.TERMINATE) {
            terminate(context, escalation.reason());
            return;
        }
        // QUARANTINE: the current limits, network off, through the node's pool as any decision.
        Limits current = currentLimits(storage);
        long sequence = nextSequence(storage);
        storage.set(TRUST, TrustLevel.LOW.name());
        storage.set(CALM_STREAK, 0);
        quarantine(context, taskId, sequence, failed.getCauseTimestamp());
        request(
                context,
                storage.get(PROFILE).orElseThrow(),
                PendingDecision.newBuilder()
                        .setSequence(sequence)
                        .setAction(EnforcementAction.QUARANTINE.name())
                        .setTrustLevel(TrustLevel.LOW.name())
                        .setSandboxProfile(AllocationPolicy.PROFILE_RESTRICTED)
                        .setMonitoringIntervalMs(policy.settings().elevatedMonitoringIntervalMs())
                        .setCauseTimestamp(failed.getCauseTimestamp())
                        .setRequested(Limits.newBuilder(current).setNetworkEnabled(false).build())
                        .setReasons(List.of(escalation.reason()))
                        .setSecurityEvents(List.of(SecurityEventType.TASK_ISOLATED.name()))
                        .build());
    }

    /** MEDIUM and HIGH sequence anomalies are incidents on the user's record (issue 5). */
    private void reportAnomaly(Context context, SequenceAnomaly anomaly) {
        if (anomaly.getLevel() != AnomalyLevel.MEDIUM && anomaly.getLevel() != AnomalyLevel.HIGH) {
            return;
        }
        String userId =
                context.storage()
                        .get(PROFILE)
                        .map(TaskProfile::getUserId)
                        .orElse(anomaly.getUserId());
        if (userId == null) {
            return;
        }
        context.send(
                MessageBuilder.forAddress(UserFn.TYPE, userId)
                        .withCustomType(
                                Types.ANOMALY_REPORT,
                                AnomalyReport.newBuilder()
                                        .setUserId(userId)
                                        .setTaskId(context.self().id())
                                        .setRole(anomaly.getRole())
                                        .setLevel(anomaly.getLevel().name())
                                        .setScore(anomaly.getScore())
                                        .setAtMs(anomaly.getWindowEnd().toEpochMilli())
                                        .build())
                        .build());
    }

    /**
     * An analyst's verdict on one of this task's assessments or anomalies. Handled once per verdict
     * id (a verdict delivered again does nothing). While the task is quarantined ({@link
     * QuarantineVerdicts}): FALSE_POSITIVE releases it (one decision at the policy's release trust
     * and allocation, through the node's pool, and the user's record takes the quarantine's
     * incident back); TRUE_POSITIVE terminates it or keeps it frozen, per policy. In every case the
     * verdict goes on to the user's record (a false-positive sequence anomaly is no incident).
     */
    private void onVerdict(Context context, AnalystVerdict verdict) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        List<String> handled =
                new ArrayList<>(
                        storage.get(HANDLED_VERDICTS)
                                .map(t -> List.of(t.split("\n")))
                                .orElse(List.of()));
        if (handled.contains(verdict.getVerdictId())) {
            LOG.info("verdict {} for task {} was handled already", verdict.getVerdictId(), taskId);
            observer.assessmentSkipped(taskId, "verdict-handled");
            return;
        }
        handled.add(verdict.getVerdictId());
        if (handled.size() > VERDICTS_KEPT) {
            handled = handled.subList(handled.size() - VERDICTS_KEPT, handled.size());
        }
        storage.set(HANDLED_VERDICTS, String.join("\n", handled));

        Optional<Long> quarantined = storage.get(QUARANTINED);
        if (quarantined.isPresent() && inactive(storage).equals(Optional.of("task-quarantined"))) {
            onQuarantineVerdict(context, verdict, quarantined.get());
        } else {
            LOG.info(
                    "verdict {} ({}) for task {}: not quarantined, only the user's record is"
                            + " adjusted",
                    verdict.getVerdictId(),
                    verdict.getLabel(),
                    taskId);
        }
        Optional<String> userId =
                storage.get(PROFILE).map(TaskProfile::getUserId).filter(u -> u != null);
        if (userId.isEmpty()) {
            LOG.info(
                    "verdict {} for task {}: no user known for the task, nothing to adjust",
                    verdict.getVerdictId(),
                    taskId);
            return;
        }
        context.send(
                MessageBuilder.forAddress(UserFn.TYPE, userId.get())
                        .withCustomType(Types.ANALYST_VERDICT, verdict)
                        .build());
    }

    /** A verdict about the quarantine of decision {@code quarantinedBy}, still in force. */
    private void onQuarantineVerdict(Context context, AnalystVerdict verdict, long quarantinedBy) {
        AddressScopedStorage storage = context.storage();
        String taskId = context.self().id();
        QuarantineVerdicts.Outcome outcome =
                new QuarantineVerdicts(
                                rules.quarantine(),
                                policy.settings().elevatedMonitoringIntervalMs())
                        .decide(verdict, quarantinedBy, toAllocation(currentLimits(storage)));
        if (outcome instanceof QuarantineVerdicts.Keep keep) {
            LOG.info("task {}: {}", taskId, keep.reason());
            return;
        }
        boolean quarantineSent =
                storage.get(PENDING).map(PendingDecisions::getItems).orElse(List.of()).stream()
                        .noneMatch(p -> p.getSequence() == quarantinedBy);
        if (outcome instanceof QuarantineVerdicts.Terminate terminate) {
            LOG.warn("task {}: {}", taskId, terminate.reason());
            if (quarantineSent) {
                terminate(context, terminate.reason());
            } else {
                // The QUARANTINE still waits for its grant: the TERMINATE follows it (onGrant).
                storage.set(TERMINATE_DUE, quarantinedBy);
                storage.set(TERMINATE_WHY, terminate.reason());
            }
            return;
        }
        var proposal = ((QuarantineVerdicts.Release) outcome).proposal();
        LOG.info("task {}: {}", taskId, proposal.reasons().get(0));
        // The release is the task's new start: the held trust is the release trust (recovering
        // from there after sustained calm), the sandbox level NORMAL (the anomaly was judged, or
        // the quarantine was), no expiry or terminate pending, not held down by the pool.
        long incidentAt = storage.get(QUARANTINED_AT).orElse(verdict.getTimestamp().toEpochMilli());
        storage.remove(QUARANTINED);
        storage.remove(QUARANTINED_AT);
        storage.remove(TERMINATE_DUE);
        storage.remove(TERMINATE_WHY);
        storage.remove(HELD_AT);
        storage.set(TRUST, proposal.trustLevel().name());
        storage.set(CALM_STREAK, 0);
        storage.set(SANDBOX_LEVEL, AnomalyLevel.NORMAL.name());
        storage.set(SANDBOX_CALM, 0);
        long sequence = nextSequence(storage);
        TaskProfile profile = storage.get(PROFILE).orElseThrow();
        request(
                context,
                profile,
                pending(proposal, sequence, verdict.getTimestamp(), proposal.reasons())
                        .setSecurityEvents(List.of())
                        .build());
        if (profile.getUserId() != null) {
            context.send(
                    MessageBuilder.forAddress(UserFn.TYPE, profile.getUserId())
                            .withCustomType(
                                    Types.QUARANTINE_RELEASE,
                                    QuarantineRelease.newBuilder()
                                            .setUserId(profile.getUserId())
                                            .setTaskId(taskId)
                                            .setVerdictId(verdict.getVerdictId())
                                            .setQuarantinedAtMs(incidentAt)
                                            .setAtMs(verdict.getTimestamp().toEpochMilli())
                                            .build())
                            .build());
        }
    }

    /** The limits in force for the task: the last applied or decided, else the policy's default. */
    private Limits currentLimits(AddressScopedStorage storage) {
        return storage.get(ALLOCATION).orElse(toLimits(policy.settings().defaultAllocation()));
    }

    /**
     * The limits the task's next decision starts from: while a decision still waits for the node's
     * grant, the smaller (per resource) of its request and the limits in force; else {@link
     * #currentLimits}. A throttle is a cut of what the task has or is about to have: one decided
     * before the previous decision's grant came back must neither cut the limits from before that
     * decision (an ALLOCATE of 0.72 cores followed by a "throttle" to 0.75 x the 1-core default
     * raised the task's CPU as its risk rose) nor a larger request the node may not grant (a
     * pending ALLOCATE of 1.5 cores "throttled" to 1.125 would raise a task that has 1).
     */
    private Limits decidedLimits(AddressScopedStorage storage) {
        Limits granted = currentLimits(storage);
        return storage.get(PENDING)
                .map(PendingDecisions::getItems)
                .flatMap(
                        items ->
                                items.stream()
                                        .max(
                                                java.util.Comparator.comparingLong(
                                                        PendingDecision::getSequence)))
                .map(PendingDecision::getRequested)
                .map(
                        requested ->
                                new Limits(
                                        Math.min(requested.getCpuCores(), granted.getCpuCores()),
                                        Math.min(
                                                requested.getMemoryBytes(),
                                                granted.getMemoryBytes()),
                                        requested.getNetworkEnabled()
                                                && granted.getNetworkEnabled()))
                .orElse(granted);
    }

    private <T extends SpecificRecordBase> Optional<T> decode(
            Context context, Message message, String topic, Class<T> type) {
        byte[] bytes = message.rawValue().toByteArray();
        AvroCodec<T> codec = Codecs.of(type);
        try {
            return Optional.of(codec.decode(bytes, topic, -1, -1L));
        } catch (SchemaDecodeException e) {
            LOG.warn(
                    "undecodable {} for task {}: {}",
                    type.getSimpleName(),
                    context.self().id(),
                    e.getMessage());
            DeadLetter letter =
                    DeadLetters.of(
                            topic,
                            -1,
                            -1L,
                            context.self().id().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            bytes,
                            e,
                            COMPONENT,
                            clock.instant());
            sendDeadLetter(context, letter);
            return Optional.empty();
        }
    }

    private void deadLetter(
            Context context, String topic, byte[] bytes, String errorType, String error) {
        LOG.error("dead letter for task {}: {}", context.self().id(), error);
        sendDeadLetter(
                context,
                DeadLetters.of(
                        topic,
                        -1,
                        -1L,
                        context.self().id().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        bytes,
                        errorType,
                        error,
                        COMPONENT,
                        clock.instant()));
    }

    private void sendDeadLetter(Context context, DeadLetter letter) {
        context.send(
                KafkaEgressMessage.forEgress(DLQ_EGRESS)
                        .withTopic(Topics.DLQ.name())
                        .withUtf8Key(letter.getSourceTopic())
                        .withValue(Topics.DLQ.codec().encode(letter))
                        .build());
        observer.deadLettered(letter);
    }

    static EgressMessage decisionMessage(EnforcementDecision decision) {
        return KafkaEgressMessage.forEgress(DECISIONS_EGRESS)
                .withTopic(Topics.DECISIONS.name())
                .withUtf8Key(decision.getTaskId())
                .withValue(Topics.DECISIONS.codec().encode(decision))
                .build();
    }

    private Limits initialLimits(ResourceLimits initial) {
        Limits fallback = toLimits(policy.settings().defaultAllocation());
        return initial == null ? fallback : merge(initial, fallback);
    }

    /** Fields the limits leave unset (null) keep their value from {@code fallback}. */
    private static Limits merge(ResourceLimits limits, Limits fallback) {
        return Limits.newBuilder()
                .setCpuCores(
                        limits.getCpuCores() != null
                                ? limits.getCpuCores()
                                : fallback.getCpuCores())
                .setMemoryBytes(
                        limits.getMemoryBytes() != null
                                ? limits.getMemoryBytes()
                                : fallback.getMemoryBytes())
                .setNetworkEnabled(
                        limits.getNetworkEnabled() != null
                                ? limits.getNetworkEnabled()
                                : fallback.getNetworkEnabled())
                .build();
    }

    static Limits toLimits(Allocation a) {
        return Limits.newBuilder()
                .setCpuCores(a.cpuCores())
                .setMemoryBytes(a.memoryBytes())
                .setNetworkEnabled(a.networkEnabled())
                .build();
    }

    static Allocation toAllocation(Limits l) {
        return new Allocation(l.getCpuCores(), l.getMemoryBytes(), l.getNetworkEnabled());
    }
}

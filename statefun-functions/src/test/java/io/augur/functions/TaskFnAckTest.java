package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.NodeResources;
import io.augur.functions.policy.Policy;
import io.augur.functions.wire.DecisionRetry;
import io.augur.functions.wire.QuarantineExpiry;
import io.augur.schema.AckOutcome;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceUsage;
import io.augur.schema.SecurityEventType;
import io.augur.schema.TrustLevel;
import io.augur.schema.VerdictSubject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** TaskFn's answers to the enforcer's acks and UserFn's anomaly incidents, on TestContext. */
class TaskFnAckTest {

    private static final String TASK = Fixtures.TASK;
    private static final String NODE = Fixtures.NODE;
    private static final Instant NOW = T0.plusSeconds(30);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RecordingObserver observer = new RecordingObserver();
    private final InMemoryFunctions functions = functions(Policy.DEFAULTS);

    private InMemoryFunctions functions(Policy policy) {
        Supplier<Policy> fixed = () -> policy;
        return new InMemoryFunctions(
                new FunctionsConfig(fixed, new NodeResources(4.0, 8L << 30), CLOCK, observer));
    }

    private static EnforcementAck ack(
            EnforcementDecision d, AckOutcome outcome, String reason, Double cpuUsed) {
        return EnforcementAck.newBuilder(Fixtures.ack(d.getTaskId(), d.getSequence(), outcome))
                .setDecisionId(d.getDecisionId())
                .setReason(reason)
                .setApplied(Fixtures.limits(d.getCpuCores(), d.getMemoryBytes()))
                .setObserved(
                        cpuUsed == null
                                ? null
                                : ResourceUsage.newBuilder()
                                        .setCpuCores(cpuUsed)
                                        .setMemoryBytes(64 * MIB)
                                        .build())
                .build();
    }

    private EnforcementDecision last() {
        List<EnforcementDecision> all = functions.decisions();
        return all.get(all.size() - 1);
    }

    private void start(String task) {
        functions.toTask(task, Types.TASK_EVENT, TaskFnTest.started(task, NODE, 2.0, 2048 * MIB));
    }

    @Test
    void usageAtTheLimitRaisesTheHeadroomOfTheTasksNextProactiveAllocation() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 1.0, 512 * MIB));
        EnforcementDecision first = last();
        assertThat(first.getAction()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(first.getCpuCores()).isEqualTo(1.2); // forecast 1.0 + the policy's 20 %

        // The enforcer saw the task use 1.15 of its 1.2 cores (96 %): throttled.
        functions.toTask(TASK, Types.ENFORCEMENT_ACK, ack(first, AckOutcome.APPLIED, null, 1.15));
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 1.0, 512 * MIB));

        EnforcementDecision second = last();
        assertThat(second.getAction()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(second.getCpuCores()).isEqualTo(1.25); // forecast 1.0 + the tuned 25 %
        assertThat(second.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith(
                                                "headroom 25% tuned by the enforcer's acks (policy"
                                                        + " starts at 20%, bounds 5-50%)")
                                        && r.contains("observed usage at 96% of the applied limit"))
                .anyMatch(r -> r.contains("+ 25% headroom"));

        // Usage well below three acks in a row lowers it one step, back to 20 %.
        EnforcementDecision d = second;
        for (int i = 0; i < 3; i++) {
            functions.toTask(TASK, Types.ENFORCEMENT_ACK, ack(d, AckOutcome.APPLIED, null, 0.1));
            functions.toTask(
                    TASK,
                    Types.RISK_ASSESSMENT,
                    assessment(TASK, NODE, 0.1, T0.plusSeconds(4 + 2 * i), 1.0, 512 * MIB));
            d = last();
        }
        assertThat(d.getCpuCores()).isEqualTo(1.2);
        assertThat(d.getReasons())
                .anyMatch(r -> r.contains("3 acks in a row): headroom 25% -> 20%"));
    }

    @Test
    void usageAtTheLimitOfAThrottleSaysNothingOfTheHeadroom() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.5, T0, 1.0, 512 * MIB));
        EnforcementDecision throttle = last();
        assertThat(throttle.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        functions.toTask(
                TASK,
                Types.ENFORCEMENT_ACK,
                ack(throttle, AckOutcome.APPLIED, null, throttle.getCpuCores()));
        assertThat(
                        functions
                                .context(
                                        new org.apache.flink.statefun.sdk.java.Address(
                                                TaskFn.TYPE, TASK))
                                .storage()
                                .get(TaskFn.HEADROOM))
                .as("no headroom tuned from a throttle")
                .isEmpty();
    }

    @Test
    void aFailedRestrictionIsRetriedAfterABackoffThenQuarantinedAndReported() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.85, T0, 1.0, 512 * MIB));
        EnforcementDecision restrict = last();
        assertThat(restrict.getAction()).isEqualTo(EnforcementAction.RESTRICT);

        EnforcementDecision failed = restrict;
        for (int attempt = 1; attempt <= 3; attempt++) {
            functions.toTask(
                    TASK,
                    Types.ENFORCEMENT_ACK,
                    ack(failed, AckOutcome.FAILED, "cannot write cpu.cfs_quota_us: EIO", null));
            assertThat(functions.delayed()).hasSize(1);
            InMemoryFunctions.Delayed retry = functions.delayed().get(0);
            assertThat(retry.delay()).isEqualTo(Duration.ofMillis(1000L << (attempt - 1)));
            DecisionRetry due = retry.message().as(Types.DECISION_RETRY);
            assertThat(due.getSequence()).isEqualTo(failed.getSequence());
            assertThat(functions.decisions()).hasSize(attempt); // nothing before the backoff
            functions.fire(retry);

            EnforcementDecision again = last();
            assertThat(again.getSequence()).isEqualTo(failed.getSequence() + 1);
            assertThat(again.getDecisionId()).isEqualTo(TASK + "/" + again.getSequence());
            assertThat(again.getAction()).isEqualTo(EnforcementAction.RESTRICT);
            assertThat(again.getCpuCores()).isEqualTo(restrict.getCpuCores());
            assertThat(again.getMemoryBytes()).isEqualTo(restrict.getMemoryBytes());
            assertThat(again.getNetworkEnabled()).isFalse();
            assertThat(again.getReasons().get(0))
                    .startsWith("retry " + attempt + " of 3 of decision " + TASK + "/1: ")
                    .contains("cpu.cfs_quota_us: EIO");
            failed = again;
        }
        assertThat(functions.deadLetters()).isEmpty();

        // The third retry fails too: reported, and the restriction fails closed.
        functions.toTask(
                TASK,
                Types.ENFORCEMENT_ACK,
                ack(failed, AckOutcome.FAILED, "cannot write cpu.cfs_quota_us: EIO", null));
        DeadLetter dead = functions.deadLetters().get(0);
        assertThat(dead.getErrorType()).isEqualTo("decision.unenforceable");
        assertThat(dead.getError()).contains("3 attempts used up").contains("QUARANTINE");
        assertThat(dead.getSourceTopic()).isEqualTo("augur.decisions");
        EnforcementDecision quarantine = last();
        assertThat(quarantine.getSequence()).isEqualTo(5);
        assertThat(quarantine.getAction()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(quarantine.getNetworkEnabled()).isFalse();
        assertThat(functions.securityEvents())
                .extracting(e -> e.getType())
                .containsExactly(SecurityEventType.TASK_ISOLATED);
        // ... and the usual isolate-then-terminate follows.
        assertThat(functions.delayed())
                .singleElement()
                .satisfies(
                        d ->
                                assertThat(d.message().as(Types.QUARANTINE_EXPIRY))
                                        .isEqualTo(new QuarantineExpiry(TASK, 5L)));
        assertThat(observer.deadLetters).hasSize(1);
        assertThat(observer.followUps)
                .containsExactly(
                        TASK + ":retry", TASK + ":retry", TASK + ":retry", TASK + ":escalate");
    }

    @Test
    void aFailedDecisionSupersededByANewerOneIsNotRetried() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 1.0, 512 * MIB));
        EnforcementDecision first = last();
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 1.0, 512 * MIB));
        EnforcementDecision second = last();

        functions.toTask(TASK, Types.ENFORCEMENT_ACK, ack(first, AckOutcome.FAILED, "EIO", null));
        assertThat(functions.delayed()).isEmpty();

        // A retry whose time comes after a newer decision was made is moot as well.
        functions.toTask(TASK, Types.ENFORCEMENT_ACK, ack(second, AckOutcome.FAILED, "EIO", null));
        assertThat(functions.delayed()).hasSize(1);
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(4), 1.0, 512 * MIB));
        functions.fire(functions.delayed().get(0));
        assertThat(functions.decisions())
                .extracting(d -> d.getSequence())
                .containsExactly(1L, 2L, 3L);
        assertThat(observer.followUps).containsExactly(TASK + ":superseded", TASK + ":retry");
        assertThat(functions.deadLetters()).isEmpty();
    }

    @Test
    void aRejectedLimitAboveTheNodesBoundIsCorrectedAtOnceAndAnUncorrectableOneReported() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 1.0, 512 * MIB));
        EnforcementDecision first = last(); // 1.2 cores
        functions.toTask(
                TASK,
                Types.ENFORCEMENT_ACK,
                ack(
                        first,
                        AckOutcome.REJECTED,
                        "cpuCores 1.2 is outside (0, 1.0] of this node",
                        null));
        EnforcementDecision corrected = last();
        assertThat(corrected.getSequence()).isEqualTo(2);
        assertThat(corrected.getCpuCores()).isEqualTo(1.0);
        assertThat(corrected.getMemoryBytes()).isEqualTo(first.getMemoryBytes());
        assertThat(corrected.getReasons().get(0))
                .startsWith("correction 1 of 3 of decision " + TASK + "/1: ");
        assertThat(functions.delayed()).isEmpty(); // no backoff: the same limits are not resent

        // The node refuses for a reason the functions cannot fix: reported, the trusted task
        // keeps what is in force (no stricter action).
        functions.toTask(
                TASK,
                Types.ENFORCEMENT_ACK,
                ack(corrected, AckOutcome.REJECTED, "task id 'x y' is not valid", null));
        assertThat(functions.decisions()).hasSize(2);
        assertThat(functions.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getErrorType()).isEqualTo("decision.unenforceable");
                            assertThat(d.getError())
                                    .contains("not correctable")
                                    .contains("reported only");
                        });
    }

    @Test
    void aHighSequenceAnomalyLowersTheUsersNextTaskAndAFalsePositiveVerdictTakesItBack() {
        start(TASK);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 0.5, 256 * MIB));
        functions.toTask(
                TASK,
                Types.SEQUENCE_ANOMALY,
                TaskFnSandboxTest.anomaly(TASK, AnomalyLevel.HIGH, 40.0, null));
        assertThat(last().getAction()).isEqualTo(EnforcementAction.QUARANTINE);

        String next = TASK + "-next";
        start(next);
        functions.toTask(
                next,
                Types.RISK_ASSESSMENT,
                assessment(next, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        EnforcementDecision nextFirst = last();
        assertThat(nextFirst.getTaskId()).isEqualTo(next);
        assertThat(nextFirst.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(nextFirst.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith("baseline: user reputation 0.45")
                                        && r.contains("1 tasks with a sequence anomaly")
                                        && r.endsWith("trust starts at MEDIUM"));

        // An analyst finds the anomaly benign: the user's record no longer counts it.
        AnalystVerdict verdict =
                AnalystVerdict.newBuilder(Fixtures.verdict())
                        .setTaskId(TASK)
                        .setSubject(VerdictSubject.SEQUENCE)
                        .setTimestamp(T0.plusSeconds(6))
                        .build();
        functions.toTask(TASK, Types.ANALYST_VERDICT, verdict);
        String third = TASK + "-third";
        start(third);
        functions.toTask(
                third,
                Types.RISK_ASSESSMENT,
                assessment(third, NODE, 0.1, T0.plusSeconds(8), 0.5, 256 * MIB));
        assertThat(last().getTaskId()).isEqualTo(third);
        assertThat(last().getTrustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(last().getAction()).isEqualTo(EnforcementAction.ALLOCATE);
    }

    @Test
    void aFalsePositiveVerdictOnARiskAssessmentDoesNotTakeAnAnomalyIncidentBack() {
        start(TASK);
        functions.toTask(
                TASK,
                Types.SEQUENCE_ANOMALY,
                TaskFnSandboxTest.anomaly(TASK, AnomalyLevel.MEDIUM, 20.0, null));
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                AnalystVerdict.newBuilder(Fixtures.verdict()).setTaskId(TASK).build()); // RISK
        String next = TASK + "-next";
        start(next);
        functions.toTask(
                next,
                Types.RISK_ASSESSMENT,
                assessment(next, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        assertThat(last().getTrustLevel()).isEqualTo(TrustLevel.MEDIUM); // 0.9 / 1.5 = 0.6
    }
}

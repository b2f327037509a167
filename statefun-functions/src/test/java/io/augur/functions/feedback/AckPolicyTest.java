package io.augur.functions.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcedControls;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AckPolicyTest {

    private static final String TASK = Fixtures.TASK;
    private final AckPolicy policy = new AckPolicy(FeedbackSettings.DEFAULTS);

    private static EnforcementDecision decision(EnforcementAction action, TrustLevel trust) {
        return EnforcementDecision.newBuilder(Fixtures.decision(TASK, 5, 3.0))
                .setDecisionId(TASK + "/5")
                .setAction(action)
                .setTrustLevel(trust)
                .setCpuCores(3.0)
                .setMemoryBytes(6L << 30)
                .build();
    }

    private static EnforcementAck ack(AckOutcome outcome, String reason) {
        return EnforcementAck.newBuilder(Fixtures.ack(TASK, 5, outcome))
                .setDecisionId(TASK + "/5")
                .setReason(reason)
                .build();
    }

    @Test
    void aFailedDecisionIsRetriedWithADoublingBackoffThenEscalated() {
        EnforcementDecision d = decision(EnforcementAction.ALLOCATE, TrustLevel.HIGH);
        EnforcementAck failed = ack(AckOutcome.FAILED, "cgroup write failed: EBUSY");
        for (int attempts = 0; attempts < 3; attempts++) {
            AckPolicy.FollowUp next = policy.onProblem(failed, d, true, attempts);
            assertThat(next)
                    .isEqualTo(
                            new AckPolicy.Retry(
                                    attempts + 1,
                                    Duration.ofMillis(1000L << attempts),
                                    next.reason()));
            assertThat(next.reason())
                    .startsWith("decision task-1/5 (ALLOCATE) was FAILED: cgroup write failed")
                    .contains("retry " + (attempts + 1) + " of 3");
        }
        AckPolicy.FollowUp last = policy.onProblem(failed, d, true, 3);
        assertThat(last).isInstanceOf(AckPolicy.Escalate.class);
        // A trusted task's allocation is not cut for the node's fault: reported only.
        assertThat(((AckPolicy.Escalate) last).stricter()).isEmpty();
        assertThat(last.reason()).contains("3 attempts used up").contains("reported only");
    }

    @ParameterizedTest
    @CsvSource({
        "RESTRICT, LOW, QUARANTINE",
        "SPLIT, HIGH, QUARANTINE",
        "THROTTLE, LOW, QUARANTINE", // a restriction (trust LOW) fails closed
        "QUARANTINE, LOW, TERMINATE",
        "THROTTLE, MEDIUM, ",
        "ALLOCATE, HIGH, ",
        "TERMINATE, LOW, ",
    })
    void escalationFailsClosedForRestrictionsOnly(
            EnforcementAction action, TrustLevel trust, EnforcementAction stricter) {
        AckPolicy.FollowUp next =
                policy.onProblem(ack(AckOutcome.FAILED, "boom"), decision(action, trust), true, 3);
        assertThat(((AckPolicy.Escalate) next).stricter()).isEqualTo(Optional.ofNullable(stricter));
    }

    @Test
    void aDecisionSupersededByANewerOneIsNotRetried() {
        assertThat(
                        policy.onProblem(
                                ack(AckOutcome.FAILED, "boom"),
                                decision(EnforcementAction.RESTRICT, TrustLevel.LOW),
                                false,
                                0))
                .isInstanceOf(AckPolicy.Superseded.class);
    }

    @Test
    void aFailureBecauseTheNodeTerminatedTheTaskMeansTheTaskIsGone() {
        EnforcementAck failed =
                EnforcementAck.newBuilder(
                                ack(
                                        AckOutcome.FAILED,
                                        "task task-1 was terminated by sequence 4; nothing is"
                                                + " enforced on it any more"))
                        .setControls(
                                EnforcedControls.newBuilder()
                                        .setState(TaskEnforcementState.TERMINATED)
                                        .build())
                        .build();
        assertThat(
                        policy.onProblem(
                                failed,
                                decision(EnforcementAction.ALLOCATE, TrustLevel.HIGH),
                                true,
                                0))
                .isInstanceOf(AckPolicy.Gone.class);
    }

    @Test
    void aLimitAboveTheNodesBoundIsCorrectedDownToItAtOnce() {
        // The enforcer's own words (actuator DecisionValidator).
        AckPolicy.FollowUp cpu =
                policy.onProblem(
                        ack(AckOutcome.REJECTED, "cpuCores 3.0 is outside (0, 2.0] of this node"),
                        decision(EnforcementAction.ALLOCATE, TrustLevel.HIGH),
                        true,
                        0);
        assertThat(cpu).isEqualTo(new AckPolicy.Correct(1, 2.0, 6L << 30, cpu.reason()));
        assertThat(cpu.reason()).contains("correction 1 of 3").contains("cpu 2.000 cores");

        AckPolicy.FollowUp memory =
                policy.onProblem(
                        ack(
                                AckOutcome.REJECTED,
                                "memoryBytes 6442450944 is outside [16777216, 4294967296] of this"
                                        + " node"),
                        decision(EnforcementAction.ALLOCATE, TrustLevel.HIGH),
                        true,
                        1);
        assertThat(memory).isEqualTo(new AckPolicy.Correct(2, 3.0, 4L << 30, memory.reason()));
    }

    @Test
    void aRejectionTheFunctionsCannotCorrectIsEscalatedAtOnce() {
        // Below the minimum (the pool had nothing left): raising it would over-commit the pool.
        AckPolicy.FollowUp zero =
                policy.onProblem(
                        ack(AckOutcome.REJECTED, "cpuCores 0.0 is outside (0, 2.0] of this node"),
                        EnforcementDecision.newBuilder(
                                        decision(EnforcementAction.RESTRICT, TrustLevel.LOW))
                                .setCpuCores(0.0)
                                .setMemoryBytes(512L << 20)
                                .build(),
                        true,
                        0);
        assertThat(zero).isInstanceOf(AckPolicy.Escalate.class);
        assertThat(((AckPolicy.Escalate) zero).stricter()).contains(EnforcementAction.QUARANTINE);
        assertThat(zero.reason()).contains("not correctable");

        assertThat(
                        policy.onProblem(
                                ack(AckOutcome.REJECTED, "SPLIT needs a splitPid above 1, got 1"),
                                decision(EnforcementAction.SPLIT, TrustLevel.HIGH),
                                true,
                                0))
                .isInstanceOf(AckPolicy.Escalate.class);
        // A correction that is rejected again uses up the attempts like a retry.
        assertThat(
                        policy.onProblem(
                                ack(
                                        AckOutcome.REJECTED,
                                        "cpuCores 3.0 is outside (0, 2.0] of this node"),
                                decision(EnforcementAction.ALLOCATE, TrustLevel.HIGH),
                                true,
                                3))
                .isInstanceOf(AckPolicy.Escalate.class);
    }
}

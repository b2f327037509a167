package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceUsage;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnforcerTest {
    final Clock clock = Clock.fixed(Fixtures.T0.plusSeconds(1), ZoneOffset.UTC);
    final InMemoryEffector effector = new InMemoryEffector().addTask("task-1");
    final InMemoryAppliedJournal journal = new InMemoryAppliedJournal();
    Enforcer enforcer;
    long offset;

    @BeforeEach
    void setUp() {
        enforcer = restart();
    }

    Enforcer restart() {
        return new Enforcer(
                new DecisionValidator(new NodeBounds(2, 8L << 30)),
                DecisionLedger.restore(journal.replay()),
                effector,
                journal,
                clock);
    }

    Enforcer.Outcome handle(Enforcer e, EnforcementDecision d) {
        return e.handle(
                d, new Enforcer.Source(Topics.DECISIONS.name(), 0, offset++, null, new byte[] {1}));
    }

    @Test
    void appliesAndAcksWithReadBackLimitsAndObservedUsage() {
        ResourceUsage usage =
                ResourceUsage.newBuilder()
                        .setCpuCores(0.2)
                        .setMemoryBytes(1024L)
                        .setPids(2L)
                        .build();
        effector.setUsage("task-1", usage);
        EnforcementDecision d = Fixtures.decision("task-1", 1, 0.25);

        Enforcer.Outcome out = handle(enforcer, d);
        enforcer.committed();

        EnforcementAck ack = out.ack();
        assertThat(ack.getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(ack.getApplied().getCpuCores()).isEqualTo(0.25);
        assertThat(ack.getApplied().getMemoryBytes()).isEqualTo(256L << 20);
        assertThat(ack.getObserved()).isEqualTo(usage);
        assertThat(ack.getCauseTimestamp()).isEqualTo(d.getCauseTimestamp());
        assertThat(ack.getIssuedAt()).isEqualTo(d.getIssuedAt());
        assertThat(ack.getAppliedAt()).isEqualTo(clock.instant());
        assertThat(ack.getDecisionId()).isEqualTo("task-1#1");
        assertThat(out.deadLetter()).isEmpty();
        assertThat(journal.replay()).hasSize(2);
    }

    @Test
    void aDecisionAckedBeforeIsADuplicateAndNotAppliedAgainEvenAfterARestart() {
        handle(enforcer, Fixtures.decision("task-1", 1, 0.25));
        enforcer.committed();

        Enforcer.Outcome again = handle(restart(), Fixtures.decision("task-1", 1, 0.25));

        assertThat(again.ack().getOutcome()).isEqualTo(AckOutcome.DUPLICATE);
        assertThat(again.ack().getApplied().getCpuCores()).isEqualTo(0.25);
        assertThat(effector.applyCount("task-1")).isEqualTo(1);
    }

    @Test
    void aCrashBetweenApplyAndCommitReappliesOnRedelivery() {
        handle(enforcer, Fixtures.decision("task-1", 1, 0.25));
        // No commit: the process died. The restarted enforcer sees the same decision again.
        offset = 0;
        Enforcer.Outcome redelivered = handle(restart(), Fixtures.decision("task-1", 1, 0.25));

        assertThat(redelivered.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(effector.applyCount("task-1")).isEqualTo(2);
    }

    @Test
    void anAbortedTransactionLeavesTheDecisionToBeAppliedAgain() {
        handle(enforcer, Fixtures.decision("task-1", 1, 0.25));
        enforcer.aborted();
        assertThat(handle(enforcer, Fixtures.decision("task-1", 1, 0.25)).ack().getOutcome())
                .isEqualTo(AckOutcome.APPLIED);
    }

    @Test
    void anOlderSequenceIsStale() {
        handle(enforcer, Fixtures.decision("task-1", 5, 0.5));
        enforcer.committed();
        Enforcer.Outcome old = handle(enforcer, Fixtures.decision("task-1", 4, 0.1));
        assertThat(old.ack().getOutcome()).isEqualTo(AckOutcome.STALE);
        assertThat(old.ack().getReason()).contains("older than applied 5");
        assertThat(old.ack().getApplied().getCpuCores()).isEqualTo(0.5);
        assertThat(effector.applyCount("task-1")).isEqualTo(1);
    }

    @Test
    void anInvalidDecisionIsRejectedWithADeadLetter() {
        Enforcer.Outcome out = handle(enforcer, Fixtures.decision("../../etc", 1, 0.25));
        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.REJECTED);
        assertThat(out.ack().getApplied()).isNull();
        assertThat(out.deadLetter())
                .get()
                .satisfies(
                        dl -> {
                            assertThat(dl.getErrorType()).isEqualTo("decision.REJECTED");
                            assertThat(dl.getComponent()).isEqualTo("enforcer");
                            assertThat(dl.getSourceTopic()).isEqualTo(Topics.DECISIONS.name());
                            assertThat(dl.getTimestamp()).isEqualTo(clock.instant());
                        });
        assertThat(journal.replay()).isEmpty();
    }

    @Test
    void aTaskWithoutAGroupFailsWithAReasonAndCanBeRetried() {
        Enforcer.Outcome out = handle(enforcer, Fixtures.decision("task-9", 1, 0.25));
        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(out.ack().getReason()).contains("task-9 has no cgroup");
        effector.addTask("task-9");
        assertThat(handle(enforcer, Fixtures.decision("task-9", 1, 0.25)).ack().getOutcome())
                .isEqualTo(AckOutcome.APPLIED);
    }

    @Test
    void aRefusedLimitFailsAndReportsWhatIsInForce() {
        handle(enforcer, Fixtures.decision("task-1", 1, 0.5));
        enforcer.committed();
        effector.refuse("task-1", "kernel refused memory.limit_in_bytes: Device or resource busy");

        Enforcer.Outcome out = handle(enforcer, Fixtures.decision("task-1", 2, 0.25));

        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(out.ack().getReason()).contains("busy");
        assertThat(out.ack().getApplied().getCpuCores()).isEqualTo(0.5);
    }

    @Test
    void actionsBeyondLimitsApplyTheLimitsAndSaySo() {
        EnforcementDecision d = Fixtures.decision("task-1", 1, 0.1);
        d.setAction(EnforcementAction.QUARANTINE);
        Enforcer.Outcome out = handle(enforcer, d);
        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(out.ack().getReason()).contains("QUARANTINE").contains("not built yet");
    }
}

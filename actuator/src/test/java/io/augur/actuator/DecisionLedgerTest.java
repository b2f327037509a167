package io.augur.actuator;

import static io.augur.actuator.DecisionLedger.Verdict.APPLY;
import static io.augur.actuator.DecisionLedger.Verdict.DUPLICATE;
import static io.augur.actuator.DecisionLedger.Verdict.REJECT;
import static io.augur.actuator.DecisionLedger.Verdict.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionLedgerTest {
    final DecisionLedger ledger = new DecisionLedger();

    static EnforcementDecision d(long seq) {
        return Fixtures.decision("task-1", seq, 0.5);
    }

    @Test
    void appliesNewerSequencesAndRefusesOlderOnes() {
        assertThat(ledger.verdict(d(1), Optional.empty())).isEqualTo(APPLY);
        ledger.applied(new AppliedDecision("task-1", 5, 0, 10));
        ledger.committed();

        assertThat(ledger.verdict(d(6), Optional.empty())).isEqualTo(APPLY);
        assertThat(ledger.verdict(d(5), Optional.empty())).isEqualTo(DUPLICATE);
        assertThat(ledger.verdict(d(4), Optional.empty())).isEqualTo(STALE);
        assertThat(ledger.verdict(d(9), Optional.of("bad"))).isEqualTo(REJECT);
    }

    @Test
    void aSequenceInTheOpenTransactionIsADuplicate() {
        ledger.applied(new AppliedDecision("task-1", 1, 0, 0));
        assertThat(ledger.verdict(d(1), Optional.empty())).isEqualTo(DUPLICATE);
    }

    @Test
    void anAbortedApplyIsAppliedAgainOnRedelivery() {
        ledger.applied(new AppliedDecision("task-1", 1, 0, 0));
        ledger.aborted();
        assertThat(ledger.verdict(d(1), Optional.empty())).isEqualTo(APPLY);
        assertThat(ledger.isAcked("task-1")).isFalse();
    }

    @Test
    void committedReturnsWhatItAcked() {
        AppliedDecision a = new AppliedDecision("task-1", 1, 0, 0);
        AppliedDecision b = new AppliedDecision("task-2", 3, 1, 7);
        ledger.applied(a);
        ledger.applied(b);
        assertThat(ledger.committed()).containsExactlyInAnyOrder(a, b);
        assertThat(ledger.committed()).isEmpty();
    }

    @Test
    void restoresFromTheJournalAndReconcilesWithCommittedOffsets() {
        DecisionLedger restored =
                DecisionLedger.restore(
                        List.of(
                                new JournalEntry(new AppliedDecision("task-1", 1, 0, 3), false),
                                new JournalEntry(new AppliedDecision("task-1", 1, 0, 3), true),
                                new JournalEntry(new AppliedDecision("task-1", 2, 0, 8), false),
                                new JournalEntry(new AppliedDecision("task-2", 4, 1, 20), false)));

        // Crash after apply, before commit: re-apply on redelivery.
        assertThat(restored.verdict(d(2), Optional.empty())).isEqualTo(APPLY);
        assertThat(restored.verdict(d(1), Optional.empty())).isEqualTo(STALE);

        // The group's offset on partition 0 is past offset 8: that ack did commit.
        restored.reconcile(0, 9);
        assertThat(restored.verdict(d(2), Optional.empty())).isEqualTo(DUPLICATE);
        restored.reconcile(1, 20);
        assertThat(restored.isAcked("task-2")).isFalse();
    }
}

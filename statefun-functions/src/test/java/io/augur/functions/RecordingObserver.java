package io.augur.functions;

import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementDecision;
import java.util.ArrayList;
import java.util.List;

/** In-memory {@link DecisionObserver} for tests. */
final class RecordingObserver implements DecisionObserver {
    final List<EnforcementDecision> decisions = new ArrayList<>();
    final List<EnforcementDecision> withheld = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final List<String> followUps = new ArrayList<>();

    @Override
    public void ackFollowedUp(String taskId, String followUp) {
        followUps.add(taskId + ":" + followUp);
    }

    @Override
    public void decisionIssued(EnforcementDecision decision) {
        decisions.add(decision);
    }

    @Override
    public void decisionWithheld(EnforcementDecision decision) {
        withheld.add(decision);
    }

    @Override
    public void assessmentSkipped(String taskId, String reason) {
        skipped.add(taskId + ":" + reason);
    }

    @Override
    public void deadLettered(DeadLetter deadLetter) {
        deadLetters.add(deadLetter);
    }
}

package io.augur.functions;

import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementDecision;

/**
 * What the functions report besides their Kafka output: decisions issued, assessments not acted on,
 * records sent to the dead-letter topic. The server backs it with Prometheus; tests record.
 */
public interface DecisionObserver {

    /** A decision was sent to the decisions egress. */
    void decisionIssued(EnforcementDecision decision);

    /** A decision made under a monitor-only policy: logged, never sent. */
    default void decisionWithheld(EnforcementDecision decision) {}

    /** An assessment led to no decision, and why (e.g. the task had ended). */
    void assessmentSkipped(String taskId, String reason);

    /** A record could not be handled and went to the dead-letter egress. */
    void deadLettered(DeadLetter deadLetter);

    /** Observes nothing. */
    DecisionObserver NONE =
            new DecisionObserver() {
                @Override
                public void decisionIssued(EnforcementDecision decision) {}

                @Override
                public void assessmentSkipped(String taskId, String reason) {}

                @Override
                public void deadLettered(DeadLetter deadLetter) {}
            };
}

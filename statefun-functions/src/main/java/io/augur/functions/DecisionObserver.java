package io.augur.functions;

import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SecurityEvent;
import io.augur.schema.SecurityEventType;

/**
 * What the functions report besides their Kafka output: decisions issued, assessments not acted on,
 * records sent to the dead-letter topic. The server backs it with Prometheus; tests record.
 */
public interface DecisionObserver {

    /** A decision was sent to the decisions egress. */
    void decisionIssued(EnforcementDecision decision);

    /** A decision made under a monitor-only policy: logged, never sent. */
    default void decisionWithheld(EnforcementDecision decision) {}

    /** A security event was sent to {@code augur.security}. */
    default void securityEventSent(SecurityEvent event) {}

    /** A security event a monitor-only policy did not send (nothing was isolated / terminated). */
    default void securityEventWithheld(String taskId, SecurityEventType type) {}

    /**
     * What a FAILED or REJECTED ack led to: {@code superseded}, {@code gone}, {@code retry}, {@code
     * correct}, {@code escalate} ({@link io.augur.functions.feedback.AckPolicy}), or {@code
     * unknown} (an ack of a latest decision TaskFn has no record of).
     */
    default void ackFollowedUp(String taskId, String followUp) {}

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

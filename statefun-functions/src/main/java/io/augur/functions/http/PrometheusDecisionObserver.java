package io.augur.functions.http;

import io.augur.functions.DecisionObserver;
import io.augur.schema.DeadLetter;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.SecurityEvent;
import io.augur.schema.SecurityEventType;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;

/**
 * Prometheus counters of the functions: decisions issued by action, assessments skipped by reason,
 * dead letters by error type. Counts may run ahead of Kafka after a runtime restart (replayed
 * invocations), which is what a counter of work done should show.
 */
public final class PrometheusDecisionObserver implements DecisionObserver {

    private final Counter decisions;
    private final Counter withheld;
    private final Counter skipped;
    private final Counter deadLetters;
    private final Counter securityEvents;
    private final Counter ackFollowUps;

    public PrometheusDecisionObserver(CollectorRegistry registry) {
        decisions =
                Counter.build()
                        .name("augur_decisions_issued_total")
                        .help("Enforcement decisions issued, by action.")
                        .labelNames("action")
                        .register(registry);
        skipped =
                Counter.build()
                        .name("augur_assessments_skipped_total")
                        .help(
                                "Risk assessments and sequence anomalies (reasons anomaly-*) that led to no decision, by reason.")
                        .labelNames("reason")
                        .register(registry);
        withheld =
                Counter.build()
                        .name("augur_decisions_withheld_total")
                        .help(
                                "Decisions made under a monitor-only policy and not sent, by"
                                        + " action.")
                        .labelNames("action")
                        .register(registry);
        deadLetters =
                Counter.build()
                        .name("augur_functions_dead_letters_total")
                        .help("Records the functions sent to augur.dlq, by error type.")
                        .labelNames("error_type")
                        .register(registry);
        securityEvents =
                Counter.build()
                        .name("augur_security_events_total")
                        .help(
                                "Security events by type; sent=false: withheld by a monitor-only"
                                        + " policy.")
                        .labelNames("type", "sent")
                        .register(registry);
        ackFollowUps =
                Counter.build()
                        .name("augur_ack_followups_total")
                        .help(
                                "What FAILED or REJECTED acks led to: superseded, gone, retry,"
                                        + " correct, escalate, unknown.")
                        .labelNames("followup")
                        .register(registry);
    }

    @Override
    public void ackFollowedUp(String taskId, String followUp) {
        ackFollowUps.labels(followUp).inc();
    }

    @Override
    public void securityEventSent(SecurityEvent event) {
        securityEvents.labels(event.getType().name(), "true").inc();
    }

    @Override
    public void securityEventWithheld(String taskId, SecurityEventType type) {
        securityEvents.labels(type.name(), "false").inc();
    }

    @Override
    public void decisionIssued(EnforcementDecision decision) {
        decisions.labels(decision.getAction().name()).inc();
    }

    @Override
    public void decisionWithheld(EnforcementDecision decision) {
        withheld.labels(decision.getAction().name()).inc();
    }

    @Override
    public void assessmentSkipped(String taskId, String reason) {
        skipped.labels(reason).inc();
    }

    @Override
    public void deadLettered(DeadLetter deadLetter) {
        deadLetters.labels(deadLetter.getErrorType()).inc();
    }
}

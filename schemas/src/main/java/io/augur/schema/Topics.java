package io.augur.schema;

import java.util.List;
import java.util.Optional;

/** The catalogue of Augur's topics. Every component names topics through this class. */
public final class Topics {
    private Topics() {}

    public static final Topic<TaskEvent> TASKS =
            new Topic<>(
                    "augur.tasks",
                    TaskEvent.class,
                    "taskId",
                    4,
                    "compact",
                    "task life cycle (STARTED / ENDED) with user, role, node and initial allocation");

    public static final Topic<ResourceSample> RESOURCES =
            new Topic<>(
                    "augur.telemetry.resources",
                    ResourceSample.class,
                    "taskId",
                    4,
                    "delete",
                    "per-task resource samples from the collectors");

    public static final Topic<InvocationEvent> INVOCATIONS =
            new Topic<>(
                    "augur.telemetry.invocations",
                    InvocationEvent.class,
                    "taskId",
                    4,
                    "delete",
                    "per-task method and system-call invocations");

    public static final Topic<RiskAssessment> RISK =
            new Topic<>(
                    "augur.risk",
                    RiskAssessment.class,
                    "taskId",
                    4,
                    "delete",
                    "forecasts and behavioural risk per task and window");

    public static final Topic<EnforcementDecision> DECISIONS =
            new Topic<>(
                    "augur.decisions",
                    EnforcementDecision.class,
                    "taskId",
                    4,
                    "delete",
                    "allocation and sandbox decisions for the node enforcers");

    public static final Topic<EnforcementAck> ACKS =
            new Topic<>(
                    "augur.acks",
                    EnforcementAck.class,
                    "taskId",
                    4,
                    "delete",
                    "enforcer acknowledgements with the usage observed at apply time");

    public static final Topic<AnalystVerdict> VERDICTS =
            new Topic<>(
                    "augur.verdicts",
                    AnalystVerdict.class,
                    "taskId",
                    1,
                    "delete",
                    "analyst verdicts on assessments (true / false positive)");

    public static final Topic<SequenceAnomaly> ANOMALIES =
            new Topic<>(
                    "augur.anomalies",
                    SequenceAnomaly.class,
                    "taskId",
                    4,
                    "delete",
                    "invocation-sequence anomaly scores and levels per task and scoring window");

    public static final Topic<SecurityEvent> SECURITY =
            new Topic<>(
                    "augur.security",
                    SecurityEvent.class,
                    "taskId",
                    1,
                    "delete",
                    "security responses for other tools (scan requests, isolations, terminations)");

    public static final Topic<DeadLetter> DLQ =
            new Topic<>(
                    "augur.dlq",
                    DeadLetter.class,
                    "source topic",
                    1,
                    "delete",
                    "records that could not be processed, with the reason");

    private static final List<Topic<?>> ALL =
            List.of(
                    TASKS,
                    RESOURCES,
                    INVOCATIONS,
                    RISK,
                    ANOMALIES,
                    DECISIONS,
                    ACKS,
                    VERDICTS,
                    SECURITY,
                    DLQ);

    public static List<Topic<?>> all() {
        return ALL;
    }

    public static Optional<Topic<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}

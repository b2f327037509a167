package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.NodeResources;
import io.augur.functions.policy.Policy;
import io.augur.functions.policy.PolicyMode;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.SecurityEvent;
import io.augur.schema.SecurityEventType;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TrustLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** TaskFn's sandbox levels on the SDK's TestContext, wired as in production. */
class TaskFnSandboxTest {

    private static final String TASK = Fixtures.TASK;
    private static final String NODE = Fixtures.NODE;
    private static final Instant NOW = T0.plusSeconds(30);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RecordingObserver observer = new RecordingObserver();

    private InMemoryFunctions functions(Policy policy) {
        Supplier<Policy> fixed = () -> policy;
        return new InMemoryFunctions(
                new FunctionsConfig(fixed, new NodeResources(4.0, 8L << 30), CLOCK, observer));
    }

    private final InMemoryFunctions functions = functions(Policy.DEFAULTS);

    static SequenceAnomaly anomaly(String task, AnomalyLevel level, double score, Long pid) {
        return SequenceAnomaly.newBuilder(Fixtures.anomaly(task, level, score))
                .setNodeId(NODE)
                .setAttributedPid(pid)
                .build();
    }

    @Test
    void highWithoutAProcessQuarantinesAndSendsScanAndIsolationEventsOnce() {
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 0.5, 256 * MIB));

        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.HIGH, 40.0, null));

        List<EnforcementDecision> d = functions.decisions();
        assertThat(d).extracting(EnforcementDecision::getSequence).containsExactly(1L, 2L);
        EnforcementDecision q = d.get(1);
        assertThat(q.getAction()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(q.getDecisionId()).isEqualTo(TASK + "/2");
        assertThat(q.getNetworkEnabled()).isFalse();
        assertThat(q.getTrustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(q.getSandboxProfile()).isEqualTo("restricted");
        // The cause is the anomaly window.
        assertThat(q.getCauseTimestamp()).isEqualTo(T0.plusSeconds(1));
        assertThat(q.getReasons())
                .anyMatch(r -> r.startsWith("sequence anomaly HIGH: score 40.000 (cut-offs low"))
                .anyMatch(r -> r.contains("model worker/seq-1"))
                .endsWith("policy builtin-defaults");

        List<SecurityEvent> events = functions.securityEvents();
        assertThat(events)
                .extracting(SecurityEvent::getType)
                .containsExactly(SecurityEventType.SCAN_REQUESTED, SecurityEventType.TASK_ISOLATED);
        assertThat(events)
                .extracting(SecurityEvent::getEventId)
                .containsExactly(TASK + "/scan_requested/2", TASK + "/task_isolated/2");
        assertThat(events).allMatch(e -> e.getDecisionId().equals(TASK + "/2"));
        assertThat(events).allMatch(e -> e.getAnomalyScore() == 40.0);
        assertThat(events).allMatch(e -> e.getUserId().equals(Fixtures.USER));

        // Frozen: neither a risk window nor another anomaly decides anything (nor thaws it).
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.HIGH, 50.0, null));
        assertThat(functions.decisions()).hasSize(2);
        assertThat(functions.securityEvents()).hasSize(2);
        assertThat(observer.skipped)
                .containsExactly(TASK + ":task-quarantined", TASK + ":anomaly-task-quarantined");
    }

    @Test
    void highWithAnAttributedProcessSplitsItAndASecondHighIsolatesTheWholeTask() {
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));

        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.HIGH, 40.0, 4242L));

        EnforcementDecision split = functions.decisions().get(0);
        assertThat(split.getAction()).isEqualTo(EnforcementAction.SPLIT);
        assertThat(split.getSplitPid()).isEqualTo(4242L);
        assertThat(split.getCpuCores()).isEqualTo(0.1);
        assertThat(split.getMemoryBytes()).isEqualTo(256 * MIB);
        assertThat(split.getPidsMax()).isEqualTo(64L);
        // The link is the task's: a split leaves it on; the split-off group reaches nothing.
        assertThat(split.getNetworkEnabled()).isTrue();
        assertThat(split.getNetworkAllowList()).isEmpty();
        assertThat(split.getReasons())
                .contains("split-off group's network restricted to no destination");
        assertThat(functions.securityEvents())
                .extracting(SecurityEvent::getType)
                .containsExactly(SecurityEventType.SCAN_REQUESTED);

        // The rest of the task keeps its 2 cores: a low-risk window is decided from them.
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 1.9, 256 * MIB));
        EnforcementDecision after = functions.decisions().get(1);
        assertThat(after.getAction()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(after.getCpuCores()).isGreaterThan(2.0);
        // ... watched closer: the split left the task at LOW.
        assertThat(after.getMonitoringIntervalMs()).isEqualTo(250);
        // The split's allow-list was the child group's: nothing to lift on the task.
        assertThat(after.getNetworkAllowList()).isNull();

        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.HIGH, 60.0, 4242L));
        EnforcementDecision whole = functions.decisions().get(2);
        assertThat(whole.getAction()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(whole.getSplitPid()).isNull();
        assertThat(whole.getSequence()).isEqualTo(3);
        assertThat(whole.getReasons())
                .contains("HIGH again after pid 4242 was split off: the whole task");
        assertThat(functions.securityEvents())
                .extracting(SecurityEvent::getEventId)
                .containsExactly(
                        TASK + "/scan_requested/1",
                        TASK + "/scan_requested/3",
                        TASK + "/task_isolated/3");
    }

    @Test
    void mediumRestrictsNetworkAndResourcesAndLaterRiskDecisionsStayAsStrict() {
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));

        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.MEDIUM, 9.0, null));
        EnforcementDecision medium = functions.decisions().get(0);
        assertThat(medium.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(medium.getNetworkEnabled()).isFalse();
        assertThat(medium.getCpuCores()).isEqualTo(1.0);
        assertThat(medium.getMemoryBytes()).isEqualTo(1024 * MIB);
        assertThat(medium.getSandboxProfile()).isEqualTo("restricted");
        // "Restrict network": held while the link is off, in force should it come back on.
        assertThat(medium.getNetworkAllowList()).containsExactly("10.231.0.0/16:9092");
        assertThat(medium.getReasons().get(medium.getReasons().size() - 1)).startsWith("policy ");
        assertThat(functions.securityEvents()).isEmpty();

        // A calm risk window would allocate 1.5 x the saturated limit: the sandbox holds it.
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 1.0, 256 * MIB));
        EnforcementDecision risk = functions.decisions().get(1);
        assertThat(risk.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(risk.getTrustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(risk.getCpuCores()).isLessThanOrEqualTo(1.0);
        assertThat(risk.getMemoryBytes()).isLessThanOrEqualTo(1024 * MIB);
        assertThat(risk.getNetworkEnabled()).isFalse();
        assertThat(risk.getNetworkAllowList()).containsExactly("10.231.0.0/16:9092");
        assertThat(risk.getReasons())
                .anyMatch(r -> r.startsWith("sandbox MEDIUM held (sequence anomaly)"));

        // The same level again decides nothing; sequences stay gapless.
        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.MEDIUM, 9.0, null));
        assertThat(functions.decisions())
                .extracting(EnforcementDecision::getSequence)
                .containsExactly(1L, 2L);
        assertThat(observer.skipped).containsExactly(TASK + ":anomaly-level-in-force");
    }

    @Test
    void lowWatchesCloserWithoutACutAndNormalDecidesNothing() {
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));

        functions.toTask(
                TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.NORMAL, 1.0, null));
        assertThat(functions.decisions()).isEmpty();

        functions.toTask(TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.LOW, 5.0, null));
        EnforcementDecision low = functions.decisions().get(0);
        assertThat(low.getAction()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(low.getCpuCores()).isEqualTo(2.0);
        assertThat(low.getMemoryBytes()).isEqualTo(2048 * MIB);
        assertThat(low.getNetworkEnabled()).isTrue();
        assertThat(low.getMonitoringIntervalMs()).isEqualTo(250);
        assertThat(low.getReasons())
                .anyMatch(r -> r.startsWith("LOW: allow with detailed logging: monitoring every"));
    }

    @Test
    void aMonitorOnlyPolicySendsTheScanRequestButNeitherDecisionNorIsolation() {
        InMemoryFunctions dryRun =
                functions(
                        new Policy("dry-run-1", PolicyMode.MONITOR, Policy.DEFAULTS.allocation()));
        dryRun.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));

        dryRun.toTask(TASK, Types.SEQUENCE_ANOMALY, anomaly(TASK, AnomalyLevel.HIGH, 40.0, null));

        assertThat(dryRun.decisions()).isEmpty();
        assertThat(observer.withheld)
                .singleElement()
                .satisfies(w -> assertThat(w.getAction()).isEqualTo(EnforcementAction.QUARANTINE));
        assertThat(dryRun.securityEvents())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getType()).isEqualTo(SecurityEventType.SCAN_REQUESTED);
                            assertThat(e.getReasons())
                                    .contains("policy dry-run-1 (monitor only: not sent)");
                        });
    }

    @Test
    void anAnomalyForAnUnannouncedTaskIsDecidedOnItsNode() {
        functions.toTask(
                "orphan",
                Types.SEQUENCE_ANOMALY,
                anomaly("orphan", AnomalyLevel.MEDIUM, 9.0, null));

        EnforcementDecision d = functions.decisions().get(0);
        assertThat(d.getNodeId()).isEqualTo(NODE);
        assertThat(d.getReasons()).anyMatch(r -> r.startsWith("no STARTED event seen"));
    }

    @Test
    void anUndecodableAnomalyGoesToTheDeadLetterTopic() {
        functions.deliver(
                org.apache.flink.statefun.sdk.java.message.MessageBuilder.forAddress(
                                TaskFn.TYPE, TASK)
                        .withCustomType(
                                org.apache.flink.statefun.sdk.java.types.SimpleType
                                        .simpleImmutableTypeFrom(
                                                Types.SEQUENCE_ANOMALY.typeName(),
                                                (byte[] b) -> b,
                                                b -> b),
                                new byte[] {1, 2, 3})
                        .build());

        assertThat(functions.decisions()).isEmpty();
        assertThat(functions.deadLetters())
                .singleElement()
                .satisfies(l -> assertThat(l.getSourceTopic()).isEqualTo("augur.anomalies"));
    }
}

package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.NodeResources;
import io.augur.functions.policy.Policy;
import io.augur.functions.policy.PolicyLoader;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.SecurityEvent;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.statefun.sdk.java.Address;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.apache.flink.statefun.sdk.java.testing.TestContext;
import org.junit.jupiter.api.Test;

/**
 * An analyst's verdict about a quarantined task (issue 6): released by FALSE_POSITIVE, ended by
 * TRUE_POSITIVE per policy, once per verdict id; on TestContext with the production wiring.
 */
class TaskFnVerdictTest {

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

    private static Policy policy(String quarantine) throws Exception {
        return PolicyLoader.parse("version: verdicts-1\nquarantine:\n" + quarantine, "test.yaml");
    }

    private static AnalystVerdict verdict(String id, VerdictLabel label, VerdictSubject subject) {
        return AnalystVerdict.newBuilder(Fixtures.verdict())
                .setVerdictId(id)
                .setTaskId(TASK)
                .setLabel(label)
                .setSubject(subject)
                .setNote("nightly batch, known")
                .setTimestamp(T0.plusSeconds(10))
                .build();
    }

    /** Started on 2 cores / 2 GiB, then critical risk: QUARANTINE #1 with those limits. */
    private static void quarantined(InMemoryFunctions functions) {
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.97, T0, 0.5, 256 * MIB));
        assertThat(functions.decisions())
                .extracting(EnforcementDecision::getAction)
                .containsExactly(EnforcementAction.QUARANTINE);
    }

    private static EnforcementDecision last(InMemoryFunctions functions) {
        List<EnforcementDecision> all = functions.decisions();
        return all.get(all.size() - 1);
    }

    @Test
    void aFalsePositiveReleasesTheQuarantineOnceAtMediumTrustWithThePolicysAllocation() {
        InMemoryFunctions functions = functions(Policy.DEFAULTS);
        quarantined(functions);

        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-7", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));

        assertThat(functions.decisions()).hasSize(2);
        EnforcementDecision release = last(functions);
        // THROTTLE thaws a frozen task at the enforcer; MEDIUM, never HIGH in one step; the
        // policy's 1 core / 1 GiB (under the 2 / 2 GiB it was frozen with), network back on.
        assertThat(release.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(release.getSequence()).isEqualTo(2);
        assertThat(release.getDecisionId()).isEqualTo(TASK + "/2");
        assertThat(release.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(release.getCpuCores()).isEqualTo(1.0);
        assertThat(release.getMemoryBytes()).isEqualTo(1024 * MIB);
        assertThat(release.getNetworkEnabled()).isTrue();
        assertThat(release.getSandboxProfile()).isEqualTo("monitored");
        assertThat(release.getCauseTimestamp()).isEqualTo(T0.plusSeconds(10));
        assertThat(release.getReasons().get(0))
                .startsWith(
                        "analyst verdict v-7 by alice (FALSE_POSITIVE of RISK "
                                + TASK
                                + "@"
                                + T0.toEpochMilli()
                                + "): \"nightly batch, known\": released from the quarantine of"
                                + " decision #1, thawed at trust MEDIUM");
        assertThat(release.getReasons()).last().isEqualTo("policy builtin-defaults");

        // The same verdict delivered again does nothing; the quarantine's expiry is moot now.
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-7", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));
        functions.fire(functions.delayed().get(0));
        assertThat(functions.decisions()).hasSize(2);
        assertThat(observer.skipped).contains(TASK + ":verdict-handled");

        // Assessments decide again (a quarantined task's would be skipped), from MEDIUM trust:
        // one calm window does not bring HIGH back.
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(12), 0.5, 256 * MIB));
        assertThat(functions.decisions()).hasSize(3);
        assertThat(last(functions).getSequence()).isEqualTo(3);
        assertThat(last(functions).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
    }

    @Test
    void aReleasedQuarantineIsNoLongerAnIncidentOnTheUsersRecord() {
        InMemoryFunctions functions = functions(Policy.DEFAULTS);
        quarantined(functions);
        // Quarantined (LOW trust): an incident; the user's next task starts at MEDIUM.
        String second = TASK + "-2";
        functions.toTask(
                second, Types.TASK_EVENT, TaskFnTest.started(second, NODE, 1.0, 1024 * MIB));
        functions.toTask(
                second,
                Types.RISK_ASSESSMENT,
                assessment(second, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        assertThat(last(functions).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);

        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-8", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));

        // Taken back: the next task starts at HIGH again.
        String third = TASK + "-3";
        functions.toTask(third, Types.TASK_EVENT, TaskFnTest.started(third, NODE, 1.0, 1024 * MIB));
        functions.toTask(
                third,
                Types.RISK_ASSESSMENT,
                assessment(third, NODE, 0.1, T0.plusSeconds(14), 0.5, 256 * MIB));
        assertThat(last(functions).getTaskId()).isEqualTo(third);
        assertThat(last(functions).getTrustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(last(functions).getReasons())
                .anyMatch(r -> r.startsWith("baseline: user reputation") && r.contains("0 open"));
    }

    @Test
    void aFalsePositiveOnTheSequenceAnomalyReleasesAnAnomalyQuarantineAndItsSandboxLevel() {
        InMemoryFunctions functions = functions(Policy.DEFAULTS);
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK,
                Types.SEQUENCE_ANOMALY,
                TaskFnSandboxTest.anomaly(TASK, AnomalyLevel.HIGH, 40.0, null));
        assertThat(last(functions).getAction()).isEqualTo(EnforcementAction.QUARANTINE);

        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-9", VerdictLabel.FALSE_POSITIVE, VerdictSubject.SEQUENCE));
        assertThat(last(functions).getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(last(functions).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);

        // The held HIGH level is gone: a low-risk window is not constrained to RESTRICT.
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(12), 0.5, 256 * MIB));
        assertThat(last(functions).getAction())
                .isNotIn(EnforcementAction.RESTRICT, EnforcementAction.QUARANTINE);
        assertThat(last(functions).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
    }

    @Test
    void aPolicyMayReleaseAtLowTrustOnlyRestrictedAndWithoutNetwork() throws Exception {
        InMemoryFunctions functions =
                functions(
                        policy(
                                "  release-trust: LOW\n"
                                        + "  release: {cpu-cores: 0.5, memory: 4GiB, network:"
                                        + " false}\n"));
        quarantined(functions);
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-10", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));

        EnforcementDecision release = last(functions);
        assertThat(release.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(release.getTrustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(release.getCpuCores()).isEqualTo(0.5);
        // 4 GiB named, but never above the 2 GiB it was frozen with.
        assertThat(release.getMemoryBytes()).isEqualTo(2048 * MIB);
        assertThat(release.getNetworkEnabled()).isFalse();
        assertThat(release.getSandboxProfile()).isEqualTo("restricted");
    }

    @Test
    void aTruePositiveTerminatesTheQuarantinedTaskAtOnceCitingTheVerdict() {
        InMemoryFunctions functions = functions(Policy.DEFAULTS);
        quarantined(functions);
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-11", VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK));

        EnforcementDecision terminate = last(functions);
        assertThat(terminate.getAction()).isEqualTo(EnforcementAction.TERMINATE);
        assertThat(terminate.getSequence()).isEqualTo(2);
        assertThat(terminate.getReasons().get(0))
                .startsWith("analyst verdict v-11 by alice (TRUE_POSITIVE of RISK")
                .endsWith(
                        "quarantine by decision #1 confirmed: terminate (policy"
                                + " quarantine.on-true-positive TERMINATE)");
        assertThat(functions.securityEvents())
                .extracting(SecurityEvent::getEventId)
                .containsExactly(TASK + "/task_isolated/1", TASK + "/task_terminated/2");
        // The expiry later finds a terminated task; a false positive after it releases nothing.
        functions.fire(functions.delayed().get(0));
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-12", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));
        assertThat(functions.decisions()).hasSize(2);
    }

    @Test
    void aTruePositiveUnderKeepLeavesTheQuarantineToItsTime() throws Exception {
        InMemoryFunctions functions = functions(policy("  on-true-positive: KEEP\n"));
        quarantined(functions);
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-13", VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK));
        assertThat(functions.decisions()).hasSize(1);

        functions.fire(functions.delayed().get(0));
        assertThat(last(functions).getAction()).isEqualTo(EnforcementAction.TERMINATE);
        assertThat(last(functions).getReasons().get(0))
                .startsWith("quarantined by decision #1 and not released within 60 s");
    }

    @Test
    void aVerdictAboutATaskThatIsNotQuarantinedDecidesNothing() {
        InMemoryFunctions functions = functions(Policy.DEFAULTS);
        functions.toTask(TASK, Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.5, T0, 0.5, 256 * MIB));
        assertThat(last(functions).getAction()).isEqualTo(EnforcementAction.THROTTLE);
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-14", VerdictLabel.FALSE_POSITIVE, VerdictSubject.RISK));
        functions.toTask(
                TASK,
                Types.ANALYST_VERDICT,
                verdict("v-15", VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK));
        assertThat(functions.decisions()).hasSize(1);
    }

    @Test
    void aTruePositiveWhileTheQuarantineWaitsForItsGrantTerminatesRightAfterIt() throws Throwable {
        FunctionsConfig config =
                new FunctionsConfig(
                        () -> Policy.DEFAULTS, new NodeResources(4.0, 8L << 30), CLOCK, observer);
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        fn.apply(context, toTask(Types.TASK_EVENT, TaskFnTest.started(TASK, NODE, 2.0, 2048 * MIB)))
                .join();
        fn.apply(
                        context,
                        toTask(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.97, T0, 0.5, 256 * MIB)))
                .join();
        AllocationRequest request =
                context.getSentMessages().stream()
                        .map(m -> m.message())
                        .filter(m -> m.is(Types.ALLOCATION_REQUEST))
                        .findFirst()
                        .orElseThrow()
                        .as(Types.ALLOCATION_REQUEST);

        fn.apply(
                        context,
                        toTask(
                                Types.ANALYST_VERDICT,
                                verdict("v-16", VerdictLabel.TRUE_POSITIVE, VerdictSubject.RISK)))
                .join();
        assertThat(context.getSentEgressMessages()).isEmpty();

        fn.apply(
                        context,
                        toTask(
                                Types.ALLOCATION_GRANT,
                                AllocationGrant.newBuilder()
                                        .setTaskId(TASK)
                                        .setNodeId(NODE)
                                        .setSequence(request.getSequence())
                                        .setGranted(request.getRequested())
                                        .setAvailableCpuCores(4.0)
                                        .setAvailableMemoryBytes(8L << 30)
                                        .setReasons(List.of())
                                        .build()))
                .join();
        List<EnforcementDecision> decisions =
                context.getSentEgressMessages().stream()
                        .map(m -> InMemoryFunctions.kafkaRecord(m.message()))
                        .filter(r -> r.getTopic().equals(Topics.DECISIONS.name()))
                        .map(
                                r -> {
                                    try {
                                        return Topics.DECISIONS
                                                .codec()
                                                .decode(r.getValueBytes().toByteArray());
                                    } catch (Exception e) {
                                        throw new AssertionError(e);
                                    }
                                })
                        .toList();
        assertThat(decisions)
                .extracting(EnforcementDecision::getAction)
                .containsExactly(EnforcementAction.QUARANTINE, EnforcementAction.TERMINATE);
        assertThat(decisions.get(1).getReasons().get(0)).startsWith("analyst verdict v-16");
    }

    private static <T> org.apache.flink.statefun.sdk.java.message.Message toTask(
            org.apache.flink.statefun.sdk.java.types.Type<T> type, T value) {
        return MessageBuilder.forAddress(TaskFn.TYPE, TASK).withCustomType(type, value).build();
    }
}

package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.policy.Policy;
import io.augur.functions.policy.PolicyMode;
import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.Limits;
import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.RiskAssessment;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.flink.statefun.sdk.egress.generated.KafkaProducerRecord;
import org.apache.flink.statefun.sdk.java.Address;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;
import org.apache.flink.statefun.sdk.java.testing.TestContext;
import org.apache.flink.statefun.sdk.java.types.SimpleType;
import org.apache.flink.statefun.sdk.java.types.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskFnTest {

    private static final String TASK = Fixtures.TASK;
    private static final String NODE = Fixtures.NODE;
    private static final Instant NOW = T0.plusSeconds(30);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RecordingObserver observer = new RecordingObserver();
    private final FunctionsConfig config =
            new FunctionsConfig(
                    AllocationSettings.DEFAULTS, new NodeResources(4.0, 8L << 30), CLOCK, observer);
    private final InMemoryFunctions functions = new InMemoryFunctions(config);

    @Test
    void anAssessmentReservesTheSequenceAndAsksTheNodeThenTheGrantEmitsTheDecision()
            throws Throwable {
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        RiskAssessment high = assessment(TASK, NODE, 0.9, T0, 0.5, 256 * MIB);

        fn.apply(context, message(Types.RISK_ASSESSMENT, high)).join();

        assertThat(context.getSentEgressMessages()).isEmpty();
        assertThat(toNode(context)).hasSize(1);
        Message toNode = toNode(context).get(0);
        // ... and the user's record hears of the decision's risk and trust.
        assertThat(sent(context, Types.USER_REPORT))
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.targetAddress())
                                    .isEqualTo(new Address(UserFn.TYPE, Fixtures.USER));
                            assertThat(m.as(Types.USER_REPORT).getTrustLevel()).isEqualTo("LOW");
                        });
        assertThat(toNode.targetAddress()).isEqualTo(new Address(NodeFn.TYPE, NODE));
        AllocationRequest request = toNode.as(Types.ALLOCATION_REQUEST);
        assertThat(request.getSequence()).isEqualTo(1);
        assertThat(request.getRequested()).isEqualTo(new Limits(1.0, 512 * MIB, false));

        AllocationGrant grant =
                AllocationGrant.newBuilder()
                        .setTaskId(TASK)
                        .setNodeId(NODE)
                        .setSequence(1)
                        .setGranted(request.getRequested())
                        .setAvailableCpuCores(4.0)
                        .setAvailableMemoryBytes(8L << 30)
                        .setReasons(List.of())
                        .build();
        fn.apply(context, message(Types.ALLOCATION_GRANT, grant)).join();

        assertThat(context.getSentEgressMessages()).hasSize(1);
        KafkaProducerRecord record =
                InMemoryFunctions.kafkaRecord(context.getSentEgressMessages().get(0).message());
        assertThat(context.getSentEgressMessages().get(0).message().targetEgressId())
                .isEqualTo(TaskFn.DECISIONS_EGRESS);
        assertThat(record.getTopic()).isEqualTo(Topics.DECISIONS.name());
        assertThat(record.getKey()).isEqualTo(TASK);
        EnforcementDecision d =
                Topics.DECISIONS.codec().decode(record.getValueBytes().toByteArray());
        assertThat(d.getDecisionId()).isEqualTo(TASK + "/1");
        assertThat(d.getSequence()).isEqualTo(1);
        assertThat(d.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(d.getTrustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(d.getNetworkEnabled()).isFalse();
        assertThat(d.getCauseTimestamp()).isEqualTo(high.getSourceTimestamp());
        assertThat(d.getIssuedAt()).isEqualTo(NOW);
        assertThat(d.getReasons()).anyMatch(r -> r.contains("> high threshold 0.700"));
        assertThat(observer.decisions).containsExactly(d);
    }

    @Test
    void aThrottleDecidedWhileTheAllocationBeforeItAwaitsItsGrantCutsThatAllocation()
            throws Throwable {
        // StatefunClusterIT once saw ALLOCATE 0.72 then THROTTLE 0.75: the second assessment
        // arrived before the node granted the first, and the throttle cut the 1-core default.
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.1, T0, 0.6, 256 * MIB)))
                .join();
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.5, T0.plusSeconds(2), 0.6, 256 * MIB)))
                .join();

        List<AllocationRequest> requests =
                toNode(context).stream().map(m -> m.as(Types.ALLOCATION_REQUEST)).toList();
        assertThat(requests).extracting(AllocationRequest::getSequence).containsExactly(1L, 2L);
        double allocated = requests.get(0).getRequested().getCpuCores();
        assertThat(allocated)
                .isLessThan(AllocationSettings.DEFAULTS.defaultAllocation().cpuCores());
        assertThat(requests.get(1).getRequested().getCpuCores())
                .isCloseTo(
                        allocated * AllocationSettings.DEFAULTS.throttleFactor(),
                        org.assertj.core.data.Offset.offset(0.011));
    }

    @Test
    void aThrottleDecidedWhileALargerAllocationAwaitsItsGrantCutsWhatTheTaskHas() throws Throwable {
        // A task pressed against its 1-core default is allocated more (saturation growth); a
        // riskier window before that grant comes back throttles the 1 core it has, not the
        // larger request the node may not grant.
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        double held = AllocationSettings.DEFAULTS.defaultAllocation().cpuCores();
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.1, T0, held, 256 * MIB)))
                .join();
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.5, T0.plusSeconds(2), held, 256 * MIB)))
                .join();

        List<AllocationRequest> requests =
                toNode(context).stream().map(m -> m.as(Types.ALLOCATION_REQUEST)).toList();
        assertThat(requests.get(0).getRequested().getCpuCores()).isGreaterThan(held);
        assertThat(requests.get(1).getRequested().getCpuCores())
                .isLessThanOrEqualTo(held * AllocationSettings.DEFAULTS.throttleFactor() + 1e-9);
    }

    @Test
    void aMonitorOnlyPolicyDecidesAndCountsButSendsNothingAndAReloadedPolicyTakesOverAtOnce() {
        java.util.concurrent.atomic.AtomicReference<Policy> inForce =
                new java.util.concurrent.atomic.AtomicReference<>(
                        new Policy("dry-run-1", PolicyMode.MONITOR, AllocationSettings.DEFAULTS));
        InMemoryFunctions dryRun =
                new InMemoryFunctions(
                        new FunctionsConfig(
                                inForce::get, new NodeResources(4.0, 8L << 30), CLOCK, observer));
        dryRun.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));

        dryRun.toTask(TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.9, T0, 0.5, 256 * MIB));

        assertThat(dryRun.decisions()).isEmpty();
        assertThat(observer.decisions).isEmpty();
        assertThat(observer.withheld).hasSize(1);
        EnforcementDecision withheld = observer.withheld.get(0);
        assertThat(withheld.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(withheld.getReasons()).contains("policy dry-run-1 (monitor only: not sent)");

        // The operator switches to enforcing, with a lower high threshold: the next assessment
        // (0.65 for another task: moderate under the old policy) is decided by the new one, sent.
        inForce.set(
                new Policy(
                        "enforce-2",
                        PolicyMode.ENFORCE,
                        AllocationSettings.DEFAULTS.withThresholds(0.6, 0.3)));
        String other = TASK + "-b";
        dryRun.toTask(other, Types.TASK_EVENT, started(other, NODE, 2.0, 2048 * MIB));
        dryRun.toTask(
                other,
                Types.RISK_ASSESSMENT,
                assessment(other, NODE, 0.65, T0.plusSeconds(5), 0.5, 256 * MIB));

        assertThat(dryRun.decisions()).hasSize(1);
        EnforcementDecision sent = dryRun.decisions().get(0);
        assertThat(sent.getTaskId()).isEqualTo(other);
        assertThat(sent.getAction()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(sent.getReasons())
                .contains("policy enforce-2")
                .anyMatch(r -> r.contains("> high threshold 0.600"));
        assertThat(observer.decisions).containsExactly(sent);
    }

    @Test
    void aCriticalTaskIsQuarantinedKeptFrozenAndTerminatedWhenItsQuarantineExpires()
            throws Throwable {
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        fn.apply(context, message(Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB))).join();

        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.97, T0, 0.5, 256 * MIB)))
                .join();

        // The node is asked for the quarantine (current limits, network off), and the expiry is
        // scheduled at the policy's 60 s.
        AllocationRequest request = toNode(context).get(0).as(Types.ALLOCATION_REQUEST);
        assertThat(request.getRequested()).isEqualTo(new Limits(2.0, 2048 * MIB, false));
        assertThat(context.getSentDelayedMessages()).hasSize(1);
        var delayed = context.getSentDelayedMessages().get(0);
        assertThat(delayed.duration()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(delayed.message().targetAddress()).isEqualTo(new Address(TaskFn.TYPE, TASK));

        fn.apply(context, message(Types.ALLOCATION_GRANT, grant(request))).join();
        EnforcementDecision quarantine = decisionAt(context, 0);
        assertThat(quarantine.getAction()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(quarantine.getSequence()).isEqualTo(1);
        assertThat(quarantine.getNetworkEnabled()).isFalse();

        // Windows that close while it is frozen decide nothing (a decision would release it).
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 0.0, 256 * MIB)))
                .join();
        assertThat(toNode(context)).hasSize(1);
        assertThat(observer.skipped).containsExactly(TASK + ":task-quarantined");

        // The quarantine expires: TERMINATE, sequence 2, straight to the enforcer; the grant
        // goes back to the pool.
        fn.apply(context, delayed.message()).join();
        EnforcementDecision terminate = decisionAt(context, 1);
        assertThat(terminate.getAction()).isEqualTo(EnforcementAction.TERMINATE);
        assertThat(terminate.getSequence()).isEqualTo(2);
        assertThat(terminate.getDecisionId()).isEqualTo(TASK + "/2");
        assertThat(terminate.getNetworkEnabled()).isFalse();
        assertThat(terminate.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith(
                                        "quarantined by decision #1 and not released within 60 s"));
        assertThat(toNode(context).get(1).is(Types.RELEASE_REQUEST)).isTrue();

        // Terminated: nothing more is decided, and a second expiry changes nothing.
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.99, T0.plusSeconds(4), 0.0, 256 * MIB)))
                .join();
        fn.apply(context, delayed.message()).join();
        assertThat(toEgress(context, TaskFn.DECISIONS_EGRESS)).hasSize(2);
        assertThat(toNode(context)).hasSize(2);
        // Isolated with the QUARANTINE, terminated with the TERMINATE: one event each.
        List<String> events = new java.util.ArrayList<>();
        for (var m : toEgress(context, TaskFn.SECURITY_EGRESS)) {
            events.add(
                    Topics.SECURITY
                            .codec()
                            .decode(InMemoryFunctions.kafkaRecord(m).getValueBytes().toByteArray())
                            .getEventId());
        }
        assertThat(events).containsExactly(TASK + "/task_isolated/1", TASK + "/task_terminated/2");
        assertThat(observer.skipped).endsWith(TASK + ":task-terminated");
    }

    @Test
    void aQuarantineTimeThatPassesBeforeTheGrantTerminatesRightAfterTheQuarantineInOrder()
            throws Throwable {
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        fn.apply(context, message(Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB))).join();
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.97, T0, 0.5, 256 * MIB)))
                .join();
        AllocationRequest request = toNode(context).get(0).as(Types.ALLOCATION_REQUEST);

        // A restored runtime fires the expiry before the node's grant came back: nothing yet.
        fn.apply(context, context.getSentDelayedMessages().get(0).message()).join();
        assertThat(toEgress(context, TaskFn.DECISIONS_EGRESS)).isEmpty();

        fn.apply(context, message(Types.ALLOCATION_GRANT, grant(request))).join();
        assertThat(decisionAt(context, 0).getAction()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(decisionAt(context, 0).getSequence()).isEqualTo(1);
        assertThat(decisionAt(context, 1).getAction()).isEqualTo(EnforcementAction.TERMINATE);
        assertThat(decisionAt(context, 1).getSequence()).isEqualTo(2);
    }

    @Test
    void anExpiryOfAQuarantineThatEndedWithTheTaskChangesNothing() throws Throwable {
        TaskFn fn = new TaskFn(config.currentPolicy(), CLOCK, observer);
        TestContext context = TestContext.forTarget(new Address(TaskFn.TYPE, TASK));
        fn.apply(context, message(Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB))).join();
        fn.apply(
                        context,
                        message(
                                Types.RISK_ASSESSMENT,
                                assessment(TASK, NODE, 0.97, T0, 0.5, 256 * MIB)))
                .join();
        TaskEvent ended = started(TASK, NODE, 2.0, 2048 * MIB);
        ended.setType(TaskEventType.ENDED);
        fn.apply(context, message(Types.TASK_EVENT, ended)).join();
        int sent = toNode(context).size();

        fn.apply(context, context.getSentDelayedMessages().get(0).message()).join();

        assertThat(context.getSentEgressMessages()).isEmpty();
        assertThat(toNode(context)).hasSize(sent);
    }

    /** Messages the function sent to node functions. */
    private static List<Message> toNode(TestContext context) {
        return context.getSentMessages().stream()
                .map(m -> m.message())
                .filter(m -> m.targetAddress().type().equals(NodeFn.TYPE))
                .toList();
    }

    private static <T> List<Message> sent(TestContext context, Type<T> type) {
        return context.getSentMessages().stream()
                .map(m -> m.message())
                .filter(m -> m.is(type))
                .toList();
    }

    private static AllocationGrant grant(AllocationRequest request) {
        return AllocationGrant.newBuilder()
                .setTaskId(request.getTaskId())
                .setNodeId(request.getNodeId())
                .setSequence(request.getSequence())
                .setGranted(request.getRequested())
                .setAvailableCpuCores(4.0)
                .setAvailableMemoryBytes(8L << 30)
                .setReasons(List.of())
                .build();
    }

    private static EnforcementDecision decisionAt(TestContext context, int i)
            throws io.augur.schema.SchemaDecodeException {
        KafkaProducerRecord record =
                InMemoryFunctions.kafkaRecord(toEgress(context, TaskFn.DECISIONS_EGRESS).get(i));
        return Topics.DECISIONS.codec().decode(record.getValueBytes().toByteArray());
    }

    private static List<org.apache.flink.statefun.sdk.java.message.EgressMessage> toEgress(
            TestContext context, TypeName egress) {
        return context.getSentEgressMessages().stream()
                .map(m -> m.message())
                .filter(m -> m.targetEgressId().equals(egress))
                .toList();
    }

    @Test
    void aTaskStartsAtItsBaselineTrustAndAUserWithAnIncidentStartsTheNextTaskLower() {
        // A MEDIUM source: the first calm window keeps the allocation (held MEDIUM), and the
        // decision says why.
        TaskEvent medium = started(TASK, NODE, 2.0, 2048 * MIB);
        medium.setBaselineTrust(TrustLevel.MEDIUM);
        functions.toTask(TASK, Types.TASK_EVENT, medium);
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 0.5, 256 * MIB));
        EnforcementDecision first = functions.decisions().get(0);
        assertThat(first.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(first.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(first.getReasons())
                .anyMatch(r -> r.startsWith("baseline: user reputation 0.90"))
                .anyMatch(r -> r.contains("trust MEDIUM is held"));

        // The same user's task is restricted: an incident on the user's record.
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.85, T0.plusSeconds(2), 0.5, 256 * MIB));
        assertThat(functions.decisions().get(1).getTrustLevel()).isEqualTo(TrustLevel.LOW);

        // Their next task, from a HIGH source, starts at MEDIUM: what their record allows.
        String next = TASK + "-next";
        functions.toTask(next, Types.TASK_EVENT, started(next, NODE, 1.0, 1024 * MIB));
        functions.toTask(
                next,
                Types.RISK_ASSESSMENT,
                assessment(next, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        EnforcementDecision nextFirst =
                functions.decisions().stream()
                        .filter(d -> d.getTaskId().equals(next))
                        .findFirst()
                        .orElseThrow();
        assertThat(nextFirst.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(nextFirst.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(nextFirst.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith("baseline: user reputation")
                                        && r.contains("1 open")
                                        && r.endsWith("trust starts at MEDIUM"));

        // Another user's task from a HIGH source is unaffected.
        String stranger = "stranger-task";
        TaskEvent other = started(stranger, NODE, 1.0, 1024 * MIB);
        other.setUserId("someone-else");
        functions.toTask(stranger, Types.TASK_EVENT, other);
        functions.toTask(
                stranger,
                Types.RISK_ASSESSMENT,
                assessment(stranger, NODE, 0.1, T0.plusSeconds(4), 0.5, 256 * MIB));
        assertThat(
                        functions.decisions().stream()
                                .filter(d -> d.getTaskId().equals(stranger))
                                .findFirst()
                                .orElseThrow()
                                .getAction())
                .isEqualTo(EnforcementAction.ALLOCATE);
    }

    @Test
    void lowMediumHighGiveAllocateThrottleRestrictWithIncreasingSequences() {
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 0.5, 256 * MIB));
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.5, T0.plusSeconds(5), 0.5, 256 * MIB));
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.9, T0.plusSeconds(10), 0.5, 256 * MIB));

        List<EnforcementDecision> d = functions.decisions();
        assertThat(d)
                .extracting(EnforcementDecision::getAction)
                .containsExactly(
                        EnforcementAction.ALLOCATE,
                        EnforcementAction.THROTTLE,
                        EnforcementAction.RESTRICT);
        assertThat(d).extracting(EnforcementDecision::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(d)
                .extracting(EnforcementDecision::getDecisionId)
                .containsExactly(TASK + "/1", TASK + "/2", TASK + "/3");
        assertThat(d)
                .extracting(EnforcementDecision::getTrustLevel)
                .containsExactly(TrustLevel.HIGH, TrustLevel.MEDIUM, TrustLevel.LOW);
        // Proactive: 0.5 cores forecast + 20 %; throttling works on the allocation in force.
        assertThat(d.get(0).getCpuCores()).isEqualTo(0.6);
        assertThat(d.get(1).getCpuCores()).isEqualTo(0.45);
        assertThat(d.get(1).getMonitoringIntervalMs()).isEqualTo(250);
        // Restricting never raises a resource: the throttled 0.45 core stays (not the policy's 1).
        assertThat(d.get(2).getCpuCores()).isEqualTo(0.45);
        assertThat(d.get(2).getNetworkEnabled()).isFalse();
        assertThat(d).allMatch(x -> x.getNodeId().equals(NODE));
    }

    @Test
    void aRestrictedTaskStaysRestrictedThroughCalmWindowsAndRecoversOneLevelAtATime() {
        int needed = AllocationSettings.DEFAULTS.calmAssessmentsToRecover();
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.9, T0, 1.0, 256 * MIB));
        // Under its quota a CPU burner reads calm: that is the restriction, not a change.
        for (int i = 1; i <= needed; i++) {
            functions.toTask(
                    TASK,
                    Types.RISK_ASSESSMENT,
                    assessment(TASK, NODE, 0.1, T0.plusSeconds(2L * i), 0.3, 256 * MIB));
        }
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2L * needed + 2), 0.3, 256 * MIB));

        List<EnforcementDecision> d = functions.decisions();
        assertThat(d).hasSize(needed + 2);
        assertThat(d.subList(0, needed))
                .allMatch(x -> x.getAction() == EnforcementAction.RESTRICT)
                .allMatch(x -> x.getTrustLevel() == TrustLevel.LOW);
        assertThat(d.get(1).getReasons()).anyMatch(r -> r.contains("trust LOW is held"));
        // After `needed` calm assessments: one level up, MEDIUM, never straight to HIGH.
        assertThat(d.get(needed).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(d.get(needed).getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(d.get(needed + 1).getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        // The network allow-list holds while LOW, is lifted (back to the launch allow-list) by
        // the recovering decision, and later decisions leave destinations alone.
        assertThat(d.subList(0, needed))
                .allMatch(x -> List.of("10.231.0.0/16:9092").equals(x.getNetworkAllowList()));
        assertThat(d.get(needed).getNetworkAllowList()).containsExactly("0.0.0.0/0");
        assertThat(d.get(needed).getReasons())
                .anyMatch(r -> r.startsWith("network allow-list lifted"));
        assertThat(d.get(needed + 1).getNetworkAllowList()).isNull();
    }

    @Test
    void aThrottledTaskUsingAllItIsGivenDoesNotRegainTrustFromCalmWindows() {
        int needed = AllocationSettings.DEFAULTS.calmAssessmentsToRecover();
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.5, T0, 1.9, 256 * MIB));
        EnforcementDecision throttled = functions.decisions().get(0);
        assertThat(throttled.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        double cap = throttled.getCpuCores();
        // A CPU burner pressed against its cap reads calm: that is the cap, not a change.
        for (int i = 1; i <= needed + 1; i++) {
            functions.toTask(
                    TASK,
                    Types.RISK_ASSESSMENT,
                    assessment(TASK, NODE, 0.0, T0.plusSeconds(2L * i), cap, 256 * MIB));
        }
        List<EnforcementDecision> d = functions.decisions();
        assertThat(d).allMatch(x -> x.getTrustLevel() == TrustLevel.MEDIUM);
        assertThat(d.get(d.size() - 1).getReasons())
                .anyMatch(r -> r.startsWith("held down by its trust's limits"));
        assertThat(d.get(d.size() - 1).getCpuCores()).isLessThanOrEqualTo(cap);
    }

    @Test
    void moderateRiskThrottlesTheInitialAllocationOfTheStartedEvent() {
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.5, T0, 0.5, 256 * MIB));

        EnforcementDecision d = functions.decisions().get(0);
        assertThat(d.getCpuCores()).isEqualTo(1.5);
        assertThat(d.getMemoryBytes()).isEqualTo(1536 * MIB);
        assertThat(d.getReasons())
                .anyMatch(r -> r.startsWith("moderate risk: increase monitoring frequency"));
    }

    @Test
    void aTasksFirstMemoryForecastNeverCutsItsMemoryItsSecondDoes() {
        // A balloon growing 16 MiB/s: its first window says 100 MiB, a limit cut to that kills it
        // before the next decision lands. Its second window shows the growth.
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 0.5, 100 * MIB));
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.1, T0.plusSeconds(2), 0.5, 300 * MIB));

        List<EnforcementDecision> d = functions.decisions();
        assertThat(d)
                .extracting(EnforcementDecision::getAction)
                .containsExactly(EnforcementAction.ALLOCATE, EnforcementAction.ALLOCATE);
        assertThat(d.get(0).getMemoryBytes()).isEqualTo(2048 * MIB);
        assertThat(d.get(0).getCpuCores()).isEqualTo(0.6); // CPU follows its forecast at once
        assertThat(d.get(0).getReasons())
                .anyMatch(r -> r.startsWith("first memory forecast") && r.contains("2048 MiB"));
        // 1.2 x the upper bound (and 1.5 x the mean, 240 MiB): 360 MiB.
        assertThat(d.get(1).getMemoryBytes()).isEqualTo(360 * MIB);
        assertThat(d.get(1).getReasons()).noneMatch(r -> r.startsWith("first memory forecast"));
    }

    @Test
    void anAssessmentWithoutStartedStillGetsADecisionOnItsNode() {
        functions.toTask(
                "orphan",
                Types.RISK_ASSESSMENT,
                assessment("orphan", "node-9", 0.5, T0, 0.5, 256 * MIB));

        EnforcementDecision d = functions.decisions().get(0);
        assertThat(d.getNodeId()).isEqualTo("node-9");
        assertThat(d.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        // 0.75 x the default allocation (1 core, 1 GiB).
        assertThat(d.getCpuCores()).isEqualTo(0.75);
        assertThat(d.getMemoryBytes()).isEqualTo(768 * MIB);
        assertThat(d.getReasons()).anyMatch(r -> r.startsWith("no STARTED event seen"));
    }

    @Test
    void cappedByWhatTheNodeHasLeft() {
        FunctionsConfig small =
                new FunctionsConfig(
                        AllocationSettings.DEFAULTS,
                        new NodeResources(2.0, 8L << 30),
                        CLOCK,
                        observer);
        InMemoryFunctions node = new InMemoryFunctions(small);

        node.toTask("a", Types.RISK_ASSESSMENT, assessment("a", NODE, 0.1, T0, 1.5, 256 * MIB));
        node.toTask("b", Types.RISK_ASSESSMENT, assessment("b", NODE, 0.1, T0, 1.5, 256 * MIB));

        List<EnforcementDecision> d = node.decisions();
        assertThat(d.get(0).getCpuCores()).isEqualTo(1.8);
        assertThat(d.get(1).getCpuCores()).isEqualTo(0.2);
        assertThat(d.get(1).getReasons())
                .contains("capped cpu 1.800 -> 0.200 cores by node availability");
    }

    @Test
    void anEndedTaskReleasesItsGrantAndLaterAssessmentsAreSkippedLoudly() {
        FunctionsConfig small =
                new FunctionsConfig(
                        AllocationSettings.DEFAULTS,
                        new NodeResources(2.0, 8L << 30),
                        CLOCK,
                        observer);
        InMemoryFunctions node = new InMemoryFunctions(small);
        node.toTask("a", Types.TASK_EVENT, started("a", NODE, 1.0, 1024 * MIB));
        node.toTask("a", Types.RISK_ASSESSMENT, assessment("a", NODE, 0.1, T0, 1.5, 256 * MIB));
        node.toTask("a", Types.TASK_EVENT, ended("a", NODE));

        node.toTask("b", Types.RISK_ASSESSMENT, assessment("b", NODE, 0.1, T0, 1.5, 256 * MIB));
        node.toTask(
                "a",
                Types.RISK_ASSESSMENT,
                assessment("a", NODE, 0.1, T0.plusSeconds(5), 1.5, 256 * MIB));

        assertThat(node.decisions()).hasSize(2);
        assertThat(node.decisions().get(1).getTaskId()).isEqualTo("b");
        assertThat(node.decisions().get(1).getCpuCores()).isEqualTo(1.8);
        assertThat(observer.skipped).containsExactly("a:task-ended");
    }

    /**
     * A second ENDED of a task (the collector's reaper ended it, then its slow launcher published
     * its own): nothing is decided, nothing dead-lettered, and the node's pool is as the first
     * ENDED left it, another task's grant included.
     */
    @Test
    void aSecondEndedOfATaskChangesNothing() {
        FunctionsConfig small =
                new FunctionsConfig(
                        AllocationSettings.DEFAULTS,
                        new NodeResources(2.0, 8L << 30),
                        CLOCK,
                        observer);
        InMemoryFunctions node = new InMemoryFunctions(small);
        node.toTask("a", Types.TASK_EVENT, started("a", NODE, 1.0, 1024 * MIB));
        node.toTask("a", Types.RISK_ASSESSMENT, assessment("a", NODE, 0.1, T0, 1.5, 256 * MIB));
        node.toTask("a", Types.TASK_EVENT, ended("a", NODE)); // the reaper's
        node.toTask("b", Types.RISK_ASSESSMENT, assessment("b", NODE, 0.1, T0, 1.5, 256 * MIB));

        node.toTask(
                "a",
                Types.TASK_EVENT,
                TaskEvent.newBuilder(ended("a", NODE))
                        .setTimestamp(T0.plusSeconds(95))
                        .build()); // the launcher's, late
        node.toTask("c", Types.RISK_ASSESSMENT, assessment("c", NODE, 0.1, T0, 1.5, 256 * MIB));
        node.toTask(
                "a",
                Types.RISK_ASSESSMENT,
                assessment("a", NODE, 0.1, T0.plusSeconds(100), 1.5, 256 * MIB));

        assertThat(node.decisions())
                .extracting(EnforcementDecision::getTaskId)
                .containsExactly("a", "b", "c");
        assertThat(node.decisions().get(1).getCpuCores()).isEqualTo(1.8);
        // b keeps its 1.8 cores: c gets what is left of the 2, as if no second ENDED came.
        assertThat(node.decisions().get(2).getCpuCores()).isEqualTo(0.2);
        assertThat(node.deadLetters()).isEmpty();
        assertThat(observer.skipped).containsExactly("a:task-ended");
    }

    @Test
    void anAppliedAckForTheLatestDecisionBecomesTheCurrentAllocation() {
        functions.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, 0.1, T0, 1.0, 1024 * MIB));
        EnforcementAck ack =
                EnforcementAck.newBuilder(Fixtures.ack(TASK, 1, AckOutcome.APPLIED))
                        .setDecisionId(TaskFn.decisionId(TASK, 1))
                        .build(); // applied: 0.25 cores, 256 MiB
        functions.toTask(TASK, Types.ENFORCEMENT_ACK, ack);
        functions.toTask(
                TASK,
                Types.RISK_ASSESSMENT,
                assessment(TASK, NODE, 0.5, T0.plusSeconds(5), 0.2, 128 * MIB));

        EnforcementDecision throttled = functions.decisions().get(1);
        assertThat(throttled.getCpuCores()).isEqualTo(0.188); // 0.75 x 0.25, in millicores
        assertThat(throttled.getMemoryBytes()).isEqualTo(192 * MIB);
    }

    @Test
    void anUndecodableAssessmentGoesToTheDeadLetterTopicNotToADecision() {
        Type<byte[]> fakeRisk =
                SimpleType.simpleImmutableTypeFrom(
                        TypeName.typeNameOf(Types.NAMESPACE, "RiskAssessment"), b -> b, b -> b);

        functions.toTask(TASK, fakeRisk, new byte[] {1, 2, 3});

        assertThat(functions.decisions()).isEmpty();
        assertThat(functions.deadLetters()).hasSize(1);
        assertThat(functions.deadLetters().get(0).getSourceTopic()).isEqualTo(Topics.RISK.name());
        assertThat(functions.deadLetters().get(0).getErrorType())
                .isEqualTo("decode.NOT_SINGLE_OBJECT");
        assertThat(observer.deadLetters).hasSize(1);
    }

    @Test
    void decisionsAreDeterministic() {
        InMemoryFunctions again = new InMemoryFunctions(config);
        for (InMemoryFunctions f : List.of(functions, again)) {
            f.toTask(TASK, Types.TASK_EVENT, started(TASK, NODE, 2.0, 2048 * MIB));
            for (int i = 0; i < 5; i++) {
                f.toTask(
                        TASK,
                        Types.RISK_ASSESSMENT,
                        assessment(TASK, NODE, 0.2 * i, T0.plusSeconds(i), 0.5, 256 * MIB));
            }
        }
        assertThat(again.decisions()).isEqualTo(functions.decisions());
        assertThat(functions.decisions())
                .extracting(EnforcementDecision::getSequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @ParameterizedTest(name = "risk {0} -> {1}, allow-list {2}")
    @CsvSource({
        "0.39, ALLOCATE, -",
        "0.4, ALLOCATE, -",
        "0.41, THROTTLE, -",
        "0.7, THROTTLE, -",
        "0.71, RESTRICT, 10.231.0.0/16:9092"
    })
    void thresholdsAtAboveAndBelow(double risk, EnforcementAction expected, String allowList) {
        functions.toTask(
                TASK, Types.RISK_ASSESSMENT, assessment(TASK, NODE, risk, T0, 0.5, 256 * MIB));

        assertThat(functions.decisions())
                .extracting(EnforcementDecision::getAction)
                .containsExactly(expected);
        // High risk: "network restricted" to the policy's allow-list; below it destinations stay.
        assertThat(functions.decisions().get(0).getNetworkAllowList())
                .isEqualTo(allowList.equals("-") ? null : List.of(allowList));
    }

    /** A task of a trusted source (baseline HIGH), so the allocator's branches show alone. */
    static TaskEvent started(String taskId, String nodeId, double cpu, long memory) {
        return TaskEvent.newBuilder(Fixtures.taskStarted(taskId, Fixtures.USER, "batch"))
                .setNodeId(nodeId)
                .setInitialAllocation(Fixtures.limits(cpu, memory))
                .setBaselineTrust(TrustLevel.HIGH)
                .build();
    }

    static TaskEvent ended(String taskId, String nodeId) {
        return TaskEvent.newBuilder(started(taskId, nodeId, 1, MIB))
                .setType(TaskEventType.ENDED)
                .setTimestamp(T0.plusSeconds(60))
                .build();
    }

    private static <T> Message message(Type<T> type, T value) {
        return MessageBuilder.forAddress(TaskFn.TYPE, TASK).withCustomType(type, value).build();
    }
}

package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceUsage;
import io.augur.schema.TaskEnforcementState;
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

    static EnforcementDecision decision(long sequence, EnforcementAction action) {
        EnforcementDecision d = Fixtures.decision("task-1", sequence, 0.1);
        d.setAction(action);
        return d;
    }

    @Test
    void aTaskWithItsOwnNetworkIsCutShapedAndCutWhileQuarantinedAsDecided() {
        io.augur.actuator.net.InMemoryNetworkEffector net =
                new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        var allowed = java.util.List.of(io.augur.actuator.net.Destination.parse("10.0.0.1:443"));
        net.apply("task-1", io.augur.actuator.net.NetworkPolicy.open().withAllowList(allowed));
        Enforcer e =
                new Enforcer(
                        new DecisionValidator(new NodeBounds(2, 8L << 30)),
                        DecisionLedger.restore(journal.replay()),
                        effector,
                        net,
                        journal,
                        clock);

        EnforcementDecision shaped = decision(1, EnforcementAction.THROTTLE);
        shaped.setNetworkBandwidthBps(1L << 20);
        Enforcer.Outcome first = handle(e, shaped);
        assertThat(first.ack().getApplied().getNetworkEnabled()).isTrue();
        assertThat(first.ack().getApplied().getNetworkBandwidthBps()).isEqualTo(1L << 20);
        // The allow-list the task was launched with stays.
        assertThat(net.read("task-1").allowList()).isEqualTo(allowed);

        EnforcementDecision off = decision(2, EnforcementAction.RESTRICT);
        off.setNetworkEnabled(false);
        assertThat(handle(e, off).ack().getApplied().getNetworkEnabled()).isFalse();
        assertThat(net.read("task-1").enabled()).isFalse();

        // Quarantine cuts the network even when the decision leaves it on; release restores it.
        Enforcer.Outcome q = handle(e, decision(3, EnforcementAction.QUARANTINE));
        assertThat(q.ack().getApplied().getNetworkEnabled()).isFalse();
        Enforcer.Outcome release = handle(e, decision(4, EnforcementAction.ALLOCATE));
        assertThat(release.ack().getApplied().getNetworkEnabled()).isTrue();
        assertThat(release.ack().getApplied().getNetworkBandwidthBps()).isNull();
        assertThat(net.read("task-1").bandwidth()).isEmpty();
    }

    @Test
    void aSupervisedTaskIsTightenedAndLoosenedBackToItsLaunchProfileNeverBelow() {
        var profiles = io.augur.actuator.sandbox.SandboxProfiles.shipped();
        var sandbox = new io.augur.actuator.sandbox.InMemorySandboxProfileEffector();
        sandbox.launched(
                "task-1",
                io.augur.actuator.sandbox.ProfileSupervision.of(
                        profiles, profiles.get("monitored")));
        Enforcer e =
                new Enforcer(
                        new DecisionValidator(new NodeBounds(2, 8L << 30)),
                        DecisionLedger.restore(journal.replay()),
                        effector,
                        io.augur.actuator.net.NetworkEffector.NONE,
                        sandbox,
                        journal,
                        clock);

        EnforcementDecision tighten = decision(1, EnforcementAction.RESTRICT);
        tighten.setSandboxProfile("restricted");
        Enforcer.Outcome t = handle(e, tighten);
        assertThat(t.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(t.ack().getReason()).startsWith("sandbox profile restricted in force");
        assertThat(sandbox.read("task-1").orElseThrow().effective()).isEqualTo("restricted");
        assertThat(t.ack().getControls().getSandboxProfile()).isEqualTo("restricted");

        // A split is for the split-off subtree: the whole task's profile stays.
        EnforcementDecision split = decision(2, EnforcementAction.SPLIT);
        split.setSandboxProfile("monitored");
        split.setSplitPid(4242L);
        effector.addProcess("task-1", 4242, 1);
        handle(e, split);
        assertThat(sandbox.read("task-1").orElseThrow().current()).isEqualTo("restricted");

        // Looser than the launch profile: the launch filter stays in force.
        EnforcementDecision loosen = decision(3, EnforcementAction.ALLOCATE);
        loosen.setSandboxProfile("default");
        Enforcer.Outcome l = handle(e, loosen);
        assertThat(l.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(l.ack().getReason()).contains("launch profile monitored stays in force");
        assertThat(sandbox.read("task-1").orElseThrow().effective()).isEqualTo("monitored");
        assertThat(l.ack().getControls().getSandboxProfile()).isEqualTo("monitored");

        EnforcementDecision unknown = decision(4, EnforcementAction.RESTRICT);
        unknown.setSandboxProfile("paranoid");
        Enforcer.Outcome u = handle(e, unknown);
        assertThat(u.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(u.ack().getReason())
                .contains("sandbox profile:")
                .contains("does not know profile 'paranoid'");
        assertThat(sandbox.read("task-1").orElseThrow().current()).isEqualTo("default");
    }

    @Test
    void anUnsupervisedTasksAckSaysNothingOfItsProfile() {
        EnforcementDecision d = decision(1, EnforcementAction.RESTRICT);
        d.setSandboxProfile("restricted");
        Enforcer.Outcome o = handle(enforcer, d);
        assertThat(o.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(o.ack().getReason()).isNull();
        assertThat(o.ack().getControls().getSandboxProfile()).isNull();
    }

    @Test
    void aTaskWithoutItsOwnNetworkKeepsTheHostsAndTheAckSaysNothingOfIt() {
        EnforcementDecision off = decision(1, EnforcementAction.RESTRICT);
        off.setNetworkEnabled(false);
        Enforcer.Outcome o = handle(enforcer, off);
        assertThat(o.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(o.ack().getApplied().getNetworkEnabled()).isNull();
    }

    Enforcer withNetwork(io.augur.actuator.net.InMemoryNetworkEffector net) {
        return new Enforcer(
                new DecisionValidator(new NodeBounds(2, 8L << 30)),
                DecisionLedger.restore(journal.replay()),
                effector,
                net,
                journal,
                clock);
    }

    static java.util.List<io.augur.actuator.net.Destination> dests(String... s) {
        return io.augur.actuator.net.Destinations.parse(java.util.List.of(s));
    }

    @Test
    void aDecisionsAllowListRestrictsWithinTheLaunchListIsKeptAndLiftedByEverywhere() {
        var net = new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        // Launched allowing the host's /30 on any port and a resolver.
        net.apply(
                "task-1",
                io.augur.actuator.net.NetworkPolicy.open()
                        .withAllowList(dests("10.231.0.0/30", "10.9.9.9:53")));
        Enforcer e = withNetwork(net);

        EnforcementDecision restrict = decision(1, EnforcementAction.RESTRICT);
        restrict.setNetworkAllowList(java.util.List.of("10.231.0.1:9092", "192.168.0.0/16"));
        Enforcer.Outcome r = handle(e, restrict);
        assertThat(r.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(net.read("task-1").restriction())
                .isEqualTo(dests("10.231.0.1:9092", "192.168.0.0/16"));
        // The launch list stays; in force is what passes both.
        assertThat(net.read("task-1").allowList()).isEqualTo(dests("10.231.0.0/30", "10.9.9.9:53"));
        assertThat(r.ack().getControls().getNetworkAllowList())
                .containsExactly("10.231.0.1/32:9092");

        // Null leaves the restriction in force.
        Enforcer.Outcome keep = handle(e, decision(2, EnforcementAction.THROTTLE));
        assertThat(net.read("task-1").restriction())
                .isEqualTo(dests("10.231.0.1:9092", "192.168.0.0/16"));
        assertThat(keep.ack().getControls().getNetworkAllowList())
                .containsExactly("10.231.0.1/32:9092");

        // A restart re-asserts the journalled restriction where the filters lost it.
        net.apply("task-1", net.read("task-1").withRestriction(null));
        assertThat(withNetwork(net).reassert()).isEqualTo(1);
        assertThat(net.read("task-1").restriction())
                .isEqualTo(dests("10.231.0.1:9092", "192.168.0.0/16"));

        // Empty: no destination at all.
        EnforcementDecision none = decision(3, EnforcementAction.RESTRICT);
        none.setNetworkAllowList(java.util.List.of());
        Enforcer e2 = withNetwork(net);
        Enforcer.Outcome n = handle(e2, none);
        assertThat(n.ack().getControls().getNetworkAllowList()).isEmpty();
        assertThat(net.read("task-1").restriction()).isEmpty();

        // 0.0.0.0/0 lifts it: the launch list alone again.
        EnforcementDecision lift = decision(4, EnforcementAction.ALLOCATE);
        lift.setNetworkAllowList(java.util.List.of("0.0.0.0/0"));
        Enforcer.Outcome l = handle(e2, lift);
        assertThat(net.read("task-1").restriction()).isNull();
        assertThat(l.ack().getControls().getNetworkAllowList())
                .containsExactly("10.231.0.0/30", "10.9.9.9/32:53");
        assertThat(withNetwork(net).reassert()).isZero();
    }

    @Test
    void anAllowListOnATaskLaunchedWithoutOneIsWhatIsInForce() {
        var net = new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        Enforcer e = withNetwork(net);
        Enforcer.Outcome open = handle(e, decision(1, EnforcementAction.ALLOCATE));
        assertThat(open.ack().getControls().getNetworkAllowList()).isNull();
        EnforcementDecision d = decision(2, EnforcementAction.RESTRICT);
        d.setNetworkAllowList(java.util.List.of("127.0.0.0/8", "10.231.0.1:9092"));
        assertThat(handle(e, d).ack().getControls().getNetworkAllowList())
                .containsExactly("127.0.0.0/8", "10.231.0.1/32:9092");
    }

    @Test
    void aBadAllowListEntryIsRejectedWithADeadLetterAndNothingChanges() {
        var net = new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        Enforcer e = withNetwork(net);
        for (String bad :
                java.util.List.of("kafka:9092", "10.0.0.1/33", "10.0.0.0/8:0", "10.0.0.1/8")) {
            EnforcementDecision d = decision(offset + 1, EnforcementAction.RESTRICT);
            d.setNetworkAllowList(java.util.List.of("127.0.0.1", bad));
            Enforcer.Outcome o = handle(e, d);
            assertThat(o.ack().getOutcome()).as(bad).isEqualTo(AckOutcome.REJECTED);
            assertThat(o.ack().getReason()).as(bad).startsWith("networkAllowList: ").contains(bad);
            assertThat(o.deadLetter()).as(bad).isPresent();
        }
        EnforcementDecision many = decision(offset + 1, EnforcementAction.RESTRICT);
        many.setNetworkAllowList(java.util.Collections.nCopies(257, "127.0.0.1"));
        assertThat(handle(e, many).ack().getReason()).contains("at most 256");
        assertThat(net.read("task-1").restriction()).isNull();
    }

    @Test
    void aSplitsNetworkFieldsGoToTheSplitGroupOnlyAndTerminateClearsThem() {
        var net = new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        var splits = new io.augur.actuator.net.InMemorySplitNetworkEffector();
        Enforcer e =
                new Enforcer(
                        new DecisionValidator(new NodeBounds(2, 8L << 30)),
                        DecisionLedger.restore(journal.replay()),
                        effector,
                        net,
                        io.augur.actuator.sandbox.SandboxProfileEffector.NONE,
                        splits,
                        journal,
                        clock);
        effector.addProcess("task-1", 4242, 1);
        effector.addProcess("task-1", 4343, 1);
        EnforcementDecision off = decision(1, EnforcementAction.SPLIT);
        off.setSplitPid(4242L);
        off.setNetworkEnabled(false);
        Enforcer.Outcome o = handle(e, off);
        assertThat(o.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(o.ack().getReason()).contains("split-4242: network off");
        assertThat(splits.read("task-1"))
                .containsEntry(
                        "split-4242", new io.augur.actuator.net.SplitNetworkPolicy(false, null));
        // The task's own link stays on, its destinations unrestricted.
        assertThat(net.read("task-1").enabled()).isTrue();
        assertThat(net.read("task-1").restriction()).isNull();
        assertThat(o.ack().getApplied().getNetworkEnabled()).isTrue();

        EnforcementDecision allow = decision(2, EnforcementAction.SPLIT);
        allow.setSplitPid(4343L);
        allow.setNetworkAllowList(java.util.List.of("10.231.0.1:9092"));
        assertThat(handle(e, allow).ack().getReason())
                .contains("split-4343: destinations [10.231.0.1/32:9092]");
        assertThat(splits.read("task-1")).containsOnlyKeys("split-4242", "split-4343");

        handle(e, decision(3, EnforcementAction.TERMINATE));
        assertThat(splits.read("task-1")).isEmpty();
    }

    @Test
    void withoutSplitNetworkControlsARestrictingSplitFailsWithTheReason() {
        var net = new io.augur.actuator.net.InMemoryNetworkEffector();
        net.add("task-1");
        effector.addProcess("task-1", 4242, 1);
        EnforcementDecision off = decision(1, EnforcementAction.SPLIT);
        off.setSplitPid(4242L);
        off.setNetworkEnabled(false);
        Enforcer.Outcome o = handle(withNetwork(net), off);
        assertThat(o.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(o.ack().getReason()).startsWith("network: ").contains("no split group");
    }

    @Test
    void anAbsurdBandwidthIsRejected() {
        EnforcementDecision d = decision(1, EnforcementAction.THROTTLE);
        d.setNetworkBandwidthBps(10L);
        Enforcer.Outcome o = handle(enforcer, d);
        assertThat(o.ack().getOutcome()).isEqualTo(AckOutcome.REJECTED);
        assertThat(o.ack().getReason()).contains("networkBandwidthBps 10 is outside");
    }

    @Test
    void quarantineFreezesAndKeepsTheTaskFrozenUntilAReleasingDecision() {
        Enforcer.Outcome q = handle(enforcer, decision(1, EnforcementAction.QUARANTINE));
        enforcer.committed();

        assertThat(q.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(q.ack().getReason()).contains("quarantined");
        assertThat(q.ack().getControls().getState()).isEqualTo(TaskEnforcementState.QUARANTINED);
        assertThat(q.ack().getControls().getFrozen()).isTrue();
        assertThat(q.ack().getApplied().getCpuCores()).isEqualTo(0.1);
        assertThat(effector.isFrozen("task-1")).isTrue();

        // A split of a quarantined task keeps it quarantined.
        effector.addProcess("task-1", 100, 1);
        EnforcementDecision split = decision(2, EnforcementAction.SPLIT);
        split.setSplitPid(100L);
        assertThat(handle(enforcer, split).ack().getControls().getState())
                .isEqualTo(TaskEnforcementState.QUARANTINED);
        assertThat(effector.isFrozen("task-1")).isTrue();

        Enforcer.Outcome release = handle(enforcer, decision(3, EnforcementAction.THROTTLE));
        assertThat(release.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(release.ack().getReason()).contains("released");
        assertThat(release.ack().getControls().getState()).isEqualTo(TaskEnforcementState.ACTIVE);
        assertThat(effector.isFrozen("task-1")).isFalse();
    }

    @Test
    void aRestartReassertsQuarantineAndTermination() {
        effector.addTask("task-2").addProcess("task-2", 200, 1);
        handle(enforcer, decision(1, EnforcementAction.QUARANTINE));
        EnforcementDecision end = Fixtures.decision("task-2", 1, 0.1);
        end.setAction(EnforcementAction.TERMINATE);
        handle(enforcer, end);
        enforcer.committed();
        // Meanwhile someone thawed task-1 and put a process back into task-2.
        assertThat(effector.thawQuietly("task-1")).isTrue();
        effector.addProcess("task-2", 201, 1);

        Enforcer restarted = restart();
        assertThat(restarted.reassert()).isEqualTo(2);

        assertThat(effector.isFrozen("task-1")).isTrue();
        assertThat(effector.processes("task-2")).isEmpty();
        assertThat(restarted.taskCounts())
                .containsExactly(
                        java.util.Map.entry(java.util.List.of("MEDIUM", "QUARANTINED"), 1));
    }

    @Test
    void terminateEmptiesTheTaskAndLaterDecisionsFailWithAReason() {
        effector.addProcess("task-1", 100, 1).addProcess("task-1", 101, 100);

        Enforcer.Outcome t = handle(enforcer, decision(1, EnforcementAction.TERMINATE));
        enforcer.committed();

        assertThat(t.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(t.ack().getReason()).contains("empty");
        assertThat(t.ack().getControls().getState()).isEqualTo(TaskEnforcementState.TERMINATED);
        assertThat(effector.processes("task-1")).isEmpty();

        Enforcer.Outcome later = handle(restart(), decision(2, EnforcementAction.ALLOCATE));
        assertThat(later.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(later.ack().getReason()).contains("terminated by sequence 1");
        assertThat(later.deadLetter()).isEmpty();
        assertThat(effector.applyCount("task-1")).isZero();
    }

    @Test
    void aTerminationRedeliveredBeforeItsAckCommittedIsAppliedAgain() {
        effector.addProcess("task-1", 100, 1);
        handle(enforcer, decision(1, EnforcementAction.TERMINATE));
        // Crash: no commit. After the restart the same decision comes again.
        Enforcer.Outcome again = handle(restart(), decision(1, EnforcementAction.TERMINATE));

        assertThat(again.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(again.ack().getControls().getState()).isEqualTo(TaskEnforcementState.TERMINATED);
    }

    @Test
    void splitMovesTheNamedProcessAndItsDescendantsOnly() {
        // 100 ─┬─ 101 ── 103      (named: 101)
        //      └─ 102             (sibling: stays)
        effector.addProcess("task-1", 100, 1)
                .addProcess("task-1", 101, 100)
                .addProcess("task-1", 102, 100)
                .addProcess("task-1", 103, 101);
        EnforcementDecision d = decision(1, EnforcementAction.SPLIT);
        d.setSplitPid(101L);
        d.setPidsMax(8L);

        Enforcer.Outcome out = handle(enforcer, d);

        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.APPLIED);
        assertThat(out.ack().getReason()).contains("split-101");
        assertThat(out.ack().getControls().getSplitGroups()).containsExactly("split-101");
        assertThat(effector.pidsIn("task-1", "split-101")).containsExactly(101L, 103L);
        assertThat(effector.pidsIn("task-1", "")).containsExactly(100L, 102L);
        assertThat(effector.splitLimits("task-1", "split-101").orElseThrow().pidsMax())
                .isEqualTo(8L);
        assertThat(effector.applyCount("task-1")).isZero(); // the rest keeps its limits
    }

    @Test
    void aSplitOfAProcessOutsideTheTaskFails() {
        effector.addProcess("task-1", 100, 1);
        EnforcementDecision d = decision(1, EnforcementAction.SPLIT);
        d.setSplitPid(4242L);

        Enforcer.Outcome out = handle(enforcer, d);

        assertThat(out.ack().getOutcome()).isEqualTo(AckOutcome.FAILED);
        assertThat(out.ack().getReason()).contains("4242").contains("not a process of task task-1");
    }
}

package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.AckOutcome;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.ResourceSample;
import io.augur.schema.SequenceAnomaly;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoReportTest {

    private static final Workload BENIGN =
            new Workload("b", "alice", "worker", Workload.BENIGN, "x", List.of());
    private static final Workload HOSTILE =
            new Workload("h", "mallory", "worker", Workload.HOSTILE, "x", List.of());

    private static EnforcementDecision decision(String task, long seq, EnforcementAction action) {
        EnforcementDecision d = Fixtures.decision(task, seq, 0.5);
        d.setAction(action);
        return d;
    }

    private static EnforcementAck ack(String task, long seq, AckOutcome outcome, long latencyMs) {
        EnforcementAck a = Fixtures.ack(task, seq, outcome);
        a.setAppliedAt(a.getCauseTimestamp().plusMillis(latencyMs));
        return a;
    }

    @Test
    void finalActionIsTheHighestSequenceNotTheLastArrival() {
        var report =
                DemoReport.compute(
                        10,
                        List.of(HOSTILE),
                        List.of(Fixtures.assessment("h", 0.9, Fixtures.T0)),
                        List.of(
                                decision("h", 2, EnforcementAction.RESTRICT),
                                decision("h", 1, EnforcementAction.ALLOCATE)),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        0);
        var task = report.tasks().get(0);
        assertThat(task.finalAction()).isEqualTo("RESTRICT");
        assertThat(task.everRestricted()).isTrue();
        assertThat(task.maxRisk()).isEqualTo(0.9);
        assertThat(task.actions()).containsEntry("ALLOCATE", 1L).containsEntry("RESTRICT", 1L);
    }

    @Test
    void aDecisionAppliedTwiceIsCountedAsADuplicateAndDuplicateAcksAreNot() {
        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN),
                        List.of(),
                        List.of(
                                decision("b", 1, EnforcementAction.ALLOCATE),
                                decision("b", 2, EnforcementAction.ALLOCATE)),
                        List.of(
                                ack("b", 1, AckOutcome.APPLIED, 100),
                                ack("b", 1, AckOutcome.DUPLICATE, 100),
                                ack("b", 2, AckOutcome.APPLIED, 300),
                                ack("b", 2, AckOutcome.APPLIED, 300)),
                        Map.of(),
                        Map.of(),
                        0);
        var task = report.tasks().get(0);
        assertThat(task.decisionsIssued()).isEqualTo(2);
        assertThat(task.decisionsApplied()).isEqualTo(2);
        assertThat(task.duplicatesApplied()).isEqualTo(1);
        assertThat(task.everRestricted()).isFalse();
    }

    @Test
    void latencyPercentilesUseNearestRankOverAppliedAcks() {
        var acks =
                List.of(
                        ack("b", 1, AckOutcome.APPLIED, 100),
                        ack("b", 2, AckOutcome.APPLIED, 200),
                        ack("b", 3, AckOutcome.APPLIED, 300),
                        ack("b", 4, AckOutcome.APPLIED, 4000),
                        ack("b", 5, AckOutcome.STALE, 99999));
        var report =
                DemoReport.compute(
                        10, List.of(BENIGN), List.of(), List.of(), acks, Map.of(), Map.of(), 0);
        assertThat(report.loopLatencyMs().p50()).isEqualTo(200);
        assertThat(report.loopLatencyMs().p99()).isEqualTo(4000);
        assertThat(report.loopLatencyMs().count()).isEqualTo(4);
    }

    @Test
    void aTaskWithNothingObservedReportsNoActionNoLatencyAndNoInvocations() {
        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN),
                        List.of(),
                        List.of(),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        0);
        var task = report.tasks().get(0);
        assertThat(task.finalAction()).isNull();
        assertThat(task.invocations()).isZero();
        assertThat(task.topInvocations()).isEmpty();
        assertThat(report.loopLatencyMs().p50()).isEqualTo(-1);
        assertThat(report.toJson()).containsKeys("tasks", "loopLatencyMs", "durationSeconds");
    }

    @Test
    void eachTaskReportsItsInvocationCountAndItsFiveMostFrequentNames() {
        InvocationTally calls = new InvocationTally(16);
        long seq = 1;
        String[] names = {"futex", "read", "write", "openat", "close", "mmap"};
        for (int n = 0; n < names.length; n++) {
            for (int i = 0; i <= 10 - n; i++) {
                InvocationEvent e = Fixtures.invocation(seq++, names[n]);
                e.setTaskId("h");
                calls.add(e);
            }
        }
        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN, HOSTILE),
                        List.of(),
                        List.of(),
                        List.of(),
                        Map.of("h", calls),
                        Map.of(),
                        0);

        assertThat(report.tasks().get(0).invocations()).isZero();
        var hostile = report.tasks().get(1);
        assertThat(hostile.invocations()).isEqualTo(11 + 10 + 9 + 8 + 7 + 6);
        assertThat(hostile.invocationsByKind()).containsExactly(Map.entry("SYSCALL", 51L));
        assertThat(hostile.topInvocations())
                .extracting(InvocationTally.NameCount::name)
                .containsExactly("futex", "read", "write", "openat", "close");
        assertThat(hostile.topInvocationsExact()).isTrue();

        @SuppressWarnings("unchecked")
        Map<String, Object> json =
                ((List<Map<String, Object>>) report.toJson().get("tasks")).get(1);
        assertThat(json)
                .containsEntry("invocations", 51L)
                .containsEntry("invocationsByKind", Map.of("SYSCALL", 51L))
                .containsEntry("topInvocationsExact", true);
        assertThat((List<?>) json.get("topInvocations"))
                .hasSize(5)
                .first()
                .isEqualTo(Map.of("name", "futex", "count", 11L));
    }

    @Test
    void eachTaskReportsItsOwnNetworkAndWhetherTheEnforcerCutIt() {
        NetworkTally net = new NetworkTally();
        for (int i = 0; i < 3; i++) {
            ResourceSample s = Fixtures.sample("h", Fixtures.T0.plusSeconds(i), 0.1, 1L << 20);
            s.setNetRxBytes(100L);
            s.setNetTxBytes(i == 2 ? 0L : 5000L);
            net.add(s);
        }
        EnforcementAck open = ack("h", 1, AckOutcome.APPLIED, 10);
        open.getApplied().setNetworkEnabled(true);
        EnforcementAck cut = ack("h", 2, AckOutcome.APPLIED, 10);
        cut.getApplied().setNetworkEnabled(false);
        EnforcementAck sharedNetwork = ack("b", 1, AckOutcome.APPLIED, 10);
        sharedNetwork.getApplied().setNetworkEnabled(null);

        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN, HOSTILE),
                        List.of(),
                        List.of(),
                        List.of(open, cut, sharedNetwork),
                        Map.of(),
                        Map.of("h", net),
                        4096);

        var benign = report.tasks().get(0);
        assertThat(benign.networkSamples()).isZero();
        assertThat(benign.networkAcks()).as("network fields null: not controlled").isZero();
        assertThat(benign.networkCut()).isFalse();
        var hostile = report.tasks().get(1);
        assertThat(hostile.samples()).isEqualTo(3);
        assertThat(hostile.networkSamples()).isEqualTo(3);
        assertThat(hostile.netRxBytes()).isEqualTo(300);
        assertThat(hostile.netTxBytes()).isEqualTo(10_000);
        assertThat(hostile.networkAcks()).isEqualTo(2);
        assertThat(hostile.networkCut()).isTrue();
        assertThat(report.toJson()).containsEntry("sinkBytes", 4096L);
    }

    @Test
    void eachTaskCountsItsSequenceWindowsByLevelAndTheDecisionsMadeForThem() {
        SequenceAnomaly second = Fixtures.anomaly("h", AnomalyLevel.HIGH, 6.5);
        second.setWindowEnd(Fixtures.T0.plusSeconds(2));
        SequenceAnomaly first = Fixtures.anomaly("h", AnomalyLevel.LOW, 1.7);
        SequenceAnomaly calm = Fixtures.anomaly("b", AnomalyLevel.NORMAL, 0.4);
        // the benign task's own shutdown, once the demo stopped it
        SequenceAnomaly atStop = Fixtures.anomaly("b", AnomalyLevel.MEDIUM, 2.7);
        atStop.setWindowEnd(Fixtures.T0.plusSeconds(11));
        EnforcementDecision forStop = decision("b", 1, EnforcementAction.RESTRICT);
        forStop.setCauseTimestamp(Fixtures.T0.plusSeconds(11));
        forStop.setReasons(List.of("sequence anomaly MEDIUM: score 2.700 (...)"));
        EnforcementDecision forHigh = decision("h", 3, EnforcementAction.QUARANTINE);
        forHigh.setReasons(
                List.of(
                        "trust LOW",
                        "sequence anomaly HIGH: score 6.500 (cut-offs low 4.000 / medium 8.000 /"
                                + " high 16.000, task baseline 2.000), 100 invocations"));
        EnforcementDecision forLow = decision("h", 2, EnforcementAction.ALLOCATE);
        forLow.setReasons(List.of("sequence anomaly LOW: score 1.700 (...)"));
        EnforcementDecision resources = decision("h", 1, EnforcementAction.THROTTLE);
        resources.setReasons(List.of("CPU forecast upper 1.2 cores above the envelope"));

        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN, HOSTILE),
                        List.of(),
                        List.of(forHigh, forLow, resources, forStop),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        // arrival order is not window order
                        List.of(second, calm, first, atStop),
                        Fixtures.T0.plusSeconds(10),
                        0);

        var benign = report.tasks().get(0);
        assertThat(benign.sequenceWindows()).containsExactly(Map.entry("NORMAL", 1L));
        assertThat(benign.sequenceWindowsAtStop()).containsExactly(Map.entry("MEDIUM", 1L));
        assertThat(benign.firstSequenceLevel()).isEqualTo("NORMAL");
        assertThat(benign.sequenceDecisions()).as("none for a window of the run").isEmpty();
        assertThat(benign.everRestricted()).as("every decision counts there").isTrue();
        var hostile = report.tasks().get(1);
        assertThat(hostile.sequenceWindows()).containsEntry("LOW", 1L).containsEntry("HIGH", 1L);
        assertThat(hostile.firstSequenceLevel()).isEqualTo("LOW");
        assertThat(hostile.maxSequenceScore()).isEqualTo(6.5);
        assertThat(hostile.sequenceDecisions())
                .containsExactly(Map.entry("HIGH", 1L), Map.entry("LOW", 1L));
        @SuppressWarnings("unchecked")
        var json = (List<Map<String, Object>>) report.toJson().get("tasks");
        assertThat(json.get(1))
                .containsEntry("firstSequenceLevel", "LOW")
                .containsKey("sequenceWindows")
                .containsKey("sequenceDecisions");
    }

    @Test
    void aTaskWithoutSequenceWindowsHasNoFirstLevel() {
        var report =
                DemoReport.compute(
                        10,
                        List.of(BENIGN),
                        List.of(),
                        List.of(),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        0);
        var task = report.tasks().get(0);
        assertThat(task.sequenceWindows()).isEmpty();
        assertThat(task.firstSequenceLevel()).isNull();
        assertThat(task.maxSequenceScore()).isZero();
    }
}

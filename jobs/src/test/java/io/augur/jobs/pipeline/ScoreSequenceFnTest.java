package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.jobs.sequence.SequenceSettings;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScoreSequenceFnTest {
    private static final long T0 = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();

    // Windows of 4 calls, 10 s span, 60 s idle; default thresholds (floors 1.5 / 2.5 / 4.0).
    private static final SequenceSettings SETTINGS =
            new SequenceSettings(
                    "unused",
                    16,
                    4,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    SequenceSettings.defaultThresholds(),
                    100,
                    0.6,
                    2,
                    0.2,
                    8,
                    Duration.ZERO,
                    1,
                    1,
                    0,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(30),
                    100,
                    Duration.ofHours(1));

    private KeyedBroadcastOperatorTestHarness<String, ScoredCall, AnalystVerdict, SequenceAnomaly>
            harness;
    private long seq;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredCall, AnalystVerdict, SequenceAnomaly>
            newHarness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ScoreSequenceFn(SETTINGS),
                c -> c.taskId,
                Types.STRING,
                ScoreSequenceFn.ROLE_FACTORS);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** A call of task t1 with 1/p = anomaly, at T0 + ms. */
    private ScoredCall call(String name, double anomaly, long ms, Long pid, boolean oov) {
        ScoredCall c = new ScoredCall();
        c.taskId = "t1";
        c.userId = "u1";
        c.nodeId = "n1";
        c.role = "adfa";
        c.timestampMs = T0 + ms;
        c.sequence = seq++;
        c.name = name;
        c.pid = pid;
        c.p = 1 / anomaly;
        c.anomaly = anomaly;
        c.outOfVocabulary = oov;
        c.topGMiss = anomaly > 10;
        c.topG = 5;
        c.maxScore = 1e6;
        c.modelVersion = "adfa/v1";
        return c;
    }

    private void process(ScoredCall c) throws Exception {
        harness.processElement(c, c.timestampMs);
    }

    private List<SequenceAnomaly> out() {
        return harness.extractOutputValues();
    }

    @Test
    void aWindowOfCallsIsScoredAsTheMeanOfLnOneOverP() throws Exception {
        process(call("read", 1, 0, 11L, false));
        process(call("read", 10, 1, 10L, false));
        process(call("write", 100, 2, 10L, false));
        assertThat(out()).isEmpty();
        process(call("ptrace", 1e6, 3, 10L, true));
        assertThat(out()).hasSize(1);
        SequenceAnomaly a = out().get(0);
        assertThat(a.getScore()).isCloseTo(Math.log(1 * 10 * 100 * 1e6) / 4, Offset.offset(1e-9));
        assertThat(a.getLevel()).isEqualTo(AnomalyLevel.HIGH);
        assertThat(a.getInvocations()).isEqualTo(4);
        assertThat(a.getFirstSequence()).isEqualTo(0);
        assertThat(a.getLastSequence()).isEqualTo(3);
        assertThat(a.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(a.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 3));
        assertThat(a.getMaxScore()).isEqualTo(1e6);
        assertThat(a.getOutOfVocabulary()).isEqualTo(1);
        assertThat(a.getTopGMisses()).isEqualTo(2);
        assertThat(a.getLowCutoff()).isEqualTo(1.5);
        assertThat(a.getHighCutoff()).isEqualTo(4.0);
        assertThat(a.getAttributedPid()).isEqualTo(10L);
        assertThat(a.getModelVersion()).isEqualTo("adfa/v1");
        assertThat(a.getReasons()).anyMatch(r -> r.startsWith("call ptrace"));
    }

    @Test
    void highWindowsAreCountedForTheirAlert() throws Exception {
        ScoreSequenceFn fn = new ScoreSequenceFn(SETTINGS);
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        fn,
                        (ScoredCall c) -> c.taskId,
                        Types.STRING,
                        ScoreSequenceFn.ROLE_FACTORS)) {
            for (int i = 0; i < 4; i++) {
                ScoredCall c = call("read", 1.5, i, 10L, false);
                h.processElement(c, c.timestampMs);
            }
            assertThat(h.extractOutputValues())
                    .extracting(SequenceAnomaly::getLevel)
                    .containsExactly(AnomalyLevel.NORMAL);
            assertThat(fn.highWindowCount()).isZero();
            for (int i = 4; i < 8; i++) {
                ScoredCall c = call("ptrace", 1e6, i, 10L, true);
                h.processElement(c, c.timestampMs);
            }
            assertThat(h.extractOutputValues())
                    .extracting(SequenceAnomaly::getLevel)
                    .containsExactly(AnomalyLevel.NORMAL, AnomalyLevel.HIGH);
            assertThat(fn.highWindowCount()).isEqualTo(1);
        }
    }

    @Test
    void aNormalWindowIsNormalAndNotAttributed() throws Exception {
        for (int i = 0; i < 4; i++) {
            process(call("read", 1.5, i, 10L + i, false));
        }
        SequenceAnomaly a = out().get(0);
        assertThat(a.getLevel()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(a.getAttributedPid()).isNull();
    }

    @Test
    void theOnlyProcessOfATaskIsNotAttributed() throws Exception {
        for (int i = 0; i < 4; i++) {
            process(call("ptrace", 1e6, i, 10L, true));
        }
        assertThat(out().get(0).getLevel()).isEqualTo(AnomalyLevel.HIGH);
        assertThat(out().get(0).getAttributedPid()).isNull();
    }

    @Test
    void noPidIsAttributedWhenTheAnomalousCallsAreSpread() throws Exception {
        process(call("a", 1e6, 0, 1L, true));
        process(call("b", 1e6, 1, 2L, true));
        process(call("c", 1e6, 2, 3L, true));
        process(call("d", 1e6, 3, 4L, true));
        assertThat(out().get(0).getLevel()).isEqualTo(AnomalyLevel.HIGH);
        assertThat(out().get(0).getAttributedPid()).isNull();
    }

    @Test
    void aWindowClosesWhenItsEventTimeSpanIsReached() throws Exception {
        process(call("read", 2, 0, 1L, false));
        process(call("read", 2, 5_000, 1L, false));
        process(call("read", 2, 10_000, 1L, false));
        assertThat(out()).hasSize(1);
        assertThat(out().get(0).getInvocations()).isEqualTo(2);
        assertThat(out().get(0).getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000));
    }

    @Test
    void aQuietTaskIsJudgedAfterTheIdleTime() throws Exception {
        harness.setProcessingTime(1_000);
        process(call("read", 2, 0, 1L, false));
        harness.setProcessingTime(60_999);
        assertThat(out()).isEmpty();
        harness.setProcessingTime(61_000);
        assertThat(out()).hasSize(1);
        assertThat(out().get(0).getInvocations()).isEqualTo(1);
    }

    @Test
    void aFalsePositiveVerdictStopsTheSamePatternFromAlerting() throws Exception {
        for (int i = 0; i < 4; i++) {
            process(call("rare", 20, i, 1L, false)); // ln 20 = 3.0: MEDIUM
        }
        SequenceAnomaly first = out().get(0);
        assertThat(first.getLevel()).isEqualTo(AnomalyLevel.MEDIUM);
        harness.processBroadcastElement(
                verdict(VerdictLabel.FALSE_POSITIVE, first.getWindowEnd(), null), 0);
        for (int i = 4; i < 8; i++) {
            process(call("rare", 20, i, 1L, false));
        }
        SequenceAnomaly second = out().get(1);
        assertThat(second.getLevel()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(second.getLowCutoff()).isGreaterThan(first.getScore());
        assertThat(second.getReasons()).anyMatch(r -> r.contains("FALSE_POSITIVE by alice"));
        // Something clearly worse still alerts.
        for (int i = 8; i < 12; i++) {
            process(call("ptrace", 1e6, i, 1L, true));
        }
        assertThat(out().get(2).getLevel()).isEqualTo(AnomalyLevel.HIGH);
    }

    @Test
    void aRoleVerdictRaisesTheRolesFloorsForItsOtherTasks() throws Exception {
        harness.processBroadcastElement(
                verdict(VerdictLabel.FALSE_POSITIVE, Instant.ofEpochMilli(T0), "adfa"), 0);
        for (int i = 0; i < 4; i++) {
            ScoredCall c = call("x", 5, i, 1L, false); // ln 5 = 1.61: LOW at floor 1.5
            c.taskId = "t2";
            process(c);
        }
        SequenceAnomaly a = out().get(0);
        assertThat(a.getTaskId()).isEqualTo("t2");
        assertThat(a.getLowCutoff()).isEqualTo(1.875);
        assertThat(a.getLevel()).isEqualTo(AnomalyLevel.NORMAL);
    }

    @Test
    void riskVerdictsAreIgnored() throws Exception {
        AnalystVerdict v = verdict(VerdictLabel.FALSE_POSITIVE, Instant.ofEpochMilli(T0), "adfa");
        v.setSubject(VerdictSubject.RISK);
        harness.processBroadcastElement(v, 0);
        for (int i = 0; i < 4; i++) {
            process(call("x", 5, i, 1L, false));
        }
        assertThat(out().get(0).getLevel()).isEqualTo(AnomalyLevel.LOW);
    }

    @Test
    void anOpenWindowSurvivesARestore() throws Exception {
        process(call("read", 10, 0, 1L, false));
        process(call("read", 10, 1, 1L, false));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new ScoreSequenceFn(SETTINGS),
                                List.of(ScoreSequenceFn.ROLE_FACTORS)),
                        c -> c.taskId,
                        Types.STRING,
                        1,
                        1,
                        0);
        harness.initializeState(snapshot);
        harness.open();
        process(call("read", 10, 2, 1L, false));
        process(call("read", 10, 3, 1L, false));
        assertThat(out()).hasSize(1);
        assertThat(out().get(0).getInvocations()).isEqualTo(4);
        assertThat(out().get(0).getFirstSequence()).isEqualTo(0);
    }

    private static AnalystVerdict verdict(VerdictLabel label, Instant windowEnd, String role) {
        return AnalystVerdict.newBuilder()
                .setVerdictId("v1")
                .setTaskId("t1")
                .setAssessmentRef("t1@" + windowEnd.toEpochMilli())
                .setLabel(label)
                .setAnalyst("alice")
                .setTimestamp(windowEnd)
                .setRole(role)
                .setSubject(VerdictSubject.SEQUENCE)
                .build();
    }
}

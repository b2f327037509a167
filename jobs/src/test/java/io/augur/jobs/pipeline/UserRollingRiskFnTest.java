package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.augur.jobs.profile.RollingRisk;
import io.augur.schema.Fixtures;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserRollingRiskFnTest {
    private static final Duration IDLE = Duration.ofSeconds(30);

    private KeyedOneInputStreamOperatorTestHarness<String, RiskAssessment, RiskAssessment> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new UserRollingRiskFn(new RollingRisk(0.5), IDLE)),
                        RiskAssessment::getUserId,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void feed(String task, double risk, long atMs) throws Exception {
        RiskAssessment a = Fixtures.assessment(task, risk, Fixtures.T0.plusMillis(atMs + 1));
        harness.processElement(a, Fixtures.T0.toEpochMilli() + atMs);
    }

    @Test
    void averagesTheScoresOfAllTheUsersTasks() throws Exception {
        feed("task-a", 0.8, 1999);
        feed("task-b", 0.0, 1999);
        feed("task-a", 0.4, 3999);

        List<RiskAssessment> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(RiskAssessment::getUserRollingRisk)
                .containsExactly(0.8, 0.4, 0.4);
        assertThat(out.get(1).getTaskId()).isEqualTo("task-b");
        assertThat(out.get(1).getRiskScore()).isEqualTo(0.0);
    }

    @Test
    void stateAndTimersAreClearedWhenTheUserIsIdle() throws Exception {
        feed("task-a", 0.8, 1999);
        feed("task-a", 0.6, 3999);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(Fixtures.T0.toEpochMilli() + 3999 + IDLE.toMillis());

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        // A returning user starts afresh.
        feed("task-a", 0.2, IDLE.toMillis() + 10_000);
        assertThat(harness.extractOutputValues().get(2).getUserRollingRisk())
                .isCloseTo(0.2, within(1e-12));
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        feed("task-a", 0.8, 1999);
        var snapshot = harness.snapshot(1, 1);
        harness.close();

        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new UserRollingRiskFn(new RollingRisk(0.5), IDLE)),
                        RiskAssessment::getUserId,
                        Types.STRING);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();
        feed("task-a", 0.0, 3999);

        assertThat(harness.extractOutputValues())
                .extracting(RiskAssessment::getUserRollingRisk)
                .containsExactly(0.4);
    }
}

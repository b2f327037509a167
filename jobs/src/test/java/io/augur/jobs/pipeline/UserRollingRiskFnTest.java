package io.augur.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.augur.jobs.profile.RollingRisk;
import io.augur.jobs.profile.UserReputation;
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
    private static final Duration REPUTATION_TTL = Duration.ofDays(30);
    private static final long HALF_LIFE_MS = Duration.ofHours(1).toMillis();

    /** α 0.5 so the long-term risk moves visibly; incidents above 0.7. */
    private static final UserReputation REPUTATION =
            new UserReputation(0.5, 0.1, 0.7, HALF_LIFE_MS);

    private KeyedOneInputStreamOperatorTestHarness<String, RiskAssessment, RiskAssessment> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new UserRollingRiskFn(
                                        new RollingRisk(0.5), IDLE, REPUTATION, REPUTATION_TTL)),
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
        // rolling risk, cleanup time, reputation, task-a's open incident
        assertThat(harness.numKeyedStateEntries()).isEqualTo(4);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(Fixtures.T0.toEpochMilli() + 3999 + IDLE.toMillis());

        // Only the reputation outlives the user's idleness.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
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
                                new UserRollingRiskFn(
                                        new RollingRisk(0.5), IDLE, REPUTATION, REPUTATION_TTL)),
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

    private double reputation(int i) {
        return harness.extractOutputValues().get(i).getUserReputation();
    }

    @Test
    void aTaskThatTurnsRiskyIsOneIncidentUntilItCalmsDownAndCostsTheUserReputation()
            throws Exception {
        feed("task-a", 0.0, 1999);
        // long-term 0.5·0 + 0.5·0.1 = 0.05, no incident
        assertThat(reputation(0)).isCloseTo(0.95, within(1e-12));

        feed("task-a", 0.9, 3999); // opens an incident: long-term 0.475, 1 incident
        assertThat(reputation(1)).isCloseTo((1 - 0.475) / 2, within(1e-12));
        feed("task-a", 0.5, 5999); // still open (0.5 >= 0.35): not counted again
        // (the incident decayed over 2 s of its 1 h half-life)
        assertThat(reputation(2))
                .isCloseTo(
                        (1 - 0.4875) / (1 + Math.pow(0.5, 2000.0 / HALF_LIFE_MS)), within(1e-12));
        feed("task-a", 0.8, 7999); // still the same incident
        feed("task-a", 0.1, 9999); // closes it (below 0.35)
        feed("task-a", 0.9, 11_999); // a second incident of the same task
        feed("task-b", 0.95, 11_999); // and one of another task
        // The first incident decayed over 8 s of its 1 h half-life; two new ones; long-term risk
        // after 0, .9, .5, .8, .1, .9, .95 from 0.1 at α 0.5: 0.79296875.
        double incidents = Math.pow(0.5, 8000.0 / HALF_LIFE_MS) + 2;
        assertThat(reputation(6)).isCloseTo((1 - 0.79296875) / (1 + incidents), within(1e-12));
        assertThat(harness.extractOutputValues())
                .extracting(RiskAssessment::getUserReputation)
                .allSatisfy(r -> assertThat(r).isBetween(0.0, 1.0));
    }

    @Test
    void incidentsFadeWithTheirHalfLifeAndTheReputationOutlivesTheRollingRisk() throws Exception {
        feed("task-a", 1.0, 1999); // incident; long-term 0.55
        double after = reputation(0);
        assertThat(after).isCloseTo((1 - 0.55) / 2, within(1e-12));

        // Idle past the rolling risk's cleanup, two half-lives later: the rolling risk starts
        // afresh, the reputation does not; the incident weighs a quarter.
        harness.processWatermark(Fixtures.T0.toEpochMilli() + 1999 + IDLE.toMillis());
        feed("task-c", 0.0, 1999 + 2 * HALF_LIFE_MS);
        RiskAssessment back = harness.extractOutputValues().get(1);
        assertThat(back.getUserRollingRisk()).isZero();
        assertThat(back.getUserReputation()).isCloseTo((1 - 0.275) / (1 + 0.25), within(1e-9));
    }
}

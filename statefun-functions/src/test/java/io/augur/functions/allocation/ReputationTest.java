package io.augur.functions.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.augur.functions.wire.UserRecord;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.TrustLevel;
import org.junit.jupiter.api.Test;

class ReputationTest {

    private static final long HOUR = 3_600_000;
    private final Reputation reputation = new Reputation(ReputationSettings.DEFAULTS);

    @Test
    void aNewUserStartsTrusted() {
        UserRecord fresh = reputation.fresh(0);
        assertThat(reputation.reputation(fresh, 0)).isCloseTo(0.9, within(1e-9));
        assertThat(reputation.baseline(0.9)).isEqualTo(TrustLevel.HIGH);
    }

    @Test
    void anIncidentCountsOncePerTaskUntilItIsTrustedAgainAndDecaysByHalfLife() {
        UserRecord r = reputation.fresh(0);
        r = reputation.report(r, "a", 0.9, TrustLevel.LOW, 0);
        r = reputation.report(r, "a", 0.9, TrustLevel.LOW, 0); // still open: not counted again
        assertThat(r.getIncidents()).isEqualTo(1.0);
        assertThat(r.getOpenIncidents()).containsExactly("a");
        double afterOne = reputation.reputation(r, 0);
        assertThat(reputation.baseline(afterOne)).isEqualTo(TrustLevel.MEDIUM);

        r = reputation.report(r, "b", 0.95, TrustLevel.LOW, 0);
        assertThat(reputation.baseline(reputation.reputation(r, 0))).isEqualTo(TrustLevel.LOW);

        // Two hours later (two half-lives) the incidents weigh a quarter.
        assertThat(reputation.reputation(r, 2 * HOUR))
                .isCloseTo((1 - r.getLongTermRisk()) / (1 + 0.5), within(1e-9));

        r = reputation.report(r, "a", 0.1, TrustLevel.HIGH, 2 * HOUR);
        assertThat(r.getOpenIncidents()).containsExactly("b");
        r = reputation.report(r, "a", 0.9, TrustLevel.LOW, 2 * HOUR); // a new incident of a
        assertThat(r.getIncidents()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void theLongTermRiskIsASlowAverage() {
        UserRecord r = reputation.fresh(0);
        r = reputation.report(r, "a", 1.0, TrustLevel.MEDIUM, 0);
        assertThat(r.getLongTermRisk()).isCloseTo(0.05 * 1.0 + 0.95 * 0.1, within(1e-12));
        assertThat(r.getIncidents()).isZero();
    }

    @Test
    void baselineThresholdsAreInclusive() {
        assertThat(reputation.baseline(0.8)).isEqualTo(TrustLevel.HIGH);
        assertThat(reputation.baseline(0.7999)).isEqualTo(TrustLevel.MEDIUM);
        assertThat(reputation.baseline(0.4)).isEqualTo(TrustLevel.MEDIUM);
        assertThat(reputation.baseline(0.3999)).isEqualTo(TrustLevel.LOW);
    }

    @Test
    void aHighSequenceAnomalyIsAnIncidentOncePerTaskAndLowersTheBaseline() {
        UserRecord r = reputation.fresh(0);
        r = reputation.anomaly(r, "a", AnomalyLevel.LOW, 0); // detailed logging: no incident
        assertThat(r.getIncidents()).isZero();
        r = reputation.anomaly(r, "a", AnomalyLevel.MEDIUM, 0);
        assertThat(r.getIncidents()).isEqualTo(0.5);
        assertThat(reputation.baseline(reputation.reputation(r, 0))).isEqualTo(TrustLevel.MEDIUM);
        r = reputation.anomaly(r, "a", AnomalyLevel.MEDIUM, 0); // counted once per task
        assertThat(r.getIncidents()).isEqualTo(0.5);
        r = reputation.anomaly(r, "a", AnomalyLevel.HIGH, 0); // a HIGH adds the difference
        assertThat(r.getIncidents()).isEqualTo(1.0);
        r = reputation.anomaly(r, "b", AnomalyLevel.HIGH, 0);
        assertThat(r.getIncidents()).isEqualTo(2.0);
        assertThat(reputation.baseline(reputation.reputation(r, 0))).isEqualTo(TrustLevel.LOW);
        assertThat(reputation.explain(r, 0)).contains("2 tasks with a sequence anomaly");
    }

    @Test
    void aFalsePositiveVerdictTakesTheTasksAnomalyIncidentBackAfterDecay() {
        UserRecord r = reputation.fresh(0);
        r = reputation.report(r, "x", 0.9, TrustLevel.LOW, 0); // a risk incident: 1
        r = reputation.anomaly(r, "a", AnomalyLevel.HIGH, 0);
        assertThat(r.getIncidents()).isEqualTo(2.0);
        // An hour later (one half-life) both weigh half; the verdict removes a's half.
        r = reputation.falsePositiveAnomaly(r, "a", HOUR);
        assertThat(r.getIncidents()).isCloseTo(0.5, within(1e-9));
        assertThat(r.getAnomalyIncidents()).isEmpty();
        assertThat(r.getOpenIncidents()).containsExactly("x"); // the risk incident stays
        // A verdict for a task without an anomaly incident changes nothing.
        assertThat(reputation.falsePositiveAnomaly(r, "b", HOUR)).isEqualTo(r);
    }

    @Test
    void aReleasedQuarantineTakesItsIncidentBackOnce() {
        UserRecord r = reputation.fresh(0);
        r = reputation.report(r, "q", 0.95, TrustLevel.LOW, 0); // quarantined: an incident
        r = reputation.report(r, "x", 0.9, TrustLevel.LOW, 0);
        assertThat(r.getIncidents()).isEqualTo(2.0);
        // Released an hour later: q's incident (half of 1 by then) is taken back, x's stays.
        r = reputation.releasedQuarantine(r, "q", 0, HOUR);
        assertThat(r.getIncidents()).isCloseTo(0.5, within(1e-9));
        assertThat(r.getOpenIncidents()).containsExactly("x");
        // Once: a second release (or one of a task that never counted) changes nothing.
        assertThat(reputation.releasedQuarantine(r, "q", 0, HOUR)).isEqualTo(r);
    }
}

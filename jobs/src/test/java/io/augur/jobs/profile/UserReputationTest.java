package io.augur.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UserReputationTest {
    private final UserReputation r = new UserReputation(0.01, 0.1, 0.7, 1000);

    @Test
    void aNewUserStartsFromThePriorNeitherSpotlessNorSuspect() {
        assertThat(r.initial()).isCloseTo(0.9, within(1e-12));
        assertThat(r.longTermRisk(null, 1.0)).isCloseTo(0.01 + 0.99 * 0.1, within(1e-12));
    }

    @Test
    void oneBadWindowBarelyMovesTheLongTermRiskButAHundredDo() {
        double risk = r.longTermRisk(null, 1.0);
        assertThat(r.reputation(risk, 0)).isGreaterThan(0.88);
        for (int i = 0; i < 300; i++) {
            risk = r.longTermRisk(risk, 1.0);
        }
        assertThat(r.reputation(risk, 0)).isLessThan(0.05);
    }

    @Test
    void incidentsOpenAboveTheThresholdAndCloseBelowHalfOfIt() {
        assertThat(r.incidentOpen(false, 0.7)).isFalse();
        assertThat(r.incidentOpen(false, 0.71)).isTrue();
        assertThat(r.incidentOpen(true, 0.35)).isTrue();
        assertThat(r.incidentOpen(true, 0.34)).isFalse();
    }

    @Test
    void incidentsHalveEveryHalfLifeAndNeverGrowByDecay() {
        assertThat(r.decay(2, 0, 1000)).isCloseTo(1, within(1e-12));
        assertThat(r.decay(2, 0, 3000)).isCloseTo(0.25, within(1e-12));
        assertThat(r.decay(2, 1000, 0)).isEqualTo(2);
        assertThat(r.reputation(0, 1)).isEqualTo(0.5);
        assertThat(r.reputation(0.5, 3)).isEqualTo(0.125);
    }

    @Test
    void badSettingsAreRefusedWithTheOptionsName() {
        assertThatThrownBy(() -> new UserReputation(0, 0.1, 0.7, 1))
                .hasMessageContaining("profiler.reputation.alpha");
        assertThatThrownBy(() -> new UserReputation(0.1, 1.1, 0.7, 1))
                .hasMessageContaining("prior-risk");
        assertThatThrownBy(() -> new UserReputation(0.1, 0.1, 0, 1))
                .hasMessageContaining("incident-threshold");
        assertThatThrownBy(() -> new UserReputation(0.1, 0.1, 0.7, 0))
                .hasMessageContaining("half-life");
    }
}

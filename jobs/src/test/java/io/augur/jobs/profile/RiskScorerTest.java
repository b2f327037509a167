package io.augur.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.augur.schema.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiskScorerTest {
    /** Steepness 1 keeps the arithmetic of these cases plain; calibration is tested below. */
    private final RiskScorer scorer = new RiskScorer(1.0);

    private final BenignEnvelope worker =
            BenignEnvelope.parse("worker", Map.of("cpu", "0.6", "memory", "256mb", "pids", "64"));

    private static Forecast flat(Resource r, double mean, double lower, double upper) {
        double[] m = {mean, mean};
        double[] lo = {lower, lower};
        double[] hi = {upper, upper};
        return new Forecast(1000, 2, Map.of(r, new Forecast.Band(m, lo, hi)));
    }

    @Test
    void benignForecastInsideTheEnvelopeScoresZeroWithFullConfidence() {
        RiskScore s = scorer.score(flat(Resource.CPU, 0.3, 0.3, 0.3), worker);

        assertThat(s.score()).isZero();
        assertThat(s.confidence()).isEqualTo(1.0);
        assertThat(s.reasons()).singleElement().asString().contains("within");
    }

    @Test
    void farOutsideTheEnvelopeScoresHighAndNamesTheResource() {
        RiskScore s = scorer.score(flat(Resource.CPU, 3.0, 3.0, 3.0), worker);

        // excess = 3.0 / 0.6 - 1 = 4, severity = 1 - e^-4
        assertThat(s.score()).isCloseTo(1 - Math.exp(-4), within(1e-9));
        assertThat(s.score()).isGreaterThan(0.9);
        assertThat(s.reasons().get(0)).contains("CPU").contains("3.00 cores").contains("0.60");
    }

    @Test
    void aWideIntervalLowersConfidenceAndTheScore() {
        RiskScore narrow = scorer.score(flat(Resource.CPU, 1.2, 1.1, 1.3), worker);
        RiskScore wide = scorer.score(flat(Resource.CPU, 0.9, 0.0, 1.3), worker);

        assertThat(wide.confidence()).isLessThan(narrow.confidence());
        assertThat(wide.score()).isLessThan(narrow.score());
        // half-width (1.3 - 0) / 2 over mean 0.9 → c = 1 / (1 + 0.722)
        assertThat(wide.confidence()).isCloseTo(1 / (1 + 1.3 / 1.8), within(1e-9));
    }

    @Test
    void defaultSteepnessMakesFortyPercentAboveTheEnvelopeHighRisk() {
        RiskScorer calibrated = new RiskScorer();
        // A CPU burner on one core against the worker envelope of 0.6 core: 67 % above.
        assertThat(calibrated.score(flat(Resource.CPU, 1.0, 1.0, 1.0), worker).score())
                .isGreaterThan(0.7);
        // 40 % above is the allocator's HIGH (0.7); 17 % above its MEDIUM (0.4).
        assertThat(calibrated.score(flat(Resource.CPU, 0.84, 0.84, 0.84), worker).score())
                .isCloseTo(0.70, within(0.01));
        assertThat(calibrated.score(flat(Resource.CPU, 0.702, 0.702, 0.702), worker).score())
                .isCloseTo(0.40, within(0.01));
        // A benign burst well inside the envelope stays at zero.
        assertThat(calibrated.score(flat(Resource.CPU, 0.3, 0.2, 0.4), worker).score()).isZero();
        assertThatThrownBy(() -> new RiskScorer(0)).hasMessageContaining("steepness");
    }

    @Test
    void scoreIsAlwaysInTheUnitInterval() {
        RiskScore s = scorer.score(flat(Resource.PIDS, 1e9, 1e9, 1e9), worker);
        assertThat(s.score()).isBetween(0.0, 1.0);
        assertThat(s.confidence()).isBetween(0.0, 1.0);
    }

    @Test
    void resourcesWithoutABoundAreNotScored() {
        RiskScore s = scorer.score(flat(Resource.NET_TX, 1e12, 1e12, 1e12), worker);
        assertThat(s.score()).isZero();
        assertThat(s.confidence()).isZero();
    }

    @Test
    void envelopeSizesParseWithUnits() {
        assertThat(worker.bound(Resource.MEMORY)).isEqualTo(256.0 * (1 << 20));
        assertThat(worker.bound(Resource.DISK_WRITE)).isNaN();
        assertThat(BenignEnvelope.parseSize("50mb")).isEqualTo(50.0 * (1 << 20));
        assertThat(BenignEnvelope.parseSize("2k")).isEqualTo(2048.0);
        assertThatThrownBy(() -> BenignEnvelope.parse("x", Map.of("gpu", "1")))
                .hasMessageContaining("gpu");
    }

    @Test
    void unknownRolesAreJudgedByTheDefaultEnvelope() {
        BenignEnvelope fallback = BenignEnvelope.parse("default", Map.of("cpu", "1.0"));
        BenignEnvelopes all = new BenignEnvelopes(Map.of("default", fallback, "worker", worker));
        assertThat(all.forRole("worker")).isSameAs(worker);
        assertThat(all.forRole("batch")).isSameAs(fallback);
    }

    @Test
    void rollingRiskIsAnEwmaStartingAtTheFirstScore() {
        RollingRisk r = new RollingRisk(0.25);
        assertThat(r.update(null, 0.8)).isEqualTo(0.8);
        assertThat(r.update(0.8, 0.0)).isCloseTo(0.6, within(1e-12));
    }
}

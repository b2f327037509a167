package io.augur.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.augur.schema.Resource;
import org.junit.jupiter.api.Test;

class EwmaForecasterTest {
    private final EwmaForecaster forecaster = new EwmaForecaster(0.5, 2.0, 5, 1000);

    private static double[] cpu(double cores) {
        double[] v = ResourceVector.unknown();
        v[Resource.CPU.ordinal()] = cores;
        return v;
    }

    @Test
    void firstObservationIsTheMeanWithAZeroWidthBand() {
        double[] state = forecaster.observe(forecaster.initialState(), cpu(0.4));

        Forecast f = forecaster.forecast(state);

        assertThat(f.bands()).containsOnlyKeys(Resource.CPU);
        Forecast.Band b = f.bands().get(Resource.CPU);
        assertThat(b.mean()).containsOnly(0.4);
        assertThat(b.lower()).containsOnly(0.4);
        assertThat(b.upper()).containsOnly(0.4);
        assertThat(f.steps()).isEqualTo(5);
        assertThat(f.horizonMs()).isEqualTo(5000);
    }

    @Test
    void meanAndVarianceFollowTheEwmaRecurrence() {
        double[] state = forecaster.initialState();
        state = forecaster.observe(state, cpu(1.0));
        state = forecaster.observe(state, cpu(3.0));
        // d = 2, mean = 1 + 0.5*2 = 2, var = 0.5 * (0 + 0.5*4) = 1
        Forecast.Band b = forecaster.forecast(state).bands().get(Resource.CPU);

        assertThat(b.mean()[0]).isCloseTo(2.0, within(1e-9));
        assertThat(b.upper()[0]).isCloseTo(2.0 + 2.0 * 1.0, within(1e-9));
        assertThat(b.lower()[0]).isCloseTo(0.0, within(1e-9));
        // h-step error variance grows as 1 + (h-1)·α²
        assertThat(b.upper()[4]).isCloseTo(2.0 + 2.0 * Math.sqrt(1 + 4 * 0.25), within(1e-9));
        assertThat(EwmaForecaster.observations(state, Resource.CPU)).isEqualTo(2);
    }

    @Test
    void bandWidensWithTheHorizonAndLowerBoundIsNeverNegative() {
        double[] state = forecaster.initialState();
        for (double x : new double[] {0.1, 2.0, 0.1, 2.0}) {
            state = forecaster.observe(state, cpu(x));
        }
        Forecast.Band b = forecaster.forecast(state).bands().get(Resource.CPU);
        for (int h = 1; h < 5; h++) {
            assertThat(b.upper()[h]).isGreaterThan(b.upper()[h - 1]);
            assertThat(b.lower()[h]).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void unknownResourcesAreNeitherUpdatedNorForecast() {
        double[] state = forecaster.observe(forecaster.initialState(), cpu(0.2));
        double[] again = forecaster.observe(state, ResourceVector.unknown());

        assertThat(again).containsExactly(state);
        assertThat(forecaster.forecast(again).bands()).containsOnlyKeys(Resource.CPU);
    }

    @Test
    void observeDoesNotModifyItsInput() {
        double[] state = forecaster.observe(forecaster.initialState(), cpu(0.2));
        double[] copy = state.clone();
        forecaster.observe(state, cpu(5.0));
        assertThat(state).containsExactly(copy);
    }

    @Test
    void aTrendForecastsWhereSteadyGrowthWillBeNotWhereItWas() {
        // 2 s observations, 1 s steps: memory grows 32 units a window (16 a second).
        EwmaForecaster holt = new EwmaForecaster(0.5, 0.5, 2.0, 5, 1000, 2000);
        double[] state = holt.initialState();
        double last = 0;
        for (int i = 0; i < 12; i++) {
            last = 100 + 32 * i;
            state = holt.observe(state, cpu(last));
        }
        Forecast.Band b = holt.forecast(state).bands().get(Resource.CPU);
        // Five seconds ahead, steady growth of 16/s puts it about 80 above the last window.
        assertThat(b.mean()[4]).isCloseTo(last + 80, within(4.0));
        assertThat(b.upper()[4]).isGreaterThanOrEqualTo(b.mean()[4]);
        for (int h = 1; h < 5; h++) {
            assertThat(b.mean()[h]).isGreaterThan(b.mean()[h - 1]);
        }
        assertThat(holt.modelVersion()).isEqualTo(EwmaForecaster.TREND_MODEL_VERSION);

        // Plain EWMA on the same series stays behind the last observation.
        double[] flat = forecaster.initialState();
        for (int i = 0; i < 12; i++) {
            flat = forecaster.observe(flat, cpu(100 + 32 * i));
        }
        assertThat(forecaster.forecast(flat).bands().get(Resource.CPU).mean()[4]).isLessThan(last);
    }

    @Test
    void aFallingTrendNeverForecastsNegativeUse() {
        EwmaForecaster holt = new EwmaForecaster(0.5, 0.5, 2.0, 5, 1000, 2000);
        double[] state = holt.initialState();
        for (double x : new double[] {50, 30, 10, 1}) {
            state = holt.observe(state, cpu(x));
        }
        Forecast.Band b = holt.forecast(state).bands().get(Resource.CPU);
        assertThat(java.util.Arrays.stream(b.mean()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(java.util.Arrays.stream(b.lower()).min().orElseThrow())
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new EwmaForecaster(0.5, 1.5, 2, 5, 1000, 2000))
                .hasMessageContaining("beta");
        assertThatThrownBy(() -> new EwmaForecaster(0, 2, 5, 1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EwmaForecaster(0.5, 2, 0, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

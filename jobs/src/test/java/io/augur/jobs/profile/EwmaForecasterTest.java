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
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new EwmaForecaster(0, 2, 5, 1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EwmaForecaster(0.5, 2, 0, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

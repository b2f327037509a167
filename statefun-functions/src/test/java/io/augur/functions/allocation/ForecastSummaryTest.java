package io.augur.functions.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastSummaryTest {

    @Test
    void takesTheHighestUpperBoundAndMeanOverTheHorizon() {
        ForecastSummary s =
                ForecastSummary.of(
                        List.of(
                                forecast(Resource.CPU, List.of(0.2, 0.3), List.of(0.5, 0.9)),
                                forecast(
                                        Resource.MEMORY,
                                        List.of(100.0, 300.0),
                                        List.of(200.0, 400.4)),
                                forecast(Resource.NET_TX, List.of(1e9), List.of(1e9))));

        assertThat(s.cpuUpperCores()).hasValue(0.9);
        assertThat(s.memoryUpperBytes()).hasValue(401);
        assertThat(s.memoryMeanBytes()).hasValue(300);
    }

    @Test
    void ignoresNonFiniteValuesAndMissingResources() {
        ForecastSummary s =
                ForecastSummary.of(
                        List.of(forecast(Resource.CPU, List.of(Double.NaN), List.of(Double.NaN))));

        assertThat(s.cpuUpperCores()).isEmpty();
        assertThat(s.memoryUpperBytes()).isEmpty();
        assertThat(ForecastSummary.of(List.of())).isEqualTo(ForecastSummary.NONE);
    }

    private static ResourceForecast forecast(Resource r, List<Double> mean, List<Double> upper) {
        return ResourceForecast.newBuilder()
                .setResource(r)
                .setStepMs(1000)
                .setMean(mean)
                .setLower(mean)
                .setUpper(upper)
                .build();
    }
}

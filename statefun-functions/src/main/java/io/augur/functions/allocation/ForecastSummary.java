package io.augur.functions.allocation;

import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the allocator reads from a forecast curve: the highest upper bound over the horizon of CPU
 * (cores) and memory (bytes), and the highest mean memory (the expected usage). Absent when the
 * forecast has no such resource or only non-finite values.
 *
 * @param cpuUpperCores highest upper bound of CPU over the horizon
 * @param memoryUpperBytes highest upper bound of memory over the horizon
 * @param memoryMeanBytes highest mean of memory over the horizon
 */
public record ForecastSummary(
        OptionalDouble cpuUpperCores, OptionalLong memoryUpperBytes, OptionalLong memoryMeanBytes) {

    public static final ForecastSummary NONE =
            new ForecastSummary(OptionalDouble.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** Summarises the forecast curves of one assessment. */
    public static ForecastSummary of(List<ResourceForecast> forecasts) {
        OptionalDouble cpuUpper = OptionalDouble.empty();
        OptionalDouble memUpper = OptionalDouble.empty();
        OptionalDouble memMean = OptionalDouble.empty();
        for (ResourceForecast f : forecasts) {
            if (f.getResource() == Resource.CPU) {
                cpuUpper = max(cpuUpper, f.getUpper());
            } else if (f.getResource() == Resource.MEMORY) {
                memUpper = max(memUpper, f.getUpper());
                memMean = max(memMean, f.getMean());
            }
        }
        return new ForecastSummary(cpuUpper, toLong(memUpper), toLong(memMean));
    }

    private static OptionalDouble max(OptionalDouble sofar, List<Double> values) {
        OptionalDouble m =
                values.stream()
                        .filter(v -> v != null && Double.isFinite(v) && v >= 0)
                        .mapToDouble(Double::doubleValue)
                        .max();
        if (m.isEmpty()) {
            return sofar;
        }
        return sofar.isEmpty()
                ? m
                : OptionalDouble.of(Math.max(sofar.getAsDouble(), m.getAsDouble()));
    }

    private static OptionalLong toLong(OptionalDouble v) {
        return v.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of((long) Math.ceil(v.getAsDouble()));
    }
}

package io.augur.functions.allocation;

import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.RiskAssessment;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the allocator reads from an assessment: from its forecast curve, the highest upper bound
 * over the horizon of CPU (cores) and memory (bytes) and the highest mean memory (the expected
 * usage); from its window, how long the CPU quota throttled the task. Absent when the forecast has
 * no such resource or only non-finite values, or the window did not measure the throttling.
 *
 * @param cpuUpperCores highest upper bound of CPU over the horizon
 * @param memoryUpperBytes highest upper bound of memory over the horizon
 * @param memoryMeanBytes highest mean of memory over the horizon
 * @param cpuThrottledPerSecond seconds the CPU quota held the task throttled per second of the
 *     window ({@code RiskAssessment.cpuThrottledPerSecond}): above 0, usage is pinned at the limit
 */
public record ForecastSummary(
        OptionalDouble cpuUpperCores,
        OptionalLong memoryUpperBytes,
        OptionalLong memoryMeanBytes,
        OptionalDouble cpuThrottledPerSecond) {

    public static final ForecastSummary NONE =
            new ForecastSummary(OptionalDouble.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** A summary of a forecast alone, without a throttling measurement. */
    public ForecastSummary(
            OptionalDouble cpuUpperCores,
            OptionalLong memoryUpperBytes,
            OptionalLong memoryMeanBytes) {
        this(cpuUpperCores, memoryUpperBytes, memoryMeanBytes, OptionalDouble.empty());
    }

    /** Summarises one assessment: its forecast curves and its window's throttling. */
    public static ForecastSummary of(RiskAssessment assessment) {
        ForecastSummary f = of(assessment.getForecast());
        Double throttled = assessment.getCpuThrottledPerSecond();
        return throttled != null && Double.isFinite(throttled) && throttled >= 0
                ? f.withCpuThrottledPerSecond(throttled)
                : f;
    }

    /** The same summary with the window's throttling. */
    public ForecastSummary withCpuThrottledPerSecond(double secondsPerSecond) {
        return new ForecastSummary(
                cpuUpperCores,
                memoryUpperBytes,
                memoryMeanBytes,
                OptionalDouble.of(secondsPerSecond));
    }

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

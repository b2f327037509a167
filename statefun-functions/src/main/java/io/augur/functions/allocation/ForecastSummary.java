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
 *     window ({@code RiskAssessment.cpuThrottledPerSecond}): above 0, the task's demand exceeded
 *     its limit at least in its bursts
 * @param cpuQuotaCores the smallest CPU quota in force while that throttling was measured ({@code
 *     RiskAssessment.cpuQuotaCores}): what the throttling says something about
 */
public record ForecastSummary(
        OptionalDouble cpuUpperCores,
        OptionalLong memoryUpperBytes,
        OptionalLong memoryMeanBytes,
        OptionalDouble cpuThrottledPerSecond,
        OptionalDouble cpuQuotaCores) {

    public static final ForecastSummary NONE =
            new ForecastSummary(OptionalDouble.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** A summary of a forecast alone, without a throttling measurement. */
    public ForecastSummary(
            OptionalDouble cpuUpperCores,
            OptionalLong memoryUpperBytes,
            OptionalLong memoryMeanBytes) {
        this(
                cpuUpperCores,
                memoryUpperBytes,
                memoryMeanBytes,
                OptionalDouble.empty(),
                OptionalDouble.empty());
    }

    /** Summarises one assessment: its forecast curves and its window's throttling. */
    public static ForecastSummary of(RiskAssessment assessment) {
        ForecastSummary f = of(assessment.getForecast());
        Double throttled = assessment.getCpuThrottledPerSecond();
        if (throttled == null || !Double.isFinite(throttled) || throttled < 0) {
            return f;
        }
        Double quota = assessment.getCpuQuotaCores();
        return f.withCpuThrottling(
                throttled,
                quota != null && Double.isFinite(quota) && quota > 0 ? quota : Double.NaN);
    }

    /**
     * The same summary with the window's throttling.
     *
     * @param secondsPerSecond seconds throttled per second of the window
     * @param quotaCores the smallest quota in force while it was measured; NaN if unknown
     */
    public ForecastSummary withCpuThrottling(double secondsPerSecond, double quotaCores) {
        return new ForecastSummary(
                cpuUpperCores,
                memoryUpperBytes,
                memoryMeanBytes,
                OptionalDouble.of(secondsPerSecond),
                Double.isNaN(quotaCores) ? OptionalDouble.empty() : OptionalDouble.of(quotaCores));
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

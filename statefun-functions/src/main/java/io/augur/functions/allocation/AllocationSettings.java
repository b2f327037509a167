package io.augur.functions.allocation;

import java.util.Locale;
import java.util.Optional;

/**
 * The allocator's policy values. Defaults follow predictive-allocation.md: HIGH 0.7, MEDIUM 0.4,
 * high risk restricted to 1 core / 512 MiB / no network, moderate risk throttled to 0.75 of the
 * current allocation with more frequent monitoring, low risk allocated from the forecast's upper
 * bound plus headroom.
 *
 * @param highThreshold risk strictly above this is high risk
 * @param mediumThreshold risk strictly above this (and not high) is moderate risk
 * @param restricted allocation of a high-risk task
 * @param throttleFactor share of the current allocation a moderate-risk task keeps
 * @param headroom extra share on top of the forecast's upper bound for a low-risk task
 * @param minCpuCores floor of any throttled or proactive CPU allocation
 * @param minMemoryBytes floor of any throttled or proactive memory allocation
 * @param memoryUsageFactor a proactive memory allocation is at least this times the forecast usage
 * @param baseMonitoringIntervalMs monitoring interval of low-risk tasks
 * @param elevatedMonitoringIntervalMs monitoring interval of moderate- and high-risk tasks
 * @param defaultAllocation current allocation of a task whose STARTED event was not seen
 * @param saturation a cpu forecast at or above this fraction of the current cpu limit means the
 *     limit hides the task's demand (usage under a quota cannot exceed it)
 * @param saturationGrowth a saturated proactive cpu allocation grows to at least this times the
 *     current limit, so demand can show
 * @param throttledSaturation a window in which the cpu quota held the task throttled at least this
 *     many seconds per second is saturated too, whatever the forecast (a task on a busy node may
 *     use well under its limit on average and still hit its quota in every period)
 * @param calmAssessmentsToRecover consecutive low-risk assessments before a task's trust rises one
 *     level (30 windows of 2 s: a minute)
 * @param criticalThreshold risk strictly above this is critical: the task is quarantined (the
 *     trust-zone spec's "isolate"); 1 never quarantines
 * @param terminateAfterMs how long a quarantined task is kept for inspection before it is
 *     terminated ("isolate, then terminate"); 0 never terminates automatically
 */
public record AllocationSettings(
        double highThreshold,
        double mediumThreshold,
        Allocation restricted,
        double throttleFactor,
        double headroom,
        double minCpuCores,
        long minMemoryBytes,
        double memoryUsageFactor,
        long baseMonitoringIntervalMs,
        long elevatedMonitoringIntervalMs,
        Allocation defaultAllocation,
        double saturation,
        double saturationGrowth,
        double throttledSaturation,
        int calmAssessmentsToRecover,
        double criticalThreshold,
        long terminateAfterMs) {

    public static final double DEFAULT_HIGH_THRESHOLD = 0.7;
    public static final double DEFAULT_MEDIUM_THRESHOLD = 0.4;
    public static final double DEFAULT_CRITICAL_THRESHOLD = 0.9;

    public static final AllocationSettings DEFAULTS =
            new AllocationSettings(
                    DEFAULT_HIGH_THRESHOLD,
                    DEFAULT_MEDIUM_THRESHOLD,
                    new Allocation(1.0, 512 * Allocation.MIB, false),
                    0.75,
                    0.2,
                    0.1,
                    128 * Allocation.MIB,
                    1.5,
                    1000,
                    250,
                    new Allocation(1.0, 1024 * Allocation.MIB, true),
                    0.9,
                    1.5,
                    0.05,
                    30,
                    DEFAULT_CRITICAL_THRESHOLD,
                    60_000);

    public AllocationSettings {
        if (!(0 <= mediumThreshold && mediumThreshold <= highThreshold && highThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "thresholds must satisfy 0 <= medium <= high <= 1, got medium "
                            + mediumThreshold
                            + ", high "
                            + highThreshold);
        }
        if (!(highThreshold <= criticalThreshold && criticalThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "thresholds must satisfy high <= critical <= 1, got high "
                            + highThreshold
                            + ", critical "
                            + criticalThreshold);
        }
        if (terminateAfterMs < 0) {
            throw new IllegalArgumentException(
                    "terminateAfterMs must be >= 0 (0: never): " + terminateAfterMs);
        }
        if (!(throttleFactor > 0 && throttleFactor <= 1)) {
            throw new IllegalArgumentException(
                    "throttleFactor must be in (0, 1]: " + throttleFactor);
        }
        if (!(headroom >= 0) || !(memoryUsageFactor >= 1)) {
            throw new IllegalArgumentException("headroom must be >= 0 and memoryUsageFactor >= 1");
        }
        if (minCpuCores <= 0 || minMemoryBytes <= 0) {
            throw new IllegalArgumentException("floors must be positive");
        }
        if (calmAssessmentsToRecover < 1) {
            throw new IllegalArgumentException("calmAssessmentsToRecover must be >= 1");
        }
        if (!(saturation > 0 && saturation <= 1) || !(saturationGrowth >= 1)) {
            throw new IllegalArgumentException(
                    "saturation must be in (0, 1] and saturationGrowth >= 1");
        }
        if (!(throttledSaturation > 0)) {
            throw new IllegalArgumentException(
                    "throttledSaturation must be > 0: " + throttledSaturation);
        }
        if (baseMonitoringIntervalMs <= 0 || elevatedMonitoringIntervalMs <= 0) {
            throw new IllegalArgumentException("monitoring intervals must be positive");
        }
    }

    /**
     * Why a task's cpu limit hides its demand, if it does. Usage under a quota never exceeds it, so
     * a forecast of usage cannot see the demand above the limit. Either sign shows it: the cpu
     * forecast reaches {@code saturation} of the limit (any forecast at a limit of 0), or the
     * window was throttled by its quota {@code throttledSaturation} seconds per second or more
     * under a quota at least as large as the limit now (throttling under a smaller, earlier quota
     * says nothing of a raise decided since; under an unknown quota, nothing of the limit).
     *
     * @param f the assessment's summary
     * @param limit the cpu limit in force (cores)
     * @return what shows the saturation, for the decision's reasons; empty if nothing does
     */
    public Optional<String> cpuSaturation(ForecastSummary f, double limit) {
        if (f.cpuUpperCores().isPresent()) {
            double upper = f.cpuUpperCores().getAsDouble();
            if (limit <= 0) {
                return Optional.of(
                        String.format(
                                Locale.ROOT,
                                "cpu forecast %.3f cores at a cpu limit of %.3f",
                                upper,
                                limit));
            }
            if (upper >= saturation * limit) {
                return Optional.of(
                        String.format(
                                Locale.ROOT,
                                "cpu forecast at %.0f%% of the current limit %.3f",
                                100 * upper / limit,
                                limit));
            }
        }
        if (f.cpuThrottledPerSecond().isPresent()
                && f.cpuThrottledPerSecond().getAsDouble() >= throttledSaturation
                && f.cpuQuotaCores().isPresent()
                && f.cpuQuotaCores().getAsDouble() >= limit * (1 - 1e-3)) {
            return Optional.of(
                    String.format(
                            Locale.ROOT,
                            "cpu quota %.3f throttled the task %.3f s per second (limit now %.3f)",
                            f.cpuQuotaCores().getAsDouble(),
                            f.cpuThrottledPerSecond().getAsDouble(),
                            limit));
        }
        return Optional.empty();
    }

    /** The same settings with other risk thresholds. */
    public AllocationSettings withThresholds(double high, double medium) {
        return new AllocationSettings(
                high,
                medium,
                restricted,
                throttleFactor,
                headroom,
                minCpuCores,
                minMemoryBytes,
                memoryUsageFactor,
                baseMonitoringIntervalMs,
                elevatedMonitoringIntervalMs,
                defaultAllocation,
                saturation,
                saturationGrowth,
                throttledSaturation,
                calmAssessmentsToRecover,
                Math.max(high, criticalThreshold),
                terminateAfterMs);
    }
}

package io.augur.jobs.pipeline;

/**
 * Running sums of one task's samples in one window (a Flink POJO). Identity fields come from the
 * newest sample, so a role change takes effect at the next window.
 */
public class SampleAccumulator {
    public String taskId;
    public String userId;
    public String nodeId;
    public String role;

    /** Per resource (see {@code ResourceVector}): sum of the measured values. */
    public double[] sums;

    /** Per resource: how many samples measured it. */
    public long[] counts;

    /** Newest sample timestamp (epoch ms); Long.MIN_VALUE when empty. */
    public long newestMs = Long.MIN_VALUE;

    public int samples;

    /** Sum of the samples' CPU throttled seconds, over the samples that measured it. */
    public double throttledSeconds;

    /** Sum of the intervals (ms) of the samples that measured their CPU throttling. */
    public long throttleMeasuredMs;

    /**
     * Smallest CPU quota (cores) of the samples that measured their throttling; +Infinity while
     * none did, NaN once one of them had no known quota.
     */
    public double throttleQuotaCores = Double.POSITIVE_INFINITY;

    public SampleAccumulator() {}
}

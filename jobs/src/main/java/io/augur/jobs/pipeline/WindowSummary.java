package io.augur.jobs.pipeline;

/** One task's mean use over one window (a Flink POJO): what the forecaster observes. */
public class WindowSummary {
    public String taskId;
    public String userId;
    public String nodeId;
    public String role;

    /**
     * Per resource (see {@code ResourceVector}): CPU cores, memory bytes, disk and network bytes
     * per second, pids; NaN where no sample measured it.
     */
    public double[] means;

    /** End of the window (epoch ms, exclusive). */
    public long windowEndMs;

    /** Newest sample timestamp in the window (epoch ms). */
    public long newestSampleMs;

    public int samples;

    /**
     * Seconds the task's CPU quota held it throttled per second of the samples that measured it
     * (summed over CPUs); NaN where none did.
     */
    public double cpuThrottledPerSecond = Double.NaN;

    /**
     * Smallest CPU quota (cores) in force among the samples that measured the throttling; NaN where
     * unknown (or unlimited).
     */
    public double cpuQuotaCores = Double.NaN;

    /**
     * Processing time (epoch ms) at which the window began to wait for its task's registration in
     * {@link ProfileTaskFn}; 0 when it does not wait.
     */
    public long pendingSinceMs;

    public WindowSummary() {}
}

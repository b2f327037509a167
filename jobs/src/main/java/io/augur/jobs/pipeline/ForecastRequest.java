package io.augur.jobs.pipeline;

import io.augur.jobs.profile.ResourceVector;
import java.util.ArrayList;
import java.util.List;

/**
 * One task's window, ready to forecast (a Flink POJO): who it is, its recent history of window
 * means and its baseline forecaster's state. {@link ProfileTaskFn} makes it, {@link ForecastFn}
 * forecasts and scores it.
 */
public class ForecastRequest {
    public String taskId;

    /**
     * Not a window: the task ended and its profile was cleared, so whoever keeps state for it
     * downstream clears it too. Such a marker has no history.
     */
    public boolean ended;

    public String userId;
    public String nodeId;
    public String role;

    /** End of the window (epoch ms). */
    public long windowEndMs;

    /** Newest sample in the window (epoch ms). */
    public long newestSampleMs;

    /**
     * Seconds the task's CPU quota held it throttled per second of this window (see {@link
     * WindowSummary#cpuThrottledPerSecond}); NaN where unmeasured.
     */
    public double cpuThrottledPerSecond = Double.NaN;

    /** The CPU quota the throttling was measured under, at least (see {@link WindowSummary}). */
    public double cpuQuotaCores = Double.NaN;

    /**
     * The task's last window means, oldest first, flattened: {@code history[i * SIZE + r]} is
     * resource r (see {@link ResourceVector}) of step i; NaN where unmeasured.
     */
    public double[] history = new double[0];

    /** The baseline (EWMA) forecaster's state after this window. */
    public double[] baselineState;

    public ForecastRequest() {}

    /** The history as one vector per step, oldest first. */
    public List<double[]> steps() {
        int n = history.length / ResourceVector.SIZE;
        List<double[]> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] v = new double[ResourceVector.SIZE];
            System.arraycopy(history, i * ResourceVector.SIZE, v, 0, ResourceVector.SIZE);
            steps.add(v);
        }
        return steps;
    }
}

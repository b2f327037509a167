package io.augur.jobs.pipeline;

import io.augur.jobs.profile.ResourceVector;

/** What the profiler remembers of one task between windows (a Flink POJO, in keyed state). */
public class TaskProfile {
    /** The baseline forecaster's opaque state. */
    public double[] forecasterState;

    /** Samples seen so far, warm-up included. */
    public long samplesSeen;

    /** The last window means, oldest first, flattened like {@link ForecastRequest#history}. */
    public double[] history = new double[0];

    public TaskProfile() {}

    /** Appends one window's means, keeping at most {@code capacity} steps. */
    public void remember(double[] means, int capacity) {
        int size = ResourceVector.SIZE;
        int steps = Math.min(history.length / size + 1, capacity);
        double[] next = new double[steps * size];
        int keep = (steps - 1) * size;
        System.arraycopy(history, history.length - keep, next, 0, keep);
        System.arraycopy(means, 0, next, keep, size);
        history = next;
    }
}

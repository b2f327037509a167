package io.augur.jobs.pipeline;

/** What the profiler remembers of one task between windows (a Flink POJO, in keyed state). */
public class TaskProfile {
    /** The forecaster's opaque state. */
    public double[] forecasterState;

    /** Samples seen so far, warm-up included. */
    public long samplesSeen;

    /** Whether {@link #rollingRisk} holds a value (false until the first scored window). */
    public boolean scored;

    public double rollingRisk;

    public TaskProfile() {}
}

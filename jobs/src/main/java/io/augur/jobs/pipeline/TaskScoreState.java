package io.augur.jobs.pipeline;

import io.augur.jobs.profile.OnlineCalibrator;
import io.augur.jobs.profile.ResourceVector;

/** What {@link ScoreTaskFn} remembers of one task (a Flink POJO, in keyed state). */
public class TaskScoreState {
    /** Whether {@link #rollingRisk} holds a value. */
    public boolean scored;

    public double rollingRisk;

    /** Per resource, the interval width multiplier of the online calibration. */
    public double[] multipliers = OnlineCalibrator.initial();

    /** End of the window whose forecast {@link #pendingLower}/{@link #pendingUpper} hold. */
    public long pendingWindowEnd = Long.MIN_VALUE;

    /** Per resource, the interval forecast for the next window (NaN: none). */
    public double[] pendingLower = ResourceVector.unknown();

    public double[] pendingUpper = ResourceVector.unknown();

    public TaskScoreState() {}
}

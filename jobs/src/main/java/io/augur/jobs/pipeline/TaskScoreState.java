package io.augur.jobs.pipeline;

import io.augur.jobs.profile.CalibrationState;

/** What {@link ScoreTaskFn} remembers of one task (a Flink POJO, in keyed state). */
public class TaskScoreState {
    /** Whether {@link #rollingRisk} holds a value. */
    public boolean scored;

    public double rollingRisk;

    /** The online calibration of the task's intervals. */
    public CalibrationState calibration = new CalibrationState();

    public TaskScoreState() {}
}

package io.augur.jobs.profile;

import java.io.Serializable;

/**
 * A per-task time-series forecaster of resource use. Its state is an opaque vector of doubles that
 * the pipeline keeps in Flink keyed state, so a different model (the DJL LSTM that replaces the
 * EWMA) can swap in without changing the state type the job checkpoints.
 *
 * <p>Observations and forecasts are indexed by {@link ResourceVector}: one value per {@code
 * io.augur.schema.Resource}, {@code NaN} where the resource was not measured.
 */
public interface Forecaster extends Serializable {

    /** Written into every assessment so consumers know which model produced it. */
    String modelVersion();

    /** The state of a task that has not been observed yet. */
    double[] initialState();

    /**
     * Folds one observation (a window's mean use) into a task's state.
     *
     * @param state the task's state; never modified
     * @param observation one value per resource, NaN where unknown
     * @return the new state
     */
    double[] observe(double[] state, double[] observation);

    /** Forecasts the next steps from a task's state; resources never observed are left out. */
    Forecast forecast(double[] state);
}

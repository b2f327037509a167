package io.augur.jobs.eval;

import java.util.List;

/** A forecaster under evaluation: sees only steps ≤ each origin. */
public interface EvalForecaster extends AutoCloseable {
    /** Its name in the report. */
    String name();

    /**
     * Forecasts {@code trace} at each origin.
     *
     * @param origins steps t, each with at least W steps up to and including t
     */
    List<Prediction> predict(Trace trace, int[] origins) throws Exception;

    @Override
    default void close() {}
}

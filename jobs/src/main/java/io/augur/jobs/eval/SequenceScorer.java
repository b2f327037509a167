package io.augur.jobs.eval;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongConsumer;

/**
 * Scores every call of whole sequences with a next-call model: a call's anomaly is min(1/p,
 * maxScore) given its left-padded history of h calls, and it is a top-g miss when it is not among
 * the g most probable next calls. {@link ModelSequenceScorer} is the real one (the job's model
 * classes, DJL); tests of the evaluation logic use a double.
 */
public interface SequenceScorer extends AutoCloseable {

    /** One sequence's per-call anomalies and top-g misses, in call order. */
    record Scored(double[] anomaly, boolean[] miss) {}

    /**
     * Scores each sequence.
     *
     * @param calls called with the number of calls scored so far, after each batch
     */
    List<Scored> score(List<List<String>> sequences, LongConsumer calls);

    /** role/version of the model. */
    String modelVersion();

    int window();

    int topG();

    /** The whole-sequence aggregation the trainer chose on validation data, if it recorded one. */
    Optional<String> calibratedAggregation();

    /** The threshold the trainer set on its held-out normal sequences, if it recorded one. */
    OptionalDouble calibratedThreshold();

    @Override
    void close();
}

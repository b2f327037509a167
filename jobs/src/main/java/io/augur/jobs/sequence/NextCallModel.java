package io.augur.jobs.sequence;

/**
 * A next-call model: from the last h calls of a batch of tasks, the probability of every possible
 * next call. Implementations say whether they are thread-safe.
 */
public interface NextCallModel extends AutoCloseable {
    SequenceModelMetadata metadata();

    Vocabulary vocabulary();

    /**
     * One forward pass over a batch.
     *
     * @param histories [B][h] token ids, oldest first, left-padded with 0 ({@link History})
     * @return [B][V] probabilities of the next call's id
     */
    float[][] nextCallProbabilities(long[][] histories);

    /** role/version, as written into every SequenceAnomaly. */
    default String qualifiedVersion() {
        return metadata().role() + "/" + metadata().version();
    }

    @Override
    void close();
}

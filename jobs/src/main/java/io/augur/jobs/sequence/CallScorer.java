package io.augur.jobs.sequence;

/**
 * Scores one call from the model's next-call probabilities: the 1/p (the maximum when p is
 * 0 or the call is outside the vocabulary) and DeepLog's top-g view. Pure.
 */
public final class CallScorer {
    private CallScorer() {}

    /**
     * @param probabilities the model's output for the call's history, length V
     * @param call the call's name
     * @param vocabulary the model's ids
     * @param topG g: a call whose probability is not among the g greatest is a miss
     * @param maxScore the cap of 1/p and the score of p == 0 or an unknown call
     */
    public static CallScore score(
            float[] probabilities, String call, Vocabulary vocabulary, int topG, double maxScore) {
        if (probabilities.length != vocabulary.size()) {
            throw new IllegalArgumentException(
                    "probabilities have "
                            + probabilities.length
                            + " entries, the vocabulary needs "
                            + vocabulary.size());
        }
        if (topG < 1 || !(maxScore >= 1)) {
            throw new IllegalArgumentException("need topG >= 1 and maxScore >= 1");
        }
        if (!vocabulary.knows(call)) {
            return new CallScore(0, maxScore, true, true);
        }
        int id = (int) vocabulary.id(call);
        double p = probabilities[id];
        double anomaly = p > 0 ? Math.min(maxScore, 1.0 / p) : maxScore;
        return new CallScore(p, anomaly, false, !inTopG(probabilities, id, topG));
    }

    /**
     * Whether {@code id} is among the g most probable ids: fewer than g ids are strictly more
     * probable (ties favour the call). Padding and unknown are ids like any other here: the model
     * learns to give them ~0.
     */
    static boolean inTopG(float[] probabilities, int id, int topG) {
        float p = probabilities[id];
        if (!(p > 0)) {
            return false;
        }
        int above = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > p && ++above >= topG) {
                return false;
            }
        }
        return true;
    }
}

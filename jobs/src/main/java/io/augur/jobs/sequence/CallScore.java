package io.augur.jobs.sequence;

/**
 * The score of one call given its history.
 *
 * @param p the model's probability of the call (0 when out of vocabulary)
 * @param anomaly 1/p, capped at the model's maxScore; maxScore when p == 0 or out of vocabulary
 * @param outOfVocabulary the model does not know the call
 * @param topGMiss the call is not among the model's g most probable next calls (DeepLog)
 */
public record CallScore(double p, double anomaly, boolean outOfVocabulary, boolean topGMiss) {}

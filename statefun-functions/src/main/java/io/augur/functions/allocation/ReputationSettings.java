package io.augur.functions.allocation;

/**
 * How a user's record sets the baseline trust of their new tasks ({@link Reputation}).
 *
 * @param riskAlpha weight of the newest decision's risk in the long-term risk, in (0, 1]
 * @param priorRisk long-term risk of a user with no record, in [0, 1]
 * @param incidentHalfLifeMs time after which an incident weighs half, > 0
 * @param highTrustAbove reputation at or above this lets new tasks start at HIGH trust
 * @param mediumTrustAbove reputation at or above this (and below high) starts them at MEDIUM;
 *     below, at LOW
 * @param anomalyHighWeight incidents a HIGH sequence anomaly of one of the user's tasks adds (once
 *     per task; a false-positive verdict takes it back), >= 0
 * @param anomalyMediumWeight incidents a MEDIUM sequence anomaly adds (a later HIGH of the same
 *     task adds only the difference), in [0, anomalyHighWeight]
 */
public record ReputationSettings(
        double riskAlpha,
        double priorRisk,
        long incidentHalfLifeMs,
        double highTrustAbove,
        double mediumTrustAbove,
        double anomalyHighWeight,
        double anomalyMediumWeight) {

    /**
     * A new user starts at reputation 0.9: HIGH; one incident (or one task with a HIGH sequence
     * anomaly) halves it: MEDIUM.
     */
    public static final ReputationSettings DEFAULTS =
            new ReputationSettings(0.05, 0.1, 3_600_000, 0.8, 0.4, 1.0, 0.5);

    /** With the default anomaly weights. */
    public ReputationSettings(
            double riskAlpha,
            double priorRisk,
            long incidentHalfLifeMs,
            double highTrustAbove,
            double mediumTrustAbove) {
        this(riskAlpha, priorRisk, incidentHalfLifeMs, highTrustAbove, mediumTrustAbove, 1.0, 0.5);
    }

    public ReputationSettings {
        if (!(riskAlpha > 0 && riskAlpha <= 1)) {
            throw new IllegalArgumentException("riskAlpha must be in (0, 1]: " + riskAlpha);
        }
        if (!(priorRisk >= 0 && priorRisk <= 1)) {
            throw new IllegalArgumentException("priorRisk must be in [0, 1]: " + priorRisk);
        }
        if (incidentHalfLifeMs <= 0) {
            throw new IllegalArgumentException("incidentHalfLifeMs must be > 0");
        }
        if (!(0 <= mediumTrustAbove && mediumTrustAbove <= highTrustAbove && highTrustAbove <= 1)) {
            throw new IllegalArgumentException(
                    "must hold 0 <= mediumTrustAbove <= highTrustAbove <= 1, got "
                            + mediumTrustAbove
                            + " and "
                            + highTrustAbove);
        }
        if (!(anomalyHighWeight >= 0
                && anomalyMediumWeight >= 0
                && anomalyMediumWeight <= anomalyHighWeight)) {
            throw new IllegalArgumentException(
                    "must hold 0 <= anomalyMediumWeight <= anomalyHighWeight, got "
                            + anomalyMediumWeight
                            + " and "
                            + anomalyHighWeight);
        }
    }
}

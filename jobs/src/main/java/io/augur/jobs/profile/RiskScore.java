package io.augur.jobs.profile;

import java.util.List;

/**
 * The outcome of scoring one forecast.
 *
 * @param score behavioural risk in [0, 1]
 * @param confidence confidence in the forecast, in [0, 1]
 * @param reasons the resources and values that drove the score, strongest first
 */
public record RiskScore(double score, double confidence, List<String> reasons) {
    public RiskScore {
        reasons = List.copyOf(reasons);
    }
}

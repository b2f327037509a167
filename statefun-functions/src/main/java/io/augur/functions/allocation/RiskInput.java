package io.augur.functions.allocation;

/**
 * The inputs of one allocation round for a task, without the node's availability (which the node's
 * pool supplies when it caps the proposal).
 *
 * @param riskScore behavioural risk in [0, 1]
 * @param forecast the forecast's upper bounds and expected usage
 * @param current the allocation currently in force
 */
public record RiskInput(double riskScore, ForecastSummary forecast, Allocation current) {

    public RiskInput {
        if (!Double.isFinite(riskScore)) {
            throw new IllegalArgumentException("riskScore must be finite: " + riskScore);
        }
    }
}

package io.augur.functions.allocation;

/**
 * The inputs of one allocation round for a task, without the node's availability (which the node's
 * pool supplies when it caps the proposal).
 *
 * @param riskScore behavioural risk in [0, 1]
 * @param forecast the forecast's upper bounds and expected usage
 * @param current the allocation currently in force
 * @param firstMemoryForecast whether the forecast's memory is the task's first: from one window,
 *     which shows its level but not whether it grows (a proactive allocation then never lowers
 *     memory)
 */
public record RiskInput(
        double riskScore,
        ForecastSummary forecast,
        Allocation current,
        boolean firstMemoryForecast) {

    public RiskInput {
        if (!Double.isFinite(riskScore)) {
            throw new IllegalArgumentException("riskScore must be finite: " + riskScore);
        }
    }

    /** An input whose memory forecast is not the task's first. */
    public RiskInput(double riskScore, ForecastSummary forecast, Allocation current) {
        this(riskScore, forecast, current, false);
    }
}

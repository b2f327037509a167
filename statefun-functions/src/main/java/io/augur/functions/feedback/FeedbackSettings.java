package io.augur.functions.feedback;

/**
 * How the enforcer's acks feed back into decisions: the tuning of a task's headroom from the usage
 * observed against an applied allocation (predictive-allocation.md, "feedback loop"), and how a
 * FAILED or REJECTED decision is retried or escalated ({@link AckPolicy}).
 *
 * @param headroomMin the lowest headroom tuning may reach, >= 0
 * @param headroomMax the highest headroom tuning may reach, >= headroomMin
 * @param headroomStep how much one tuning step moves the headroom, > 0
 * @param raiseAt observed usage at or above this share of the applied limit (CPU or memory, the
 *     larger) is "at the limit": the headroom rises one step, in (0, 1]
 * @param lowerBelow observed usage below this share of the applied limit (both resources) is "well
 *     below": after {@code lowerAfter} such acks in a row the headroom falls one step, in [0,
 *     raiseAt)
 * @param lowerAfter consecutive "well below" acks before one step down (lowering is slow: a limit
 *     too tight costs more than one too loose), >= 1
 * @param maxRetries attempts to re-issue a FAILED decision, or to correct a REJECTED one, before
 *     escalating, >= 0
 * @param retryBackoffMs delay before the first retry; each further retry waits twice as long, > 0
 */
public record FeedbackSettings(
        double headroomMin,
        double headroomMax,
        double headroomStep,
        double raiseAt,
        double lowerBelow,
        int lowerAfter,
        int maxRetries,
        long retryBackoffMs) {

    /** Headroom within [5 %, 50 %] in 5 % steps; three retries after 1, 2 and 4 s. */
    public static final FeedbackSettings DEFAULTS =
            new FeedbackSettings(0.05, 0.5, 0.05, 0.9, 0.5, 3, 3, 1000);

    public FeedbackSettings {
        if (!(headroomMin >= 0 && headroomMin <= headroomMax)) {
            throw new IllegalArgumentException(
                    "must hold 0 <= headroomMin <= headroomMax, got "
                            + headroomMin
                            + " and "
                            + headroomMax);
        }
        if (!(headroomStep > 0)) {
            throw new IllegalArgumentException("headroomStep must be > 0: " + headroomStep);
        }
        if (!(raiseAt > 0 && raiseAt <= 1 && lowerBelow >= 0 && lowerBelow < raiseAt)) {
            throw new IllegalArgumentException(
                    "must hold 0 <= lowerBelow < raiseAt <= 1, got "
                            + lowerBelow
                            + " and "
                            + raiseAt);
        }
        if (lowerAfter < 1) {
            throw new IllegalArgumentException("lowerAfter must be >= 1: " + lowerAfter);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        if (retryBackoffMs <= 0) {
            throw new IllegalArgumentException("retryBackoffMs must be > 0: " + retryBackoffMs);
        }
    }

    /** {@code headroom} within this policy's bounds. */
    public double clampHeadroom(double headroom) {
        double clamped = Math.max(headroomMin, Math.min(headroomMax, headroom));
        // Steps of 0.05 must land on 0.25, not 0.25000000000000006.
        return Math.round(clamped * 1e6) / 1e6;
    }
}

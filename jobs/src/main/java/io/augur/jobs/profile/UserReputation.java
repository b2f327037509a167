package io.augur.jobs.profile;

import java.io.Serializable;

/**
 * A user's reputation from the behaviour of all their tasks, in [0, 1] (1: spotless). Pure.
 *
 * <pre>
 * longTermRisk' = α·score + (1 − α)·longTermRisk          (starts at priorRisk)
 * incidents'    = incidents · 0.5^(Δt / halfLife) (+ 1 when a task's rolling risk rises above
 *                 incidentThreshold; that task's incident stays open, and is not counted again,
 *                 until its rolling risk falls below incidentThreshold / 2)
 * reputation    = (1 − longTermRisk) / (1 + incidents)
 * </pre>
 *
 * A slow average (α = 0.01 by default: about a hundred windows) so one bad window does not ruin a
 * user, and decaying incidents so a user who caused one recovers over days, not at once.
 */
public final class UserReputation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final double priorRisk;
    private final double incidentThreshold;
    private final long halfLifeMs;

    /**
     * @param alpha weight of the newest score in the long-term risk, in (0, 1]
     * @param priorRisk long-term risk of a new user, in [0, 1]
     * @param incidentThreshold task rolling risk that opens an incident, in (0, 1]
     * @param halfLifeMs time after which an incident weighs half, > 0
     */
    public UserReputation(
            double alpha, double priorRisk, double incidentThreshold, long halfLifeMs) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("profiler.reputation.alpha must be in (0, 1]");
        }
        if (!(priorRisk >= 0 && priorRisk <= 1)) {
            throw new IllegalArgumentException("profiler.reputation.prior-risk must be in [0, 1]");
        }
        if (!(incidentThreshold > 0 && incidentThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "profiler.reputation.incident-threshold must be in (0, 1]");
        }
        if (halfLifeMs <= 0) {
            throw new IllegalArgumentException(
                    "profiler.reputation.incident-half-life must be > 0");
        }
        this.alpha = alpha;
        this.priorRisk = priorRisk;
        this.incidentThreshold = incidentThreshold;
        this.halfLifeMs = halfLifeMs;
    }

    /** The long-term risk after one more score; {@code previous} null for a new user. */
    public double longTermRisk(Double previous, double score) {
        double from = previous == null ? priorRisk : previous;
        return alpha * score + (1 - alpha) * from;
    }

    /** {@code incidents} counted at {@code fromMs}, decayed to {@code toMs} (never grown). */
    public double decay(double incidents, long fromMs, long toMs) {
        if (toMs <= fromMs || incidents == 0) {
            return incidents;
        }
        return incidents * Math.pow(0.5, (double) (toMs - fromMs) / halfLifeMs);
    }

    /**
     * Whether a task's incident is open after its newest rolling risk (hysteresis: opens above the
     * threshold, closes below half of it).
     */
    public boolean incidentOpen(boolean wasOpen, double taskRollingRisk) {
        return wasOpen
                ? taskRollingRisk >= incidentThreshold / 2
                : taskRollingRisk > incidentThreshold;
    }

    /** The reputation, in [0, 1]. */
    public double reputation(double longTermRisk, double incidents) {
        double r = (1 - longTermRisk) / (1 + Math.max(0, incidents));
        return Math.max(0, Math.min(1, r));
    }

    /** The reputation of a user with no history. */
    public double initial() {
        return reputation(priorRisk, 0);
    }
}

package io.augur.jobs.profile;

import java.io.Serializable;

/**
 * A running average of risk scores (exponentially weighted): {@code rolling' = α·risk + (1 -
 * α)·rolling}; the first score is taken as is.
 */
public final class RollingRisk implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double alpha;

    /**
     * @param alpha weight of the newest score, in (0, 1]
     */
    public RollingRisk(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("rolling-risk alpha must be in (0, 1]: " + alpha);
        }
        this.alpha = alpha;
    }

    /**
     * @param previous the rolling risk so far, or {@code null} if there is none
     * @param risk the newest score
     */
    public double update(Double previous, double risk) {
        return previous == null ? risk : alpha * risk + (1 - alpha) * previous;
    }
}

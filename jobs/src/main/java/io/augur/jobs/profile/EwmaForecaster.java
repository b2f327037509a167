package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.util.EnumMap;
import java.util.Map;

/**
 * The walking-skeleton forecaster: per resource, an exponentially weighted moving mean and
 * variance.
 *
 * <p>Update with observation x (first observation: mean = x, variance = 0): {@code d = x - mean;
 * mean += α·d; variance = (1 - α)·(variance + α·d²)}.
 *
 * <p>Forecast: simple exponential smoothing forecasts a flat mean; its h-step-ahead error variance
 * grows as σ²·(1 + (h - 1)·α²), so the band is {@code mean ± k·σ·sqrt(1 + (h - 1)·α²)} for step h =
 * 1..H, with the lower bound clamped at 0 (resource use is never negative).
 *
 * <p>State layout: three doubles per resource (mean, variance, observation count).
 */
public final class EwmaForecaster implements Forecaster {
    /** Version tag written into every assessment. */
    public static final String MODEL_VERSION = "ewma-v1";

    private static final long serialVersionUID = 1L;
    private static final int SLOTS = 3;

    private final double alpha;
    private final double k;
    private final int steps;
    private final long stepMs;

    /**
     * @param alpha smoothing factor in (0, 1]; higher follows recent windows more closely
     * @param k band half-width in standard deviations
     * @param steps forecast steps (H)
     * @param stepMs length of one step
     */
    public EwmaForecaster(double alpha, double k, int steps, long stepMs) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
        }
        if (!(k >= 0) || steps < 1 || stepMs < 1) {
            throw new IllegalArgumentException(
                    "need k >= 0, steps >= 1, stepMs >= 1: " + k + ", " + steps + ", " + stepMs);
        }
        this.alpha = alpha;
        this.k = k;
        this.steps = steps;
        this.stepMs = stepMs;
    }

    @Override
    public String modelVersion() {
        return MODEL_VERSION;
    }

    @Override
    public double[] initialState() {
        return new double[ResourceVector.SIZE * SLOTS];
    }

    @Override
    public double[] observe(double[] state, double[] observation) {
        double[] next = state.clone();
        for (int r = 0; r < ResourceVector.SIZE; r++) {
            double x = observation[r];
            if (!ResourceVector.known(x)) {
                continue;
            }
            int at = r * SLOTS;
            if (next[at + 2] == 0) {
                next[at] = x;
                next[at + 1] = 0;
            } else {
                double d = x - next[at];
                next[at] += alpha * d;
                next[at + 1] = (1 - alpha) * (next[at + 1] + alpha * d * d);
            }
            next[at + 2] += 1;
        }
        return next;
    }

    @Override
    public Forecast forecast(double[] state) {
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        for (Resource resource : Resource.values()) {
            int at = resource.ordinal() * SLOTS;
            if (state[at + 2] == 0) {
                continue;
            }
            double mean = state[at];
            double sigma = Math.sqrt(Math.max(0, state[at + 1]));
            double[] m = new double[steps];
            double[] lo = new double[steps];
            double[] hi = new double[steps];
            for (int h = 1; h <= steps; h++) {
                double half = k * sigma * Math.sqrt(1 + (h - 1) * alpha * alpha);
                m[h - 1] = mean;
                lo[h - 1] = Math.max(0, mean - half);
                hi[h - 1] = mean + half;
            }
            bands.put(resource, new Forecast.Band(m, lo, hi));
        }
        return new Forecast(stepMs, steps, bands);
    }

    /** Observations folded in so far for one resource (for tests and diagnostics). */
    public static long observations(double[] state, Resource resource) {
        return (long) state[resource.ordinal() * SLOTS + 2];
    }
}

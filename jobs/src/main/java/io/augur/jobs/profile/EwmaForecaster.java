package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.util.EnumMap;
import java.util.Map;

/**
 * The walking-skeleton forecaster: per resource, exponential smoothing of the level and, with a
 * trend weight β &gt; 0, of the trend (Holt's linear method), plus an exponentially weighted
 * variance of the one-step error. β = 0 is plain EWMA ({@value #MODEL_VERSION}); the trend lets a
 * steadily growing task (a memory balloon) be forecast where it will be, not where it was.
 *
 * <p>Update with observation x (first observation: level = x, trend = 0, variance = 0), in
 * error-correction form: {@code p = level + trend; d = x - p; level = p + α·d; trend += α·β·d;
 * variance = (1 - α)·(variance + α·d²)}.
 *
 * <p>One observation covers {@code observationMs} (the profiler's window); the forecast has H steps
 * of {@code stepMs}. At step h, in observation units {@code u = h·stepMs / observationMs}: mean
 * {@code max(0, level + u·trend)}; band {@code mean ± k·σ·sqrt(1 + max(0, u - 1)·α²·(1 + u·β)²)}
 * (the h-step error variance of Holt's method, continuous in u), lower bound clamped at 0.
 *
 * <p>State layout: four doubles per resource (level, trend, variance, observation count).
 */
public final class EwmaForecaster implements Forecaster {
    /** Version tag of plain EWMA (β = 0). */
    public static final String MODEL_VERSION = "ewma-v1";

    /** Version tag with a trend (β &gt; 0). */
    public static final String TREND_MODEL_VERSION = "ewma-trend-v1";

    private static final long serialVersionUID = 2L;
    private static final int SLOTS = 4;

    private final double alpha;
    private final double beta;
    private final double k;
    private final int steps;
    private final long stepMs;
    private final long observationMs;

    /** Plain EWMA (no trend), one observation per forecast step. */
    public EwmaForecaster(double alpha, double k, int steps, long stepMs) {
        this(alpha, 0, k, steps, stepMs, stepMs);
    }

    /**
     * @param alpha level smoothing factor in (0, 1]; higher follows recent windows more closely
     * @param beta trend smoothing factor in [0, 1]; 0 disables the trend
     * @param k band half-width in standard deviations
     * @param steps forecast steps (H)
     * @param stepMs length of one forecast step
     * @param observationMs time one observation covers (the window)
     */
    public EwmaForecaster(
            double alpha, double beta, double k, int steps, long stepMs, long observationMs) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
        }
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("trend beta must be in [0, 1]: " + beta);
        }
        if (!(k >= 0) || steps < 1 || stepMs < 1 || observationMs < 1) {
            throw new IllegalArgumentException(
                    "need k >= 0, steps >= 1, stepMs >= 1, observationMs >= 1: "
                            + k
                            + ", "
                            + steps
                            + ", "
                            + stepMs
                            + ", "
                            + observationMs);
        }
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
        this.steps = steps;
        this.stepMs = stepMs;
        this.observationMs = observationMs;
    }

    @Override
    public String modelVersion() {
        return beta > 0 ? TREND_MODEL_VERSION : MODEL_VERSION;
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
            if (next[at + 3] == 0) {
                next[at] = x;
                next[at + 1] = 0;
                next[at + 2] = 0;
            } else {
                double predicted = next[at] + next[at + 1];
                double d = x - predicted;
                next[at] = predicted + alpha * d;
                next[at + 1] += alpha * beta * d;
                next[at + 2] = (1 - alpha) * (next[at + 2] + alpha * d * d);
            }
            next[at + 3] += 1;
        }
        return next;
    }

    @Override
    public Forecast forecast(double[] state) {
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        for (Resource resource : Resource.values()) {
            int at = resource.ordinal() * SLOTS;
            if (state[at + 3] == 0) {
                continue;
            }
            double level = state[at];
            double trend = state[at + 1];
            double sigma = Math.sqrt(Math.max(0, state[at + 2]));
            double[] m = new double[steps];
            double[] lo = new double[steps];
            double[] hi = new double[steps];
            for (int h = 1; h <= steps; h++) {
                double u = (double) h * stepMs / observationMs;
                double growth = alpha * (1 + u * beta);
                double half = k * sigma * Math.sqrt(1 + Math.max(0, u - 1) * growth * growth);
                double mean = Math.max(0, level + u * trend);
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
        return (long) state[resource.ordinal() * SLOTS + 3];
    }
}

package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * Recalibrates a task's forecast intervals online, per resource, from how the task's own last
 * forecasts fared (adaptive conformal inference, Gibbs and Candès 2021, on the interval's width):
 * after each window, the interval forecast one window earlier is checked against what was observed,
 * and the resource's width multiplier m moves by {@code m ← m · exp(γ · (miss − α))}, α = 1 −
 * level. A task whose use jumps about more than the model expects gets wider intervals (and so a
 * higher, earlier risk score and more headroom), a steady one narrower; over time the task's
 * intervals cover about {@code level} of what happens. Pure; state is a double[] per task.
 */
public final class OnlineCalibrator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Multipliers are kept within [1/MAX, MAX]. */
    public static final double MAX_MULTIPLIER = 4.0;

    private final double level;
    private final double gamma;

    /**
     * @param level the intervals' nominal level (e.g. 0.9)
     * @param gamma the step size (0 turns recalibration off)
     */
    public OnlineCalibrator(double level, double gamma) {
        if (!(level > 0 && level < 1) || gamma < 0) {
            throw new IllegalArgumentException("need 0 < level < 1 and gamma >= 0");
        }
        this.level = level;
        this.gamma = gamma;
    }

    public double level() {
        return level;
    }

    /** The multipliers of a task not yet checked: all 1. */
    public static double[] initial() {
        double[] m = new double[ResourceVector.SIZE];
        java.util.Arrays.fill(m, 1.0);
        return m;
    }

    /**
     * Checks one resource's earlier interval against the observation and moves its multiplier.
     *
     * @return whether the observation was inside the interval
     */
    public boolean update(
            double[] multipliers, Resource r, double lower, double upper, double observed) {
        boolean covered = observed >= lower && observed <= upper;
        double miss = covered ? 0 : 1;
        double m = multipliers[r.ordinal()] * Math.exp(gamma * (miss - (1 - level)));
        multipliers[r.ordinal()] = Math.max(1 / MAX_MULTIPLIER, Math.min(MAX_MULTIPLIER, m));
        return covered;
    }

    /** The forecast with each band's distance from its mean scaled by the resource's multiplier. */
    public static Forecast apply(Forecast f, double[] multipliers) {
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        for (Map.Entry<Resource, Forecast.Band> e : f.bands().entrySet()) {
            double m = multipliers[e.getKey().ordinal()];
            Forecast.Band b = e.getValue();
            int n = b.mean().length;
            double[] lower = new double[n];
            double[] upper = new double[n];
            for (int t = 0; t < n; t++) {
                double mean = b.mean()[t];
                lower[t] = Math.max(0, mean - m * (mean - b.lower()[t]));
                upper[t] = mean + m * (b.upper()[t] - mean);
            }
            bands.put(e.getKey(), new Forecast.Band(b.mean().clone(), lower, upper));
        }
        return new Forecast(f.stepMs(), f.steps(), bands);
    }
}

package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A forecast of a task's resource use over {@code steps} future steps of {@code stepMs} each: per
 * resource, the expected value and a band around it.
 *
 * @param stepMs length of one step
 * @param steps number of steps
 * @param bands per forecast resource; resources never observed are absent
 */
public record Forecast(long stepMs, int steps, Map<Resource, Band> bands) {

    public Forecast {
        Map<Resource, Band> copy = new EnumMap<>(Resource.class);
        copy.putAll(bands);
        bands = Collections.unmodifiableMap(copy);
    }

    /**
     * This forecast, plus {@code other}'s bands for the resources this one leaves out, resampled to
     * this forecast's steps (each step takes {@code other}'s step that ends nearest to it).
     */
    public Forecast fillFrom(Forecast other) {
        Map<Resource, Band> merged = new EnumMap<>(Resource.class);
        merged.putAll(bands);
        for (Map.Entry<Resource, Band> e : other.bands.entrySet()) {
            if (merged.containsKey(e.getKey())) {
                continue;
            }
            Band b = e.getValue();
            double[] mean = new double[steps];
            double[] lower = new double[steps];
            double[] upper = new double[steps];
            for (int t = 0; t < steps; t++) {
                int j = other.stepEndingNear((t + 1) * stepMs);
                mean[t] = b.mean()[j];
                lower[t] = b.lower()[j];
                upper[t] = b.upper()[j];
            }
            merged.put(e.getKey(), new Band(mean, lower, upper));
        }
        return new Forecast(stepMs, steps, merged);
    }

    /** The step that ends nearest to {@code afterMs} from now. */
    public int stepEndingNear(long afterMs) {
        int j = (int) Math.round((double) afterMs / stepMs) - 1;
        return Math.max(0, Math.min(steps - 1, j));
    }

    /** How far ahead the forecast reaches. */
    public long horizonMs() {
        return stepMs * steps;
    }

    /**
     * One resource's forecast: per step the mean and the interval [lower, upper], lower ≥ 0.
     *
     * @param mean expected value per step
     * @param lower lower bound per step
     * @param upper upper bound per step
     */
    public record Band(double[] mean, double[] lower, double[] upper) {

        /** The highest upper bound over the horizon: what the risk score compares. */
        public double peakUpper() {
            double max = 0;
            for (double u : upper) {
                max = Math.max(max, u);
            }
            return max;
        }

        /** Index of the step with the highest upper bound. */
        public int peakStep() {
            int best = 0;
            for (int i = 1; i < upper.length; i++) {
                if (upper[i] > upper[best]) {
                    best = i;
                }
            }
            return best;
        }
    }
}

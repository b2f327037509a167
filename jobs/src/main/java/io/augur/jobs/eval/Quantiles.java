package io.augur.jobs.eval;

import java.util.Arrays;

/**
 * Inverse-CDF quantiles, as {@code docs/forecaster-eval.md} defines them: the smallest value whose
 * cumulative weight (or count) reaches q of the total. NaN values are ignored; no values → NaN.
 */
final class Quantiles {
    private Quantiles() {}

    /** Quantile q of {@code values[from .. to)}. */
    static double of(double[] values, int from, int to, double q) {
        double[] v = finite(values, from, to);
        return ofSorted(v, q);
    }

    /** Sorted finite copy of {@code values[from .. to)}. */
    static double[] finite(double[] values, int from, int to) {
        double[] v = new double[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(values[i])) {
                v[n++] = values[i];
            }
        }
        v = Arrays.copyOf(v, n);
        Arrays.sort(v);
        return v;
    }

    /** Quantile q of sorted values. */
    static double ofSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * Weighted quantiles of {@code values} (NaN ignored), for each q in {@code qs}.
     *
     * @return one value per q
     */
    static double[] weighted(double[] values, double[] weights, double[] qs) {
        int n = 0;
        Integer[] idx = new Integer[values.length];
        double total = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                idx[n++] = i;
                total += weights[i];
            }
        }
        double[] out = new double[qs.length];
        if (n == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        Integer[] order = Arrays.copyOf(idx, n);
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        for (int k = 0; k < qs.length; k++) {
            double target = qs[k] * total - 1e-12 * total;
            double cum = 0;
            double v = values[order[n - 1]];
            for (int j = 0; j < n; j++) {
                cum += weights[order[j]];
                if (cum >= target) {
                    v = values[order[j]];
                    break;
                }
            }
            out[k] = v;
        }
        return out;
    }
}

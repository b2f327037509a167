package io.augur.jobs.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline forecasters of {@code docs/forecaster-eval.md}: {@code last}, {@code ewma}, {@code
 * vpa-p90} (a VPA-style decaying histogram) and {@code crane-p99} (a Crane-style recent
 * percentile). Each works feature by feature on the trace up to the origin.
 */
public final class Baselines {
    /** EWMA smoothing. */
    static final double EWMA_ALPHA = 0.3;

    /** The decaying histogram's half-life and reach, in steps. */
    static final int VPA_HALF_LIFE = 48;

    static final int VPA_REACH = 480;

    /** The recent window of the Crane-style percentile, in steps. */
    static final int CRANE_WINDOW = 96;

    /** Headroom both recommenders add to their percentile. */
    static final double MARGIN = 1.15;

    private Baselines() {}

    /** Every baseline for a model reading {@code window} steps and forecasting {@code horizon}. */
    public static List<EvalForecaster> all(int window, int horizon) {
        return List.of(
                new PerFeature("last", window, horizon, Baselines::last),
                new PerFeature("ewma", window, horizon, Baselines::ewma),
                new PerFeature("vpa-p90", window, horizon, Baselines::vpa),
                new PerFeature("crane-p99", window, horizon, Baselines::crane));
    }

    /** Fills feature f of prediction p from the series x at origin t. */
    interface FeatureRule {
        void fill(double[] x, int t, int f, int window, int horizon, Prediction p);
    }

    /** A baseline that forecasts each feature on its own. */
    record PerFeature(String name, int window, int horizon, FeatureRule rule)
            implements EvalForecaster {
        @Override
        public List<Prediction> predict(Trace trace, int[] origins) {
            int features = Trace.FEATURES.size();
            double[][] columns = new double[features][trace.length()];
            for (int t = 0; t < trace.length(); t++) {
                for (int f = 0; f < features; f++) {
                    columns[f][t] = trace.values()[t][f];
                }
            }
            List<Prediction> out = new ArrayList<>(origins.length);
            for (int t : origins) {
                Prediction p = Prediction.empty(horizon, features);
                for (int f = 0; f < features; f++) {
                    rule.fill(columns[f], t, f, window, horizon, p);
                }
                out.add(p);
            }
            return out;
        }
    }

    static void last(double[] x, int t, int f, int window, int horizon, Prediction p) {
        double limit = 0;
        for (int h = 1; h <= horizon; h++) {
            int from = t - window + 1;
            double[] d = new double[Math.max(0, window - h)];
            for (int s = from; s + h <= t; s++) {
                d[s - from] = x[s + h] - x[s];
            }
            double[] sorted = Quantiles.finite(d, 0, d.length);
            set(p, h - 1, f, x[t], x[t], sorted, 1.0);
            limit = Math.max(limit, p.hi90()[h - 1][f]);
        }
        p.limit()[f] = Double.isNaN(x[t]) ? Double.NaN : limit;
    }

    static void ewma(double[] x, int t, int f, int window, int horizon, Prediction p) {
        int from = t - window + 1;
        double e = x[from];
        double[] residuals = new double[window - 1];
        for (int s = from + 1; s <= t; s++) {
            residuals[s - from - 1] = x[s] - e;
            e = EWMA_ALPHA * x[s] + (1 - EWMA_ALPHA) * e;
        }
        double[] sorted = Quantiles.finite(residuals, 0, residuals.length);
        double limit = 0;
        for (int h = 1; h <= horizon; h++) {
            set(p, h - 1, f, e, e, sorted, Math.sqrt(h));
            limit = Math.max(limit, p.hi90()[h - 1][f]);
        }
        p.limit()[f] = Double.isNaN(e) ? Double.NaN : limit;
    }

    /** point (and centre) plus scaled quantiles of the spread sample, clamped at 0. */
    private static void set(
            Prediction p, int h, int f, double point, double centre, double[] spread, double k) {
        p.point()[h][f] = point;
        p.lo80()[h][f] = Math.max(0, centre + k * Quantiles.ofSorted(spread, 0.1));
        p.hi80()[h][f] = Math.max(0, centre + k * Quantiles.ofSorted(spread, 0.9));
        p.lo90()[h][f] = Math.max(0, centre + k * Quantiles.ofSorted(spread, 0.05));
        p.hi90()[h][f] = Math.max(0, centre + k * Quantiles.ofSorted(spread, 0.95));
    }

    private static final double[] VPA_QS = {0.5, 0.1, 0.9, 0.05, 0.95};

    static void vpa(double[] x, int t, int f, int window, int horizon, Prediction p) {
        int from = Math.max(0, t - VPA_REACH + 1);
        int n = t - from + 1;
        double[] values = new double[n];
        double[] weights = new double[n];
        for (int s = from; s <= t; s++) {
            values[s - from] = x[s];
            weights[s - from] = Math.pow(0.5, (double) (t - s) / VPA_HALF_LIFE);
        }
        double[] q = Quantiles.weighted(values, weights, VPA_QS);
        constant(p, f, horizon, q[0], q[1], q[2], q[3], q[4], q[2] * MARGIN);
    }

    static void crane(double[] x, int t, int f, int window, int horizon, Prediction p) {
        int from = Math.max(0, t - CRANE_WINDOW + 1);
        double[] sorted = Quantiles.finite(x, from, t + 1);
        constant(
                p,
                f,
                horizon,
                Quantiles.ofSorted(sorted, 0.5),
                Quantiles.ofSorted(sorted, 0.1),
                Quantiles.ofSorted(sorted, 0.9),
                Quantiles.ofSorted(sorted, 0.05),
                Quantiles.ofSorted(sorted, 0.95),
                Quantiles.ofSorted(sorted, 0.99) * MARGIN);
    }

    private static void constant(
            Prediction p,
            int f,
            int horizon,
            double point,
            double lo80,
            double hi80,
            double lo90,
            double hi90,
            double limit) {
        for (int h = 0; h < horizon; h++) {
            p.point()[h][f] = point;
            p.lo80()[h][f] = Math.max(0, lo80);
            p.hi80()[h][f] = Math.max(0, hi80);
            p.lo90()[h][f] = Math.max(0, lo90);
            p.hi90()[h][f] = Math.max(0, hi90);
        }
        p.limit()[f] = Math.max(0, limit);
    }
}

package io.augur.jobs.eval;

import io.augur.schema.Resource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates one forecaster's metrics over traces and origins, by the definitions of {@code
 * docs/forecaster-eval.md}: scale-free MAE per feature, pinball loss, 80 % / 90 % coverage, and the
 * replayed allocation's slack and under-provisioned steps (CPU and memory).
 */
public final class ForecastMetrics {
    static final double[] PINBALL_QUANTILES = {0.05, 0.1, 0.5, 0.9, 0.95};
    private static final int F = Trace.FEATURES.size();
    private static final int CPU = Trace.FEATURES.indexOf(Resource.CPU);
    private static final int MEMORY = Trace.FEATURES.indexOf(Resource.MEMORY);

    private final double[] floors;
    private final double[] absError = new double[F];
    private final long[] absCount = new long[F];
    private double pinball;
    private long pinballCount;
    private long covered80;
    private long covered90;
    private long coverageCount;
    private final double[] slackSum = new double[F];
    private final double[] usageSum = new double[F];
    private long underProvisioned;

    /**
     * @param floors per feature, the scale floor (the model's normalisation floors)
     */
    public ForecastMetrics(double[] floors) {
        this.floors = floors.clone();
    }

    /** Adds one prediction at origin t of trace (whose per-feature means are {@code means}). */
    public void add(Trace trace, double[] means, int t, Prediction p) {
        int horizon = p.point().length;
        for (int h = 0; h < horizon; h++) {
            double[] actualRow = trace.values()[t + 1 + h];
            for (int f = 0; f < F; f++) {
                double actual = actualRow[f];
                double point = p.point()[h][f];
                if (Double.isNaN(actual) || Double.isNaN(point) || Double.isNaN(means[f])) {
                    continue;
                }
                double scale = means[f] + floors[f];
                absError[f] += Math.abs(point - actual) / scale;
                absCount[f]++;
                double[] qs = {
                    p.lo90()[h][f], p.lo80()[h][f], point, p.hi80()[h][f], p.hi90()[h][f]
                };
                for (int k = 0; k < qs.length; k++) {
                    pinball += pinball(PINBALL_QUANTILES[k], actual / scale, qs[k] / scale);
                    pinballCount++;
                }
                coverageCount++;
                if (actual >= p.lo80()[h][f] && actual <= p.hi80()[h][f]) {
                    covered80++;
                }
                if (actual >= p.lo90()[h][f] && actual <= p.hi90()[h][f]) {
                    covered90++;
                }
                if ((f == CPU || f == MEMORY) && !Double.isNaN(p.limit()[f])) {
                    slackSum[f] += Math.max(0, p.limit()[f] - actual);
                    usageSum[f] += actual;
                    if (actual > p.limit()[f]) {
                        underProvisioned++;
                    }
                }
            }
        }
    }

    static double pinball(double q, double actual, double predicted) {
        double d = actual - predicted;
        return Math.max(q * d, (q - 1) * d);
    }

    /** MAE per feature (NaN where nothing was measured). */
    public Map<String, Double> maePerResource() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int f = 0; f < F; f++) {
            m.put(
                    Trace.FEATURES.get(f).name(),
                    absCount[f] == 0 ? Double.NaN : absError[f] / absCount[f]);
        }
        return m;
    }

    /** Mean of the measured features' MAE. */
    public double maeMean() {
        double sum = 0;
        int n = 0;
        for (double v : maePerResource().values()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public double pinball() {
        return pinballCount == 0 ? Double.NaN : pinball / pinballCount;
    }

    public double coverage80() {
        return coverageCount == 0 ? Double.NaN : (double) covered80 / coverageCount;
    }

    public double coverage90() {
        return coverageCount == 0 ? Double.NaN : (double) covered90 / coverageCount;
    }

    /** Mean over CPU and memory of Σ max(0, limit − usage) / Σ usage. */
    public double slack() {
        double sum = 0;
        int n = 0;
        for (int f : new int[] {CPU, MEMORY}) {
            if (usageSum[f] > 0) {
                sum += slackSum[f] / usageSum[f];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public long underProvisionedSteps() {
        return underProvisioned;
    }

    /** The report's JSON object for this forecaster. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maeMean", json(maeMean()));
        Map<String, Object> per = new LinkedHashMap<>();
        maePerResource().forEach((k, v) -> per.put(k, json(v)));
        m.put("maePerResource", per);
        m.put("pinball", json(pinball()));
        m.put("coverage80", json(coverage80()));
        m.put("coverage90", json(coverage90()));
        m.put("slack", json(slack()));
        m.put("underProvisionedSteps", underProvisionedSteps());
        return m;
    }

    private static Double json(double v) {
        return Double.isNaN(v) ? null : v;
    }
}

package io.augur.jobs.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whole-sequence aggregation of per-call scores and the metrics of {@code ./augur eval sequences},
 * the same definitions as {@code notebooks/augur_sequences/metrics.py} so that the Java and Python
 * evaluations of one model on one dataset agree. Pure.
 */
public final class SequenceMetrics {
    private SequenceMetrics() {}

    /**
     * One sequence's score from its calls' anomalies a_i = min(1/p_i, maxScore) and top-g misses:
     * {@code mean-log} (mean log a_i), {@code max-window-mean-log-W} (largest mean of log a_i over
     * W consecutive calls, the whole sequence when shorter), {@code miss-rate}, {@code max} (max
     * a_i: a session is abnormal when any call is) or {@code misses} (count of top-g misses:
     * DeepLog's rule with threshold 0). An empty sequence scores 0.
     */
    public static double aggregate(String name, double[] anomaly, boolean[] miss) {
        if (anomaly.length == 0) {
            return 0.0;
        }
        switch (name) {
            case "mean-log" -> {
                double s = 0;
                for (double a : anomaly) {
                    s += Math.log(a);
                }
                return s / anomaly.length;
            }
            case "miss-rate" -> {
                return (double) count(miss) / miss.length;
            }
            case "max" -> {
                return Arrays.stream(anomaly).max().getAsDouble();
            }
            case "misses" -> {
                return count(miss);
            }
            default -> {
                if (name.startsWith("max-window-mean-log-")) {
                    int w = windowOf(name);
                    double[] c = new double[anomaly.length + 1];
                    for (int i = 0; i < anomaly.length; i++) {
                        c[i + 1] = c[i] + Math.log(anomaly[i]);
                    }
                    if (anomaly.length <= w) {
                        return c[anomaly.length] / anomaly.length;
                    }
                    double best = Double.NEGATIVE_INFINITY;
                    for (int i = w; i <= anomaly.length; i++) {
                        best = Math.max(best, c[i] - c[i - w]);
                    }
                    return best / w;
                }
                throw new IllegalArgumentException(
                        "unknown aggregation '"
                                + name
                                + "' (known: mean-log, max-window-mean-log-W, miss-rate, max,"
                                + " misses)");
            }
        }
    }

    /** Throws for an unknown aggregation name. */
    public static void checkAggregation(String name) {
        aggregate(name, new double[] {1.0}, new boolean[] {false});
    }

    private static int windowOf(String name) {
        try {
            int w = Integer.parseInt(name.substring("max-window-mean-log-".length()));
            if (w < 1) {
                throw new NumberFormatException();
            }
            return w;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad window in aggregation '" + name + "'");
        }
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }

    /** P(abnormal score > normal score), ties 1/2 (Mann-Whitney U); NaN when a side is empty. */
    public static double rocAuc(double[] normal, double[] abnormal) {
        if (normal.length == 0 || abnormal.length == 0) {
            return Double.NaN;
        }
        int n = normal.length + abnormal.length;
        double[] all = new double[n];
        System.arraycopy(normal, 0, all, 0, normal.length);
        System.arraycopy(abnormal, 0, all, normal.length, abnormal.length);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = r;
            }
            i = j + 1;
        }
        double rAb = 0;
        for (int k = normal.length; k < n; k++) {
            rAb += ranks[k];
        }
        double u = rAb - abnormal.length * (abnormal.length + 1) / 2.0;
        return u / ((double) normal.length * abnormal.length);
    }

    /**
     * The smallest threshold among the normal scores that flags (score &gt; t) at most
     * floor(rate·n) of them: the (floor(rate·n)+1)-th largest normal score.
     */
    public static double thresholdAtFalseAlarm(double[] normal, double rate) {
        if (normal.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] s = normal.clone();
        Arrays.sort(s);
        int k = (int) Math.floor(rate * s.length + 1e-9);
        return s[s.length - 1 - Math.min(k, s.length - 1)];
    }

    /** Fraction of abnormal scores above the threshold that flags at most 1 % of the normals. */
    public static double detectionAtFalseAlarm(double[] normal, double[] abnormal, double rate) {
        if (abnormal.length == 0) {
            return Double.NaN;
        }
        double t = thresholdAtFalseAlarm(normal, rate);
        return (double) Arrays.stream(abnormal).filter(a -> a > t).count() / abnormal.length;
    }

    /** The report's figures: flag a sequence when its score &gt; threshold. */
    public static Map<String, Object> evaluate(
            double[] normal, double[] abnormal, double threshold) {
        long tp = Arrays.stream(abnormal).filter(a -> a > threshold).count();
        long fp = Arrays.stream(normal).filter(a -> a > threshold).count();
        double precision = tp + fp > 0 ? (double) tp / (tp + fp) : Double.NaN;
        double recall = abnormal.length > 0 ? (double) tp / abnormal.length : Double.NaN;
        double f1 =
                abnormal.length == 0
                        ? Double.NaN
                        : tp > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auc", rocAuc(normal, abnormal));
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", f1);
        m.put("detectionAt1pctFalseAlarm", detectionAtFalseAlarm(normal, abnormal, 0.01));
        m.put("threshold", threshold);
        m.put("normalScored", normal.length);
        m.put("abnormalScored", abnormal.length);
        m.put("truePositives", tp);
        m.put("falsePositives", fp);
        m.put("falseAlarmRate", normal.length > 0 ? (double) fp / normal.length : Double.NaN);
        return m;
    }
}

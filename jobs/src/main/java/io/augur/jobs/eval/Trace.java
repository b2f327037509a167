package io.augur.jobs.eval;

import io.augur.schema.Resource;
import java.util.List;

/**
 * One task's resource series at a fixed step: {@code values[t][f]} is feature f ({@link #FEATURES})
 * at step t, in Augur units; NaN where not measured.
 *
 * @param name the trace's name (file name, or the task id of a recording)
 * @param values the series
 * @param stepSeconds the step between rows: the median gap of a Bitbrains file's distinct
 *     timestamps, the median of a recorded task's {@code interval_ms}; NaN when unknown
 */
public record Trace(String name, double[][] values, double stepSeconds) {
    /** The features evaluated, in the model's order. */
    public static final List<Resource> FEATURES =
            List.of(
                    Resource.CPU,
                    Resource.MEMORY,
                    Resource.DISK_READ,
                    Resource.DISK_WRITE,
                    Resource.NET_RX,
                    Resource.NET_TX);

    /** A trace whose step is unknown. */
    public Trace(String name, double[][] values) {
        this(name, values, Double.NaN);
    }

    public int length() {
        return values.length;
    }

    /** The mean of feature f over the trace, ignoring NaN (NaN if never measured). */
    public double mean(int f) {
        double sum = 0;
        int n = 0;
        for (double[] row : values) {
            if (!Double.isNaN(row[f])) {
                sum += row[f];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The median gap between the distinct finite timestamps, sorted: rows out of order or written
     * twice do not change a file's step. NaN with fewer than two.
     */
    static double medianGap(List<Double> timestamps) {
        double[] t =
                timestamps.stream()
                        .mapToDouble(Double::doubleValue)
                        .filter(Double::isFinite)
                        .sorted()
                        .distinct()
                        .toArray();
        double[] gaps = new double[Math.max(0, t.length - 1)];
        for (int k = 0; k < gaps.length; k++) {
            gaps[k] = t[k + 1] - t[k];
        }
        return median(gaps);
    }

    /** The median of the finite values, NaN when there is none. */
    static double median(double[] xs) {
        double[] finite = java.util.Arrays.stream(xs).filter(Double::isFinite).sorted().toArray();
        int n = finite.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? finite[n / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
    }
}

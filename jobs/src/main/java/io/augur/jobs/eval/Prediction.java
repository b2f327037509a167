package io.augur.jobs.eval;

/**
 * One forecaster's answer at one origin: per horizon step h and feature f ({@link Trace#FEATURES})
 * the point forecast and the 80 % and 90 % intervals, and per feature the limit an allocator fed by
 * it would set for the whole horizon. NaN where the forecaster has nothing to say.
 */
public record Prediction(
        double[][] point,
        double[][] lo80,
        double[][] hi80,
        double[][] lo90,
        double[][] hi90,
        double[] limit) {

    /** An all-NaN prediction of {@code h} steps and {@code f} features, to fill in. */
    public static Prediction empty(int h, int f) {
        return new Prediction(nan(h, f), nan(h, f), nan(h, f), nan(h, f), nan(h, f), nan1(f));
    }

    private static double[][] nan(int h, int f) {
        double[][] a = new double[h][];
        for (int i = 0; i < h; i++) {
            a[i] = nan1(f);
        }
        return a;
    }

    private static double[] nan1(int f) {
        double[] a = new double[f];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }
}

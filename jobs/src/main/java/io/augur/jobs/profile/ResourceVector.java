package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.util.Arrays;

/**
 * Vectors indexed by {@link Resource#ordinal()}, the layout shared by observations, envelopes and
 * forecaster state. {@code NaN} means "not measured".
 */
public final class ResourceVector {
    /** Number of resources Augur forecasts. */
    public static final int SIZE = Resource.values().length;

    private ResourceVector() {}

    /** A vector with every resource unknown. */
    public static double[] unknown() {
        double[] v = new double[SIZE];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    /** Whether {@code value} holds a measurement. */
    public static boolean known(double value) {
        return !Double.isNaN(value);
    }
}

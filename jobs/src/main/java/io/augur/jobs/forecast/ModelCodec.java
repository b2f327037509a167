package io.augur.jobs.forecast;

import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns task histories into model input and model output into forecasts, by the normalisation and
 * calibration of {@code docs/forecaster-model.md}. Pure: the DJL translator and the evaluation both
 * use it, so the job and {@code ./augur eval} feed the model identically.
 */
public final class ModelCodec {
    private final ModelMetadata meta;
    private final int lowerIndex;
    private final int medianIndex;
    private final int upperIndex;
    private final double[] calibration;

    /**
     * @param meta the model's metadata
     * @param level the interval level of the forecast's band: 0.8 or 0.9
     */
    public ModelCodec(ModelMetadata meta, double level) {
        this.meta = meta;
        if (Math.abs(level - 0.9) < 1e-9) {
            lowerIndex = meta.quantileIndex(0.05);
            upperIndex = meta.quantileIndex(0.95);
            calibration = meta.calibration90();
        } else if (Math.abs(level - 0.8) < 1e-9) {
            lowerIndex = meta.quantileIndex(0.1);
            upperIndex = meta.quantileIndex(0.9);
            calibration = meta.calibration80();
        } else {
            throw new IllegalArgumentException("interval level must be 0.8 or 0.9: " + level);
        }
        medianIndex = meta.quantileIndex(0.5);
    }

    public ModelMetadata metadata() {
        return meta;
    }

    /** Floats per input history: W × F. */
    public int inputSize() {
        return meta.window() * meta.featureCount();
    }

    /** Floats per output item: H × F × Q. */
    public int outputSize() {
        return meta.horizon() * meta.featureCount() * meta.quantiles().length;
    }

    /**
     * Writes one history, normalised, into {@code into[offset .. offset + inputSize())}.
     *
     * @param history observations, oldest first, each indexed by {@link ResourceVector}; only the
     *     last W are used, and fewer are left-padded with the oldest
     * @return per model feature the scale to multiply outputs by, or NaN for a feature the history
     *     never measured (it is fed as 0 and left out of the forecast)
     */
    public double[] normalise(List<double[]> history, float[] into, int offset) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("empty history");
        }
        int w = meta.window();
        int f = meta.featureCount();
        int first = Math.max(0, history.size() - w);
        int have = history.size() - first;
        double[] scales = new double[f];
        for (int j = 0; j < f; j++) {
            int r = meta.features().get(j).ordinal();
            double sum = 0;
            int known = 0;
            for (int s = first; s < history.size(); s++) {
                double v = history.get(s)[r];
                if (ResourceVector.known(v)) {
                    sum += Math.max(0, v);
                    known++;
                }
            }
            if (known == 0) {
                scales[j] = Double.NaN;
                for (int t = 0; t < w; t++) {
                    into[offset + t * f + j] = 0f;
                }
                continue;
            }
            // Padded steps repeat the oldest observation, so they count in the mean.
            double oldest = valueOrZero(history.get(first)[r]);
            double mean = (sum + (w - have) * oldest) / w;
            double scale = mean + meta.floors()[j];
            scales[j] = scale;
            for (int t = 0; t < w; t++) {
                int s = first + t - (w - have);
                double v = s < first ? oldest : valueOrZero(history.get(s)[r]);
                into[offset + t * f + j] = (float) (v / scale);
            }
        }
        return scales;
    }

    /**
     * Decodes one output item into a forecast: the median as the mean, the calibrated interval as
     * the band (the quantiles scaled back and clamped at 0, then widened by the offset and clamped
     * again), the band holding the median.
     */
    public Forecast decode(float[] out, int offset, double[] scales, long stepMs) {
        int h = meta.horizon();
        int f = meta.featureCount();
        int q = meta.quantiles().length;
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        for (int j = 0; j < f; j++) {
            double scale = scales[j];
            if (Double.isNaN(scale)) {
                continue;
            }
            double[] mean = new double[h];
            double[] lower = new double[h];
            double[] upper = new double[h];
            for (int t = 0; t < h; t++) {
                int base = offset + (t * f + j) * q;
                // The contract's order, which the offsets were calibrated for (train.py's
                // conformity scores): quantiles scaled back and clamped at 0, then widened by
                // the offset, then clamped again. Widening first would narrow the interval
                // wherever a quantile lies below 0 (an idle resource).
                double widen = calibration[j] * scale;
                double m = Math.max(0, out[base + medianIndex] * scale);
                double lo = Math.max(0, Math.max(0, out[base + lowerIndex] * scale) - widen);
                double hi = Math.max(0, Math.max(0, out[base + upperIndex] * scale) + widen);
                mean[t] = m;
                lower[t] = Math.min(lo, m);
                upper[t] = Math.max(hi, m);
            }
            bands.put(meta.features().get(j), new Forecast.Band(mean, lower, upper));
        }
        return new Forecast(stepMs, h, bands);
    }

    /** Whether every output value is finite (a model emitting NaN is refused). */
    public static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double valueOrZero(double v) {
        return ResourceVector.known(v) ? Math.max(0, v) : 0;
    }
}

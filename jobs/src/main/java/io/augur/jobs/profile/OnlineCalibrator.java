package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * Recalibrates a task's forecast intervals online, per resource and per lead, from how the task's
 * own earlier forecasts fared (adaptive conformal inference, Gibbs and Candès 2021, on the
 * interval's width). A forecast issued at the end of one window is checked against each later
 * window it reaches: its step that ends k windows ahead against what window k observed, moving the
 * multiplier m of lead k by {@code m ← m · exp(γ · (miss − α))}, α = 1 − level. A forecast step
 * that lies k windows ahead is scaled by lead k's multiplier (steps beyond the last lead by the
 * last's). So each lead's intervals cover about {@code level} of what happens: a task whose use
 * jumps about more than the model expects gets wider intervals (a higher, earlier risk score and
 * more headroom), a steady one narrower, and a model that is sharp one window ahead but
 * over-confident five ahead is widened only where it needs to be. Pure; the state is a {@link
 * CalibrationState} per task.
 */
public final class OnlineCalibrator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Multipliers are kept within [1/MAX, MAX]. */
    public static final double MAX_MULTIPLIER = 4.0;

    private static final int SIZE = ResourceVector.SIZE;

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

    public double gamma() {
        return gamma;
    }

    /** Receives the outcome of each check. */
    @FunctionalInterface
    public interface Checks {
        void checked(Resource resource, int lead, boolean covered);
    }

    /**
     * The number of leads of a forecast issued once per window: the windows its horizon reaches, at
     * least 1.
     */
    public static int leads(Forecast f, long windowMs) {
        return Math.max(1, (int) Math.floor((double) f.horizonMs() / windowMs + 1e-9));
    }

    /**
     * Per lead k (index k − 1), the step checked when the forecast is k windows old: the one ending
     * nearest k windows ahead. Where two leads share a step (steps longer than a window), only the
     * first checks it: the step is scaled by that lead's multiplier alone.
     */
    static int[] checkedSteps(Forecast f, long windowMs, int leads) {
        int[] steps = new int[leads];
        int last = -1;
        for (int k = 1; k <= leads; k++) {
            int step = f.stepEndingNear(k * windowMs);
            steps[k - 1] = step > last ? step : -1; // -1: this lead checks nothing
            last = Math.max(last, step);
        }
        return steps;
    }

    /**
     * The lead (1..leads) whose multiplier scales step {@code step} of a forecast: the first lead
     * whose checked step is at or after it, else the lead that checks the latest step. So every
     * multiplier scales the very step it is checked against, and the steps since the previous
     * lead's.
     */
    static int leadOf(int[] checkedSteps, int step) {
        int latest = 1;
        for (int k = 1; k <= checkedSteps.length; k++) {
            if (checkedSteps[k - 1] >= step) {
                return k;
            }
            if (checkedSteps[k - 1] >= 0) {
                latest = k;
            }
        }
        return latest;
    }

    /**
     * Checks every interval issued earlier that reaches the window ending at {@code windowEnd}
     * against what it observed, and moves the multipliers. A window that is not a whole number of
     * windows after an issue (a gap, a duplicate) checks nothing of it; an issue all of whose leads
     * have passed is forgotten.
     *
     * @param observed per resource ({@link ResourceVector} layout), NaN where not measured
     */
    public void observe(
            CalibrationState s, long windowEnd, double[] observed, long windowMs, Checks checks) {
        for (int slot = 0; slot < s.issuedAt.length; slot++) {
            long at = s.issuedAt[slot];
            if (at == Long.MIN_VALUE || windowEnd <= at) {
                continue;
            }
            long d = windowEnd - at;
            long k = d / windowMs;
            if (d % windowMs == 0 && k <= s.leads) {
                int base = (int) ((slot * s.leads + k - 1) * SIZE);
                for (Resource r : Resource.values()) {
                    int i = r.ordinal();
                    double lo = s.issuedLower[base + i];
                    if (ResourceVector.known(lo) && ResourceVector.known(observed[i])) {
                        boolean covered =
                                update(
                                        s.multipliers,
                                        (int) k,
                                        r,
                                        lo,
                                        s.issuedUpper[base + i],
                                        observed[i]);
                        checks.checked(r, (int) k, covered);
                    }
                }
            }
            if (k >= s.leads) {
                s.issuedAt[slot] = Long.MIN_VALUE;
            }
        }
    }

    /**
     * Checks one resource's earlier interval for lead {@code lead} against the observation and
     * moves that lead's multiplier.
     *
     * @return whether the observation was inside the interval
     */
    public boolean update(
            double[] multipliers,
            int lead,
            Resource r,
            double lower,
            double upper,
            double observed) {
        boolean covered = observed >= lower && observed <= upper;
        double miss = covered ? 0 : 1;
        int i = (lead - 1) * SIZE + r.ordinal();
        double m = multipliers[i] * Math.exp(gamma * (miss - (1 - level)));
        multipliers[i] = Math.max(1 / MAX_MULTIPLIER, Math.min(MAX_MULTIPLIER, m));
        return covered;
    }

    /**
     * The forecast with each band's distance from its mean scaled, per step, by the multiplier of
     * the step's lead. A task with no multipliers yet (or fewer leads than this forecast has) uses
     * 1 (or its last lead's).
     */
    public static Forecast apply(Forecast f, CalibrationState s, long windowMs) {
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        int[] checked = checkedSteps(f, windowMs, leads(f, windowMs));
        for (Map.Entry<Resource, Forecast.Band> e : f.bands().entrySet()) {
            Forecast.Band b = e.getValue();
            int n = b.mean().length;
            double[] lower = new double[n];
            double[] upper = new double[n];
            for (int t = 0; t < n; t++) {
                int k = Math.min(leadOf(checked, t), s.leads);
                double m = k < 1 ? 1 : s.multipliers[(k - 1) * SIZE + e.getKey().ordinal()];
                double mean = b.mean()[t];
                lower[t] = Math.max(0, mean - m * (mean - b.lower()[t]));
                upper[t] = mean + m * (b.upper()[t] - mean);
            }
            bands.put(e.getKey(), new Forecast.Band(b.mean().clone(), lower, upper));
        }
        return new Forecast(f.stepMs(), f.steps(), bands);
    }

    /**
     * Remembers the (recalibrated) forecast issued at {@code windowEnd}: for each lead k, its
     * interval at the step it checks ({@link #checkedSteps}), to be checked when the window k ahead
     * ends. A forecast issued again for the same window replaces the earlier one. The state keeps
     * the most leads any forecast of the task had: a forecast with more (another forecaster took
     * over, with a longer horizon) adds leads, and one with fewer leaves the others' multipliers
     * and pending checks as they are. So a task whose forecasts alternate between two forecasters
     * of different horizons (the LSTM and the EWMA filling its gaps) loses no check at a switch.
     */
    public static void issue(CalibrationState s, long windowEnd, Forecast f, long windowMs) {
        int leads = leads(f, windowMs);
        if (s.leads < leads) {
            grow(s, leads);
        }
        int slot = slotFor(s, windowEnd);
        s.issuedAt[slot] = windowEnd;
        int from = slot * s.leads * SIZE;
        java.util.Arrays.fill(s.issuedLower, from, from + s.leads * SIZE, Double.NaN);
        java.util.Arrays.fill(s.issuedUpper, from, from + s.leads * SIZE, Double.NaN);
        int[] checked = checkedSteps(f, windowMs, leads);
        for (int k = 1; k <= leads; k++) {
            int step = checked[k - 1];
            if (step < 0) {
                continue;
            }
            for (Map.Entry<Resource, Forecast.Band> e : f.bands().entrySet()) {
                int i = from + (k - 1) * SIZE + e.getKey().ordinal();
                s.issuedLower[i] = e.getValue().lower()[step];
                s.issuedUpper[i] = e.getValue().upper()[step];
            }
        }
    }

    /** The slot of the forecast issued at {@code windowEnd}, else a free one, else the oldest. */
    private static int slotFor(CalibrationState s, long windowEnd) {
        int free = -1;
        int oldest = 0;
        for (int i = 0; i < s.issuedAt.length; i++) {
            if (s.issuedAt[i] == windowEnd) {
                return i;
            }
            if (free < 0 && s.issuedAt[i] == Long.MIN_VALUE) {
                free = i;
            }
            if (s.issuedAt[i] < s.issuedAt[oldest]) {
                oldest = i;
            }
        }
        return free >= 0 ? free : oldest;
    }

    /**
     * Makes room for {@code leads} (more than now) leads: new leads' multipliers start at 1, and
     * every pending forecast keeps its slot's intervals for the leads it had.
     */
    private static void grow(CalibrationState s, int leads) {
        int old = s.leads;
        double[] m = new double[leads * SIZE];
        java.util.Arrays.fill(m, 1.0);
        System.arraycopy(s.multipliers, 0, m, 0, old * SIZE);
        long[] at = new long[leads];
        java.util.Arrays.fill(at, Long.MIN_VALUE);
        System.arraycopy(s.issuedAt, 0, at, 0, old);
        double[] lower = new double[leads * leads * SIZE];
        double[] upper = new double[leads * leads * SIZE];
        java.util.Arrays.fill(lower, Double.NaN);
        java.util.Arrays.fill(upper, Double.NaN);
        for (int slot = 0; slot < old; slot++) {
            System.arraycopy(
                    s.issuedLower, slot * old * SIZE, lower, slot * leads * SIZE, old * SIZE);
            System.arraycopy(
                    s.issuedUpper, slot * old * SIZE, upper, slot * leads * SIZE, old * SIZE);
        }
        s.multipliers = m;
        s.issuedAt = at;
        s.issuedLower = lower;
        s.issuedUpper = upper;
        s.leads = leads;
    }
}

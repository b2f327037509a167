package io.augur.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Resource;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class OnlineCalibratorTest {
    private final OnlineCalibrator calibrator = new OnlineCalibrator(0.9, 0.05);

    /** Runs n checks of a ±1 interval around 0 against N(0, sd) and returns the late coverage. */
    private double lateCoverage(double[] m, double sd, int n) {
        Random random = new Random(42);
        int covered = 0;
        int counted = 0;
        for (int i = 0; i < n; i++) {
            double half = m[Resource.CPU.ordinal()]; // a raw half-width of 1, recalibrated
            boolean hit =
                    calibrator.update(
                            m,
                            1,
                            Resource.CPU,
                            10 - half,
                            10 + half,
                            10 + sd * random.nextGaussian());
            if (i >= n / 2) {
                counted++;
                covered += hit ? 1 : 0;
            }
        }
        return (double) covered / counted;
    }

    @Test
    void intervalsTooNarrowForTheTaskWidenUntilTheyCoverTheLevel() {
        double[] m = ones();
        // A ±1 band against noise of sd 2 covers only 38 %; the 90 % band needs ±3.3.
        double coverage = lateCoverage(m, 2.0, 4000);
        assertThat(m[Resource.CPU.ordinal()]).isBetween(2.5, 4.0);
        assertThat(coverage).isBetween(0.85, 0.95);
    }

    @Test
    void intervalsTooWideForASteadyTaskNarrow() {
        double[] m = ones();
        double coverage = lateCoverage(m, 0.2, 4000);
        // ±1 against sd 0.2 covers everything; the 90 % band needs only ±0.33.
        assertThat(m[Resource.CPU.ordinal()]).isBetween(0.25, 0.5);
        assertThat(coverage).isBetween(0.85, 0.95);
    }

    private static double[] ones() {
        double[] m = new double[ResourceVector.SIZE];
        Arrays.fill(m, 1.0);
        return m;
    }

    /** Two steps, one window apart, CPU forecast flat at {@code mean} ± {@code half}. */
    private static Forecast flat(double mean, double half) {
        double[] m = {mean, mean};
        double[] lo = {mean - half, mean - half};
        double[] hi = {mean + half, mean + half};
        return new Forecast(WINDOW, 2, Map.of(Resource.CPU, new Forecast.Band(m, lo, hi)));
    }

    private static final long WINDOW = 1000;

    private static double[] cpu(double v) {
        double[] o = ResourceVector.unknown();
        o[Resource.CPU.ordinal()] = v;
        return o;
    }

    @Test
    void applyScalesEachBandsDistanceFromItsMeanByItsLeadsMultiplierAndKeepsLowerAtZeroOrAbove() {
        Forecast f =
                new Forecast(
                        WINDOW,
                        2,
                        Map.of(
                                Resource.CPU,
                                new Forecast.Band(
                                        new double[] {1, 1},
                                        new double[] {0.6, 0.6},
                                        new double[] {1.5, 1.5}),
                                Resource.MEMORY,
                                new Forecast.Band(
                                        new double[] {5, 5},
                                        new double[] {4, 4},
                                        new double[] {6, 6})));
        CalibrationState s = new CalibrationState();
        assertThat(OnlineCalibrator.apply(f, s, WINDOW).bands().get(Resource.CPU).upper())
                .containsExactly(1.5, 1.5); // nothing learnt yet: as forecast
        OnlineCalibrator.issue(s, 0, f, WINDOW); // two leads, all multipliers 1
        s.multipliers[Resource.CPU.ordinal()] = 2; // lead 1
        s.multipliers[ResourceVector.SIZE + Resource.CPU.ordinal()] = 4; // lead 2
        Forecast g = OnlineCalibrator.apply(f, s, WINDOW);
        Forecast.Band cpu = g.bands().get(Resource.CPU);
        assertThat(cpu.lower()[0]).isCloseTo(0.2, Offset.offset(1e-12));
        assertThat(cpu.upper()[0]).isEqualTo(2.0);
        assertThat(cpu.lower()[1]).isZero();
        assertThat(cpu.upper()[1]).isEqualTo(3.0);
        assertThat(g.bands().get(Resource.MEMORY).upper()[1]).isEqualTo(6.0);
    }

    @Test
    void aLeadThatMissesWidensWhileALeadThatHitsNarrows() {
        // Forecast ±1 around 10 at every window; the task's use is 10 one window after each
        // forecast's issue but 13 at the second step: every lead-2 check misses.
        OnlineCalibrator c = new OnlineCalibrator(0.9, 0.05);
        CalibrationState s = new CalibrationState();
        int[] checks = new int[3];
        for (long w = 1; w <= 200; w++) {
            c.observe(s, w * WINDOW, cpu(10), WINDOW, (r, k, hit) -> checks[k]++);
            double[] m = {10, 10};
            Forecast raw =
                    new Forecast(
                            WINDOW,
                            2,
                            Map.of(
                                    Resource.CPU,
                                    new Forecast.Band(
                                            m, new double[] {9, 7}, new double[] {11, 9.5})));
            OnlineCalibrator.issue(s, w * WINDOW, OnlineCalibrator.apply(raw, s, WINDOW), WINDOW);
        }
        assertThat(checks).containsExactly(0, 199, 198);
        assertThat(s.multipliers[Resource.CPU.ordinal()]).isLessThan(0.5);
        assertThat(s.multipliers[ResourceVector.SIZE + Resource.CPU.ordinal()]).isGreaterThan(1.5);
    }

    @Test
    void aGapOrARepeatedWindowChecksNothingAndOldIssuesAreForgotten() {
        OnlineCalibrator c = new OnlineCalibrator(0.9, 0.5);
        CalibrationState s = new CalibrationState();
        int[] checks = new int[1];
        OnlineCalibrator.issue(s, WINDOW, flat(10, 1), WINDOW);
        c.observe(s, WINDOW, cpu(50), WINDOW, (r, k, hit) -> checks[0]++); // same window again
        c.observe(s, WINDOW + WINDOW / 2, cpu(50), WINDOW, (r, k, hit) -> checks[0]++);
        assertThat(checks[0]).isZero();
        assertThat(s.issuedAt).containsOnly(Long.MIN_VALUE, WINDOW); // still to be checked
        c.observe(s, 5 * WINDOW, cpu(50), WINDOW, (r, k, hit) -> checks[0]++); // a gap
        assertThat(checks[0]).isZero();
        assertThat(s.issuedAt).containsOnly(Long.MIN_VALUE);
    }

    @Test
    void aForecastWithMoreStepsThanWindowsIsCheckedAtTheStepEndingAtEachWindow() {
        // Ten 1 s steps, 2 s windows: five leads; lead k checks step 2k − 1 (ending at 2k s).
        double[] mean = new double[10];
        double[] lo = new double[10];
        double[] hi = new double[10];
        for (int t = 0; t < 10; t++) {
            mean[t] = 10;
            lo[t] = 10 - (t + 1);
            hi[t] = 10 + (t + 1);
        }
        Forecast f = new Forecast(1000, 10, Map.of(Resource.CPU, new Forecast.Band(mean, lo, hi)));
        assertThat(OnlineCalibrator.leads(f, 2000)).isEqualTo(5);
        CalibrationState s = new CalibrationState();
        OnlineCalibrator.issue(s, 0, f, 2000);
        int base = Resource.CPU.ordinal();
        for (int k = 1; k <= 5; k++) {
            assertThat(s.issuedUpper[(k - 1) * ResourceVector.SIZE + base]).isEqualTo(10 + 2 * k);
        }
        assertThat(OnlineCalibrator.leads(f, 20_000)).isEqualTo(1);
    }

    @Test
    void stepsThatDoNotDivideTheWindowAreScaledByTheLeadThatChecksThem() {
        // 1.5 s steps in 2 s windows: lead 1 checks step 0 (ends at 1.5 s), lead 2 step 2 (4.5 s,
        // the nearest to 4 s), lead 3 step 3 (6 s).
        double[] mean = {10, 10, 10, 10};
        double[] lo = {9, 9, 9, 9};
        double[] hi = {11, 11, 11, 11};
        Forecast f = new Forecast(1500, 4, Map.of(Resource.CPU, new Forecast.Band(mean, lo, hi)));
        int[] checked = OnlineCalibrator.checkedSteps(f, 2000, OnlineCalibrator.leads(f, 2000));
        assertThat(checked).containsExactly(0, 2, 3);
        // every step is scaled by the lead that checks it or the next one that does
        assertThat(OnlineCalibrator.leadOf(checked, 0)).isEqualTo(1);
        assertThat(OnlineCalibrator.leadOf(checked, 1)).isEqualTo(2);
        assertThat(OnlineCalibrator.leadOf(checked, 2)).isEqualTo(2);
        assertThat(OnlineCalibrator.leadOf(checked, 3)).isEqualTo(3);

        // 4 s steps in 2 s windows: leads 1 and 2 would both check step 0; only lead 1 does.
        Forecast slow =
                new Forecast(4000, 4, Map.of(Resource.CPU, new Forecast.Band(mean, lo, hi)));
        int[] coarse = OnlineCalibrator.checkedSteps(slow, 2000, 8);
        assertThat(coarse).containsExactly(0, -1, 1, -1, 2, -1, 3, -1);
        assertThat(OnlineCalibrator.leadOf(coarse, 3)).isEqualTo(7);
        CalibrationState s = new CalibrationState();
        OnlineCalibrator.issue(s, 0, slow, 2000);
        assertThat(s.issuedUpper[ResourceVector.SIZE + Resource.CPU.ordinal()]).isNaN();
    }

    @Test
    void forecastersOfDifferentHorizonsTakingTurnsLoseNoCheckAndNoMultiplier() {
        // The LSTM (two leads) and the EWMA filling its gaps (one lead here: a non-default
        // horizon) alternate window by window. Every issued lead is checked when its window ends,
        // whoever issued the forecasts since, and the lead-2 multiplier keeps what it learnt.
        OnlineCalibrator c = new OnlineCalibrator(0.9, 0.05);
        CalibrationState s = new CalibrationState();
        int[] checks = new int[3];
        Forecast ewma =
                new Forecast(
                        WINDOW,
                        1,
                        Map.of(
                                Resource.CPU,
                                new Forecast.Band(
                                        new double[] {10}, new double[] {9}, new double[] {11})));
        for (long w = 1; w <= 100; w++) {
            // Use is 13 throughout: every check misses, so both leads widen.
            c.observe(s, w * WINDOW, cpu(13), WINDOW, (r, k, hit) -> checks[k]++);
            Forecast raw = w % 2 == 1 ? flat(10, 1) : ewma;
            OnlineCalibrator.issue(s, w * WINDOW, OnlineCalibrator.apply(raw, s, WINDOW), WINDOW);
        }
        // Lead 1: every forecast but the last (99). Lead 2: the LSTM's of windows 1, 3, .., 97.
        assertThat(checks).containsExactly(0, 99, 49);
        assertThat(s.leads).isEqualTo(2);
        assertThat(s.multipliers[ResourceVector.SIZE + Resource.CPU.ordinal()]).isGreaterThan(2.5);
    }

    @Test
    void aForecastIssuedAgainForTheSameWindowReplacesTheFirst() {
        OnlineCalibrator c = new OnlineCalibrator(0.9, 0.5);
        CalibrationState s = new CalibrationState();
        OnlineCalibrator.issue(s, WINDOW, flat(10, 1), WINDOW);
        OnlineCalibrator.issue(s, WINDOW, flat(10, 1), WINDOW); // a replayed window
        assertThat(s.issuedAt).containsOnly(WINDOW, Long.MIN_VALUE);
        int[] checks = new int[1];
        c.observe(s, 2 * WINDOW, cpu(10), WINDOW, (r, k, hit) -> checks[0]++);
        assertThat(checks[0]).as("one check, not two").isEqualTo(1);
    }
}

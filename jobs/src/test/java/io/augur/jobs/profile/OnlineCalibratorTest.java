package io.augur.jobs.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Resource;
import java.util.Map;
import java.util.Random;
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
                            m, Resource.CPU, 10 - half, 10 + half, 10 + sd * random.nextGaussian());
            if (i >= n / 2) {
                counted++;
                covered += hit ? 1 : 0;
            }
        }
        return (double) covered / counted;
    }

    @Test
    void intervalsTooNarrowForTheTaskWidenUntilTheyCoverTheLevel() {
        double[] m = OnlineCalibrator.initial();
        // A ±1 band against noise of sd 2 covers only 38 %; the 90 % band needs ±3.3.
        double coverage = lateCoverage(m, 2.0, 4000);
        assertThat(m[Resource.CPU.ordinal()]).isBetween(2.5, 4.0);
        assertThat(coverage).isBetween(0.85, 0.95);
    }

    @Test
    void intervalsTooWideForASteadyTaskNarrow() {
        double[] m = OnlineCalibrator.initial();
        double coverage = lateCoverage(m, 0.2, 4000);
        // ±1 against sd 0.2 covers everything; the 90 % band needs only ±0.33.
        assertThat(m[Resource.CPU.ordinal()]).isBetween(0.25, 0.5);
        assertThat(coverage).isBetween(0.85, 0.95);
    }

    @Test
    void applyScalesEachBandsDistanceFromItsMeanAndKeepsLowerAtZeroOrAbove() {
        double[] m = OnlineCalibrator.initial();
        m[Resource.CPU.ordinal()] = 2;
        Forecast f =
                new Forecast(
                        1000,
                        1,
                        Map.of(
                                Resource.CPU,
                                new Forecast.Band(
                                        new double[] {1}, new double[] {0.6}, new double[] {1.5}),
                                Resource.MEMORY,
                                new Forecast.Band(
                                        new double[] {5}, new double[] {4}, new double[] {6})));
        Forecast g = OnlineCalibrator.apply(f, m);
        assertThat(g.bands().get(Resource.CPU).lower()[0])
                .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(g.bands().get(Resource.CPU).upper()[0]).isEqualTo(2.0);
        assertThat(g.bands().get(Resource.MEMORY).upper()[0]).isEqualTo(6.0);
        m[Resource.CPU.ordinal()] = 4;
        assertThat(OnlineCalibrator.apply(f, m).bands().get(Resource.CPU).lower()[0]).isZero();
    }
}

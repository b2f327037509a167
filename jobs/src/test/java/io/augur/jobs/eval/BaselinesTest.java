package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    private static final int W = 4;
    private static final int H = 2;

    private static Trace cpu(double... values) {
        double[][] rows = new double[values.length][6];
        for (int t = 0; t < values.length; t++) {
            rows[t] = new double[] {values[t], 1e6, 0, 0, Double.NaN, Double.NaN};
        }
        return new Trace("t", rows);
    }

    private static Prediction only(String name, Trace trace, int origin) throws Exception {
        EvalForecaster f =
                Baselines.all(W, H).stream().filter(b -> b.name().equals(name)).findFirst().get();
        return f.predict(trace, new int[] {origin}).get(0);
    }

    @Test
    void inverseCdfQuantilesTakeTheSmallestValueReachingQ() {
        double[] v = {4, 1, 3, 2, Double.NaN};
        assertThat(Quantiles.of(v, 0, v.length, 0.5)).isEqualTo(2);
        assertThat(Quantiles.of(v, 0, v.length, 0.51)).isEqualTo(3);
        assertThat(Quantiles.of(v, 0, v.length, 0.05)).isEqualTo(1);
        assertThat(Quantiles.of(v, 0, v.length, 1.0)).isEqualTo(4);
        assertThat(
                        Quantiles.weighted(
                                new double[] {1, 2, 3},
                                new double[] {1, 1, 8},
                                new double[] {0.2, 0.25}))
                .containsExactly(2.0, 3.0);
    }

    @Test
    void lastRepeatsTheLastValueWithTheWindowsHStepChangesAsItsInterval() throws Exception {
        // Window [1, 2, 4, 7] at t = 3: 1-step changes 1, 2, 3; 2-step changes 3, 5.
        Prediction p = only("last", cpu(1, 2, 4, 7, 0, 0), 3);
        assertThat(p.point()[0][0]).isEqualTo(7);
        assertThat(p.point()[1][0]).isEqualTo(7);
        assertThat(p.lo90()[0][0]).isEqualTo(8); // 7 + q05{1,2,3} = 7 + 1
        assertThat(p.hi90()[0][0]).isEqualTo(10); // 7 + 3
        assertThat(p.hi90()[1][0]).isEqualTo(12); // 7 + q95{3,5}
        assertThat(p.limit()[0]).isEqualTo(12);
        // Net was never measured: nothing to say.
        assertThat(p.point()[0][4]).isNaN();
    }

    @Test
    void ewmaSmoothsTheWindowAndWidensItsResidualQuantilesWithTheSquareRootOfTheStep()
            throws Exception {
        Prediction p = only("ewma", cpu(2, 2, 2, 4, 0, 0), 3);
        // e: 2, 2, 2, then 0.3 * 4 + 0.7 * 2 = 2.6; residuals 0, 0, 2.
        assertThat(p.point()[0][0]).isCloseTo(2.6, within(1e-12));
        assertThat(p.hi90()[0][0]).isCloseTo(4.6, within(1e-12));
        assertThat(p.hi90()[1][0]).isCloseTo(2.6 + 2 * Math.sqrt(2), within(1e-12));
        assertThat(p.lo90()[1][0]).isCloseTo(2.6, within(1e-12));
    }

    @Test
    void vpaWeighsRecentStepsMoreAndRecommendsItsP90PlusFifteenPercent() throws Exception {
        double[] series = new double[200];
        for (int t = 0; t < 200; t++) {
            series[t] = t < 100 ? 10 : 1; // a long busy past, a quiet recent half
        }
        Prediction p = only("vpa-p90", cpu(series), 199 - H);
        // The last 98 quiet steps weigh 1 - 0.5^(98/48) ≈ 0.76 of the total: median quiet,
        // p90 busy.
        assertThat(p.point()[0][0]).isEqualTo(1);
        assertThat(p.hi80()[0][0]).isEqualTo(10);
        assertThat(p.limit()[0]).isCloseTo(11.5, within(1e-9));
    }

    @Test
    void craneUsesTheRecentWindowsP99PlusFifteenPercent() throws Exception {
        double[] series = new double[200];
        for (int t = 0; t < 200; t++) {
            series[t] = t % 10; // 0..9
        }
        Prediction p = only("crane-p99", cpu(series), 150);
        assertThat(p.limit()[0]).isCloseTo(9 * 1.15, within(1e-9));
        // Steps 55..150: values 0 and 5..9 ten times, 1..4 nine times; the 48th smallest is 5.
        assertThat(p.point()[0][0]).isEqualTo(5);
    }

    @Test
    void metricsFollowTheDocumentedDefinitions() {
        // One origin, H = 1, CPU only measured meaningfully; trace mean cpu = 1.
        Trace trace = cpu(1, 1, 1, 1, 1);
        Prediction p = Prediction.empty(1, 6);
        p.point()[0][0] = 1.5;
        p.lo80()[0][0] = 1.2;
        p.hi80()[0][0] = 1.8;
        p.lo90()[0][0] = 0.9;
        p.hi90()[0][0] = 2.0;
        p.limit()[0] = 3.0;
        ForecastMetrics m = new ForecastMetrics(new double[] {0.0, 1, 1, 1, 1, 1});
        m.add(trace, new double[] {1, 1e6, 0, 0, Double.NaN, Double.NaN}, 3, p);

        assertThat(m.maePerResource().get("CPU")).isEqualTo(0.5);
        assertThat(m.maePerResource().get("MEMORY")).isNaN(); // no point forecast given
        assertThat(m.maeMean()).isEqualTo(0.5);
        assertThat(m.coverage80()).isZero(); // 1 outside [1.2, 1.8]
        assertThat(m.coverage90()).isEqualTo(1.0); // inside [0.9, 2.0]
        // pinball over q05 (0.9), q10 (1.2), q50 (1.5), q90 (1.8), q95 (2.0) at actual 1.
        double expected = (0.05 * 0.1 + 0.9 * 0.2 + 0.5 * 0.5 + 0.1 * 0.8 + 0.05 * 1.0) / 5;
        assertThat(m.pinball()).isCloseTo(expected, within(1e-12));
        assertThat(m.slack()).isEqualTo(2.0); // (3 - 1) / 1, memory has no limit
        assertThat(m.underProvisionedSteps()).isZero();
        assertThat(List.of(m.toJson().keySet().toArray()))
                .containsExactly(
                        "maeMean",
                        "maePerResource",
                        "pinball",
                        "coverage80",
                        "coverage90",
                        "slack",
                        "underProvisionedSteps");
    }

    @Test
    void originsLeaveRoomForTheWindowAndTheHorizon() {
        assertThat(EvalForecasterMain.origins(10, 4, 2, 1)).containsExactly(3, 4, 5, 6, 7);
        assertThat(EvalForecasterMain.origins(10, 4, 2, 3)).containsExactly(3, 6);
        assertThat(EvalForecasterMain.origins(5, 4, 2, 1)).isEmpty();
    }
}

import unittest

import numpy as np

from augur_forecaster.baselines import (CraneP99, Ewma, Forecast, Last, VpaP90,
                                        decaying_quantiles, empirical_quantiles)
from augur_forecaster.metrics import MetricAccumulator, covered, pinball, trace_scale


def forecast(point, lo80, hi80, lo90, hi90, limit):
    a = [np.asarray(v, dtype=float) for v in (point, lo80, hi80, lo90, hi90, limit)]
    q = np.stack([a[3], a[1], a[0], a[2], a[4]], axis=-1)
    return Forecast(a[0], a[1], a[2], a[3], a[4], a[5], q)


class PrimitiveTest(unittest.TestCase):
    def test_pinball_by_hand(self):
        self.assertAlmostEqual(float(pinball(10.0, 12.0, 0.9)), 1.8)     # under: q * 2
        self.assertAlmostEqual(float(pinball(10.0, 8.0, 0.9)), 0.2)      # over: (1-q) * 2
        self.assertAlmostEqual(float(pinball(10.0, 8.0, 0.5)), 1.0)
        self.assertEqual(float(pinball(3.0, 3.0, 0.05)), 0.0)

    def test_coverage_is_inclusive(self):
        lo, hi = np.array([1.0, 1.0, 1.0, 1.0]), np.array([2.0, 2.0, 2.0, 2.0])
        y = np.array([1.0, 2.0, 0.5, 2.5])
        np.testing.assert_array_equal(covered(lo, hi, y), [True, True, False, False])

    def test_empirical_quantiles(self):
        a = np.arange(1.0, 11.0)[None, :]                      # 1..10
        q05, q10, q50, q90, q95, q99 = empirical_quantiles(a, [0.05, 0.1, 0.5, 0.9, 0.95, 0.99], 1)
        self.assertEqual((q05[0], q10[0], q50[0], q90[0], q95[0], q99[0]),
                         (1.0, 1.0, 5.0, 9.0, 10.0, 10.0))
        # q·n = 0.1·20 = 2 -> the 2nd value; NaN left out
        b = np.concatenate([np.arange(1.0, 21.0), [np.nan, np.nan]])[None, :]
        self.assertEqual(empirical_quantiles(b, [0.1], 1)[0][0], 2.0)
        self.assertTrue(np.isnan(empirical_quantiles(np.full((1, 3), np.nan), [0.5], 1)[0][0]))

    def test_decaying_quantiles_against_brute_force(self):
        rng = np.random.default_rng(3)
        x = rng.gamma(0.7, 2.0, size=300)
        x[rng.integers(0, 300, 20)] = 1.0               # ties
        x[5] = np.nan
        origins = np.arange(23, 295, 7)
        qs = [0.05, 0.1, 0.5, 0.9, 0.95]
        got = decaying_quantiles(x, origins, qs)
        for i, t in enumerate(origins):
            v = x[: t + 1]
            w = 0.5 ** ((t - np.arange(t + 1)) / 48.0)
            ok = np.isfinite(v)
            v, w = v[ok], w[ok]
            o = np.argsort(v, kind="stable")
            cum = np.cumsum(w[o]) / w.sum()
            for j, q in enumerate(qs):
                k = int(np.argmax(cum >= q - 1e-9))
                self.assertEqual(got[i, j], v[o][k], (t, q))

    def test_decaying_quantiles_weigh_only_the_past_480_steps(self):
        # docs/forecaster-eval.md (and the Java evaluator): the histogram reaches 480 steps back.
        # The older steps' weight is under 0.1 % of the total, but it moves where the cumulative
        # weight crosses q past a neighbouring value often enough to change some quantiles.
        rng = np.random.default_rng(4)
        x = rng.gamma(0.7, 2.0, size=1500)
        x[650] = np.nan
        origins = np.arange(470, 1495, 3)
        qs = [0.05, 0.1, 0.5, 0.9, 0.95]
        got = decaying_quantiles(x, origins, qs)
        for i, t in enumerate(origins):
            s = np.arange(max(0, t - 479), t + 1)
            v, w = x[s], 0.5 ** ((t - s) / 48.0)
            ok = np.isfinite(v)
            v, w = v[ok], w[ok]
            o = np.argsort(v, kind="stable")
            cum = np.cumsum(w[o]) / w.sum()
            for j, q in enumerate(qs):
                k = int(np.argmax(cum >= q - 1e-9))
                self.assertEqual(got[i, j], v[o][k], (t, q))


class MetricTest(unittest.TestCase):
    def test_tiny_hand_computed(self):
        floors = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
        # one origin, H = 2, six features; only CPU and MEMORY vary
        actual = np.ones((1, 2, 6))
        actual[0, :, 0] = [1.0, 3.0]                     # CPU
        actual[0, :, 1] = [2.0, 2.0]                     # MEMORY
        scale = np.array([2.0, 4.0, 2.0, 2.0, 2.0, 2.0])
        point = np.ones((1, 2, 6))
        point[0, :, 0] = [2.0, 2.0]
        point[0, :, 1] = [2.0, 1.0]
        lo = np.zeros((1, 2, 6))
        hi = np.full((1, 2, 6), 2.5)
        limit = np.full((1, 2, 6), 4.0)
        acc = MetricAccumulator(floors)
        acc.add(forecast(point, lo, hi, lo, hi, limit), actual, scale)
        r = acc.result()
        # CPU: |2-1|/2, |2-3|/2 -> 0.5 ; MEMORY: 0, |1-2|/4 -> 0.125 ; others 0
        self.assertAlmostEqual(r["maePerResource"]["CPU"], 0.5)
        self.assertAlmostEqual(r["maePerResource"]["MEMORY"], 0.125)
        self.assertAlmostEqual(r["maePerResource"]["NET_TX"], 0.0)
        self.assertAlmostEqual(r["maeMean"], (0.5 + 0.125) / 6)
        # coverage: only CPU at step 2 (3 > 2.5) is outside, 11 of 12 entries
        self.assertAlmostEqual(r["coverage80"], 11 / 12)
        self.assertAlmostEqual(r["coverage90"], 11 / 12)
        # slack (scaled): CPU (4-1 + 4-3)/2 / ((1+3)/2) = 1 ; MEMORY (2+2)/4 / (4/4) = 1
        self.assertAlmostEqual(r["slack"], 1.0)
        self.assertEqual(r["underProvisionedSteps"], 0)
        # pinball by hand: CPU step 1, y = 0.5, quantiles (0, 0, 1, 1.25, 1.25)
        cpu1 = (0.05 * 0.5 + 0.1 * 0.5 + 0.5 * 0.5 + 0.1 * 0.75 + 0.05 * 0.75) / 5
        levels = [0.05, 0.1, 0.5, 0.9, 0.95]
        total = 0.0
        for h in range(2):
            for f in range(6):
                y = actual[0, h, f] / scale[f]
                qv = [lo[0, h, f], lo[0, h, f], point[0, h, f], hi[0, h, f], hi[0, h, f]]
                losses = [max(l * (y - p / scale[f]), (l - 1) * (y - p / scale[f]))
                          for l, p in zip(levels, qv)]
                if (h, f) == (0, 0):
                    self.assertAlmostEqual(float(np.mean(losses)), cpu1)
                total += float(np.mean(losses))
        self.assertAlmostEqual(r["pinball"], total / 12)

        # a limit below the actual: under-provisioned, slack only from the rest
        acc = MetricAccumulator(floors)
        limit2 = np.full((1, 2, 6), 2.0)
        acc.add(forecast(point, lo, hi, lo, hi, limit2), actual, scale)
        r = acc.result()
        self.assertEqual(r["underProvisionedSteps"], 1)       # CPU step 2: 3 > 2
        # CPU: (1 + 0)/2 / 2 = 0.25 ; MEMORY: 0 / 1 = 0
        self.assertAlmostEqual(r["slack"], 0.125)

    def test_slack_pools_augur_units_over_traces(self):
        floors = np.zeros(6)
        acc = MetricAccumulator(floors)
        for size in (1.0, 100.0):                      # a small and a big trace
            actual = np.full((1, 1, 6), size)
            limit = np.full((1, 1, 6), 2.0 * size if size == 1.0 else 1.5 * size)
            z = np.zeros((1, 1, 6))
            acc.add(forecast(actual, z, limit, z, limit, limit), actual, np.full(6, size))
        r = acc.result()
        # raw: (1 + 50) / (1 + 100); scaled: each trace weighs alike, (1 + 0.5) / (1 + 1)
        self.assertAlmostEqual(r["slack"], 51 / 101)
        self.assertAlmostEqual(r["slackScaled"], 0.75)

    def test_trace_scale(self):
        v = np.array([[1.0, np.nan], [3.0, np.nan]])
        np.testing.assert_allclose(trace_scale(v, np.array([0.5, 2.0])), [2.5, 2.0])


class BaselineTest(unittest.TestCase):
    def test_last_and_ewma_by_hand(self):
        W, H = 4, 2
        x = np.array([1.0, 2.0, 4.0, 3.0, 9.0, 9.0])[:, None].repeat(6, axis=1)
        o = np.array([3])
        fc = Last(W, H).forecast(x, o)
        np.testing.assert_allclose(fc.point[0, :, 0], [3.0, 3.0])
        # 1-step changes in the window (1,2,4,3): +1, +2, -1 -> q05 = q10 = -1, q90 = q95 = 2
        self.assertAlmostEqual(fc.lo80[0, 0, 0], 2.0)
        self.assertAlmostEqual(fc.hi90[0, 0, 0], 5.0)
        # 2-step changes: 3, 1 -> [1, 3]: interval [4, 6]
        self.assertAlmostEqual(fc.lo90[0, 1, 0], 4.0)
        self.assertAlmostEqual(fc.hi90[0, 1, 0], 6.0)
        np.testing.assert_allclose(fc.limit[0, :, 0], [6.0, 6.0])
        fc = Ewma(W, H).forecast(x, o)
        # e = 1 -> residual 1, e = 1.3 -> residual 2.7, e = 2.11 -> residual 0.89, e = 2.377
        self.assertAlmostEqual(fc.point[0, 0, 0], 2.377)
        self.assertAlmostEqual(fc.lo80[0, 0, 0], 2.377 + 0.89)
        self.assertAlmostEqual(fc.hi90[0, 1, 0], 2.377 + 2.7 * np.sqrt(2))

    def test_crane_and_vpa_shapes_and_limits(self):
        rng = np.random.default_rng(0)
        x = rng.gamma(1.0, 1.0, size=(200, 6))
        o = np.arange(23, 195, 5)
        c = CraneP99(24, 5).forecast(x, o)
        v = VpaP90(24, 5).forecast(x, o)
        for fc in (c, v):
            self.assertEqual(fc.point.shape, (len(o), 5, 6))
            self.assertTrue((fc.lo90 <= fc.lo80).all() and (fc.hi80 <= fc.hi90).all())
        # crane at origin 23 sees 24 steps; p99 of 24 values is the maximum
        np.testing.assert_allclose(c.limit[0, 0], x[:24].max(axis=0) * 1.15)
        np.testing.assert_allclose(v.limit, v.hi80 * 1.15)


if __name__ == "__main__":
    unittest.main()


class OracleTest(unittest.TestCase):
    def test_horizon_median_oracle_forecasts_the_median_of_the_actual_future(self):
        from augur_forecaster.baselines import ANALYSIS, HorizonMedianOracle
        self.assertIn("oracle-horizon-median", ANALYSIS)
        values = np.zeros((40, 6))
        values[:, 0] = np.arange(40, dtype=float)       # a ramp: the oracle lags nothing
        values[30:, 1] = 5.0                           # a step after the origin
        o = HorizonMedianOracle(window=24, horizon=5)
        fc = o.forecast(values, np.array([24, 27]))
        self.assertEqual(fc.point.shape, (2, 5, 6))
        np.testing.assert_allclose(fc.point[0, :, 0], 27.0)   # median of 25..29
        np.testing.assert_allclose(fc.point[1, :, 1], 5.0)    # median of 0,0,5,5,5
        np.testing.assert_allclose(fc.limit, fc.point)

    def test_horizon_peak_oracle_never_under_provisions_and_any_lower_limit_does(self):
        from augur_forecaster.baselines import ANALYSIS, HorizonPeakOracle
        from augur_forecaster.evaluate import actuals
        from augur_forecaster.metrics import MetricAccumulator
        self.assertIn("oracle-horizon-peak", ANALYSIS)
        rng = np.random.default_rng(3)
        values = rng.gamma(2.0, 1.0, size=(80, 6))
        values[50:60, 0] = 9.0                          # a burst the past does not announce
        origins = np.arange(24, 80 - 5)
        o = HorizonPeakOracle(window=24, horizon=5)
        fc = o.forecast(values, origins)
        self.assertEqual(fc.limit.shape, (len(origins), 5, 6))
        y = actuals(values, origins, 5)
        np.testing.assert_allclose(fc.limit[:, 0, :], y.max(axis=1))   # the peak of t+1..t+5
        np.testing.assert_allclose(fc.limit[:, 4, :], fc.limit[:, 0, :])  # one limit per origin
        floors = np.ones(6)
        scale = np.ones(6)
        peak = MetricAccumulator(floors)
        peak.add(fc, y, scale)
        lower = fc.limit.copy()
        lower[np.arange(len(origins)), :, 0] *= 0.99    # any lower limit misses some step
        tighter = MetricAccumulator(floors)
        tighter.add(type(fc)(fc.point, fc.lo80, fc.hi80, fc.lo90, fc.hi90, lower, fc.quantiles),
                    y, scale)
        self.assertEqual(peak.result()["underProvisionedSteps"], 0)
        self.assertGreater(tighter.result()["underProvisionedSteps"], 0)
        self.assertGreater(peak.result()["slack"], 0)   # the path dips below its peak

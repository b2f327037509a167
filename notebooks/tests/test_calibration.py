import unittest

import numpy as np

from augur_forecaster import calibration


def flat_forecast(n, h, f, lo_half, hi_half, mean=10.0):
    point = np.full((n, h, f), mean)
    lo = point - np.asarray(lo_half)[None, :, None]
    hi = point + np.asarray(hi_half)[None, :, None]
    return point, lo, hi


class OnlineRecalibrationTest(unittest.TestCase):
    def test_a_lead_that_misses_widens_while_a_lead_that_hits_narrows(self):
        # Forecasts of 10 ± 1 one step ahead and 9 (6..9.5) two steps ahead; the trace stays at
        # 10, so every lead-1 check hits and every lead-2 check misses.
        n, h = 200, 2
        values = np.full((n + 2, 1), 10.0)
        origins = np.arange(n)
        point, lo, hi = flat_forecast(n, h, 1, [1.0, 3.0], [1.0, 0.5])
        point[:, 1], lo[:, 1], hi[:, 1] = 9.0, 6.0, 9.5    # step 2 says 9 (6..9.5): 10 misses
        m = calibration.multipliers(values, origins, point, lo, hi)
        self.assertEqual(m.shape, (n, h, 1))
        self.assertTrue((m[0] == 1).all())                 # nothing learnt at the first origin
        self.assertLess(m[-1, 0, 0], 0.5)                  # lead 1: hit after hit, narrower
        self.assertGreater(m[-1, 1, 0], 1.5)               # lead 2: miss after miss, wider
        self.assertTrue((m >= 1 / calibration.MAX_MULTIPLIER).all())
        self.assertTrue((m <= calibration.MAX_MULTIPLIER).all())

    def test_nan_checks_nothing_and_origins_must_be_consecutive(self):
        n, h = 100, 5
        values = np.full((n + 10, 2), 10.0)
        values[:, 1] = np.nan                              # feature 2 never observed
        origins = np.arange(n)
        point, lo, hi = flat_forecast(n, h, 2, [0.1] * 5, [0.1] * 5, mean=12.0)
        m = calibration.multipliers(values, origins, point, lo, hi)
        self.assertTrue((m[-1, :, 0] > 1.0).all())         # 10 is outside 12 ± 0.1: widen
        self.assertTrue((m[:, :, 1] == 1).all())           # no observation, no check
        with self.assertRaises(ValueError):
            calibration.multipliers(values, origins * 2, point, lo, hi)

    def test_recalibrated_coverage_approaches_the_level(self):
        rng = np.random.default_rng(1)
        n, h = 4000, 3
        values = 10 + 2.0 * rng.standard_normal((n + h + 1, 1))
        origins = np.arange(n)
        point, lo, hi = flat_forecast(n, h, 1, [1.0] * h, [1.0] * h)   # ±1 vs sd 2: 38 %
        m = calibration.multipliers(values, origins, point, lo, hi)
        lo2, hi2 = calibration.scale(point, lo, hi, m)
        y = values[origins[:, None] + np.arange(1, h + 1)[None, :]]
        late = slice(n // 2, n)
        raw = ((lo <= y) & (y <= hi))[late].mean()
        cov = ((lo2 <= y) & (y <= hi2))[late].mean()
        self.assertLess(raw, 0.5)
        self.assertAlmostEqual(cov, 0.9, delta=0.04)

    def test_the_step_factors_are_the_correctly_rounded_ones_javas_math_exp_gives(self):
        # exp(0.05 · (0 − 0.1)) is 0x1.fd7246927d28bp-1 in Java (Math.exp and StrictMath.exp)
        # and glibc; numpy's vectorised exp gives ...28c, which moved the replay's decisions.
        widen, narrow = calibration.step_factors(0.05, 0.9)
        self.assertEqual(narrow.hex(), "0x1.fd7246927d28bp-1")
        self.assertEqual(widen.hex(), "0x1.0bc87b5903477p+0")
        # One hit on lead 1 of a forecast 10 ± 1: the multiplier is exactly that factor.
        values = np.full((4, 1), 10.0)
        point, lo, hi = flat_forecast(2, 1, 1, [1.0], [1.0])
        m = calibration.multipliers(values, np.arange(2), point, lo, hi, gamma=0.05)
        self.assertEqual(float(m[1, 0, 0]).hex(), "0x1.fd7246927d28bp-1")


if __name__ == "__main__":
    unittest.main()

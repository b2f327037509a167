import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from augur_forecaster import FEATURES, FLOORS, HORIZON, QUANTILES, WINDOW
from augur_forecaster.model import (QuantileLSTM, denormalise, floors_array, left_pad,
                                    normalise, pinball_loss)
from augur_forecaster.train import conformal_offset, conformity_scores, export, make_windows
from augur_forecaster.evaluate import LstmForecaster, resolve_version_dir

torch.set_num_threads(1)


class NormalisationTest(unittest.TestCase):
    def test_round_trip_and_floor(self):
        floors = floors_array()
        rng = np.random.default_rng(0)
        raw = rng.gamma(1.0, 1.0, size=(3, WINDOW, 6)) * np.array([2, 4e9, 1e6, 1e6, 1e5, 1e5])
        x, scale = normalise(raw, floors)
        np.testing.assert_allclose(scale, raw.mean(axis=1) + floors)
        self.assertEqual(x.dtype, np.float32)
        np.testing.assert_allclose(x.astype(np.float64) * scale[:, None, :], raw, rtol=1e-6)
        # outputs: multiplied back by the scale, clamped at 0
        y = np.broadcast_to(x[:, :HORIZON, :, None], (3, HORIZON, 6, 5)).copy()
        y[0, 0, 0, 0] = -3.0
        back = denormalise(y, scale)
        self.assertEqual(back[0, 0, 0, 0], 0.0)
        np.testing.assert_allclose(back[..., 1], raw[:, :HORIZON, :], rtol=1e-6)

    def test_idle_feature_and_nan(self):
        floors = floors_array()
        raw = np.zeros((WINDOW, 6))
        raw[:, 0] = 0.5
        raw[:, 4] = np.nan                    # never reported
        raw[3, 5] = np.nan                    # one missing step
        raw[:, 5] = np.where(np.isnan(raw[:, 5]), np.nan, 2048.0)
        x, scale = normalise(raw, floors)
        self.assertAlmostEqual(scale[0], 0.5 + FLOORS["CPU"])
        self.assertEqual(scale[1], FLOORS["MEMORY"])       # idle: the floor alone
        self.assertEqual(scale[4], FLOORS["NET_RX"])
        self.assertTrue((x[:, 4] == 0).all())               # NaN fed as 0
        self.assertEqual(x[3, 5], 0.0)
        self.assertAlmostEqual(scale[5], 2048.0 + 1024.0)   # mean of the observed steps
        self.assertTrue(np.isfinite(x).all())

    def test_left_pad(self):
        h = np.arange(12, dtype=float).reshape(2, 6)
        p = left_pad(h, 5)
        self.assertEqual(p.shape, (5, 6))
        np.testing.assert_array_equal(p[:3], np.repeat(h[:1], 3, axis=0))
        np.testing.assert_array_equal(p[3:], h)


class ModelTest(unittest.TestCase):
    def test_monotone_quantiles(self):
        torch.manual_seed(1)
        m = QuantileLSTM().eval()
        with torch.no_grad():
            for w in m.head.parameters():       # a random, badly scaled head
                w.normal_(0, 3.0)
            x = torch.randn(64, WINDOW, 6) * 10
            y = m(x)
        self.assertEqual(tuple(y.shape), (64, HORIZON, 6, len(QUANTILES)))
        self.assertTrue(bool((y[..., 1:] >= y[..., :-1]).all()))

    def test_options_script_and_stay_monotone(self):
        torch.manual_seed(2)
        for kw in ({"log_inputs": True}, {"window": 36, "lstm_steps": 12},
                   {"window": 36, "lstm_steps": 12, "log_inputs": True}):
            m = QuantileLSTM(hidden=8, **kw).eval()
            x = torch.rand(5, m.window, 6) * 20
            with torch.no_grad():
                y = m(x)
                torch.testing.assert_close(torch.jit.script(m)(x), y)
            self.assertEqual(tuple(y.shape), (5, HORIZON, 6, len(QUANTILES)))
            self.assertTrue(bool((y[..., 1:] >= y[..., :-1]).all()))
        self.assertIn("log1p", QuantileLSTM(hidden=8, log_inputs=True).describe())
        self.assertIn("last 12 steps", QuantileLSTM(hidden=8, window=36, lstm_steps=12).describe())

    def test_pinball_loss(self):
        q = torch.tensor([0.1, 0.5, 0.9])
        pred = torch.tensor([[[[1.0, 2.0, 3.0]]]])       # [1, 1, 1, 3]
        target = torch.tensor([[[2.5]]])
        mask = torch.ones(1, 1, 1)
        # 0.1*1.5, 0.5*0.5, (0.9-1)*(-0.5) -> mean of 0.15, 0.25, 0.05
        self.assertAlmostEqual(float(pinball_loss(pred, target, q, mask)), 0.15, places=6)

    def test_export_load_and_metadata_agree(self):
        model = QuantileLSTM(hidden=8).eval()
        meta = {"format": 1, "name": "augur-forecaster", "version": "lstm-test",
                "createdAt": "2026-01-01T00:00:00Z", "architecture": model.describe(),
                "features": list(FEATURES), "window": WINDOW, "horizon": HORIZON,
                "quantiles": list(QUANTILES),
                "normalisation": {"kind": "window-mean-scale", "floor": dict(FLOORS)},
                "calibration": {"0.8": [0.0] * 6, "0.9": [0.1] * 6},
                "training": {"trainTraces": ["a"], "validationTraces": ["b"],
                             "testTraces": ["c"]}}
        with tempfile.TemporaryDirectory() as d:
            vdir = export(model, Path(d), meta)
            self.assertTrue((vdir / "model.pt").is_file())
            self.assertFalse((vdir / "metadata.json.tmp").exists())
            self.assertEqual(resolve_version_dir(d), vdir)
            loaded = torch.jit.load(str(vdir / "model.pt"))
            md = json.loads((vdir / "metadata.json").read_text())
            x = torch.rand(3, md["window"], len(md["features"]))
            y = loaded(x)
            self.assertEqual(tuple(y.shape), (3, md["horizon"], len(md["features"]),
                                              len(md["quantiles"])))
            with torch.no_grad():
                torch.testing.assert_close(y, model(x))
            self.assertEqual(md["quantiles"], sorted(md["quantiles"]))
            # the evaluation's forecaster reads the same directory
            f = LstmForecaster(vdir)
            values = np.abs(np.random.default_rng(0).normal(size=(40, 6))) + 1
            fc = f.forecast(values, np.array([23, 30]))
            self.assertEqual(fc.point.shape, (2, HORIZON, 6))
            self.assertTrue((fc.hi90 >= 0).all() and (fc.lo90 >= 0).all())
            np.testing.assert_allclose(fc.limit[:, 0], fc.hi90.max(axis=1))
            # the online recalibration is replayed at every step, whichever origins are scored
            every = f.forecast(values, np.arange(23, 31))
            np.testing.assert_allclose(fc.hi90, every.hi90[[0, 7]])
            self.assertFalse(np.allclose(every.hi90, LstmForecaster(vdir, gamma=0).forecast(
                values, np.arange(23, 31)).hi90))


class CalibrationTest(unittest.TestCase):
    def test_conformal_offset_covers_calibration_set(self):
        rng = np.random.default_rng(0)
        n = 2000
        out = np.zeros((n, 1, 1, 5))
        out[..., 0], out[..., 4] = 0.5, 1.5                   # a too narrow 90 % interval
        y = rng.uniform(0, 3, size=(n, 1, 1))
        sc = conformity_scores(out, y, np.ones_like(y), 0, 4)
        off = conformal_offset(sc[..., 0], 0.9)
        cov = np.mean((np.maximum(0.5 - off, 0) <= y) & (y <= 1.5 + off))
        self.assertGreaterEqual(cov, 0.9)
        self.assertLess(cov, 0.91)
        # a too wide interval gets a negative offset
        out[..., 0], out[..., 4] = 0.0, 10.0
        sc = conformity_scores(out, y, np.ones_like(y), 0, 4)
        self.assertLess(conformal_offset(sc[..., 0], 0.9), 0)

    def test_zero_actual_is_under_a_clamped_upper_bound(self):
        out = np.zeros((1, 1, 1, 5))
        sc = conformity_scores(out, np.zeros((1, 1, 1)), np.ones((1, 1, 1)), 0, 4)
        self.assertEqual(sc[0, 0, 0], 0.0)

    def test_windows(self):
        values = np.arange(40 * 6, dtype=float).reshape(40, 6) + 1
        w = make_windows(values, WINDOW, HORIZON, 4, floors_array())
        self.assertEqual(w["x"].shape, (3, WINDOW, 6))
        np.testing.assert_allclose(w["y"][0] * w["scale"][0][None, :], values[24:29], rtol=1e-6)


if __name__ == "__main__":
    unittest.main()

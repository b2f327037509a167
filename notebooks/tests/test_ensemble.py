import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from augur_forecaster import FEATURES, FLOORS, HORIZON, QUANTILES, WINDOW
from augur_forecaster.data import Trace
from augur_forecaster.ensemble import build
from augur_forecaster.evaluate import LstmForecaster
from augur_forecaster.model import QuantileLSTM
from augur_forecaster.train import export

torch.set_num_threads(1)


class EnsembleTest(unittest.TestCase):
    def test_mean_of_members_exported_and_recalibrated(self):
        rng = np.random.default_rng(0)
        traces = [Trace(f"v{i}", np.abs(rng.normal(size=(60, 6))) + 1, "bitbrains", f"v{i}.csv")
                  for i in range(2)]
        with tempfile.TemporaryDirectory() as d:
            members = []
            for seed in (1, 2):
                torch.manual_seed(seed)
                model = QuantileLSTM(hidden=8).eval()
                meta = {"format": 1, "name": "augur-forecaster", "version": f"m{seed}",
                        "createdAt": "2026-01-01T00:00:00Z", "architecture": model.describe(),
                        "features": list(FEATURES), "window": WINDOW, "horizon": HORIZON,
                        "quantiles": list(QUANTILES),
                        "normalisation": {"kind": "window-mean-scale", "floor": dict(FLOORS)},
                        "calibration": {"0.8": [0.0] * 6, "0.9": [0.0] * 6},
                        "training": {"trainTraces": ["a"], "validationTraces": ["v0", "v1"],
                                     "testTraces": ["c"]}}
                members.append((model, export(model, Path(d) / "members", meta)))
            vdir = build([m[1] for m in members], traces, Path(d) / "out", "ens")
            md = json.loads((vdir / "metadata.json").read_text())
            self.assertEqual(md["training"]["ensembleOf"], ["m1", "m2"])
            self.assertEqual(md["training"]["calibrationWindows"], 2 * (60 - WINDOW - HORIZON + 1))
            x = torch.rand(3, WINDOW, 6)
            with torch.no_grad():
                want = (members[0][0](x) + members[1][0](x)) / 2
                got = torch.jit.load(str(vdir / "model.pt"))(x)
            torch.testing.assert_close(got, want)
            self.assertTrue(bool((got[..., 1:] >= got[..., :-1]).all()))
            fc = LstmForecaster(vdir).forecast(traces[0].values, np.array([30, 40]))
            self.assertEqual(fc.point.shape, (2, HORIZON, 6))


if __name__ == "__main__":
    unittest.main()

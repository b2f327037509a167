"""augur_forecaster.peak_head: the experiment that learns the horizon peak's upper quantile."""

import contextlib
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import numpy as np

from augur_forecaster import FEATURES, synthetic
from augur_forecaster.data import read_traces
from augur_forecaster.peak_head import features, main, run

MODEL = Path(__file__).resolve().parents[2] / "models" / "forecaster-bitbrains" / "lstm-20261121-0901"


class PeakHeadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name)
        cls.data = root / "data"
        synthetic.write_traces(cls.data, traces=6, steps=160, seed=11)
        cls.traces = read_traces(cls.data, verbose=False)
        # a model version whose metadata trains on four traces and holds out two
        cls.model = root / "model"
        cls.model.mkdir()
        shutil.copy(MODEL / "model.pt", cls.model / "model.pt")
        meta = json.loads((MODEL / "metadata.json").read_text())
        names = sorted(t.name for t in cls.traces)
        meta["training"] = {"trainTraces": names[:3], "validationTraces": names[3:4]}
        (cls.model / "metadata.json").write_text(json.dumps(meta))
        cls.floors = {r: float(meta["normalisation"]["floor"][r]) for r in ("CPU", "MEMORY")}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_inputs_are_scale_free(self):
        v = self.traces[0].values
        o = np.arange(24, 40)
        f = FEATURES.index("CPU")
        x, s = features(v, o, f, 24, self.floors["CPU"])
        x10, s10 = features(v * 10, o, f, 24, self.floors["CPU"] * 10)
        np.testing.assert_allclose(s10, 10 * s)
        np.testing.assert_allclose(x10[:, :-1], x[:, :-1], rtol=1e-9)   # all but log(scale)

    def test_a_higher_quantile_learns_a_higher_limit(self):
        train, test = self.traces[:4], self.traces[4:]
        res = run(train, test, [0.5, 0.99], 24, 5, self.floors)
        for r in ("CPU", "MEMORY"):
            lo, hi = res[r]["0.5"], res[r]["0.99"]
            self.assertGreater(hi["slack"], lo["slack"], r)
            self.assertLess(hi["underProvisionedSteps"], lo["underProvisionedSteps"], r)

    def test_the_cli_scores_the_held_out_traces_and_prints_the_goal(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--data", str(self.data), "--model", str(self.model), "--json",
                         "--quantiles", "0.9"])
        self.assertEqual(code, 0)
        res = json.loads(out.getvalue())
        self.assertEqual((res["trainTraces"], res["testTraces"]), (4, 2))
        self.assertEqual(set(res["peakHead"]), {"CPU", "MEMORY"})
        self.assertAlmostEqual(res["goal"]["slack"],
                               (res["vpa-p90"]["CPU"]["slack"] + res["vpa-p90"]["MEMORY"]["slack"]) / 4)

    def test_bad_input_is_a_clear_error(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(main(["--data", str(self.data), "--model", str(self.model),
                                   "--quantiles", "1.5"]), 2)
            self.assertEqual(main(["--data", str(self.data), "--model", str(MODEL)]), 2)
        self.assertIn("--quantiles", err.getvalue())
        self.assertIn("held-out", err.getvalue())


if __name__ == "__main__":
    unittest.main()

"""augur_forecaster.frontier: the slack / under-provisioning trade-off of each forecaster."""

import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from augur_forecaster import FEATURES, synthetic
from augur_forecaster.baselines import BASELINES, HorizonPeakOracle
from augur_forecaster.data import origins_for, read_traces
from augur_forecaster.evaluate import evaluate
from augur_forecaster.frontier import frontier, goal_rows, main, parse_scales, scaled_limit


class FrontierTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        synthetic.write_traces(cls.dir, traces=3, steps=200, seed=5)
        cls.traces = read_traces(cls.dir, verbose=False)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_frontier(self, scales):
        fcs = {n: BASELINES[n](24, 5) for n in BASELINES}
        fcs[HorizonPeakOracle.name] = HorizonPeakOracle(24, 5)
        return frontier(self.traces, fcs, scales, 24, 5)

    def test_scale_one_is_the_evaluation_itself(self):
        res = self.run_frontier([1.0])
        ev = evaluate(self.traces, {n: BASELINES[n](24, 5) for n in BASELINES})["forecasters"]
        for n in BASELINES:
            row = res[n][0]
            self.assertAlmostEqual(row["slack"], ev[n]["slack"], places=12, msg=n)
            self.assertEqual(row["underProvisionedSteps"], ev[n]["underProvisionedSteps"], n)

    def test_a_wider_margin_leaves_more_slack_and_never_more_misses(self):
        res = self.run_frontier([0.5, 1.0, 2.0])
        for n in ("vpa-p90", "crane-p99"):     # limits above their peak point forecast
            for t in self.traces:
                fc = BASELINES[n](24, 5).forecast(t.values, np.arange(24, len(t) - 5))
                self.assertTrue(np.all(fc.limit >= np.nanmax(fc.point, axis=1, keepdims=True)))
            rows = res[n]
            self.assertEqual([r["scale"] for r in rows], [0.5, 1.0, 2.0])
            for a, b in zip(rows, rows[1:]):
                self.assertLessEqual(a["slack"], b["slack"], n)
                self.assertGreaterEqual(a["underProvisionedSteps"], b["underProvisionedSteps"], n)
        self.assertEqual(len(res[HorizonPeakOracle.name]), 1)
        self.assertEqual(res[HorizonPeakOracle.name][0]["underProvisionedSteps"], 0)

    def test_the_goal_picks_the_least_slack_within_vpa_misses(self):
        res = self.run_frontier([0.5, 1.0, 2.0, 4.0])
        g = goal_rows(res)
        vpa = next(r for r in res["vpa-p90"] if r["scale"] == 1.0)
        self.assertAlmostEqual(g["slackGoal"], vpa["slack"] / 2)
        self.assertEqual(g["underGoal"], vpa["underProvisionedSteps"])
        self.assertNotIn("vpa-p90", g["best"])
        peak = g["best"][HorizonPeakOracle.name]
        self.assertEqual(peak["underProvisionedSteps"], 0)
        for n, b in g["best"].items():
            if b is None:
                continue
            self.assertLessEqual(b["underProvisionedSteps"], g["underGoal"], n)
            rows = {r["scale"]: r for r in res[n]}
            own_c, own_m = rows[b["cpuScale"]], rows[b["memoryScale"]]     # its own pair's figures
            self.assertAlmostEqual(b["slack"], (own_c["slackPerResource"]["CPU"]
                                                + own_m["slackPerResource"]["MEMORY"]) / 2)
            self.assertEqual(b["underProvisionedSteps"], own_c["underPerResource"]["CPU"]
                             + own_m["underPerResource"]["MEMORY"])
            # no admissible pair of scales leaves less slack
            for kc, rc in rows.items():
                for km, rm in rows.items():
                    under = rc["underPerResource"]["CPU"] + rm["underPerResource"]["MEMORY"]
                    if under <= g["underGoal"]:
                        slack = (rc["slackPerResource"]["CPU"] + rm["slackPerResource"]["MEMORY"]) / 2
                        self.assertGreaterEqual(slack, b["slack"] - 1e-12, (n, kc, km))

    def test_scaled_limit_moves_the_limit_about_the_peak_point_forecast(self):
        fc = BASELINES["vpa-p90"](24, 5).forecast(self.traces[0].values, np.array([30, 31]))
        m = np.nanmax(fc.point, axis=1, keepdims=True)
        np.testing.assert_allclose(scaled_limit(fc, 1.0), fc.limit)
        np.testing.assert_allclose(scaled_limit(fc, 0.0), np.broadcast_to(np.maximum(m, 0), fc.limit.shape))
        np.testing.assert_allclose(scaled_limit(fc, 2.0), np.maximum(0, 2 * fc.limit - m))

    def test_the_replay_scores_each_step_once_against_the_limit_set_d_steps_before(self):
        fcs = {n: BASELINES[n](24, 5) for n in BASELINES}
        whole = frontier(self.traces, fcs, [1.0, 2.0], 24, 5)
        leads = [frontier(self.traces, fcs, [1.0, 2.0], 24, 5, d) for d in range(1, 6)]
        for n in BASELINES:
            for i in range(2):
                # The whole-horizon protocol scores every lead: its misses are the leads' sum.
                self.assertEqual(whole[n][i]["underProvisionedSteps"],
                                 sum(r[n][i]["underProvisionedSteps"] for r in leads), n)
        # Every lead by hand for vpa-p90 at k = 1: origins t, the limit set at t, usage at t + d.
        for d in range(1, 6):
            num = {"CPU": 0.0, "MEMORY": 0.0}
            den = dict(num)
            under = 0
            for t in self.traces:
                o = origins_for(len(t), 24, 5)
                fc = BASELINES["vpa-p90"](24, 5).forecast(t.values, o)
                for r in num:
                    f = FEATURES.index(r)
                    lim, act = fc.limit[:, d - 1, f], t.values[o + d, f]
                    num[r] += np.maximum(0, lim - act).sum()
                    den[r] += act.sum()
                    under += int((act > lim).sum())
            row = leads[d - 1]["vpa-p90"][0]
            self.assertEqual(row["underProvisionedSteps"], under, d)
            for r in num:
                self.assertAlmostEqual(row["slackPerResource"][r], num[r] / den[r], places=12)

    def test_the_replay_reads_the_limit_of_its_own_lead(self):
        class Exact(HorizonPeakOracle):
            """Each step's limit is that step's actual value: exact at every lead."""
            def forecast(self, values, origins):
                fc = super().forecast(values, origins)
                fc.limit = self.future(values, origins)
                fc.point = fc.limit.copy()
                return fc
        for d in range(1, 6):
            row = frontier(self.traces, {"exact": Exact(24, 5)}, [1.0], 24, 5, d)["exact"][0]
            self.assertEqual(row["underProvisionedSteps"], 0, d)
            self.assertEqual(row["slack"], 0.0, d)
        # Those limits read against another lead's usage would leave slack and miss.
        fc = Exact(24, 5).forecast(self.traces[0].values, origins_for(len(self.traces[0]), 24, 5))
        self.assertTrue(np.any(fc.limit[:, 0, 0] != fc.limit[:, 2, 0]))

    def test_bad_scales_and_missing_data_are_clear_errors(self):
        with self.assertRaises(ValueError):
            parse_scales("1,x")
        with self.assertRaises(ValueError):
            parse_scales("-1")
        self.assertEqual(parse_scales("2,0.5"), [0.5, 1.0, 2.0])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(main(["--data", str(self.dir), "--scales", "a"]), 2)
            self.assertEqual(main(["--data", str(self.dir / "missing")]), 2)
            self.assertEqual(main(["--data", str(self.dir), "--replay-lag", "6"]), 2)
        self.assertIn("--scales", err.getvalue())
        self.assertIn("--replay-lag must be within 0..5: 6", err.getvalue())

    def test_the_cli_prints_one_json_object(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(main(["--data", str(self.dir), "--json", "--scales", "1,2"]), 0)
        res = json.loads(out.getvalue())
        self.assertEqual(res["traces"], 3)
        self.assertEqual(set(res["forecasters"]), set(BASELINES) | {HorizonPeakOracle.name})
        self.assertIn("slackGoal", res["goal"])


if __name__ == "__main__":
    unittest.main()

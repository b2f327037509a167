import json
import random
import tempfile
import unittest
from pathlib import Path

import numpy as np

from augur_sequences import train, windows
from test_sequences_train import FAST, normal_calls, quiet, write_augur


class WindowScoresTest(unittest.TestCase):
    def test_tumbling_windows_mean_the_log_and_keep_a_short_last_window(self):
        a = np.array([1.0] * 50 + [np.e] * 50 + [np.e ** 4] * 10)
        w = windows.window_scores(a, 50)
        np.testing.assert_allclose(w, [0.0, 1.0, 4.0])

    def test_a_window_at_a_cut_off_is_not_above_it(self):
        self.assertEqual(windows.levels_above(np.array([1.5, 2.5, 2.51, 4.2]), (1.5, 2.5, 4.0)),
                         [3, 2, 1])

    def test_window_must_be_positive(self):
        with self.assertRaises(ValueError):
            windows.window_scores(np.ones(3), 0)


class ReweightTest(unittest.TestCase):
    def test_counts_are_kept_or_damped_and_an_unknown_weighting_is_refused(self):
        x, y = np.zeros((3, 2), np.int64), np.array([2, 3, 4])
        w = np.array([1.0, 4.0, 10000.0], np.float32)
        self.assertIs(train.reweight((x, y, w), "count")[2], w)
        np.testing.assert_allclose(train.reweight((x, y, w), "sqrt")[2], [1, 2, 100])
        np.testing.assert_allclose(train.reweight((x, y, w), "log1p")[2], np.log1p(w), rtol=1e-6)
        with self.assertRaises(ValueError):
            train.reweight((x, y, w), "inverse")

    def test_the_cli_records_the_weighting_and_refuses_another(self):
        with tempfile.TemporaryDirectory() as d:
            data = write_augur(Path(d) / "t.tsv", [("benign", f"n{i}", "web",
                                                    normal_calls(random.Random(i), 60))
                                                   for i in range(5)])
            rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(data), "--out",
                                            str(Path(d) / "m"), "--role", "web", "--version",
                                            "v", "--weighting", "sqrt"] + FAST)
            self.assertEqual(rc, 0, err)
            meta = json.loads((Path(d) / "m/web/v/metadata.json").read_text())
            self.assertEqual(meta["training"]["config"]["weighting"], "sqrt")
            rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(data), "--out",
                                            str(Path(d) / "m"), "--role", "web",
                                            "--weighting", "inverse"] + FAST)
            self.assertEqual(rc, 2)
            self.assertIn("--weighting", err)


class WindowsCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        rng = random.Random(2)
        rows = [("benign", f"n{i}", "web", normal_calls(rng, 200)) for i in range(20)]
        self.train_file = write_augur(self.dir / "train.tsv", rows)
        test = [("benign", "calm", "web", normal_calls(rng, 200)),
                ("hostile", "attack", "web",
                 normal_calls(rng, 100) + ["execve", "socket", "connect", "sendto"] * 25)]
        self.test_file = write_augur(self.dir / "test.tsv", test)
        rc, out, err = quiet(train.main, ["--format", "augur", "--train", str(self.train_file),
                                          "--out", str(self.dir / "m"), "--role", "web",
                                          "--version", "v1", "--epochs", "15"] + FAST[2:])
        self.assertEqual(rc, 0, err)
        self.model = self.dir / "m" / "web" / "v1"

    def tearDown(self):
        self.tmp.cleanup()

    def test_calm_windows_stay_below_medium_and_the_attack_windows_go_high(self):
        rc, out, err = quiet(windows.main, ["--format", "augur", "--model", str(self.model),
                                            "--test", str(self.test_file), "--json"])
        self.assertEqual(rc, 0, err)
        r = json.loads(out)
        rows = {s["trace"]: s for s in r["sequences"]}
        self.assertEqual(rows["calm"]["windows"], 4)
        self.assertEqual(rows["calm"]["above"]["MEDIUM"], 0)
        self.assertEqual(rows["attack"]["windows"], 4)
        # the last two windows are all calls the model never saw: ln(1e6) = 13.8 each
        self.assertEqual(rows["attack"]["above"]["HIGH"], 2)
        self.assertEqual(rows["attack"]["unknownCalls"], 100)
        self.assertEqual(r["summary"]["abnormal"]["windows"], 4)

    def test_bad_arguments_and_files_are_clear_errors(self):
        rc, _, err = quiet(windows.main, ["--format", "augur", "--model", str(self.model),
                                          "--test", str(self.test_file), "--cutoffs", "1,2"])
        self.assertEqual(rc, 2)
        self.assertIn("three numbers", err)
        bad = self.dir / "bad.tsv"
        bad.write_text("no header\n")
        rc, _, err = quiet(windows.main, ["--format", "augur", "--model", str(self.model),
                                          "--test", str(bad)])
        self.assertEqual(rc, 2)
        self.assertIn("bad.tsv", err)


if __name__ == "__main__":
    unittest.main()

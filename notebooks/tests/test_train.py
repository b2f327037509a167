import contextlib
import io
import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from augur_forecaster import evaluate, train

HEADER = ("Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\t"
          "CPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\t"
          "Disk read throughput [KB/s];\tDisk write throughput [KB/s];\t"
          "Network received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n")


def write_vm(path: Path, seed: int, rows: int = 160):
    rng = np.random.default_rng(seed)
    lines = [HEADER]
    for i in range(rows):
        pct = 20 + 10 * np.sin(i / 6) + rng.normal(0, 2)
        lines.append(f"{1372629804 + 300 * i};\t2;\t5000;\t0;\t{max(pct, 0):.3f};\t8000000;\t"
                     f"{1e6 + 1e4 * rng.normal():.1f};\t{rng.gamma(1, 50):.2f};\t"
                     f"{rng.gamma(1, 20):.2f};\t{rng.gamma(1, 2):.2f};\t{rng.gamma(1, 3):.2f}\n")
    path.write_text("".join(lines))


def tiny_run(d: str, vms: int):
    """A folder of `vms` synthetic VMs and the CLI arguments of a one-epoch training on it."""
    data, out = Path(d) / "data", Path(d) / "models"
    data.mkdir()
    for i in range(vms):
        write_vm(data / f"vm{i}.csv", i)
    return data, out, ["--data", str(data), "--out", str(out), "--epochs", "1", "--stride", "8",
                       "--val-stride", "8", "--calib-stride", "4", "--hidden", "8",
                       "--batch-size", "64"]


class HoldOutTest(unittest.TestCase):
    """--hold-out: a whole run (or machine, or recording) is the test split."""

    def names(self):
        return [f"{s}-{r}-abc123" for s in ("idle", "burner", "balloon", "steady", "batch")
                for r in (1, 2, 3)]

    def test_the_names_it_finds_are_the_test_split_and_nothing_else_is(self):
        cfg = train.TrainConfig(hold_out=r"-3-abc123$")
        split = train.split_traces(self.names(), cfg)
        self.assertEqual(split["test"], sorted(n for n in self.names() if "-3-" in n))
        rest = split["train"] + split["validation"]
        self.assertEqual(sorted(rest), sorted(n for n in self.names() if "-3-" not in n))
        self.assertTrue(split["validation"])
        self.assertFalse(set(split["train"]) & set(split["validation"]))

    def test_without_it_the_name_hash_split_stands(self):
        cfg = train.TrainConfig()
        split = train.split_traces(self.names(), cfg)
        self.assertEqual(split, train.split_names(self.names(), seed=0, validation=0.1,
                                                  test=0.2))

    def test_a_pattern_that_finds_nothing_or_everything_is_a_clear_error(self):
        with self.assertRaisesRegex(ValueError, "matches none of the 15 trace names"):
            train.split_traces(self.names(), train.TrainConfig(hold_out="-9-"))
        with self.assertRaisesRegex(ValueError, "leaves 0 trace"):
            train.split_traces(self.names(), train.TrainConfig(hold_out="abc"))
        with self.assertRaisesRegex(ValueError, "not a regular expression"):
            train.split_traces(self.names(), train.TrainConfig(hold_out="("))

    def test_the_cli_records_the_held_out_traces_and_exits_2_on_a_bad_pattern(self):
        with tempfile.TemporaryDirectory() as d:
            data, out, args = tiny_run(d, 6)
            with contextlib.redirect_stdout(io.StringIO()):
                rc = train.main(args + ["--hold-out", "vm[45]"])
            self.assertEqual(rc, 0)
            (vdir,) = list(out.iterdir())
            tr = json.loads((vdir / "metadata.json").read_text())["training"]
            self.assertEqual(tr["testTraces"], ["vm4", "vm5"])
            self.assertEqual(sorted(tr["trainTraces"] + tr["validationTraces"]),
                             ["vm0", "vm1", "vm2", "vm3"])
            self.assertEqual(tr["split"]["holdOut"], "vm[45]")
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()) as err:
                rc = train.main(args + ["--hold-out", "vm9"])
            self.assertEqual(rc, 2)
            self.assertIn("matches none", err.getvalue())


class EndToEndTest(unittest.TestCase):
    def test_train_cli_then_evaluate_json(self):
        with tempfile.TemporaryDirectory() as d:
            data, out, args = tiny_run(d, 10)
            with contextlib.redirect_stdout(io.StringIO()) as log:
                rc = train.main(args)
            self.assertEqual(rc, 0)
            self.assertIn("epoch   1/1", log.getvalue())
            (vdir,) = list(out.iterdir())
            self.assertTrue(vdir.name.startswith("lstm-"))
            md = json.loads((vdir / "metadata.json").read_text())
            tr = md["training"]
            self.assertEqual(md["version"], vdir.name)
            self.assertEqual(len(tr["trainTraces"]) + len(tr["validationTraces"])
                             + len(tr["testTraces"]), 10)
            self.assertFalse(set(tr["trainTraces"]) & set(tr["testTraces"]))
            self.assertFalse(set(tr["validationTraces"]) & set(tr["testTraces"]))
            self.assertEqual(sorted(md["calibration"]), ["0.8", "0.9"])
            self.assertEqual(len(md["calibration"]["0.9"]), 6)

            with contextlib.redirect_stdout(io.StringIO()) as outp:
                rc = evaluate.main(["--data", str(data), "--model", str(out), "--json",
                                    "--stride", "3"])
            self.assertEqual(rc, 0)
            res = json.loads(outp.getvalue())
            self.assertEqual(set(res["forecasters"]),
                             {"lstm", "last", "ewma", "vpa-p90", "crane-p99"})
            self.assertEqual(sorted(res["traceNames"]), sorted(tr["testTraces"]))
            for m in res["forecasters"].values():
                for k in ("maePerResource", "maeMean", "pinball", "coverage80", "coverage90",
                          "slack", "underProvisionedSteps"):
                    self.assertIn(k, m)
                self.assertTrue(0.0 <= m["coverage90"] <= 1.0)

    def test_evaluate_warns_when_the_data_is_at_another_step_than_the_model(self):
        with tempfile.TemporaryDirectory() as d:
            data, out, args = tiny_run(d, 6)  # VMs at 300 s steps
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(train.main(args + ["--hold-out", "vm[45]"]), 0)
            (vdir,) = list(out.iterdir())
            md = json.loads((vdir / "metadata.json").read_text())
            self.assertEqual(md["training"]["stepSeconds"], 300.0)
            for step, warned in ((300.0, False), (2.0, True)):
                md["training"]["stepSeconds"] = step
                (vdir / "metadata.json").write_text(json.dumps(md))
                with contextlib.redirect_stdout(io.StringIO()) as outp, \
                        contextlib.redirect_stderr(io.StringIO()) as err:
                    rc = evaluate.main(["--data", str(data), "--model", str(vdir), "--json",
                                        "--stride", "8"])
                self.assertEqual(rc, 0)
                res = json.loads(outp.getvalue())
                if warned:
                    self.assertTrue(res["stepWarning"].startswith(
                        "2 of 2 traces are at a step of 300 s (median), but the model was "
                        "trained at 2 s steps"), res["stepWarning"])
                    self.assertIn("warning: " + res["stepWarning"], err.getvalue())
                else:
                    self.assertIsNone(res["stepWarning"])
                    self.assertNotIn("warning", err.getvalue())

    def test_step_mismatch_tolerates_one_and_a_half_times_and_unknown_steps(self):
        def t(name, step):
            return evaluate.Trace(name=name, values=np.zeros((1, 6)), fmt="augur", source=name,
                                  step_seconds=step)
        self.assertIsNone(evaluate.step_mismatch([t("a", 2.9), t("b", 1.4), t("c", float("nan"))],
                                                 2.0))
        self.assertTrue(evaluate.step_mismatch([t("d", 3.1)], 2.0).startswith(
            "1 of 1 traces are at a step of 3.1 s"))
        self.assertIsNone(evaluate.step_mismatch([t("e", 300.0)], None))
        self.assertEqual([evaluate.step_text(x) for x in (3.1, 300.0, 1.9995, 0.5, 2.0)],
                         ["3.1", "300", "2", "0.5", "2"])
        self.assertIsNone(evaluate.model_step_seconds({"training": None}))
        self.assertIsNone(evaluate.model_step_seconds({"training": {"stepSeconds": "2"}}))
        self.assertEqual(evaluate.model_step_seconds({"training": {"stepSeconds": 2}}), 2.0)

    def test_a_files_step_ignores_row_order_repeats_and_missing_timestamps(self):
        from augur_forecaster.data import median_gap
        ts = np.array([600.0, 0.0, 300.0, 300.0, float("nan"), 900.0, 900.0, 1200.0])
        self.assertEqual(median_gap(ts), 300.0)
        self.assertTrue(np.isnan(median_gap(np.array([5.0, 5.0]))))

    def test_missing_data_dir_fails_clearly(self):
        err = io.StringIO()
        with tempfile.TemporaryDirectory() as d, contextlib.redirect_stderr(err), \
                contextlib.redirect_stdout(io.StringIO()):
            rc = train.main(["--data", str(Path(d) / "missing"), "--out", d])
        self.assertEqual(rc, 2)
        self.assertIn("does not exist", err.getvalue())


if __name__ == "__main__":
    unittest.main()

import json
import random
import tempfile
import unittest
from pathlib import Path

from augur_sequences import frequency
from test_sequences_train import normal_calls, quiet, write_augur


class FrequencyTest(unittest.TestCase):
    """The n-gram experiment flags traces that use calls and pairs normal traces never use,
    and not traces of the same program."""

    def test_traces_with_foreign_calls_score_above_normal_ones(self):
        rng = random.Random(5)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 60)) for i in range(30)])
            rows = [("normal", f"t{i}", "w", normal_calls(rng, 60)) for i in range(12)]
            for i in range(12):
                calls = normal_calls(rng, 60)
                for j in range(0, 60, 6):
                    calls[j] = rng.choice(["execve", "setuid", "connect"])
                rows.append(("abnormal", f"Foreign_{i}/a", "w", calls))
            test = write_augur(Path(d, "test.tsv"), rows)
            rc, out, err = quiet(frequency.main, [
                "--format", "augur", "--train", str(train), "--test", str(test), "--json"])
        self.assertEqual(rc, 0, err)
        result = json.loads(out)
        self.assertEqual(result["counts"], {"normal": 12, "abnormal": 12})
        self.assertEqual(result["train"], 30)
        for name in ("one-class-svm", "1-nn-cosine"):
            self.assertGreater(result["detectors"][name]["auc"], 0.9, name)
            self.assertIn("Foreign", result["detectors"][name]["aucByGroup"])

    def test_training_traces_that_all_use_the_same_calls_are_scored(self):
        # Presence vectors all alike have no variance: sklearn's gamma="scale" came out
        # negative there and libsvm refused it ("gamma < 0").
        rng = random.Random(7)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 60)) for i in range(30)])
            test = write_augur(Path(d, "test.tsv"), [
                ("normal", "t0", "w", normal_calls(rng, 60)),
                # Never writes: its presence vector lacks what every normal trace has.
                ("abnormal", "Foreign/a", "w", ["open", "read", "read"] * 20)])
            rc, out, err = quiet(frequency.main, [
                "--format", "augur", "--train", str(train), "--test", str(test),
                "--binary", "--json"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["detectors"]["one-class-svm"]["auc"], 1.0)

    def test_bad_options_and_tests_without_attacks_are_clear_errors(self):
        rng = random.Random(6)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 20)) for i in range(5)])
            rc, _, err = quiet(frequency.main, [
                "--format", "augur", "--train", str(train), "--test", str(train)])
            self.assertEqual(rc, 2)
            self.assertIn("--test needs normal and abnormal sequences", err)
            rc, _, err = quiet(frequency.main, [
                "--format", "augur", "--train", str(train), "--test", str(train),
                "--nu", "0"])
            self.assertEqual(rc, 2)
            self.assertIn("--nu must be in (0, 1]", err)


if __name__ == "__main__":
    unittest.main()

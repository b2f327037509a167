import json
import random
import tempfile
import unittest
from pathlib import Path

from augur_sequences import whole_trace
from test_sequences_train import normal_calls, quiet, write_augur


class WholeTraceTest(unittest.TestCase):
    """The whole-trace experiment learns a regular loop: shuffled traces of the same calls
    score higher than held-out normal ones, on the proxy and on a test file."""

    def test_learns_the_loop_and_separates_shuffled_traces(self):
        rng = random.Random(3)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 60)) for i in range(40)])
            test_rows = [("normal", f"t{i}", "w", normal_calls(rng, 60)) for i in range(10)]
            for i in range(10):
                calls = normal_calls(rng, 60)
                rng.shuffle(calls)
                test_rows.append(("abnormal", f"Shuffled_{i}/a", "w", calls))
            test = write_augur(Path(d, "test.tsv"), test_rows)
            rc, out, err = quiet(whole_trace.main, [
                "--format", "augur", "--train", str(train), "--test", str(test),
                "--epochs", "15", "--hidden", "16", "--embed", "8", "--batch-size", "8",
                "--bptt", "20", "--lr", "0.01", "--json"])
        self.assertEqual(rc, 0, err)
        result = json.loads(out)
        self.assertGreater(result["testAuc"]["mean-log"], 0.9)
        self.assertGreater(result["proxyAuc"]["mean-log"], 0.7)
        self.assertEqual(result["counts"], {"normal": 10, "abnormal": 10})
        self.assertEqual(result["testAucMeanLogByGroup"]["Shuffled"]["abnormal"], 10)
        self.assertIn("epoch 1:", err)

    def test_a_test_file_without_attacks_is_a_clear_error(self):
        rng = random.Random(4)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 30)) for i in range(12)])
            rc, _, err = quiet(whole_trace.main, [
                "--format", "augur", "--train", str(train), "--test", str(train),
                "--epochs", "1", "--hidden", "8", "--embed", "4"])
        self.assertEqual(rc, 2)
        self.assertIn("--test needs normal and abnormal sequences", err)


if __name__ == "__main__":
    unittest.main()

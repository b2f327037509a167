import json
import random
import tempfile
import unittest
from pathlib import Path

from augur_sequences import covering
from test_sequences_train import normal_calls, quiet, write_augur


class SuffixAutomatonTest(unittest.TestCase):
    """The longest piece from a position is the longest substring of one training trace."""

    def test_walk_agrees_with_brute_force_and_never_spans_two_traces(self):
        rng = random.Random(1)
        for _ in range(200):
            train = [[rng.choice("abcd") for _ in range(rng.randint(1, 12))]
                     for _ in range(rng.randint(1, 5))]
            automaton = covering.SuffixAutomaton()
            for s in train:
                automaton.add(s)
            substrings = {tuple(s[i:j]) for s in train
                          for i in range(len(s)) for j in range(i + 1, len(s) + 1)}
            query = [rng.choice("abcde") for _ in range(15)]
            for i in range(len(query)):
                longest = max([0] + [j - i for j in range(i + 1, len(query) + 1)
                                     if tuple(query[i:j]) in substrings])
                self.assertEqual(automaton.walk(query, i), longest, (train, query, i))

    def test_pieces_of_a_join_of_two_traces(self):
        automaton = covering.SuffixAutomaton()
        automaton.add(list("abc"))
        automaton.add(list("xyz"))
        # "cx" occurs only across the two traces: it takes two pieces, and "q" is unknown.
        self.assertEqual(covering.pieces(automaton, list("abcxyz")), [3, 3])
        self.assertEqual(covering.pieces(automaton, list("bcqxy")), [2, 0, 2])
        self.assertAlmostEqual(covering.covering_score(automaton, list("abc")), 1 / 3)


class CoveringTest(unittest.TestCase):
    """A trace that uses only normal calls, in an order no normal trace shows, scores above
    normal traces: what an order-free n-gram set misses."""

    def test_reordered_normal_calls_score_above_normal_traces(self):
        rng = random.Random(7)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 60)) for i in range(30)])
            rows = [("normal", f"t{i}", "w", normal_calls(rng, 60)) for i in range(12)]
            for i in range(12):
                calls = normal_calls(rng, 60)
                rng.shuffle(calls)
                rows.append(("abnormal", f"Shuffled_{i}/a", "w", calls))
            test = write_augur(Path(d, "test.tsv"), rows)
            rc, out, err = quiet(covering.main, [
                "--format", "augur", "--train", str(train), "--test", str(test), "--json"])
        self.assertEqual(rc, 0, err)
        result = json.loads(out)
        self.assertEqual(result["counts"], {"normal": 12, "abnormal": 12})
        self.assertEqual(result["detectors"]["covering"]["auc"], 1.0)
        self.assertIn("Shuffled", result["detectors"]["covering"]["aucByGroup"])
        self.assertIn("covering+svm", result["detectors"])

    def test_a_test_file_without_attacks_is_a_clear_error(self):
        rng = random.Random(8)
        with tempfile.TemporaryDirectory() as d:
            train = write_augur(Path(d, "train.tsv"), [
                ("normal", f"n{i}", "w", normal_calls(rng, 20)) for i in range(5)])
            rc, _, err = quiet(covering.main, [
                "--format", "augur", "--train", str(train), "--test", str(train)])
        self.assertEqual(rc, 2)
        self.assertIn("--test needs normal and abnormal sequences", err)


if __name__ == "__main__":
    unittest.main()

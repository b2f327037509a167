import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

from augur_sequences import MAX_SCORE
from augur_sequences.model import (NextCallEnsemble, NextCallLSTM, Vocabulary, call_scores,
                                   windows)
from augur_sequences.train import export


class VocabularyTest(unittest.TestCase):
    def test_ids_start_at_two_unknown_is_one(self):
        v = Vocabulary.build([["read", "write", "read"], ["open"]])
        self.assertEqual(v.names, ["read", "write", "open"])
        self.assertEqual(v.size, 5)
        self.assertEqual(v.encode(["open", "read", "mmap"]).tolist(), [4, 2, 1])

    def test_windows_left_padded_oldest_first(self):
        w = windows(np.array([5, 6, 7], dtype=np.int64), 2)
        self.assertEqual(w.tolist(), [[0, 0], [0, 5], [5, 6]])
        self.assertEqual(w.dtype, np.int64)


class ScoresTest(unittest.TestCase):
    def test_inverse_probability_p_zero_and_unknown_get_max(self):
        probs = np.array([[0.0, 0.0, 0.5, 0.25, 0.25],
                          [0.0, 0.0, 1.0, 0.0, 0.0],
                          [0.0, 0.1, 0.3, 0.3, 0.3]], dtype=np.float32)
        a, miss = call_scores(probs, np.array([3, 4, 1]), top_g=1)
        self.assertAlmostEqual(a[0], 4.0)
        self.assertEqual(a[1], MAX_SCORE)   # p == 0
        self.assertEqual(a[2], MAX_SCORE)   # unknown call
        self.assertEqual(miss.tolist(), [True, True, True])
        _, miss2 = call_scores(probs, np.array([3, 2, 3]), top_g=2)
        self.assertEqual(miss2.tolist(), [False, False, False])  # ties share the best rank

    def test_tiny_probability_capped(self):
        probs = np.array([[0, 0, 1 - 1e-9, 1e-9]], dtype=np.float64)
        a, _ = call_scores(probs, np.array([3]), top_g=1, max_score=1e6)
        self.assertEqual(a[0], 1e6)


class ExportTest(unittest.TestCase):
    def test_torchscript_probabilities_padding_unknown(self):
        torch.manual_seed(0)
        vocab = Vocabulary(["a", "b", "c"])
        model = NextCallLSTM(vocab.size, embed=4, hidden=8, layers=2)
        meta = {"format": "augur-sequence-model", "window": 4, "vocabulary": vocab.names}
        with tempfile.TemporaryDirectory() as d:
            vdir = export(model, Path(d) / "role" / "v1", meta)
            self.assertTrue((vdir / "metadata.json").is_file())
            self.assertFalse((vdir / "metadata.json.tmp").exists())
            loaded = torch.jit.load(str(vdir / "model.pt"))
            x = torch.tensor([[0, 0, 2, 3], [1, 1, 1, 1], [2, 3, 4, 2]], dtype=torch.int64)
            out = loaded(x)
            self.assertEqual(tuple(out.shape), (3, vocab.size))
            self.assertEqual(out.dtype, torch.float32)
            self.assertTrue(torch.allclose(out.sum(1), torch.ones(3), atol=1e-5))
            self.assertTrue(bool((out >= 0).all()))
            self.assertTrue(torch.allclose(out, model(x), atol=1e-6))
            # padding embeds to zeros: a fully padded history is a valid input
            self.assertTrue(torch.equal(model.embedding.weight[0], torch.zeros(4)))
            self.assertEqual(json.loads((vdir / "metadata.json").read_text())["window"], 4)


class EnsembleTest(unittest.TestCase):
    def test_mean_of_member_probabilities_each_on_its_own_window(self):
        torch.manual_seed(0)
        vocab = Vocabulary(["a", "b", "c"])
        a = NextCallLSTM(vocab.size, embed=4, hidden=8, layers=2, dropout=0.3).eval()
        b = NextCallLSTM(vocab.size, embed=4, hidden=6, layers=1).eval()
        ens = NextCallEnsemble([a, b], [4, 2]).eval()
        x = torch.tensor([[0, 0, 2, 3], [4, 3, 2, 4], [1, 1, 1, 1]], dtype=torch.int64)
        want = (a(x) + b(x[:, 2:])) / 2
        meta = {"format": "augur-sequence-model", "window": 4, "vocabulary": vocab.names}
        with tempfile.TemporaryDirectory() as d:
            vdir = export(ens, Path(d) / "role" / "v1", meta)
            out = torch.jit.load(str(vdir / "model.pt"))(x)
        self.assertEqual(tuple(out.shape), (3, vocab.size))
        self.assertEqual(out.dtype, torch.float32)
        self.assertTrue(torch.allclose(out, want, atol=1e-6))
        self.assertTrue(torch.allclose(out.sum(1), torch.ones(3), atol=1e-5))
        # b reads only the last 2 calls: changing the oldest 2 changes a's part alone
        y = x.clone()
        y[:, :2] = 2
        self.assertTrue(torch.allclose(ens(y) - a(y) / 2, b(x[:, 2:]) / 2, atol=1e-6))

    def test_members_must_share_the_vocabulary(self):
        with self.assertRaisesRegex(ValueError, "share the vocabulary"):
            NextCallEnsemble([NextCallLSTM(5, 4, 4, 1), NextCallLSTM(6, 4, 4, 1)], [2, 2])
        with self.assertRaisesRegex(ValueError, "one window per member"):
            NextCallEnsemble([NextCallLSTM(5, 4, 4, 1)], [2, 2])


if __name__ == "__main__":
    unittest.main()

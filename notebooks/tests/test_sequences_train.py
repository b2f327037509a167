import contextlib
import io
import json
import random
import tempfile
import unittest
from pathlib import Path

from augur_sequences import ensemble, evaluate, relabel, train

HEADER = "label\ttrace\trole\tkind\tcalls\n"


def normal_calls(rng, n=40):
    """A regular request loop: open read* write close, with small variations."""
    out = []
    while len(out) < n:
        out += ["open"] + ["read"] * rng.randint(1, 3) + ["write", "close"]
    return out[:n]


def write_augur(path: Path, rows):
    path.write_text(HEADER + "".join(f"{l}\t{t}\t{r}\tSYSCALL\t{' '.join(c)}\n"
                                     for l, t, r, c in rows))
    return path


def quiet(fn, *args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = fn(*args)
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


FAST = ["--epochs", "3", "--hidden", "16", "--embed", "8", "--layers", "1", "--window", "4",
        "--top-g", "2"]


class TrainCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        rng = random.Random(1)
        rows = [("benign", f"n{i}", "web", normal_calls(rng)) for i in range(30)]
        rows += [("hostile", f"h{i}", "web", ["open", "execve", "socket", "connect"] * 5)
                 for i in range(5)]
        rows += [("benign", "other", "batch", ["mmap", "brk"] * 10)]
        self.data = write_augur(self.dir / "invocations.tsv", rows)

    def tearDown(self):
        self.tmp.cleanup()

    def test_train_writes_registry_layout_and_evaluate_separates(self):
        out = self.dir / "models"
        rc, stdout, err = quiet(train.main, ["--format", "augur", "--train", str(self.data),
                                             "--out", str(out), "--role", "web",
                                             "--version", "v1"] + FAST)
        self.assertEqual(rc, 0, err)
        self.assertEqual(stdout.strip().splitlines()[-1], f"MODEL {out / 'web' / 'v1'}")
        self.assertIn("epoch 1/3", err)
        meta = json.loads((out / "web" / "v1" / "metadata.json").read_text())
        self.assertEqual((meta["format"], meta["formatVersion"], meta["role"], meta["kind"],
                          meta["window"], meta["topG"], meta["maxScore"]),
                         ("augur-sequence-model", 1, "web", "SYSCALL", 4, 2, 1e6))
        # trained on the web role's benign lines only: no hostile call, no batch call
        self.assertEqual(sorted(meta["vocabulary"]), ["close", "open", "read", "write"])
        self.assertIn(meta["calibration"]["aggregation"], train.AUTO_CANDIDATES)
        r = evaluate.evaluate(out / "web" / "v1", "augur", [str(self.data)], role="web")
        self.assertEqual((r["normalScored"], r["abnormalScored"]), (30, 5))
        self.assertEqual(r["auc"], 1.0)   # unknown calls (execve, socket) score maxScore
        rc, stdout, _ = quiet(evaluate.main, ["--format", "augur", "--model",
                                              str(out / "web" / "v1"), "--test", str(self.data),
                                              "--role", "web", "--json"])
        self.assertEqual(rc, 0)
        j = json.loads(stdout)
        for k in evaluate.KEYS:
            self.assertIn(k, j)
        # only normal sequences: recall is undefined, null in JSON (not NaN)
        normal_only = write_augur(self.dir / "n.tsv", [("benign", "n", "web", ["open", "read"])])
        rc, stdout, _ = quiet(evaluate.main, ["--format", "augur", "--model",
                                              str(out / "web" / "v1"), "--test", str(normal_only),
                                              "--json"])
        self.assertEqual(rc, 0)
        j = json.loads(stdout)
        self.assertIsNone(j["recall"])
        self.assertIsNone(j["deepLog"]["recall"])

    def test_a_few_long_recordings_keep_one_for_validation_and_write_strict_json(self):
        rng = random.Random(2)
        few = write_augur(self.dir / "few.tsv",
                          [("benign", f"run{i}", "svc", normal_calls(rng, 400)) for i in range(4)])
        out = self.dir / "models"
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(few), "--out",
                                        str(out), "--role", "svc", "--version", "v1"] + FAST)
        self.assertEqual(rc, 0, err)
        self.assertIn("3 training / 1 validation", err)
        text = (out / "svc" / "v1" / "metadata.json").read_text()
        # strict JSON, as the job's reader wants it: no NaN even where an AUC is undefined
        json.loads(text, parse_constant=lambda c: self.fail(f"{c} in metadata.json"))

    def test_verdicts_add_false_positives_and_remove_true_positives(self):
        # a benign-looking line in the training file that an analyst marked hostile, and a new
        # benign pattern an analyst marked as a false positive
        train_file = write_augur(self.dir / "train.tsv",
                                 [("benign", f"n{i}", "web", normal_calls(random.Random(i)))
                                  for i in range(20)]
                                 + [("benign", "sneaky", "web", ["open", "ptrace", "close"])])
        verdicts = write_augur(self.dir / "verdicts.tsv",
                               [("benign", "fp1", "web", ["open", "stat", "read", "close"]),
                                ("hostile", "tp1", "web", ["open", "ptrace", "close"])])
        out = self.dir / "models"
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(train_file),
                                        "--verdicts", str(verdicts), "--out", str(out),
                                        "--role", "web", "--version", "v2"] + FAST)
        self.assertEqual(rc, 0, err)
        meta = json.loads((out / "web" / "v2" / "metadata.json").read_text())
        t = meta["training"]
        self.assertEqual((t["verdictFalsePositivesAdded"], t["removedAsTruePositive"]), (1, 1))
        seen = set(meta["vocabulary"])
        self.assertNotIn("ptrace", seen)
        self.assertIn("stat", seen)   # the false positive's call (the split keeps it in training)
        self.assertEqual(t["trainSequences"] + t["validationSequences"], 21)

    def test_several_train_files(self):
        a = write_augur(self.dir / "a.tsv", [("benign", "a", "web", ["open", "read"] * 5)])
        b = write_augur(self.dir / "b.tsv", [("benign", "b", "web", ["mmap", "brk"] * 5)])
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(a), "--train", str(b),
                                        "--out", str(self.dir / "m"), "--role", "default",
                                        "--version", "v"] + FAST)
        self.assertEqual(rc, 0, err)
        meta = json.loads((self.dir / "m" / "default" / "v" / "metadata.json").read_text())
        self.assertEqual(sorted(meta["vocabulary"]), ["brk", "mmap", "open", "read"])

    def test_end_token_is_learnt_and_appended_when_scoring(self):
        rows = [("benign", f"n{i}", "web", ["open", "read", "write", "close"]) for i in range(20)]
        rows += [("hostile", "cut", "web", ["open", "read"])]   # ends early: abnormal
        data = write_augur(self.dir / "s.tsv", rows)
        out = self.dir / "m"
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(data), "--out",
                                        str(out), "--role", "web", "--version", "v",
                                        "--end-token", "<end>", "--epochs", "60", "--hidden",
                                        "16", "--embed", "8", "--layers", "1", "--window", "4",
                                        "--top-g", "1", "--aggregation", "max", "--lr", "0.02"])
        self.assertEqual(rc, 0, err)
        meta = json.loads((out / "web" / "v" / "metadata.json").read_text())
        self.assertEqual(meta["endToken"], "<end>")
        self.assertIn("<end>", meta["vocabulary"])
        r = evaluate.evaluate(out / "web" / "v", "augur", [str(data)])
        self.assertEqual(r["auc"], 1.0)
        self.assertEqual(r["deepLog"]["recall"], 1.0)   # '<end>' after 'read' is a top-1 miss
        self.assertEqual(r["deepLog"]["falseAlarmRate"], 0.0)

    def test_chunked_ensemble_with_the_whole_trace_proxy(self):
        out = self.dir / "models"
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(self.data), "--out",
                                        str(out), "--role", "web", "--version", "e",
                                        "--train-mode", "chunks", "--members", "2",
                                        "--proxy", "whole-trace", "--dropout", "0.2",
                                        "--weight-decay", "0.01", "--lr", "0.02"] + FAST)
        self.assertEqual(rc, 0, err)
        self.assertIn("member 2/2 (seed 1)", err)
        meta = json.loads((out / "web" / "e" / "metadata.json").read_text())
        t, c = meta["training"], meta["calibration"]
        self.assertEqual(t["architecture"]["kind"], "ensemble-mean-probability")
        self.assertEqual([m["seed"] for m in t["members"]], [0, 1])
        self.assertEqual(c["aggregationChoice"]["proxy"], "whole-trace")
        self.assertGreater(c["validationMeanLogPerCall"], 0)
        # the unknown calls of the hostile lines still separate them; the model is one file
        r = evaluate.evaluate(out / "web" / "e", "augur", [str(self.data)], role="web")
        self.assertEqual(r["auc"], 1.0)

    def test_ensemble_of_exported_models_with_different_windows(self):
        out = self.dir / "models"
        for v, window in (("m1", "4"), ("m2", "3")):
            rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(self.data),
                                            "--out", str(out), "--role", "web", "--version", v]
                               + FAST + ["--window", window])
            self.assertEqual(rc, 0, err)
        rc, stdout, err = quiet(ensemble.main, ["--format", "augur", "--train", str(self.data),
                                                "--out", str(out), "--role", "web",
                                                "--version", "e", "--proxy", "whole-trace",
                                                str(out / "web" / "m1"), str(out / "web" / "m2")])
        self.assertEqual(rc, 0, err)
        self.assertEqual(stdout.strip().splitlines()[-1], f"MODEL {out / 'web' / 'e'}")
        meta = json.loads((out / "web" / "e" / "metadata.json").read_text())
        self.assertEqual(meta["window"], 4)
        self.assertEqual(meta["training"]["architecture"]["windows"], [4, 3])
        self.assertEqual([m["version"] for m in meta["training"]["ensembleOf"]], ["m1", "m2"])
        self.assertEqual(meta["calibration"]["aggregationChoice"]["proxy"], "whole-trace")
        r = evaluate.evaluate(out / "web" / "e", "augur", [str(self.data)], role="web")
        self.assertEqual(r["auc"], 1.0)
        # members trained on other files (another vocabulary): refused, exit 2
        other = write_augur(self.dir / "o.tsv", [("benign", f"o{i}", "web", ["mmap", "brk"] * 5)
                                                 for i in range(12)])
        rc, _, err = quiet(train.main, ["--format", "augur", "--train", str(other), "--out",
                                        str(out), "--role", "web", "--version", "o"] + FAST)
        self.assertEqual(rc, 0, err)
        rc, _, err = quiet(ensemble.main, ["--format", "augur", "--train", str(self.data),
                                           "--out", str(out), "--role", "web",
                                           str(out / "web" / "m1"), str(out / "web" / "o")])
        self.assertEqual(rc, 2)
        self.assertIn("vocabulary differs", err)

    def test_bad_arguments_exit_2(self):
        base = ["--format", "augur", "--train", str(self.data), "--out", str(self.dir / "m")]
        cases = [(base + ["--role", "web", "--window", "0"], "--window must be at least 1"),
                 (base + ["--role", "web", "--aggregation", "median"], "unknown aggregation"),
                 (base + ["--role", "../x"], "--role must be a plain directory name"),
                 (base + ["--role", "web", "--map-i386-names"], "adfa only"),
                 (["--format", "adfa", "--train", str(self.data), "--out", "m", "--role", "r"],
                  "not the adfa format"),
                 (["--format", "adfa", "--train", str(self.dir / "none"), "--out", "m",
                   "--role", "r"], "no such file"),
                 (base + ["--role", "web", "--dropout", "1"], "--dropout must be in [0, 1)"),
                 (base + ["--role", "web", "--members", "0"], "--members must be at least 1"),
                 (base + ["--role", "nobody"], "no normal sequence")]
        for argv, msg in cases:
            with self.subTest(msg=msg):
                rc, _, err = quiet(train.main, argv)
                self.assertEqual(rc, 2)
                self.assertIn(msg, err)


if __name__ == "__main__":
    unittest.main()


class RelabelTest(unittest.TestCase):
    def test_numbers_model_relabelled_to_names_scores_the_same(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            unistd = d / "unistd_32.h"
            unistd.write_text("#define __NR_exit 1\n#define __NR_read 3\n#define __NR_write 4\n"
                              "#define __NR_open 5\n#define __NR_close 6\n")
            rows = "".join(f"normal\tt{i}\t{' '.join(['5', '3', '3', '4', '6'] * 4)}\n"
                           for i in range(12))
            rows += "attack\ta\t5 1 1 1 6\n"
            data = d / "a.tsv"
            data.write_text("label\ttrace\tsyscalls\n" + rows)
            rc, _, err = quiet(train.main, ["--format", "adfa", "--train", str(data), "--out",
                                            str(d / "m"), "--role", "adfa", "--version", "v"]
                               + FAST)
            self.assertEqual(rc, 0, err)
            rc, out, err = quiet(relabel.main, ["--model", str(d / "m" / "adfa" / "v"), "--out",
                                                str(d / "m"), "--role", "default", "--version",
                                                "v", "--unistd", str(unistd)])
            self.assertEqual(rc, 0, err)
            meta = json.loads((d / "m" / "default" / "v" / "metadata.json").read_text())
            self.assertEqual(sorted(meta["vocabulary"]), ["close", "open", "read", "write"])
            self.assertTrue(meta["training"]["config"]["map_i386_names"])
            a = evaluate.evaluate(d / "m" / "adfa" / "v", "adfa", [str(data)])
            b = evaluate.evaluate(d / "m" / "default" / "v", "adfa", [str(data)], unistd=str(unistd))
            self.assertEqual(a["scores"], b["scores"])
            # a model whose vocabulary is already names cannot be relabelled
            rc, _, err = quiet(relabel.main, ["--model", str(d / "m" / "default" / "v"), "--out",
                                              str(d / "m"), "--role", "x", "--unistd",
                                              str(unistd)])
            self.assertEqual(rc, 2)
            self.assertIn("not i386 system-call numbers", err)


class ChunkAndProxyTest(unittest.TestCase):
    def seqs(self):
        from augur_sequences.data import Sequence
        return [Sequence(f"s{i}", "normal", "r", "SYSCALL", c) for i, c in
                enumerate([list("abcdefg"), list("abcab"), list("cc"), list("abcdefgabcdefgab")])]

    def test_chunks_score_every_call_once_with_at_least_the_served_history(self):
        import numpy as np
        from augur_sequences.model import Vocabulary, windows
        seqs = self.seqs()
        vocab = Vocabulary.build(s.calls for s in seqs)
        h = 3
        x, y, w = train.chunk_set(vocab, seqs, h)
        self.assertEqual(x.shape[1], 2 * h - 1)
        self.assertEqual(int(w.sum()), sum(len(s.calls) for s in seqs))
        # each weighted position: its target is the next call, and its last h inputs are the
        # served model's window for that call
        served = {}
        for s in seqs:
            ids = vocab.encode(s.calls)
            for t, row in enumerate(windows(ids, h)):
                served.setdefault((tuple(row), int(ids[t])), 0)
                served[(tuple(row), int(ids[t]))] += 1
        got = {}
        for r, c in zip(*np.nonzero(w)):
            self.assertGreaterEqual(c, h - 1)
            key = (tuple(x[r, c - h + 1:c + 1]), int(y[r, c]))
            got[key] = got.get(key, 0) + 1
        self.assertEqual(got, served)

    def test_chunk_training_learns_what_the_served_windows_predict(self):
        import numpy as np
        import torch
        from augur_sequences.data import Sequence
        from augur_sequences.model import NextCallLSTM, Vocabulary, score_sequences
        torch.manual_seed(0)
        seqs = [Sequence(f"s{i}", "normal", "r", "SYSCALL", list("abcd") * 6) for i in range(10)]
        vocab = Vocabulary.build(s.calls for s in seqs)
        cfg = train.TrainConfig(window=4, epochs=40, lr=0.03, batch_size=64, patience=40,
                                train_mode="chunks")
        model = NextCallLSTM(vocab.size, 8, 16, 1)
        sets = (train.chunk_set(vocab, seqs, 4),) * 2
        train.fit(model, sets[0], sets[1], cfg)
        (a, _), = score_sequences(model.eval(), vocab, [list("abcd") * 3], 4, 1)
        self.assertLess(float(np.mean(np.log(a[4:]))), 0.1)     # p > 0.9 once in the loop
        (b, _), = score_sequences(model, vocab, [list("abdc") * 3], 4, 1)
        self.assertGreater(float(np.mean(np.log(b[4:]))), 1.0)

    def test_whole_trace_anomalies_are_whole_sequences_of_known_calls(self):
        seqs = self.seqs()
        fake = train.whole_trace_anomalies(seqs, 0)
        self.assertEqual(len(fake), 2 * len(seqs))
        known = {c for s in seqs for c in s.calls}
        for i, s in enumerate(seqs):
            shuffled, spliced = fake[2 * i], fake[2 * i + 1]
            self.assertEqual(sorted(shuffled), sorted(s.calls))
            self.assertEqual(len(spliced), len(s.calls))
            self.assertTrue(set(spliced) <= known)
        self.assertEqual(fake, train.whole_trace_anomalies(seqs, 0))   # deterministic per seed

"""Experiment, not a servable model: a whole-trace (stateful) next-call LSTM.

The job's model contract is a window of the last h calls (``[B, h]`` in, ``[B, V]`` out). Kim et
al. (2016) fed whole system-call traces to the LSTM instead, carrying its state from the first
call to the last. This module trains and scores that kind of model, so that one question can be
answered on any data in the ``adfa``/``hdfs``/``augur`` formats: is the window the limit?

Training: the traces (``--train``, normal only) are split as ``train.py`` splits them
(validation fraction 0.1, seed 0); each batch holds traces of similar length, left-aligned and
padded; the network reads a start token then the calls, truncated back-propagation every
``--bptt`` calls with the state carried across; early stopping on the validation traces' mean
-ln p per call. Scoring: every call's -ln p given the whole trace before it (capped at
ln(MAX_SCORE), as the served scores are; an unknown call scores the cap), aggregated per trace by
each of ``metrics.AGGREGATIONS`` and the median. It prints the whole-trace proxy's AUC
(training data only) and, with ``--test``, the test AUC of every aggregation, overall and per
trace-name group.

    /usr/bin/python3 -m augur_sequences.whole_trace --format adfa \\
        --train $D/adfa-ld/training.tsv.gz --test $D/adfa-ld/validation.tsv.gz \\
        --test $D/adfa-ld/attack.tsv.gz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
from torch import nn

from . import FORMATS, MAX_SCORE, PAD, TOP_G, UNKNOWN
from . import data, metrics
from .model import Vocabulary
from .train import split, whole_trace_anomalies

CAP = float(np.log(MAX_SCORE))


class TraceLM(nn.Module):
    """Embedding -> LSTM -> Linear over every position; the state is the caller's to carry."""

    def __init__(self, vocab_size: int, embed: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.lstm = nn.LSTM(embed, hidden, layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.head(self.drop(out)), state


def batches(vocab: Vocabulary, seqs: List[data.Sequence], size: int,
            rng: Optional[np.random.Generator] = None):
    """Groups of traces of similar length (shuffled when ``rng`` is given) as ``[B, 1 + L]``:
    a start token (PAD) then the calls, padded with PAD."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i].calls))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(groups)
    for g in groups:
        ids = [vocab.encode(seqs[i].calls) for i in g]
        x = np.full((len(g), 1 + max(len(c) for c in ids)), PAD, dtype=np.int64)
        for r, c in enumerate(ids):
            x[r, 1:1 + len(c)] = c
        yield g, torch.from_numpy(x)


def per_call(model: TraceLM, vocab: Vocabulary, seqs: List[data.Sequence], batch: int = 64
             ) -> List[Tuple[np.ndarray, np.ndarray]]:
    """Per trace: each call's anomaly min(1/p, MAX_SCORE) given the whole trace before it (an
    unknown call scores MAX_SCORE), and whether it is outside the model's top-g predictions
    (DeepLog's miss): the inputs of ``metrics.aggregate``."""
    model.eval()
    out: List = [None] * len(seqs)
    with torch.no_grad():
        for g, x in batches(vocab, seqs, batch):
            logits, _ = model(x[:, :-1])
            logp = torch.log_softmax(logits, -1)
            y = x[:, 1:]
            nll = -logp.gather(2, y.unsqueeze(-1)).squeeze(-1)
            miss = ~(logp.topk(min(TOP_G, logp.shape[-1]), -1).indices == y.unsqueeze(-1)).any(-1)
            for r, i in enumerate(g):
                n = len(seqs[i].calls)
                v = np.minimum(nll[r, :n].numpy().astype(np.float64), CAP)
                v[y[r, :n].numpy() == UNKNOWN] = CAP
                out[i] = (np.exp(v), miss[r, :n].numpy())
    return out


def aggregate(scored) -> Dict[str, List[float]]:
    """Every aggregation of ``metrics`` per trace, plus the median of ln(anomaly)."""
    out = {name: [metrics.aggregate(name, a, m) for a, m in scored]
           for name in metrics.AGGREGATIONS}
    out["median-log"] = [float(np.median(np.log(a))) if len(a) else 0.0 for a, _ in scored]
    return out


def fit(cfg: argparse.Namespace, train: List[data.Sequence], val: List[data.Sequence],
        vocab: Vocabulary, log=print) -> Tuple[TraceLM, dict]:
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = TraceLM(vocab.size, cfg.embed, cfg.hidden, cfg.layers, cfg.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    best = (float("inf"), None, 0)
    started = time.time()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        total, count = 0.0, 0
        for _, x in batches(vocab, train, cfg.batch_size, rng):
            state = None
            for s0 in range(0, x.shape[1] - 1, cfg.bptt):
                y = x[:, s0 + 1:s0 + 1 + cfg.bptt]
                mask = y != PAD
                if not mask.any():
                    break
                logits, state = model(x[:, s0:s0 + y.shape[1]], state)
                state = tuple(t.detach() for t in state)
                loss = nn.functional.cross_entropy(logits[mask], y[mask])
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                total += loss.item() * int(mask.sum())
                count += int(mask.sum())
        val_loss = float(np.log(np.concatenate([a for a, _ in per_call(model, vocab, val)])
                                ).mean())
        log(f"epoch {epoch}: train {total / max(count, 1):.4f} validation {val_loss:.4f} "
            f"nats/call ({time.time() - started:.0f} s)")
        if val_loss < best[0]:
            best = (val_loss, {k: t.clone() for k, t in model.state_dict().items()}, epoch)
        elif epoch - best[2] >= cfg.patience:
            break
    model.load_state_dict(best[1])
    return model, {"bestEpoch": best[2], "validationMeanLogPerCall": best[0],
                   "seconds": round(time.time() - started, 1)}


def run(cfg: argparse.Namespace, log=print) -> dict:
    torch.set_num_threads(cfg.threads)
    seqs = [s for s in data.read_all(cfg.format, cfg.train) if s.normal]
    if len(seqs) < 3:
        raise data.DataError(f"{len(seqs)} normal training sequences: at least 3 are needed")
    train, val = split(seqs, 0.1, 0)
    vocab = Vocabulary.build(s.calls for s in train)
    log(f"{len(train)} training and {len(val)} validation traces, vocabulary {vocab.size}")
    model, result = fit(cfg, train, val, vocab, log)
    proxy = [data.Sequence(f"proxy-{i}", "abnormal", "", "", c)
             for i, c in enumerate(whole_trace_anomalies(val, cfg.seed))]
    normal, abnormal = aggregate(per_call(model, vocab, val)), aggregate(
        per_call(model, vocab, proxy))
    result["proxyAuc"] = {k: metrics.roc_auc(normal[k], abnormal[k]) for k in normal}
    if cfg.test:
        tests = data.read_all(cfg.format, cfg.test)
        scored = per_call(model, vocab, tests)
        normal_idx = [i for i, s in enumerate(tests) if s.normal]
        abnormal_idx = [i for i, s in enumerate(tests) if not s.normal]
        if not normal_idx or not abnormal_idx:
            raise data.DataError("--test needs normal and abnormal sequences")
        scores = aggregate(scored)
        result["testAuc"] = {
            k: metrics.roc_auc([v[i] for i in normal_idx], [v[i] for i in abnormal_idx])
            for k, v in scores.items()}
        groups = metrics.trace_groups([s.name for s in tests], abnormal_idx)
        mean_log = scores["mean-log"]
        result["testAucMeanLogByGroup"] = {
            g: {"abnormal": len(ix), "auc": metrics.roc_auc(
                [mean_log[i] for i in normal_idx], [mean_log[i] for i in ix])}
            for g, ix in groups.items()}
        result["counts"] = {"normal": len(normal_idx), "abnormal": len(abnormal_idx)}
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m augur_sequences.whole_trace",
        description="Experiment: train a whole-trace (stateful) next-call LSTM on normal "
                    "sequences and print the AUC of each whole-trace aggregation (proxy on the "
                    "training data; with --test, on test data). Exports nothing: the job serves "
                    "windowed models only.")
    p.add_argument("--format", choices=FORMATS, default="adfa")
    p.add_argument("--train", action="append", required=True, help="training file (repeatable)")
    p.add_argument("--test", action="append", help="test file (repeatable)")
    p.add_argument("--embed", type=int, default=32)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--batch-size", type=int, default=16, help="traces per batch")
    p.add_argument("--bptt", type=int, default=200, help="calls per back-propagation step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv=None) -> int:
    cfg = parser().parse_args(argv)
    try:
        result = run(cfg, log=lambda m: print(m, file=sys.stderr, flush=True))
    except data.DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if cfg.json:
        print(json.dumps(result, indent=2))
    else:
        for key in ("proxyAuc", "testAuc"):
            for name, auc in result.get(key, {}).items():
                print(f"{key:8s} {name:26s} {auc:.4f}")
        for group, r in result.get("testAucMeanLogByGroup", {}).items():
            print(f"mean-log vs {group} ({r['abnormal']} traces): {r['auc']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

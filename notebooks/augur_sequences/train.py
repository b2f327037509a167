"""Train the next-call LSTM on the NORMAL sequences of one or more files and export it.

    cd notebooks && /usr/bin/python3 -m augur_sequences.train --format adfa|hdfs|augur \\
        --train FILE [--train FILE...] --out DIR --role ROLE [options]

writes DIR/ROLE/VERSION/model.pt, then DIR/ROLE/VERSION/metadata.json (last), per
docs/sequence-model.md, and prints as its last stdout line ``MODEL <version directory>``.
Progress goes to stderr. Only sequences labelled normal/benign are trained on; 10 % of them
(by sha256 of name and calls) are held out as validation: early stopping, the per-call score
quantiles, the whole-sequence aggregation (``--aggregation auto``) and the threshold (flags at
most ``--false-alarm`` of the validation sequences) are chosen on them only.

``--verdicts FILE`` (augur format, ``./augur export --verdicts``): benign lines are analysts'
false positives and are added to the normal training data; hostile lines are true positives and
every training sequence with the same calls is kept out. Bad arguments or data: message, exit 2.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import List, Optional

import numpy as np
import torch

from . import FORMATS, MAX_SCORE, TOP_G, WINDOW
from .data import UNISTD_32, DataError, Sequence, read, read_augur, split_key
from .metrics import AGGREGATIONS, aggregate, roc_auc, threshold_at_false_alarm
from .model import NextCallEnsemble, NextCallLSTM, Vocabulary, score_sequences, windows

FORMAT_NAME, FORMAT_VERSION = "augur-sequence-model", 1
CEILING = {"mean-log": math.log(MAX_SCORE), "max-window-mean-log-10": math.log(MAX_SCORE),
           "max-window-mean-log-30": math.log(MAX_SCORE),
           "max-window-mean-log-100": math.log(MAX_SCORE), "miss-rate": 1.0, "max": MAX_SCORE}
AUTO_CANDIDATES = ("mean-log", "max-window-mean-log-10", "max-window-mean-log-30",
                   "max-window-mean-log-100", "miss-rate", "max")


@dataclass
class TrainConfig:
    fmt: str = "adfa"
    train: List[str] = field(default_factory=list)
    out: Optional[str] = None
    role: str = "default"
    verdicts: List[str] = field(default_factory=list)
    window: int = WINDOW
    top_g: int = TOP_G
    embed: int = 32
    hidden: int = 64
    layers: int = 2
    dropout: float = 0.0
    weight_decay: float = 0.0              # AdamW's decoupled weight decay (0: Adam)
    train_mode: str = "windows"            # windows | chunks (see fit_chunks)
    proxy: str = "span"                    # span | whole-trace (synthetic anomalies for auto)
    members: int = 1                       # > 1: an ensemble of members seeded seed, seed+1, ...
    epochs: int = 20
    patience: int = 3
    batch_size: int = 512
    lr: float = 2e-3
    validation_fraction: float = 0.1
    false_alarm: float = 0.01
    aggregation: Optional[str] = None      # None: "max" for hdfs (DeepLog's protocol), else auto
    max_train_sequences: int = 0           # 0: all
    map_i386_names: bool = False
    end_token: Optional[str] = None        # appended to every training sequence (metadata endToken)
    weighting: str = "count"               # a distinct window's weight: count, sqrt(count), log1p
    unistd: str = UNISTD_32
    seed: int = 0
    threads: int = 1
    version: Optional[str] = None
    quick: bool = False

    @staticmethod
    def quick_config(**kw) -> "TrainConfig":
        c = TrainConfig(epochs=2, hidden=16, embed=8, layers=1, max_train_sequences=200,
                        quick=True)
        for k, v in kw.items():
            setattr(c, k, v)
        return c


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load_training(cfg: TrainConfig) -> tuple:
    """(normal training sequences, notes): the NORMAL sequences of cfg.train plus the verdicts'
    false positives, minus every sequence whose calls equal a verdict's true positive."""
    role = None if (cfg.fmt != "augur" or cfg.role == "default") else cfg.role
    seqs: List[Sequence] = []
    for f in cfg.train:
        seqs.extend(read(cfg.fmt, f, role=role, map_i386=cfg.map_i386_names, unistd=cfg.unistd))
    notes = {"read": len(seqs), "abnormalSkipped": sum(1 for s in seqs if not s.normal)}
    normal = [s for s in seqs if s.normal]
    fp, tp = [], set()
    for f in cfg.verdicts:
        for s in read_augur(f, role):
            (fp.append(s) if s.normal else tp.add(tuple(s.calls)))
    kept = [s for s in normal if tuple(s.calls) not in tp]
    notes.update(verdictFalsePositivesAdded=len(fp), verdictTruePositives=len(tp),
                 removedAsTruePositive=len(normal) - len(kept))
    kept.extend(fp)
    kept = [s for s in kept if s.calls]
    if cfg.end_token:
        kept = [Sequence(s.name, s.label, s.role, s.kind, s.calls + [cfg.end_token]) for s in kept]
    if not kept:
        raise DataError("no normal sequence with calls to train on in "
                        + ", ".join(cfg.train) + (f" for role {cfg.role}" if role else ""))
    return kept, notes


def finite(value):
    """The value with every NaN or infinite float replaced by None, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def split(seqs: List[Sequence], fraction: float, seed: int) -> tuple:
    order = sorted(range(len(seqs)), key=lambda i: split_key(seqs[i], seed) + f"{i:09d}")
    # A few long sequences (one recorded run each) still spare one for validation: without it
    # the threshold and the aggregation have nothing to be chosen on.
    if len(seqs) >= 10:
        n_val = int(round(len(seqs) * fraction))
    else:
        n_val = 1 if len(seqs) >= 3 and fraction > 0 else 0
    val = set(order[:n_val])
    return ([s for i, s in enumerate(seqs) if i not in val],
            [s for i, s in enumerate(seqs) if i in val])


def window_set(vocab: Vocabulary, seqs: List[Sequence], h: int) -> tuple:
    """Unique (history, next) rows with their counts: training repeats collapse to weights."""
    if not seqs:
        return np.zeros((0, h), np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    ids = [vocab.encode(s.calls) for s in seqs]
    xy = np.concatenate([np.concatenate([windows(i, h), i[:, None]], axis=1) for i in ids])
    uniq, counts = np.unique(xy, axis=0, return_counts=True)
    return uniq[:, :h], uniq[:, h], counts.astype(np.float32)


WEIGHTINGS = ("count", "sqrt", "log1p")


def reweight(data: tuple, weighting: str) -> tuple:
    """The window set with each distinct window weighted by its count (the data's own
    frequencies), or by sqrt / log1p of it: a traced program repeats a few windows thousands of
    times (a clock read in a loop) and makes its rarer, equally benign ones (a thread's start, the
    JVM's periodic housekeeping, the shutdown) a few times; damping the counts makes the model
    learn those too, at the price of less certainty about the frequent ones."""
    x, y, w = data
    if weighting == "count":
        return data
    if weighting == "sqrt":
        return x, y, np.sqrt(w).astype(np.float32)
    if weighting == "log1p":
        return x, y, np.log1p(w).astype(np.float32)
    raise ValueError(f"unknown weighting {weighting!r} (known: {', '.join(WEIGHTINGS)})")


def weighted_loss(model, x, y, w, batch=8192) -> float:
    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            lp = torch.log_softmax(model.logits(x[i:i + batch]), dim=-1)
            nll = -lp.gather(1, y[i:i + batch, None])[:, 0]
            total += float((nll * w[i:i + batch]).sum())
    return total / float(w.sum())


def chunk_set(vocab: Vocabulary, seqs: List[Sequence], h: int) -> tuple:
    """Chunked training rows ``(x [C, 2h-1], y [C, 2h-1], weight [C, 2h-1])``.

    Each sequence is left-padded with h zeros (as the served model sees its first calls) and cut
    into rows of 2h-1 inputs, one every h positions; position j of a row predicts the input at
    j+1. Only positions j >= h-1 carry weight: their history is the h calls the served model
    reads plus up to h-1 earlier ones, and every call of the sequence is a weighted target
    exactly once. One LSTM pass over a row trains h targets, where the windowed form runs h
    steps per target: about h/2 times less work per epoch for the same targets."""
    length = 2 * h - 1
    xs, ys, ws = [], [], []
    for s in seqs:
        ids = vocab.encode(s.calls)
        p = np.concatenate([np.full(h, 0, np.int64), ids])
        for start in range(0, len(ids), h):
            inp = p[start:start + length]
            tgt = p[start + 1:start + length + 1]
            x = np.zeros(length, np.int64)
            y = np.zeros(length, np.int64)
            w = np.zeros(length, np.float32)
            x[:len(inp)] = inp
            y[:len(tgt)] = tgt
            w[h - 1:len(tgt)] = 1.0
            xs.append(x), ys.append(y), ws.append(w)
    if not xs:
        return (np.zeros((0, length), np.int64), np.zeros((0, length), np.int64),
                np.zeros((0, length), np.float32))
    return np.stack(xs), np.stack(ys), np.stack(ws)


def chunk_loss(model, x, y, w, batch=512) -> float:
    model.eval()
    total = 0.0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            lp = torch.log_softmax(model.logits_all(x[i:i + batch]), dim=-1)
            nll = -lp.gather(2, y[i:i + batch, :, None])[:, :, 0]
            total += float((nll * w[i:i + batch]).sum())
    return total / max(float(w.sum()), 1e-9)


def optimizer(model, cfg: TrainConfig):
    if cfg.weight_decay > 0:
        return torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.Adam(model.parameters(), lr=cfg.lr)


def fit(model: NextCallLSTM, train: tuple, val: tuple, cfg: TrainConfig) -> tuple:
    if cfg.train_mode == "chunks":
        return fit_chunks(model, train, val, cfg)
    x, y, w = (torch.from_numpy(a) for a in train)
    vx, vy, vw = (torch.from_numpy(a) for a in val)

    def batch_nll(b):
        lp = torch.log_softmax(model.logits(x[b]), dim=-1)
        return -lp.gather(1, y[b, None])[:, 0], w[b]

    return _epochs(model, len(y), cfg.batch_size, batch_nll,
                   lambda: weighted_loss(model, vx, vy, vw) if len(vy) else None, cfg)


def fit_chunks(model: NextCallLSTM, train: tuple, val: tuple, cfg: TrainConfig) -> tuple:
    """`fit` on `chunk_set` rows: ``cfg.batch_size`` counts targets (rows hold h each);
    validation loss = the mean NLL of the validation calls with h to 2h-1 calls of history."""
    x, y, w = (torch.from_numpy(a) for a in train)
    vx, vy, vw = (torch.from_numpy(a) for a in val)

    def batch_nll(b):
        lp = torch.log_softmax(model.logits_all(x[b]), dim=-1)
        return -lp.gather(2, y[b][:, :, None])[:, :, 0], w[b]

    return _epochs(model, len(y), max(1, cfg.batch_size // cfg.window), batch_nll,
                   lambda: chunk_loss(model, vx, vy, vw) if len(vy) else None, cfg)


def _epochs(model, rows: int, batch_rows: int, batch_nll, validation_loss, cfg: TrainConfig):
    """The training loop both modes share: shuffled batches of ``batch_rows`` rows, the weighted
    mean NLL of ``batch_nll(rows)`` as the loss, clipped gradients; after each epoch the validation
    loss (the epoch's training loss when there is no validation data), early stopping after
    ``cfg.patience`` epochs without gain; the best epoch's weights are kept."""
    opt = optimizer(model, cfg)
    gen = torch.Generator().manual_seed(cfg.seed)
    best, best_state, best_epoch, history, bad = math.inf, None, 0, [], 0
    t0 = time.time()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        perm = torch.randperm(rows, generator=gen)
        tl, tw = 0.0, 0.0
        for i in range(0, rows, batch_rows):
            nll, wb = batch_nll(perm[i:i + batch_rows])
            loss = (nll * wb).sum() / wb.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tl += float(loss) * float(wb.sum())
            tw += float(wb.sum())
        vl = validation_loss()
        if vl is None:
            vl = tl / tw
        history.append({"epoch": epoch, "trainLoss": tl / tw, "validationLoss": vl})
        log(f"epoch {epoch}/{cfg.epochs}: train loss {tl / tw:.4f}, validation loss {vl:.4f}, "
            f"{time.time() - t0:.1f}s")
        if vl < best - 1e-4:
            best, best_state, best_epoch, bad = vl, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            bad += 1
            if bad >= cfg.patience:
                log(f"early stop: no validation gain for {cfg.patience} epochs")
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history, best_epoch, best


def whole_trace_anomalies(seqs: List[Sequence], seed: int) -> List[List[str]]:
    """Whole-trace stand-ins for attacks (an attack is a whole foreign process, not a span),
    made from normal validation sequences only, two per sequence of length n:

    - ``shuffled``: its own calls in a random order (every call known, no order normal);
    - ``spliced``: n calls made of spans of 3-30 calls, each from a random position of a random
      OTHER validation sequence (each piece is real normal behaviour, the whole is no
      process's)."""
    rng = np.random.default_rng(seed)
    out = []
    for i, s in enumerate(seqs):
        if len(seqs) < 2 or not s.calls:
            continue
        calls = list(s.calls)
        rng.shuffle(calls)
        out.append(calls)
        spliced: List[str] = []
        while len(spliced) < len(s.calls):
            j = int(rng.integers(len(seqs) - 1))
            other = seqs[j + (j >= i)].calls or s.calls
            m = min(int(rng.integers(3, 31)), len(other))
            a = int(rng.integers(len(other) - m + 1))
            spliced.extend(other[a:a + m])
        out.append(spliced[:len(s.calls)])
    return out


def synthetic_anomalies(seqs: List[Sequence], seed: int) -> List[List[str]]:
    """Validation-side stand-ins for attacks, made from normal validation sequences only: each
    sequence with a span of 10 % of its calls (at least 5) replaced by the calls of a span of
    another validation sequence in shuffled order (known calls in an unusual order)."""
    rng = np.random.default_rng(seed)
    out = []
    for i, s in enumerate(seqs):
        if len(seqs) < 2 or not s.calls:
            continue
        j = int(rng.integers(len(seqs) - 1))
        other = seqs[j + (j >= i)].calls or s.calls
        n = min(len(s.calls), max(5, round(0.1 * len(s.calls))))
        a = int(rng.integers(len(s.calls) - n + 1))
        m = min(n, len(other))
        b = int(rng.integers(len(other) - m + 1))
        span = list(other[b:b + m])
        rng.shuffle(span)
        out.append(s.calls[:a] + span + s.calls[a + n:])
    return out


def calibrate(model, vocab: Vocabulary, val: List[Sequence], cfg: TrainConfig) -> dict:
    scored = score_sequences(model, vocab, [s.calls for s in val], cfg.window, cfg.top_g)
    calls = np.concatenate([a for a, _ in scored]) if scored else np.zeros(0)
    qs = [0.5, 0.9, 0.99, 0.999]
    calib = {"validationSequences": len(val), "validationCalls": int(len(calls)),
             "callScoreQuantiles": {str(q): float(np.quantile(calls, q)) for q in qs}
             if len(calls) else {},
             "validationTopGMissRate": float(np.mean(np.concatenate([m for _, m in scored])))
             if len(calls) else None,
             "falseAlarmTarget": cfg.false_alarm,
             # the served model's mean ln(1/p) per validation call (the exact [B, h] windows,
             # unknown calls at ln maxScore): comparable across h, training modes and ensembles
             "validationMeanLogPerCall": float(np.mean(np.log(calls))) if len(calls) else None}
    agg = cfg.aggregation or ("max" if cfg.fmt == "hdfs" else "auto")
    if agg == "auto":
        fake = (whole_trace_anomalies(val, cfg.seed) if cfg.proxy == "whole-trace"
                else synthetic_anomalies(val, cfg.seed))
        fscored = score_sequences(model, vocab, fake, cfg.window, cfg.top_g)
        aucs = {}
        for name in AUTO_CANDIDATES:
            n = [aggregate(name, a, m) for a, m in scored]
            ab = [aggregate(name, a, m) for a, m in fscored]
            aucs[name] = roc_auc(n, ab)
        # an aggregation whose validation threshold is its own ceiling (e.g. `max` when more
        # than the false-alarm target of the validation sequences hold an unknown call) can
        # flag nothing: out. Then the best validation AUC; ties go to the earlier candidate.
        degenerate = [k for k in AUTO_CANDIDATES
                      if threshold_at_false_alarm([aggregate(k, a, m) for a, m in scored],
                                                  cfg.false_alarm) >= CEILING[k]]
        usable = [k for k in AUTO_CANDIDATES if k not in degenerate] or ["mean-log"]
        agg = max(usable, key=lambda k: (aucs[k] if not math.isnan(aucs[k]) else -1,
                                         -AUTO_CANDIDATES.index(k)))
        calib["aggregationChoice"] = {
            "method": ("validation AUC: normal validation sequences vs whole-trace stand-ins "
                       "made from them (each shuffled, and one spliced from 3-30-call spans of "
                       "other validation sequences; no attack data)"
                       if cfg.proxy == "whole-trace" else
                       "validation AUC: normal validation sequences vs the same with a span of "
                       "10 % replaced by a shuffled span of another validation sequence (no "
                       "attack data)"),
            "proxy": cfg.proxy,
            "auc": aucs, "degenerate": degenerate}
        log("aggregation validation AUCs: " + ", ".join(f"{k} {v:.4f}" for k, v in aucs.items())
            + (f" (degenerate threshold: {', '.join(degenerate)})" if degenerate else "")
            + f" -> {agg}")
    aggregate(agg, np.ones(1), np.zeros(1, bool))   # a bad name is an error here, not later
    normal_scores = [aggregate(agg, a, m) for a, m in scored]
    calib["aggregation"] = agg
    calib["threshold"] = (threshold_at_false_alarm(normal_scores, cfg.false_alarm)
                          if normal_scores else None)
    calib["deepLogValidationFalseAlarm"] = (float(np.mean([m.any() for _, m in scored]))
                                           if scored else None)
    return calib


def new_version(root: Path) -> str:
    base = "lstm-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M")
    v, k = base, 2
    while (root / v).exists():
        v, k = f"{base}-{k}", k + 1
    return v


def export(model, vdir: Path, metadata: dict) -> Path:
    """model.pt (TorchScript, softmax inside), reloaded and checked, then metadata.json last."""
    vdir.mkdir(parents=True, exist_ok=True)
    model.eval()
    scripted = torch.jit.script(model)
    scripted.save(str(vdir / "model.pt"))
    loaded = torch.jit.load(str(vdir / "model.pt"))
    probe = loaded(torch.zeros(2, metadata["window"], dtype=torch.int64))
    v = len(metadata["vocabulary"]) + 2
    if tuple(probe.shape) != (2, v) or not torch.allclose(probe.sum(1), torch.ones(2), atol=1e-4):
        raise RuntimeError(f"exported model returns {tuple(probe.shape)}, expected (2, {v}) "
                           "probabilities")
    tmp = vdir / "metadata.json.tmp"
    # JSON has no NaN (an AUC without validation anomalies is undefined): null, which every JSON
    # reader (the job's Jackson among them) accepts.
    tmp.write_text(json.dumps(finite(metadata), indent=2, allow_nan=False) + "\n")
    os.replace(tmp, vdir / "metadata.json")
    return vdir


def run(cfg: TrainConfig) -> tuple:
    """Train and (with cfg.out) export; (model, vocabulary, metadata, version dir or None)."""
    t0 = time.time()
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(max(1, cfg.threads))
    seqs, notes = load_training(cfg)
    kinds = sorted({s.kind for s in seqs})
    if len(kinds) != 1:
        raise DataError(f"training sequences of several kinds {kinds}: train one kind per model")
    train_s, val_s = split(seqs, cfg.validation_fraction, cfg.seed)
    if cfg.max_train_sequences and len(train_s) > cfg.max_train_sequences:
        train_s = train_s[: cfg.max_train_sequences]
        val_s = val_s[: max(10, cfg.max_train_sequences // 4)]
    vocab = Vocabulary.build(s.calls for s in train_s)
    sets = chunk_set if cfg.train_mode == "chunks" else window_set
    tr = sets(vocab, train_s, cfg.window)
    va = sets(vocab, val_s, cfg.window)
    log(f"{len(train_s)} training / {len(val_s)} validation normal sequences, vocabulary "
        f"{len(vocab.names)}, {int(tr[2].sum())} training targets ({len(tr[1])} distinct "
        f"{'windows' if sets is window_set else 'rows'})")
    members, fits = [], []
    for k in range(cfg.members):
        torch.manual_seed(cfg.seed + k)
        member = NextCallLSTM(vocab.size, cfg.embed, cfg.hidden, cfg.layers, cfg.dropout)
        mcfg = copy.copy(cfg)
        mcfg.seed = cfg.seed + k
        if cfg.members > 1:
            log(f"member {k + 1}/{cfg.members} (seed {mcfg.seed})")
        fits.append(fit(member, reweight(tr, cfg.weighting), reweight(va, cfg.weighting), mcfg))
        members.append(member.eval())
    model = members[0] if cfg.members == 1 else NextCallEnsemble(members,
                                                                 [cfg.window] * cfg.members)
    history, best_epoch, best = fits[0]
    calib = calibrate(model, vocab, val_s, cfg)
    log(f"aggregation {calib['aggregation']}, threshold {calib['threshold']}")
    version = cfg.version
    role_dir = Path(cfg.out) / cfg.role if cfg.out else None
    if version is None:
        version = new_version(role_dir) if role_dir else "unsaved"
    metadata = {
        "format": FORMAT_NAME, "formatVersion": FORMAT_VERSION, "version": version,
        "role": cfg.role,
        "createdAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": kinds[0], "window": cfg.window, "vocabulary": vocab.names, "topG": cfg.top_g,
        "maxScore": MAX_SCORE, "endToken": cfg.end_token, "calibration": calib,
        "training": {
            "datasetFormat": cfg.fmt, "datasets": [Path(f).name for f in cfg.train],
            "verdicts": [Path(f).name for f in cfg.verdicts], **notes,
            "trainSequences": len(train_s), "validationSequences": len(val_s),
            "trainWindows": int(tr[2].sum()), "distinctTrainWindows": int(len(tr[1])),
            "epochs": len(history), "bestEpoch": best_epoch, "validationLoss": best,
            "history": history,
            **({"members": [{"seed": cfg.seed + k, "epochs": len(f[0]), "bestEpoch": f[1],
                             "validationLoss": f[2], "history": f[0]}
                            for k, f in enumerate(fits)]} if cfg.members > 1 else {}), "architecture": model.describe(), "quick": cfg.quick,
            "config": {k: v for k, v in asdict(cfg).items()
                       if k not in ("train", "out", "verdicts", "version", "unistd")},
            "split": "sha256('<seed>:<name>:<calls>') order, the first "
                     f"{cfg.validation_fraction:.0%} validation",
            "torch": torch.__version__, "elapsedSeconds": round(time.time() - t0, 1)},
    }
    vdir = None
    if role_dir is not None:
        vdir = export(model, role_dir / version, metadata)
        log(f"exported {vdir}/model.pt ({(vdir / 'model.pt').stat().st_size} bytes) and "
            f"metadata.json in {time.time() - t0:.1f}s")
    return model, vocab, metadata, vdir


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    d = TrainConfig()
    p.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
    p.add_argument("--train", action="append", required=True, metavar="FILE",
                   help="training file (repeatable); only normal/benign sequences are used")
    p.add_argument("--out", required=True, metavar="DIR", help="model registry directory "
                   "(the repository's is models/sequences)")
    p.add_argument("--role", required=True, help="role subdirectory (e.g. default, adfa, hdfs); "
                   "with --format augur only that role's lines are read (all for 'default')")
    p.add_argument("--verdicts", action="append", default=[], metavar="FILE",
                   help="analyst verdicts (augur format): benign lines are added to the normal "
                        "data, training sequences equal to a hostile line are removed")
    p.add_argument("--window", type=int, help=f"h, calls of history (default {d.window})")
    p.add_argument("--top-g", type=int, help=f"g of the DeepLog view (default {d.top_g})")
    p.add_argument("--epochs", type=int, help=f"maximum epochs (default {d.epochs}; early "
                                              f"stopping after {d.patience} without gain)")
    for name, typ in (("patience", int), ("embed", int), ("hidden", int), ("layers", int),
                      ("batch-size", int), ("lr", float), ("false-alarm", float),
                      ("max-train-sequences", int), ("threads", int), ("dropout", float),
                      ("weight-decay", float), ("members", int)):
        p.add_argument(f"--{name}", type=typ, help=f"default {getattr(d, name.replace('-', '_'))}")
    p.add_argument("--aggregation", help="whole-sequence score: auto (chosen on validation), "
                   + ", ".join(AGGREGATIONS) + ", max-window-mean-log-<W> (default: max for "
                   "hdfs, auto otherwise)")
    p.add_argument("--train-mode", choices=("windows", "chunks"),
                   help="windows: one row per (h-call history, next call), identical rows "
                        "merged (default); chunks: rows of 2h-1 calls, each call a target once "
                        "with h to 2h-1 calls of history (about h/2 times less work per epoch: "
                        "for h >= 32)")
    p.add_argument("--proxy", choices=("span", "whole-trace"),
                   help="synthetic anomalies of --aggregation auto: span (a 10 %% span of a "
                        "validation sequence replaced; default) or whole-trace (validation "
                        "sequences shuffled, and spliced from spans of others)")
    p.add_argument("--quick", action="store_true", help="reduced run: 200 training sequences, "
                   "1 layer of 16, 2 epochs (seconds)")
    p.add_argument("--seed", type=int, help="default 0")
    p.add_argument("--version", help="version directory (default lstm-YYYYMMDD-HHMM, UTC)")
    p.add_argument("--map-i386-names", action="store_true", help="adfa: map i386 system-call "
                   "numbers to names with --unistd")
    p.add_argument("--unistd", help=f"default {UNISTD_32}")
    p.add_argument("--end-token", metavar="NAME", help="append NAME to every sequence (training "
                   "and, through metadata endToken, evaluation), so that a sequence ending early "
                   "is a scored event, e.g. '<end>' for HDFS sessions (default: none)")
    p.add_argument("--weighting", choices=WEIGHTINGS,
                   help="weight of a distinct (history, next call) window in the loss: its count "
                        "(default), sqrt or log1p of it (rare benign windows learnt better)")
    return p


def main(argv=None) -> int:
    p = parser()
    a = p.parse_args(argv)
    cfg = TrainConfig.quick_config() if a.quick else TrainConfig()
    for k, v in vars(a).items():
        if v is not None and k != "quick":
            setattr(cfg, k, v)
    for k in ("window", "top_g", "epochs", "embed", "hidden", "layers", "batch_size", "threads",
              "members"):
        if getattr(cfg, k) < 1:
            p.error(f"--{k.replace('_', '-')} must be at least 1")
    if not 0 <= cfg.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    if cfg.weight_decay < 0:
        p.error("--weight-decay must be at least 0")
    if not 0 <= cfg.false_alarm < 1:
        p.error("--false-alarm must be in [0, 1)")
    if cfg.map_i386_names and cfg.fmt != "adfa":
        p.error("--map-i386-names applies to --format adfa only")
    if cfg.version is not None and (not cfg.version or "/" in cfg.version):
        p.error("--version must be a plain directory name")
    if cfg.end_token is not None and (not cfg.end_token or " " in cfg.end_token):
        p.error("--end-token must be a non-empty name without spaces")
    if "/" in cfg.role or cfg.role in ("", ".", ".."):
        p.error("--role must be a plain directory name")
    if cfg.aggregation not in (None, "auto"):
        try:
            aggregate(cfg.aggregation, np.ones(1), np.zeros(1, bool))
        except ValueError as e:
            p.error(str(e))
    try:
        _, _, _, vdir = run(cfg)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"MODEL {vdir}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

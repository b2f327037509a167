"""Train the LSTM quantile forecaster, calibrate it (split conformal) and export it.

    cd notebooks && /usr/bin/python3 -m augur_forecaster.train --data DIR --out MODEL_DIR [--quick]

writes MODEL_DIR/<version>/model.pt, then MODEL_DIR/<version>/metadata.json (last), per
docs/forecaster-model.md. <version> is lstm-YYYYMMDD-HHMM (UTC).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import math
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from . import FEATURES, FLOORS, HORIZON, LEVELS, QUANTILES, WINDOW
from .data import (Trace, data_label, default_data_dir, origins_for, read_traces, repo_root,
                   split_names)
from .metrics import trace_scale
from .model import QuantileLSTM, floors_array, normalise, pinball_loss

FORMAT = 1


@dataclass
class TrainConfig:
    data: Optional[str] = None             # trace directory (default: ../shared/datasets)
    out: Optional[str] = None              # model directory; None = do not export
    window: int = WINDOW
    horizon: int = HORIZON
    quantiles: List[float] = field(default_factory=lambda: list(QUANTILES))
    hidden: int = 64
    layers: int = 1
    sorted_window: bool = True             # feed the window's order statistics to the head
    mlp: int = 128                         # hidden ReLU layer before the head (0: none)
    lstm_steps: int = 0                    # the LSTM reads the last N steps of the window (0: all)
    log_inputs: bool = False               # LSTM and order statistics on log1p(x)
    feature_weights: Optional[List[float]] = None   # training-loss weight per feature (None: 1)
    epochs: int = 25
    patience: int = 5                      # early stopping: epochs without validation gain
    stride: int = 1                        # training windows every `stride` steps
    val_stride: int = 4                    # validation-loss windows
    calib_stride: int = 1                  # conformal-calibration windows
    batch_size: int = 512
    lr: float = 2e-3
    weighting: str = "trace"               # "trace": loss in trace-scaled units (= the eval's)
    seed: int = 0
    split_seed: int = 0
    validation_fraction: float = 0.1
    test_fraction: float = 0.2
    hold_out: Optional[str] = None
    max_train_traces: Optional[int] = None
    max_validation_traces: Optional[int] = None
    threads: int = 1
    quick: bool = False
    version: Optional[str] = None

    @staticmethod
    def quick_config(**kw) -> "TrainConfig":
        c = TrainConfig(epochs=2, stride=12, val_stride=12, calib_stride=4, max_train_traces=8,
                        max_validation_traces=3, quick=True)
        for k, v in kw.items():
            setattr(c, k, v)
        return c


@dataclass
class TrainResult:
    model: QuantileLSTM
    metadata: dict
    history: List[dict]
    split: Dict[str, List[str]]
    version_dir: Optional[Path]


def log(msg: str) -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------
# windows

def make_windows(values: np.ndarray, window: int, horizon: int, stride: int,
                 floors: np.ndarray, origins: np.ndarray = None) -> dict:
    """Normalised (history, future) pairs of one trace.

    x [N, W, F] float32, y [N, H, F] float32 (future / window scale, NaN -> 0), mask [N, H, F],
    scale [N, F] (window scale), weight [N, F] (window scale / trace scale), origins [N]."""
    if origins is None:
        origins = origins_for(len(values), window, horizon, stride)
    n, f = len(origins), values.shape[1]
    if n == 0:
        return {"x": np.zeros((0, window, f), np.float32), "y": np.zeros((0, horizon, f), np.float32),
                "mask": np.zeros((0, horizon, f), np.float32), "scale": np.zeros((0, f)),
                "weight": np.zeros((0, f), np.float32), "origins": origins}
    idx_hist = origins[:, None] + np.arange(-window + 1, 1)[None, :]
    idx_fut = origins[:, None] + np.arange(1, horizon + 1)[None, :]
    hist = values[idx_hist]                      # [N, W, F]
    fut = values[idx_fut]                        # [N, H, F]
    x, scale = normalise(hist, floors)
    y = fut / scale[:, None, :]
    mask = np.isfinite(y)
    y = np.where(mask, y, 0.0).astype(np.float32)
    weight = (scale / trace_scale(values, floors)[None, :]).astype(np.float32)
    return {"x": x, "y": y, "mask": mask.astype(np.float32), "scale": scale, "weight": weight,
            "origins": origins}


def stack_windows(traces: Sequence[Trace], cfg: TrainConfig, stride: int, floors: np.ndarray) -> dict:
    parts = [make_windows(t.values, cfg.window, cfg.horizon, stride, floors) for t in traces]
    return {k: np.concatenate([p[k] for p in parts], axis=0) for k in ("x", "y", "mask", "weight")}


def to_tensors(w: dict) -> dict:
    return {k: torch.from_numpy(np.ascontiguousarray(w[k])) for k in ("x", "y", "mask", "weight")}


# ---------------------------------------------------------------------------------------------
# training

def evaluate_loss(model: QuantileLSTM, t: dict, q: torch.Tensor, weighting: str,
                  batch: int = 4096) -> float:
    model.eval()
    total, count = 0.0, 0.0
    with torch.no_grad():
        for i in range(0, t["x"].shape[0], batch):
            sl = slice(i, i + batch)
            w = t["weight"][sl].unsqueeze(1) if weighting == "trace" else None
            m = t["mask"][sl]
            loss = pinball_loss(model(t["x"][sl]), t["y"][sl], q, m, w)
            c = float(m.sum())
            total += float(loss) * c
            count += c
    return total / max(count, 1.0)


def predict(model, x: np.ndarray, batch: int = 4096) -> np.ndarray:
    """Normalised model output [N, H, F, Q] for normalised inputs [N, W, F]."""
    outs = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            outs.append(model(torch.from_numpy(np.ascontiguousarray(x[i:i + batch]))).numpy())
    if not outs:
        return np.zeros((0,), np.float32)
    return np.concatenate(outs, axis=0)


def fit(model: QuantileLSTM, train: dict, val: dict, cfg: TrainConfig) -> tuple:
    q = torch.tensor(cfg.quantiles, dtype=torch.float32)
    fw = (None if cfg.feature_weights is None else
          torch.tensor(cfg.feature_weights, dtype=torch.float32).reshape(1, 1, -1))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    n = train["x"].shape[0]
    best, best_state, best_epoch, bad = math.inf, copy.deepcopy(model.state_dict()), 0, 0
    history = []
    start = time.time()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        perm = torch.randperm(n, generator=gen)
        run, cnt = 0.0, 0
        for i in range(0, n, cfg.batch_size):
            idx = perm[i:i + cfg.batch_size]
            w = train["weight"][idx].unsqueeze(1) if cfg.weighting == "trace" else None
            if fw is not None:
                w = fw if w is None else w * fw
            loss = pinball_loss(model(train["x"][idx]), train["y"][idx], q, train["mask"][idx], w)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            run += float(loss) * len(idx)
            cnt += len(idx)
        train_loss = run / max(cnt, 1)
        val_loss = evaluate_loss(model, val, q, cfg.weighting)
        improved = val_loss < best - 1e-6
        if improved:
            best, best_state, best_epoch, bad = val_loss, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            bad += 1
            for g in opt.param_groups:       # halve the step on a plateau
                g["lr"] *= 0.5
        elapsed = time.time() - start
        history.append({"epoch": epoch, "trainLoss": train_loss, "validationLoss": val_loss,
                        "lr": opt.param_groups[0]["lr"], "elapsedSeconds": round(elapsed, 1)})
        log(f"epoch {epoch:3d}/{cfg.epochs}  train {train_loss:.5f}  val {val_loss:.5f}"
            f"{'  *' if improved else ''}  elapsed {elapsed:6.1f}s")
        if bad >= cfg.patience:
            log(f"early stop: no validation gain for {bad} epochs")
            break
    model.load_state_dict(best_state)
    return best_epoch, best, history


# ---------------------------------------------------------------------------------------------
# split-conformal calibration

def conformity_scores(out: np.ndarray, y: np.ndarray, mask: np.ndarray, lo_idx: int,
                      hi_idx: int) -> np.ndarray:
    """Per entry, the smallest offset o (normalised units) for which the interval
    [max(0, max(0,q_lo) - o), max(0, max(0,q_hi) + o)] holds y (y >= 0): the coverage test of
    docs/forecaster-eval.md, clamping included. NaN where the actual is missing."""
    lo = np.maximum(out[..., lo_idx], 0.0)
    hi = np.maximum(out[..., hi_idx], 0.0)
    above = np.where(y > 0, y - hi, -np.inf)       # y = 0 is always under a clamped upper bound
    s = np.maximum(lo - y, above)
    return np.where(mask > 0, s, np.nan)


def conformal_offset(scores: np.ndarray, level: float) -> float:
    s = np.sort(scores[np.isfinite(scores)])
    n = len(s)
    if n == 0:
        return 0.0
    k = min(n, int(math.ceil((n + 1) * level - 1e-9)))
    return float(s[k - 1])


def calibrate(model, traces: Sequence[Trace], cfg: TrainConfig, floors: np.ndarray) -> tuple:
    qs = cfg.quantiles
    outs, ys, masks = [], [], []
    for t in traces:
        w = make_windows(t.values, cfg.window, cfg.horizon, cfg.calib_stride, floors)
        outs.append(predict(model, w["x"]).reshape(-1, cfg.horizon, len(FEATURES), len(qs)))
        ys.append(w["y"])
        masks.append(w["mask"])
    out, y, mask = (np.concatenate(a, axis=0) for a in (outs, ys, masks))
    calib, raw_cov = {}, {}
    for level in LEVELS:
        L = float(level)
        lo_idx = _q_index(qs, (1 - L) / 2)
        hi_idx = _q_index(qs, (1 + L) / 2)
        sc = conformity_scores(out, y, mask, lo_idx, hi_idx)
        calib[level] = [conformal_offset(sc[..., f], L) for f in range(len(FEATURES))]
        fin = np.isfinite(sc)
        raw_cov[level] = float(np.sum(sc[fin] <= 0) / max(fin.sum(), 1))
    return calib, raw_cov, int(out.shape[0])


def _q_index(qs: Sequence[float], q: float) -> int:
    for i, v in enumerate(qs):
        if abs(v - q) < 1e-9:
            return i
    raise ValueError(f"quantile {q} not among {qs}")


# ---------------------------------------------------------------------------------------------
# export

def new_version(out: Path, prefix: str = "lstm") -> str:
    base = f"{prefix}-{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%d-%H%M')}"
    v, i = base, 2
    while (out / v).exists():
        v, i = f"{base}-{i}", i + 1
    return v


def export(model: QuantileLSTM, out: Path, metadata: dict) -> Path:
    """Write out/<version>/model.pt (TorchScript), check it loads and agrees with the metadata,
    then write metadata.json last (atomically)."""
    vdir = Path(out) / metadata["version"]
    vdir.mkdir(parents=True, exist_ok=False)
    model = copy.deepcopy(model).eval()
    scripted = torch.jit.script(model)
    scripted.save(str(vdir / "model.pt"))
    loaded = torch.jit.load(str(vdir / "model.pt"))
    probe = loaded(torch.zeros(2, metadata["window"], len(metadata["features"])))
    expect = (2, metadata["horizon"], len(metadata["features"]), len(metadata["quantiles"]))
    if tuple(probe.shape) != expect:
        raise RuntimeError(f"exported model returns {tuple(probe.shape)}, metadata says {expect}")
    tmp = vdir / "metadata.json.tmp"
    tmp.write_text(json.dumps(metadata, indent=2) + "\n")
    os.replace(tmp, vdir / "metadata.json")
    return vdir


# ---------------------------------------------------------------------------------------------

def split_traces(names: List[str], cfg: TrainConfig) -> Dict[str, List[str]]:
    """The train / validation / test split of the trace names.

    By default the name-hash split of split_names. With cfg.hold_out (a regular expression), the
    traces whose name it finds (re.search) are the test split, and only the others are split,
    by name hash, into train and validation: a whole run, machine or recording can be held out
    (e.g. '-2-37d4d5$' for the second repeat of recording 37d4d5, whose task ids end so).
    """
    if not cfg.hold_out:
        return split_names(names, seed=cfg.split_seed, validation=cfg.validation_fraction,
                           test=cfg.test_fraction)
    try:
        pattern = re.compile(cfg.hold_out)
    except re.error as e:
        raise ValueError(f"--hold-out {cfg.hold_out!r} is not a regular expression: {e}")
    held = sorted({n for n in names if pattern.search(n)})
    rest = sorted({n for n in names if not pattern.search(n)})
    if not held:
        raise ValueError(f"--hold-out {cfg.hold_out!r} matches none of the {len(set(names))} "
                         f"trace names (e.g. {sorted(set(names))[:3]})")
    if len(rest) < 2:
        raise ValueError(f"--hold-out {cfg.hold_out!r} leaves {len(rest)} trace(s) to train and "
                         f"validate on: need at least 2")
    split = split_names(rest, seed=cfg.split_seed, validation=cfg.validation_fraction, test=0)
    split["test"] = held
    return split


def split_description(cfg: TrainConfig) -> dict:
    if cfg.hold_out:
        return {"method": "test: the names --hold-out finds (re.search); the rest by"
                          " sha256('<seed>:<name>') order, first validation",
                "holdOut": cfg.hold_out, "seed": cfg.split_seed,
                "validation": cfg.validation_fraction}
    return {"method": "sha256('<seed>:<name>') order; first test, then validation",
            "seed": cfg.split_seed, "validation": cfg.validation_fraction,
            "test": cfg.test_fraction}


def run(cfg: TrainConfig, traces: Optional[List[Trace]] = None) -> TrainResult:
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    t0 = time.time()
    data_dir = Path(cfg.data) if cfg.data else default_data_dir()
    if traces is None:
        traces = read_traces(data_dir)
    usable = [t for t in traces if len(t) >= cfg.window + cfg.horizon]
    log(f"{len(traces)} traces under {data_dir} ({len(traces) - len(usable)} shorter than "
        f"W+H={cfg.window + cfg.horizon} steps, skipped)")
    split = split_traces([t.name for t in traces], cfg)
    by_name = {t.name: t for t in usable}
    train_names = [n for n in split["train"] if n in by_name]
    val_names = [n for n in split["validation"] if n in by_name]
    if cfg.max_train_traces:
        train_names = train_names[: cfg.max_train_traces]
    if cfg.max_validation_traces:
        val_names = val_names[: cfg.max_validation_traces]
    if not train_names or not val_names:
        raise ValueError("need at least one training and one validation trace")
    log(f"split (seed {cfg.split_seed}): train {len(split['train'])}, validation "
        f"{len(split['validation'])}, test {len(split['test'])} traces; using "
        f"{len(train_names)} train / {len(val_names)} validation")
    floors = floors_array()
    train_w = to_tensors(stack_windows([by_name[n] for n in train_names], cfg, cfg.stride, floors))
    val_w = to_tensors(stack_windows([by_name[n] for n in val_names], cfg, cfg.val_stride, floors))
    log(f"windows: train {train_w['x'].shape[0]} (stride {cfg.stride}), validation "
        f"{val_w['x'].shape[0]} (stride {cfg.val_stride}); read in {time.time() - t0:.1f}s")

    model = QuantileLSTM(len(FEATURES), cfg.window, cfg.horizon, cfg.quantiles, cfg.hidden,
                         cfg.layers, sorted_window=cfg.sorted_window, mlp=cfg.mlp,
                         lstm_steps=cfg.lstm_steps, log_inputs=cfg.log_inputs)
    best_epoch, best_val, history = fit(model, train_w, val_w, cfg)
    model.eval()
    calib, raw_cov, n_cal = calibrate(model, [by_name[n] for n in val_names], cfg, floors)
    log(f"calibration on {n_cal} validation windows: raw coverage 80% {raw_cov['0.8']:.3f}, "
        f"90% {raw_cov['0.9']:.3f}; offsets 0.8 "
        f"{[round(v, 4) for v in calib['0.8']]}, 0.9 {[round(v, 4) for v in calib['0.9']]}")

    out = Path(cfg.out) if cfg.out else None
    version = cfg.version or new_version(out if out else Path("."))
    step = float(np.nanmedian([by_name[n].step_seconds for n in train_names]))
    metadata = {
        "format": FORMAT,
        "name": "augur-forecaster",
        "version": version,
        "createdAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "architecture": model.describe(),
        "features": list(FEATURES),
        "window": cfg.window,
        "horizon": cfg.horizon,
        "quantiles": list(cfg.quantiles),
        "normalisation": {"kind": "window-mean-scale", "floor": dict(FLOORS)},
        "calibration": calib,
        "training": {
            "data": data_label([by_name[n] for n in train_names]),
            "stepSeconds": step if math.isfinite(step) else None,
            "trainTasks": len(train_names),
            "epochs": len(history),
            "bestEpoch": best_epoch,
            "validationLoss": best_val,
            "calibrationWindows": n_cal,
            "rawCoverage": raw_cov,
            "quick": cfg.quick,
            "config": {k: v for k, v in asdict(cfg).items() if k not in ("data", "out", "version")},
            "split": split_description(cfg),
            "trainTraces": train_names,
            "validationTraces": val_names,
            "testTraces": [n for n in split["test"]],
            "torch": torch.__version__,
            "elapsedSeconds": None,
        },
    }
    vdir = None
    metadata["training"]["elapsedSeconds"] = round(time.time() - t0, 1)
    if out is not None:
        vdir = export(model, out, metadata)
        log(f"exported {vdir}/model.pt ({(vdir / 'model.pt').stat().st_size} bytes) and "
            f"metadata.json")
    log(f"done in {time.time() - t0:.1f}s")
    return TrainResult(model, metadata, history, split, vdir)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_forecaster.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help=f"trace directory (default {default_data_dir()})")
    p.add_argument("--out", help="model directory; the version goes in a new subdirectory "
                                 "(default notebooks/target/forecaster, with --quick "
                                 "notebooks/target/forecaster-quick; never the shipped "
                                 "models/forecaster unless asked: a job serving that registry "
                                 "picks up its newest version)")
    p.add_argument("--quick", action="store_true",
                   help="reduced run: 8 train / 3 validation traces, 2 epochs, stride 12")
    d = TrainConfig()
    for name, typ in (("window", int), ("lstm-steps", int), ("epochs", int), ("patience", int),
                      ("stride", int), ("val-stride", int), ("calib-stride", int), ("batch-size", int), ("lr", float), ("hidden", int),
                      ("layers", int), ("mlp", int), ("seed", int), ("split-seed", int), ("threads", int),
                      ("max-train-traces", int), ("max-validation-traces", int),
                      ("validation-fraction", float), ("test-fraction", float)):
        p.add_argument(f"--{name}", type=typ, default=None,
                       help=f"default {getattr(d, name.replace('-', '_'))}")
    p.add_argument("--weighting", choices=["trace", "none"], default=None)
    p.add_argument("--no-sorted-window", dest="sorted_window", action="store_false", default=None,
                   help="plain LSTM head (no order statistics of the window)")
    p.add_argument("--log-inputs", dest="log_inputs", action="store_true", default=None,
                   help="feed log1p(x) to the LSTM and the order statistics")
    p.add_argument("--feature-weights", type=lambda v: [float(x) for x in v.split(",")],
                   default=None, help="training-loss weight per feature, comma-separated "
                                      "(default: all 1)")
    p.add_argument("--hold-out", metavar="REGEX",
                   help="the traces whose name this regular expression finds are the test split"
                        " (never trained, validated or calibrated on; listed as testTraces, so"
                        " `./augur eval forecaster --held-out` scores them); the others are"
                        " split into train and validation by name hash. E.g. --hold-out='-2-37d4d5$' (a pattern"
                        " starting with - needs the = form) holds out the second repeat of"
                        " recording 37d4d5")
    p.add_argument("--version", help="version directory name (default lstm-YYYYMMDD-HHMM, UTC)")
    a = p.parse_args(argv)
    cfg = TrainConfig.quick_config() if a.quick else TrainConfig()
    if a.out is None:
        a.out = str(repo_root() / ("notebooks/target/forecaster-quick" if a.quick
                                   else "notebooks/target/forecaster"))
    for k, v in vars(a).items():
        if v is not None and k not in ("quick",):
            setattr(cfg, k, v)
    try:
        run(cfg)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

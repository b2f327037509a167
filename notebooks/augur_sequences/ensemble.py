"""Average exported next-call models into one version, recalibrated and exported.

    cd notebooks && /usr/bin/python3 -m augur_sequences.ensemble --format adfa|hdfs|augur \\
        --train FILE [--train FILE...] --out DIR --role ROLE [--proxy span|whole-trace] \\
        MEMBER_DIR MEMBER_DIR...

The members are version directories written by train.py from the same training files with the
same split (seed, validation fraction), so they share the vocabulary and the validation
sequences; their windows h may differ. The ensemble (`model.NextCallEnsemble`) is one TorchScript
model with the usual contract: int64 ``[B, h]`` (h = the largest member window) in, the mean of
the members' next-call probabilities ``[B, V]`` out; each member reads the last h_i calls. Its
calibration (aggregation, threshold, quantiles) is computed again on the validation sequences,
exactly as train.py does; the metadata's training block is the first member's plus
``ensembleOf``. Prints ``MODEL <version directory>`` last; bad arguments: message, exit 2.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import torch

from . import FORMATS
from .data import DataError
from .model import NextCallEnsemble, NextCallLSTM, Vocabulary
from .train import TrainConfig, calibrate, export, load_training, log, new_version, split


def load_member(vdir: Path) -> tuple:
    """(NextCallLSTM with the exported weights, metadata)."""
    meta_path, pt = vdir / "metadata.json", vdir / "model.pt"
    if not meta_path.is_file() or not pt.is_file():
        raise DataError(f"{vdir}: not a model version directory (needs model.pt and "
                        "metadata.json)")
    meta = json.loads(meta_path.read_text())
    arch = meta.get("training", {}).get("architecture", {})
    if arch.get("kind") != "embedding-lstm-softmax":
        raise DataError(f"{vdir}: architecture {arch.get('kind')!r} is not a single "
                        "embedding-lstm-softmax model (an ensemble cannot be a member)")
    model = NextCallLSTM(arch["outputs"], arch["embedding"], arch["hidden"], arch["layers"])
    state = torch.jit.load(str(pt)).state_dict()
    model.load_state_dict(state)
    return model.eval(), meta


def build(fmt: str, train_files: List[str], member_dirs: List[Path], out: Path, role: str,
          version: Optional[str] = None, proxy: Optional[str] = None,
          aggregation: Optional[str] = None) -> tuple:
    t0 = time.time()
    if len(member_dirs) < 2:
        raise DataError("an ensemble needs at least two members")
    members, metas = zip(*(load_member(Path(d)) for d in member_dirs))
    m0 = metas[0]
    c0 = m0["training"]["config"]
    for d, m in zip(member_dirs, metas):
        c = m["training"]["config"]
        for key in ("seed", "validation_fraction", "max_train_sequences", "map_i386_names",
                    "end_token"):
            if c.get(key) != c0.get(key):
                raise DataError(f"{d}: training {key} {c.get(key)!r} differs from the first "
                                f"member's {c0.get(key)!r}: not the same split")
        for key in ("vocabulary", "kind", "topG", "maxScore", "endToken"):
            if m.get(key) != m0.get(key):
                raise DataError(f"{d}: {key} differs from the first member's")
    names = sorted(Path(f).name for f in train_files)
    if names != sorted(m0["training"]["datasets"]):
        raise DataError(f"--train {names} are not the members' training files "
                        f"{sorted(m0['training']['datasets'])}")
    cfg = TrainConfig(fmt=fmt, train=list(train_files), role=role, top_g=m0["topG"],
                      seed=c0["seed"], validation_fraction=c0["validation_fraction"],
                      max_train_sequences=c0.get("max_train_sequences", 0),
                      map_i386_names=c0.get("map_i386_names", False),
                      end_token=c0.get("end_token"), aggregation=aggregation,
                      proxy=proxy or c0.get("proxy", "span"),
                      false_alarm=m0["calibration"]["falseAlarmTarget"])
    seqs, _ = load_training(cfg)
    train_s, val_s = split(seqs, cfg.validation_fraction, cfg.seed)
    if cfg.max_train_sequences and len(train_s) > cfg.max_train_sequences:
        train_s = train_s[: cfg.max_train_sequences]
        val_s = val_s[: max(10, cfg.max_train_sequences // 4)]
    vocab = Vocabulary.build(s.calls for s in train_s)
    if vocab.names != m0["vocabulary"]:
        raise DataError("the training files do not give the members' vocabulary: not the files "
                        "(or the split) they were trained on")
    windows = [m["window"] for m in metas]
    model = NextCallEnsemble(list(members), windows).eval()
    cfg.window = max(windows)
    calib = calibrate(model, vocab, val_s, cfg)
    log(f"aggregation {calib['aggregation']}, threshold {calib['threshold']}")
    role_dir = Path(out) / role
    version = version or new_version(role_dir)
    meta = copy.deepcopy(m0)
    meta.update(version=version, role=role, window=cfg.window, calibration=calib,
                createdAt=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    meta["training"]["architecture"] = model.describe()
    meta["training"]["ensembleOf"] = [{"version": m["version"], "window": m["window"],
                                       "validationLoss": m["training"]["validationLoss"],
                                       "seed": m["training"]["config"]["seed"]} for m in metas]
    meta["training"]["elapsedSeconds"] = round(time.time() - t0, 1)
    vdir = export(model, role_dir / version, meta)
    log(f"exported {vdir}/model.pt ({(vdir / 'model.pt').stat().st_size} bytes)")
    return model, meta, vdir


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.ensemble", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
    p.add_argument("--train", action="append", required=True, metavar="FILE",
                   help="the members' training file(s), for the validation split")
    p.add_argument("--out", required=True, metavar="DIR", help="model registry directory")
    p.add_argument("--role", required=True)
    p.add_argument("--version", help="version directory (default lstm-YYYYMMDD-HHMM, UTC)")
    p.add_argument("--proxy", choices=("span", "whole-trace"),
                   help="synthetic anomalies for the aggregation choice (default: the first "
                        "member's)")
    p.add_argument("--aggregation", help="fixed aggregation instead of auto")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("members", nargs="+", metavar="MEMBER_DIR")
    a = p.parse_args(argv)
    torch.set_num_threads(max(1, a.threads))
    if "/" in a.role or a.role in ("", ".", ".."):
        p.error("--role must be a plain directory name")
    try:
        _, _, vdir = build(a.fmt, a.train, [Path(m) for m in a.members], Path(a.out), a.role,
                           a.version, a.proxy, a.aggregation)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"MODEL {vdir}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

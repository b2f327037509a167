"""Average several exported forecasters into one model version, recalibrated and exported.

    cd notebooks && /usr/bin/python3 -m augur_forecaster.ensemble --data DIR --out MODEL_DIR MEMBER_DIR...

The members are version directories (model.pt + metadata.json) with the same window, horizon,
quantiles, floors and validation traces. The ensemble's output is the mean of the members'
normalised quantiles (a mean of non-decreasing vectors is non-decreasing, so the contract holds);
its TorchScript adds only + and / to the members' ops. It is recalibrated split-conformally on the
members' validation traces exactly like train.py, and exported the same way (model.pt first,
metadata.json last); the metadata's training block is the first member's, plus `ensembleOf`.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import List, Sequence

import torch
from torch import nn

from . import FEATURES, FLOORS
from .data import default_data_dir, read_traces, repo_root
from .model import floors_array
from .train import TrainConfig, calibrate, export, log, new_version


class MeanEnsemble(nn.Module):
    """Mean of the members' outputs [B, H, F, Q]."""

    def __init__(self, members: Sequence[nn.Module]):
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(list(members))
        self.k = float(len(members))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        total = torch.zeros(0)
        first = True
        for m in self.members:
            y = m(x)
            if first:
                total = y
                first = False
            else:
                total = total + y
        return total / self.k


def build(member_dirs: Sequence[Path], traces, out: Path, version: str = None) -> Path:
    metas = [json.loads((Path(d) / "metadata.json").read_text()) for d in member_dirs]
    m0 = metas[0]
    for d, m in zip(member_dirs, metas):
        for key in ("window", "horizon", "quantiles", "features", "normalisation"):
            if m[key] != m0[key]:
                raise ValueError(f"{d}: {key} {m[key]} differs from the first member's {m0[key]}")
        if m["training"]["validationTraces"] != m0["training"]["validationTraces"]:
            raise ValueError(f"{d}: other validation traces than the first member")
    if m0["features"] != list(FEATURES) or m0["normalisation"]["floor"] != dict(FLOORS):
        raise ValueError("members use other features or floors than this package")
    members = [torch.jit.load(str(Path(d) / "model.pt"), map_location="cpu") for d in member_dirs]
    model = MeanEnsemble(members).eval()
    keep = set(m0["training"]["validationTraces"])
    val = [t for t in traces if t.name in keep]
    if not val:
        raise ValueError("none of the members' validation traces is in the data")
    cfg = TrainConfig(window=m0["window"], horizon=m0["horizon"], quantiles=m0["quantiles"])
    calib, raw_cov, n_cal = calibrate(model, val, cfg, floors_array())
    log(f"calibration on {n_cal} validation windows: raw coverage 80% {raw_cov['0.8']:.3f}, "
        f"90% {raw_cov['0.9']:.3f}; offsets 0.8 {[round(v, 4) for v in calib['0.8']]}, "
        f"0.9 {[round(v, 4) for v in calib['0.9']]}")
    meta = copy.deepcopy(m0)
    meta["version"] = version or new_version(out, prefix="lstm-ens")
    meta["createdAt"] = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta["architecture"] = (f"mean of {len(metas)}: "
                            + "; ".join(m["architecture"] for m in metas))
    meta["calibration"] = calib
    meta["training"]["rawCoverage"] = raw_cov
    meta["training"]["calibrationWindows"] = n_cal
    meta["training"]["ensembleOf"] = [m["version"] for m in metas]
    vdir = export(model, out, meta)
    log(f"exported {vdir}/model.pt and metadata.json")
    return vdir


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_forecaster.ensemble", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("members", nargs="+", help="member version directories")
    p.add_argument("--data", help=f"trace directory (default {default_data_dir()})")
    p.add_argument("--out", help="model directory (default notebooks/target/forecaster)")
    p.add_argument("--version", help="version directory name (default lstm-ens-YYYYMMDD-HHMM)")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    out = Path(a.out) if a.out else repo_root() / "notebooks/target/forecaster"
    try:
        traces = read_traces(Path(a.data) if a.data else default_data_dir())
        build([Path(m) for m in a.members], traces, out, a.version)
    except (FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

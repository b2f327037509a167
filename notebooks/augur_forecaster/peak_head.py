"""Experiment: a limit learnt for the allocation itself, the horizon peak's upper quantile.

    cd notebooks && /usr/bin/python3 -m augur_forecaster.peak_head --data DIR --model MODEL_DIR/<version> [--quantiles 0.98,0.99,0.995] [--json]

The shipped limit is the peak over the horizon of per-step 95 % bounds, from a model trained on
per-step quantiles. This asks whether a model aimed at what the allocator needs does better:
for CPU and for memory, a gradient-boosted quantile regressor (scikit-learn's
HistGradientBoostingRegressor, loss "quantile") learns the q-quantile of the peak of the next H
values from the last W values (window-mean-scale normalised as the LSTM's inputs: the sorted
window, the last 6 steps, the log of the scale). It trains on the traces the model's metadata
lists under trainTraces and validationTraces and is scored on the held-out ones (every other
trace), one limit per origin over the horizon, by the evaluation's slack and under-provisioned
steps (docs/forecaster-eval.md). For reference it prints vpa-p90's figures and the slack goal.
Nothing is exported: it is an experiment, not a forecaster of the job.

Exit status: 0, or 2 on an error (no model, no trace on a side, a bad quantile).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

from . import FEATURES
from .baselines import VpaP90
from .data import Trace, default_data_dir, origins_for, read_traces
from .evaluate import actuals, held_out, resolve_version_dir
from .frontier import frontier
from .metrics import ALLOCATED, slack_terms
from .model import window_scale

LAST = 6


def features(values: np.ndarray, origins: np.ndarray, f: int, window: int, floor: float):
    """[N, window + LAST + 1] inputs and the [N] scale (window mean + floor) of feature f."""
    raw = np.stack([values[o - window + 1: o + 1, f] for o in origins])
    scale = window_scale(raw[:, :, None], np.array([floor]))     # NaN left out, as the model's
    past = np.nan_to_num(raw)
    x = np.concatenate([np.sort(past / scale, axis=1), past[:, -LAST:] / scale, np.log(scale)],
                       axis=1)
    return x, scale[:, 0]


def dataset(traces: Sequence[Trace], f: int, window: int, horizon: int, floor: float):
    """Inputs, scaled horizon peaks (NaN-free rows only), scales and actual horizons [N, H]."""
    xs, ys, ss, acts = [], [], [], []
    for t in traces:
        o = origins_for(len(t), window, horizon, 1)
        if len(o) == 0:
            continue
        x, s = features(t.values, o, f, window, floor)
        a = actuals(t.values, o, horizon)[:, :, f]
        xs.append(x)
        ss.append(s)
        acts.append(a)
        with np.errstate(all="ignore"):
            ys.append(np.max(a, axis=1) / s)
    if not xs:
        return None
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ss), np.concatenate(acts)


def run(train: Sequence[Trace], test: Sequence[Trace], quantiles: Sequence[float], window: int,
        horizon: int, floors: Dict[str, float], seed: int = 0) -> dict:
    """Per resource and quantile: {"slack", "underProvisionedSteps"} on the test traces."""
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        raise ValueError("peak_head needs scikit-learn (apt-get install python3-sklearn)")
    out: Dict[str, Dict[str, dict]] = {}
    for r in ALLOCATED:
        f = FEATURES.index(r)
        tr = dataset(train, f, window, horizon, floors[r])
        te = dataset(test, f, window, horizon, floors[r])
        if tr is None or te is None:
            raise ValueError(f"no trace long enough (W + H = {window + horizon} steps) on a side")
        x, y, _, _ = tr
        ok = np.isfinite(y)
        xt, _, st, at = te
        out[r] = {}
        for q in quantiles:
            m = HistGradientBoostingRegressor(loss="quantile", quantile=q, max_iter=300,
                                              learning_rate=0.05, random_state=seed)
            m.fit(x[ok], y[ok])
            limit = np.maximum(0.0, m.predict(xt) * st)[:, None] * np.ones_like(at)
            num, den = slack_terms(limit, at)
            fin = np.isfinite(at)
            out[r][str(q)] = {"slack": num / den if den > 0 else None,
                              "underProvisionedSteps": int((at[fin] > limit[fin]).sum())}
    return out


def vpa_reference(test: Sequence[Trace], window: int, horizon: int) -> dict:
    """vpa-p90's slack and under-provisioned steps per resource on the same traces."""
    row = frontier(test, {"vpa-p90": VpaP90(window, horizon)}, [1.0], window, horizon)["vpa-p90"][0]
    return {r: {"slack": row["slackPerResource"][r],
                "underProvisionedSteps": row["underPerResource"][r]} for r in ALLOCATED}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_forecaster.peak_head", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help=f"trace directory (default {default_data_dir()})")
    p.add_argument("--model", required=True,
                   help="model version directory: its metadata names the training traces, "
                        "window, horizon and floors")
    p.add_argument("--quantiles", default="0.95,0.98,0.99,0.995",
                   help="quantiles of the horizon peak to learn (default %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    a = p.parse_args(argv)
    try:
        qs = [float(x) for x in a.quantiles.split(",") if x.strip()]
        if not qs or any(not 0 < q < 1 for q in qs):
            raise ValueError(f"--quantiles must be numbers in (0, 1): {a.quantiles}")
        vdir = resolve_version_dir(a.model)
        meta = json.loads((vdir / "metadata.json").read_text())
        window, horizon = int(meta["window"]), int(meta["horizon"])
        floors = {r: float(meta["normalisation"]["floor"][r]) for r in ALLOCATED}
        traces = read_traces(Path(a.data) if a.data else default_data_dir(), verbose=not a.json)
        test = held_out(traces, meta, "heldout")
        names = {t.name for t in test}
        train = [t for t in traces if t.name not in names]
        if not train or not test:
            raise ValueError(f"{len(train)} training and {len(test)} held-out traces: "
                             "both sides need some (does --model's metadata list these traces?)")
        res = run(train, test, qs, window, horizon, floors, a.seed)
    except (FileNotFoundError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    vpa = vpa_reference(test, window, horizon)
    vpa_slack = float(np.mean([vpa[r]["slack"] for r in ALLOCATED]))
    vpa_under = sum(vpa[r]["underProvisionedSteps"] for r in ALLOCATED)
    out = {"trainTraces": len(train), "testTraces": len(test), "peakHead": res, "vpa-p90": vpa,
           "goal": {"slack": vpa_slack / 2, "underProvisionedSteps": vpa_under}}
    if a.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"trained on {len(train)} traces, scored on {len(test)} held out; one limit per origin")
    for r in ALLOCATED:
        for q, v in res[r].items():
            print(f"{r:<7} q={q:<6} slack {v['slack']:.3f}  under-provisioned "
                  f"{v['underProvisionedSteps']}")
        print(f"{r:<7} vpa-p90  slack {vpa[r]['slack']:.3f}  under-provisioned "
              f"{vpa[r]['underProvisionedSteps']}")
    print(f"goal: mean of CPU and memory slack <= {vpa_slack / 2:.3f} with <= {vpa_under} "
          "under-provisioned steps in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

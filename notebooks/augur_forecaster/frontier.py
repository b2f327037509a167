"""The slack / under-provisioning trade-off of each forecaster's replayed allocation.

    cd notebooks && /usr/bin/python3 -m augur_forecaster.frontier --data DIR --model MODEL_DIR/<version> [--json]

An analysis, not a forecaster: it asks whether a margin of one form on a forecaster's limit
would meet the slack goal of docs/forecaster-eval.md (slack at most half of vpa-p90's, with no more
under-provisioned steps). Each forecaster's limit is moved by one rule, the same for all: with m
the peak of its point forecast over the horizon and L its limit, the limit at scale k is
m + k · (L - m), clamped at 0 (k = 1 is the forecaster as evaluated; where L >= m, k < 1 trusts
the forecast more and k > 1 less; where a forecaster's limit lies below its own peak point
forecast, as ewma's can, a larger k lowers it). For every k of --scales it prints slack and under-provisioned steps, by the
evaluation's definitions, on the same traces (held out by default); then, per forecaster, the
least slack over a scale for CPU and one for memory (every pair of --scales) among the pairs
that under-provision no more than vpa-p90 at k = 1. Those scales are picked on the very traces
they are scored on: an optimistic figure for margins of this one form on this grid of scales,
never a figure to ship. The told-the-future oracle-horizon-peak (the least slack of any one limit per
origin that never under-provisions) is printed as the floor at zero misses. --per-trace adds each trace's CPU
and memory slack and under-provisioned steps at k = 1.

--replay-lag D asks the same of a different replay: the allocator re-decides at every step (the
job assesses every task at every window; headroom and floors are left out, as in the evaluation), so the limit set at origin t is in force at step t + D alone and every
step is scored once. The oracle then keeps its whole-horizon peak (told the future, it is no longer
the floor: a limit for step t + D alone could be exact).

Exit status: 0, or 2 on an error (no traces, no model, a bad scale, a replay lag outside 0..H).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from . import FEATURES
from .baselines import BASELINES, Forecast, Forecaster, HorizonPeakOracle
from .data import Trace, default_data_dir, origins_for, read_traces
from .evaluate import (LstmForecaster, actuals, add_scoring_arguments, held_out,
                       model_step_seconds, step_mismatch)
from .metrics import ALLOCATED, slack_terms

DEFAULT_SCALES = "0.5,0.75,1,1.25,1.5,2,2.5,3"


def scaled_limit(fc: Forecast, k: float) -> np.ndarray:
    """The limit at scale k: m + k (L - m), m the horizon's peak point forecast, clamped at 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # a feature never observed: NaN
        m = np.nanmax(fc.point, axis=1, keepdims=True)
    return np.maximum(0.0, fc.limit + (k - 1.0) * (fc.limit - m))   # exactly L at k = 1


def frontier(traces: Sequence[Trace], forecasters: Dict[str, Forecaster], scales: Sequence[float],
             window: int, horizon: int, replay_lag: int = 0) -> Dict[str, List[dict]]:
    """For each forecaster, one row per scale: {"scale", "slack", "slackPerResource",
    "underProvisionedSteps", "underPerResource"}; the oracle has one row, k = 1.

    replay_lag 0 scores every limit against all H steps of its horizon, as the evaluation does.
    replay_lag d (1..H) replays an allocator that re-decides at every step: the limit set at
    origin t is in force at step t + d only, so each step is scored once, against one limit."""
    if not 0 <= replay_lag <= horizon:
        raise ValueError(f"--replay-lag must be within 0..{horizon}: {replay_lag}")
    steps = slice(0, horizon) if replay_lag == 0 else slice(replay_lag - 1, replay_lag)
    fidx = {r: FEATURES.index(r) for r in ALLOCATED}
    acc = {n: {k: ({r: 0.0 for r in ALLOCATED}, {r: 0.0 for r in ALLOCATED},
                   {r: 0 for r in ALLOCATED})
               for k in (scales if n != HorizonPeakOracle.name else [1.0])}
           for n in forecasters}
    for t in traces:
        o = origins_for(len(t), window, horizon, 1)
        if len(o) == 0:
            continue
        y = actuals(t.values, o, horizon)
        for n, f in forecasters.items():
            fc = f.forecast(t.values, o)
            for k, (num, den, under) in acc[n].items():
                lim = scaled_limit(fc, k) if n != HorizonPeakOracle.name else fc.limit
                for r, i in fidx.items():
                    act, li = y[:, steps, i], lim[:, steps, i]
                    ok = np.isfinite(act) & np.isfinite(fc.point[:, steps, i]) & np.isfinite(li)
                    a, b = slack_terms(np.where(ok, li, np.nan), act)
                    num[r] += a
                    den[r] += b
                    under[r] += int((act[ok] > li[ok]).sum())
    out: Dict[str, List[dict]] = {}
    for n, rows in acc.items():
        out[n] = []
        for k, (num, den, under) in rows.items():
            per = {r: (num[r] / den[r] if den[r] > 0 else None) for r in ALLOCATED}
            vals = [v for v in per.values() if v is not None]
            out[n].append({"scale": k, "slack": float(np.mean(vals)) if vals else None,
                           "slackPerResource": per,
                           "underProvisionedSteps": sum(under.values()),
                           "underPerResource": dict(under)})
    return out


def goal_rows(res: Dict[str, List[dict]]) -> dict:
    """The goal point (half vpa-p90's slack at k = 1, and its under-provisioned steps) and, for
    every other forecaster, its least slack over a scale per resource (CPU's and memory's picked
    apart, every pair of --scales) among the pairs that under-provision no more than vpa-p90."""
    vpa = next((r for r in res.get("vpa-p90", []) if r["scale"] == 1.0), None)
    if vpa is None:
        return {}
    limit = vpa["underProvisionedSteps"]
    out = {"slackGoal": vpa["slack"] / 2, "underGoal": limit, "best": {}}
    for n, rows in res.items():
        if n == "vpa-p90":
            continue
        best = None
        for rc in rows:
            for rm in rows:
                sc, sm = rc["slackPerResource"]["CPU"], rm["slackPerResource"]["MEMORY"]
                under = rc["underPerResource"]["CPU"] + rm["underPerResource"]["MEMORY"]
                if sc is None or sm is None or under > limit:
                    continue
                slack = (sc + sm) / 2
                if best is None or slack < best["slack"]:
                    best = {"cpuScale": rc["scale"], "memoryScale": rm["scale"], "slack": slack,
                            "underProvisionedSteps": under}
        if best is not None:
            best["meetsGoal"] = best["slack"] <= out["slackGoal"]
        out["best"][n] = best
    return out


def fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def parse_scales(text: str) -> List[float]:
    try:
        ks = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"--scales must be comma-separated numbers: {text}")
    if not ks or any(not (k >= 0 and np.isfinite(k)) for k in ks):
        raise ValueError(f"--scales must be numbers >= 0: {text}")
    return sorted(set(ks) | {1.0})


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_forecaster.frontier", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_scoring_arguments(p)
    p.add_argument("--scales", default=DEFAULT_SCALES,
                   help="limit scales k to try (default %(default)s; 1 is always included)")
    p.add_argument("--per-trace", action="store_true",
                   help="also each trace's CPU and memory slack and under-provisioned steps at k = 1")
    p.add_argument("--replay-lag", type=int, default=0, metavar="D",
                   help="0 (default): score each limit over its whole horizon, as the evaluation "
                        "does; D in 1..H: replay an allocator that re-decides at every step, the "
                        "limit set at origin t in force at step t + D only (each step scored once)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    a = p.parse_args(argv)
    try:
        if not a.calibration_gamma >= 0:
            raise ValueError(f"--calibration-gamma must be a number >= 0: {a.calibration_gamma}")
        scales = parse_scales(a.scales)
        lstm = LstmForecaster(a.model, 1, a.calibration_gamma) if a.model else None
        traces = read_traces(Path(a.data) if a.data else default_data_dir(), verbose=not a.json)
    except (FileNotFoundError, ValueError, RuntimeError) as e:   # RuntimeError: torch cannot load
        print(f"error: {e}", file=sys.stderr)
        return 2
    window = lstm.window if lstm else 24
    horizon = lstm.horizon if lstm else 5
    chosen = held_out(traces, lstm.meta if lstm else None, a.traces)
    if not chosen:
        print("error: no trace left to evaluate", file=sys.stderr)
        return 2
    mismatch = step_mismatch(chosen, model_step_seconds(lstm.meta)) if lstm else None
    if mismatch:
        print(f"warning: {mismatch}", file=sys.stderr)
    fcs: Dict[str, Forecaster] = {}
    if lstm:
        fcs["lstm"] = lstm
    for n in BASELINES:
        fcs[n] = BASELINES[n](window, horizon)
    fcs[HorizonPeakOracle.name] = HorizonPeakOracle(window, horizon)
    try:
        res = frontier(chosen, fcs, scales, window, horizon, a.replay_lag)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out = {"traces": len(chosen), "traceSelection": a.traces, "replayLag": a.replay_lag,
           "forecasters": res, "goal": goal_rows(res), "stepWarning": mismatch}
    if a.per_trace:
        out["perTrace"] = {t.name: {n: rows[0] for n, rows in
                                    frontier([t], fcs, [1.0], window, horizon,
                                             a.replay_lag).items()}
                           for t in chosen}
    if a.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{len(chosen)} traces ({a.traces}); limit at scale k = m + k (L - m); "
          "scales picked on these same traces: an optimistic bound")
    print("each limit scored over its whole horizon" if a.replay_lag == 0 else
          f"replay: each step scored once, against the limit set {a.replay_lag} step(s) before")
    print(f"{'forecaster':<22}{'k':>6}{'slack':>9}{'cpu':>9}{'memory':>9}{'under':>8}")
    for n, rows in res.items():
        for r in rows:
            per = r["slackPerResource"]
            cells = [f"{v:9.3f}" if v is not None else f"{'-':>9}"
                     for v in (r["slack"], per.get("CPU"), per.get("MEMORY"))]
            print(f"{n:<22}{r['scale']:>6g}{''.join(cells)}{r['underProvisionedSteps']:>8}")
    for name, per in out.get("perTrace", {}).items():
        print(f"{name}: " + "  ".join(
            f"{n} cpu {fmt(r['slackPerResource']['CPU'])}/{r['underPerResource']['CPU']}"
            f" mem {fmt(r['slackPerResource']['MEMORY'])}/{r['underPerResource']['MEMORY']}"
            for n, r in per.items()))
    g = out["goal"]
    if g:
        print(f"goal: slack <= {g['slackGoal']:.3f} with <= {g['underGoal']} under-provisioned")
        for n, b in g["best"].items():
            print(f"  {n}: " + ("no scale under-provisions that little" if b is None else
                               f"best k cpu={b['cpuScale']:g} memory={b['memoryScale']:g}: "
                               f"slack {b['slack']:.3f} "
                               f"({b['underProvisionedSteps']} under) "
                               f"{'meets' if b['meetsGoal'] else 'misses'} the goal"))
    if mismatch:
        print(f"warning: {mismatch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

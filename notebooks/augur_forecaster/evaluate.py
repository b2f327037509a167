"""Evaluate the exported LSTM and the baselines per docs/forecaster-eval.md.

    cd notebooks && /usr/bin/python3 -m augur_forecaster.evaluate --data DIR --model MODEL_DIR/<version> [--json] [--stride N]

--model may also be the model directory itself (the version the job would load is used: greatest
createdAt, ties the greatest directory name). By default only held-out traces are scored: those
the model's metadata does not list under training.trainTraces / training.validationTraces
(on Bitbrains with the shipped split: its training.testTraces). --traces all scores every trace.
A warning goes to stderr (and "stepWarning" into the JSON) when the traces' step is more than
1.5 x off the model's training.stepSeconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from . import FEATURES, FLOORS, HORIZON, WINDOW, calibration
from .baselines import ANALYSIS, BASELINES, Forecast, Forecaster
from .data import Trace, default_data_dir, origins_for, read_traces
from .metrics import MetricAccumulator, trace_scale
from .model import normalise


# ---------------------------------------------------------------------------------------------
# the exported model, read exactly as the contract says

def resolve_version_dir(path) -> Path:
    """A version directory (holds model.pt and metadata.json), or the model directory: then the
    complete version with the greatest createdAt (ties: greatest directory name)."""
    p = Path(path)
    if (p / "model.pt").is_file() and (p / "metadata.json").is_file():
        return p
    if not p.is_dir():
        raise FileNotFoundError(f"model directory {p} does not exist")
    best = None
    for d in p.iterdir():
        if d.is_dir() and (d / "model.pt").is_file() and (d / "metadata.json").is_file():
            try:
                created = json.loads((d / "metadata.json").read_text()).get("createdAt", "")
            except (OSError, ValueError):
                continue
            key = (created, d.name)
            if best is None or key > best[0]:
                best = (key, d)
    if best is None:
        raise FileNotFoundError(f"no model version (model.pt + metadata.json) under {p}")
    return best[1]


class LstmForecaster(Forecaster):
    """Feeds the TorchScript model per docs/forecaster-model.md: the last W steps normalised by
    window-mean-scale (NaN fed as 0), outputs x scale clamped at 0, calibrated intervals
    [q_lo - offset·scale, q_hi + offset·scale] clamped at 0; limit = max over the horizon of the
    90 % upper bound. A feature with no observation in the window is left out (NaN).
    Pinball scores the calibrated intervals (q.05/q.95 from the 90 % one, q.1/q.9 from the 80 %
    one, the median), like the baselines'; the model's raw quantiles go to pinballModelQuantiles.
    With gamma > 0 (default: the job's 0.05) the intervals are those the job would issue after its
    online recalibration, replayed along the trace (augur_forecaster.calibration) at every step
    from the first origin to the last; the origins must then be one trace's, in order."""
    name = "lstm"

    def __init__(self, version_dir, threads: int = 1, gamma: float = calibration.GAMMA):
        self.gamma = float(gamma)
        self.dir = resolve_version_dir(version_dir)
        self.meta = json.loads((self.dir / "metadata.json").read_text())
        if self.meta.get("format") != 1:
            raise ValueError(f"{self.dir}: unknown model format {self.meta.get('format')}")
        if self.meta["normalisation"]["kind"] != "window-mean-scale":
            raise ValueError(f"{self.dir}: unknown normalisation {self.meta['normalisation']}")
        super().__init__(int(self.meta["window"]), int(self.meta["horizon"]))
        self.features = list(self.meta["features"])
        if self.features != list(FEATURES):
            raise ValueError(f"{self.dir}: features {self.features}, expected {FEATURES}")
        self.quantiles = [float(q) for q in self.meta["quantiles"]]
        self.floors = np.array([float(self.meta["normalisation"]["floor"][f])
                                for f in self.features])
        self.offsets = {lv: np.array(self.meta["calibration"][lv], dtype=np.float64)
                        for lv in ("0.8", "0.9")}
        torch.set_num_threads(threads)
        self.module = torch.jit.load(str(self.dir / "model.pt"), map_location="cpu")
        self.module.eval()
        self.version = self.meta.get("version", self.dir.name)

    def q(self, value: float) -> int:
        for i, v in enumerate(self.quantiles):
            if abs(v - value) < 1e-9:
                return i
        raise ValueError(f"model has no quantile {value}")

    def raw(self, values: np.ndarray, origins: np.ndarray):
        """(quantiles in Augur units [N, H, F, Q] clamped at 0, window scale [N, F])."""
        idx = origins[:, None] + np.arange(-self.window + 1, 1)[None, :]
        hist = values[idx]
        x, scale = normalise(hist, self.floors)
        outs = []
        with torch.no_grad():
            for i in range(0, len(x), 8192):
                outs.append(self.module(torch.from_numpy(np.ascontiguousarray(x[i:i + 8192])))
                            .numpy().astype(np.float64))
        y = np.concatenate(outs, axis=0) if outs else np.zeros(
            (0, self.horizon, len(self.features), len(self.quantiles)))
        expect = (len(x), self.horizon, len(self.features), len(self.quantiles))
        if y.shape != expect:
            raise ValueError(f"model returned {y.shape}, metadata implies {expect}")
        q = np.maximum(y * scale[:, None, :, None], 0.0)
        seen = np.isfinite(hist).any(axis=1)                      # [N, F]
        q[~np.broadcast_to(seen[:, None, :, None], q.shape)] = np.nan
        return q, scale

    def forecast(self, values, origins) -> Forecast:
        origins = np.asarray(origins)
        if self.gamma > 0 and len(origins) > 1:
            # The job forecasts at every window (one model step): replay every step from the
            # first origin to the last, score the origins asked for.
            every = np.arange(origins[0], origins[-1] + 1)
            return self._forecast(values, every).take(origins - origins[0])
        return self._forecast(values, origins)

    def _forecast(self, values, origins) -> Forecast:
        q, scale = self.raw(values, origins)
        s = scale[:, None, :]
        o80, o90 = self.offsets["0.8"][None, None, :], self.offsets["0.9"][None, None, :]
        lo80 = np.maximum(q[..., self.q(0.1)] - o80 * s, 0.0)
        hi80 = np.maximum(q[..., self.q(0.9)] + o80 * s, 0.0)
        lo90 = np.maximum(q[..., self.q(0.05)] - o90 * s, 0.0)
        hi90 = np.maximum(q[..., self.q(0.95)] + o90 * s, 0.0)
        point = q[..., self.q(0.5)]
        # As the job's decoder: the band holds the median.
        with np.errstate(invalid="ignore"):
            lo80, lo90 = np.minimum(lo80, point), np.minimum(lo90, point)
            hi80, hi90 = np.maximum(hi80, point), np.maximum(hi90, point)
        if self.gamma > 0:
            m = calibration.multipliers(values, origins, point, lo90, hi90, self.gamma)
            lo80, hi80 = calibration.scale(point, lo80, hi80, m)
            lo90, hi90 = calibration.scale(point, lo90, hi90, m)
        limit = np.repeat(hi90.max(axis=1, keepdims=True), self.horizon, axis=1)
        own = np.stack([q[..., self.q(v)] for v in (0.05, 0.1, 0.5, 0.9, 0.95)], axis=-1)
        scored = np.stack([lo90, lo80, point, hi80, hi90], axis=-1)
        return Forecast(point, lo80, hi80, lo90, hi90, limit, scored, own)


# ---------------------------------------------------------------------------------------------

def actuals(values: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    return values[origins[:, None] + np.arange(1, horizon + 1)[None, :]]


def held_out(traces: Sequence[Trace], meta: Optional[dict], mode: str) -> List[Trace]:
    if mode == "all" or meta is None:
        return list(traces)
    tr = meta.get("training", {})
    if mode in ("test", "validation", "train"):
        keep = set(tr.get(f"{mode}Traces", []))
        return [t for t in traces if t.name in keep]
    seen = set(tr.get("trainTraces", [])) | set(tr.get("validationTraces", []))
    return [t for t in traces if t.name not in seen]


def evaluate(traces: Sequence[Trace], forecasters: Dict[str, Forecaster], stride: int = 1,
             window: int = WINDOW, horizon: int = HORIZON, floors: np.ndarray = None,
             progress: bool = False) -> dict:
    """Run every forecaster over every trace; the JSON-ready result."""
    floors = np.array([FLOORS[f] for f in FEATURES]) if floors is None else floors
    acc = {n: MetricAccumulator(floors) for n in forecasters}
    timing = {n: 0.0 for n in forecasters}
    skipped = []
    for t in traces:
        o = origins_for(len(t), window, horizon, stride)
        if len(o) == 0:
            skipped.append(t.name)
            continue
        y = actuals(t.values, o, horizon)
        scale = trace_scale(t.values, floors)
        for n, fc in forecasters.items():
            t0 = time.time()
            acc[n].add(fc.forecast(t.values, o), y, scale)
            timing[n] += time.time() - t0
        if progress:
            print(f"  {t.name}: {len(o)} origins", file=sys.stderr, flush=True)
    res = {"forecasters": {n: a.result() for n, a in acc.items()},
           "traces": len(traces) - len(skipped), "skippedTraces": len(skipped),
           "stride": stride, "window": window, "horizon": horizon,
           "secondsPerForecaster": {n: round(v, 2) for n, v in timing.items()}}
    return res


def format_table(res: dict) -> str:
    cols = (["maeMean"] + [f"mae.{f}" for f in FEATURES] +
            ["pinball", "coverage80", "coverage90", "slack", "underProvisionedSteps"])
    head = f"{'forecaster':<11}" + "".join(f"{c:>12}" if not c.startswith("mae.") else
                                           f"{c[4:]:>11}" for c in cols)
    lines = [head]
    for n, m in res["forecasters"].items():
        row = f"{n:<11}"
        for c in cols:
            v = m["maePerResource"][c[4:]] if c.startswith("mae.") else m[c]
            w = 11 if c.startswith("mae.") else 12
            row += f"{'-':>{w}}" if v is None else (f"{v:>{w}d}" if isinstance(v, int)
                                                    else f"{v:>{w}.4f}")
        lines.append(row)
    lines.append(f"({res['traces']} traces, {res['skippedTraces']} skipped as shorter than "
                 f"W+H; stride {res['stride']}; W={res['window']} H={res['horizon']}; MAE per "
                 f"resource columns are CPU..NET_TX)")
    return "\n".join(lines)


def goals(res: dict) -> dict:
    """docs/forecaster-eval.md's goals for the lstm, against the baselines."""
    f = res["forecasters"]
    if "lstm" not in f:
        return {}
    base = {n: m for n, m in f.items() if n != "lstm" and n not in ANALYSIS}
    lstm = f["lstm"]
    out = {}
    if base:
        best_name = min(base, key=lambda n: base[n]["maeMean"])
        out["maeVsBestBaseline"] = {"lstm": lstm["maeMean"], "best": best_name,
                                    "bestMae": base[best_name]["maeMean"],
                                    "ratio": lstm["maeMean"] / base[best_name]["maeMean"],
                                    "met": lstm["maeMean"] <= 0.8 * base[best_name]["maeMean"]}
    out["coverage90"] = {"value": lstm["coverage90"],
                         "met": 0.87 <= lstm["coverage90"] <= 0.93}
    if "vpa-p90" in f:
        v = f["vpa-p90"]
        out["slackVsVpa"] = {"lstm": lstm["slack"], "vpa": v["slack"],
                             "ratio": lstm["slack"] / v["slack"] if v["slack"] else None,
                             "lstmUnder": lstm["underProvisionedSteps"],
                             "vpaUnder": v["underProvisionedSteps"],
                             "met": lstm["slack"] <= 0.5 * v["slack"]
                             and lstm["underProvisionedSteps"] <= v["underProvisionedSteps"]}
    return out


STEP_TOLERANCE = 1.5


def model_step_seconds(meta: Optional[dict]) -> Optional[float]:
    """The metadata's training.stepSeconds, None when it has no number there."""
    step = ((meta or {}).get("training") or {}).get("stepSeconds")
    return float(step) if isinstance(step, (int, float)) and not isinstance(step, bool) else None


def step_text(x: float) -> str:
    """At most three decimals, no trailing zeros (3.1, 300, 1.9995 -> 2), as the Java
    EvalForecasterMain.g."""
    return f"{x:.3f}".rstrip("0").rstrip(".")


def step_mismatch(traces: Sequence[Trace], model_step) -> Optional[str]:
    """Why the traces' time scale is not the model's (more than 1.5 x off its
    training.stepSeconds), or None when it is or either is unknown. A model forecasts H of its
    training steps: on data at another step it forecasts another span."""
    if model_step is None or not model_step > 0:
        return None
    off = [t for t in traces if t.step_seconds > 0
           and not model_step / STEP_TOLERANCE <= t.step_seconds <= model_step * STEP_TOLERANCE]
    if not off:
        return None
    step = float(np.median([t.step_seconds for t in off]))
    return (f"{len(off)} of {len(traces)} traces are at a step of {step_text(step)} s (median), "
            f"but the model was trained at {step_text(model_step)} s steps (training.stepSeconds): "
            "it forecasts "
            "another time scale than theirs, so its scores here say little; pass --model with one "
            "trained at their step (Augur ships models/forecaster at 2 s, "
            f"models/forecaster-bitbrains at 300 s). First: {off[0].name}")


def add_scoring_arguments(p: argparse.ArgumentParser) -> None:
    """The options every scoring CLI here shares (evaluate, frontier): which traces, which model,
    and the LSTM's online recalibration."""
    p.add_argument("--data", help=f"trace directory (default {default_data_dir()})")
    p.add_argument("--model", help="model version directory (or the model directory); without "
                                   "it only the baselines run")
    p.add_argument("--traces", choices=["heldout", "test", "validation", "train", "all"], default="heldout",
                   help="heldout (default): traces the model did not train or calibrate on; "
                        "test / validation / train: the metadata's testTraces / "
                        "validationTraces / trainTraces; all")
    p.add_argument("--calibration-gamma", type=float, default=calibration.GAMMA,
                   help="step size of the LSTM's online recalibration, replayed along each trace "
                        "as the job does it per task (default %(default)s, the job's "
                        "profiler.forecast.calibration-gamma); 0 scores the model's own intervals")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_forecaster.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_scoring_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--stride", type=int, default=1, help="origins every N steps (default 1)")
    p.add_argument("--forecasters", default="lstm,last,ewma,vpa-p90,crane-p99",
                   help="comma-separated subset; also the analyses oracle-horizon-median and "
                        "oracle-horizon-peak, told the future (the floors of MAE for a flat forecast and of slack)")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    if not a.calibration_gamma >= 0:
        p.error(f"--calibration-gamma must be a number >= 0: {a.calibration_gamma}")
    torch.set_num_threads(a.threads)
    t0 = time.time()
    names = [n.strip() for n in a.forecasters.split(",") if n.strip()]
    fcs: Dict[str, Forecaster] = {}
    lstm = None
    try:
        if a.model and "lstm" in names:
            lstm = LstmForecaster(a.model, a.threads, a.calibration_gamma)
        traces = read_traces(Path(a.data) if a.data else default_data_dir(), verbose=not a.json)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    meta = lstm.meta if lstm else None
    window = lstm.window if lstm else WINDOW
    horizon = lstm.horizon if lstm else HORIZON
    floors = lstm.floors if lstm else None
    for n in names:
        if n == "lstm":
            if lstm is None:
                if a.model is None:
                    continue
            else:
                fcs["lstm"] = lstm
        elif n in BASELINES:
            fcs[n] = BASELINES[n](window, horizon)
        elif n in ANALYSIS:
            fcs[n] = ANALYSIS[n](window, horizon)
        else:
            print(f"error: unknown forecaster {n} (known: lstm, {', '.join(BASELINES)},"
                  f" {', '.join(ANALYSIS)})",
                  file=sys.stderr)
            return 2
    chosen = held_out(traces, meta, a.traces)
    if not chosen:
        print("error: no trace left to evaluate", file=sys.stderr)
        return 2
    mismatch = step_mismatch(chosen, model_step_seconds(meta)) if "lstm" in fcs else None
    if mismatch:
        print(f"warning: {mismatch}", file=sys.stderr)
    res = evaluate(chosen, fcs, a.stride, window, horizon, floors)
    res["stepWarning"] = mismatch
    res["data"] = str(Path(a.data) if a.data else default_data_dir())
    res["model"] = str(lstm.dir) if lstm else None
    res["calibrationGamma"] = lstm.gamma if lstm else None
    res["traceSelection"] = a.traces
    res["traceNames"] = [t.name for t in chosen]
    res["goals"] = goals(res)
    res["elapsedSeconds"] = round(time.time() - t0, 1)
    if a.json:
        print(json.dumps(res, indent=2))
    else:
        print(f"{len(chosen)} of {len(traces)} traces ({a.traces})"
              + (f", model {lstm.dir}" if lstm else ""))
        print(format_table(res))
        for k, v in res["goals"].items():
            print(f"goal {k}: {json.dumps(v)}")
        if mismatch:
            print(f"warning: {mismatch}")
        print(f"elapsed {res['elapsedSeconds']}s (per forecaster: "
              f"{res['secondsPerForecaster']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

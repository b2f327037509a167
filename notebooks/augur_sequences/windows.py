"""The job's view of a sequence: per task, tumbling windows of N calls and their levels.

    cd notebooks && /usr/bin/python3 -m augur_sequences.windows --format augur \\
        --model VERSION_DIR --test FILE [--test FILE...] [--role R] [--window 50] \\
        [--cutoffs 1.5,2.5,4.0] [--json]

``evaluate.py`` scores a whole sequence with one number; the profiler job instead closes a
task's window every ``profiler.sequences.window.invocations`` (50) calls and scores it with the
mean of ln(1/p) over its calls, each call with the task's real history (not a left-padded one
at every window's start). This tool does the same on recorded sequences: each sequence is scored
call by call with its full history, cut into tumbling windows of N calls (a last, shorter
window is scored like the job's window closed by time or idleness), and every window's score is
compared with fixed cut-offs, by default the job's threshold floors LOW 1.5 / MEDIUM 2.5 /
HIGH 4.0 nats (``profiler.sequences.thresholds.*-floor``: the cut-offs in force while a task's
baseline stays below 0.5 nats). It does not replay the adaptive baseline; a window at or below
a floor is at or below the job's cut-off too, since the job's cut-offs are never below the
floors (before analysts' verdicts raise them).

Printed per sequence: label, trace, role, windows, the highest and the median window score, and
how many windows reach each cut-off (score > cut-off, as the job judges); with ``--json`` one
object with ``sequences`` (those rows) and ``summary`` (per label: windows, windows above each
cut-off, the highest window score).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List, Sequence as Seq

import numpy as np
import torch

from . import FORMATS
from .data import DataError, Sequence, read_all
from .evaluate import json_safe, load_model
from .model import score_sequences

FLOORS = (1.5, 2.5, 4.0)
LEVELS = ("LOW", "MEDIUM", "HIGH")


def window_scores(anomaly: np.ndarray, n: int) -> np.ndarray:
    """Mean of ln(anomaly) over tumbling windows of n calls (the last one may be shorter)."""
    if n <= 0:
        raise ValueError(f"window must be positive: {n}")
    lg = np.log(np.asarray(anomaly, dtype=float))
    return np.array([float(np.mean(lg[i:i + n])) for i in range(0, len(lg), n)])


def levels_above(scores: np.ndarray, cutoffs: Seq[float]) -> List[int]:
    """How many window scores are > each cut-off (the job judges a window above a cut-off when
    its score exceeds it)."""
    return [int(np.sum(scores > c)) for c in cutoffs]


def view(model_dir, seqs: List[Sequence], window: int = 50,
         cutoffs: Seq[float] = FLOORS) -> Dict:
    model, vocab, meta = load_model(model_dir)
    per_call = score_sequences(model, vocab, [s.calls for s in seqs], meta["window"],
                               meta["topG"], meta["maxScore"])
    rows, summary = [], {}
    for s, (anomaly, _) in zip(seqs, per_call):
        w = window_scores(anomaly, window)
        above = levels_above(w, cutoffs)
        label = "normal" if s.normal else "abnormal"
        rows.append({"label": label, "trace": s.name, "role": s.role, "calls": len(s.calls),
                     "windows": len(w), "maxWindowScore": float(w.max()) if len(w) else 0.0,
                     "medianWindowScore": float(np.median(w)) if len(w) else 0.0,
                     "unknownCalls": sum(1 for c in s.calls if c not in vocab.ids),
                     "above": dict(zip(LEVELS, above))})
        agg = summary.setdefault(label, {"sequences": 0, "windows": 0,
                                         "above": dict.fromkeys(LEVELS, 0),
                                         "maxWindowScore": 0.0})
        agg["sequences"] += 1
        agg["windows"] += len(w)
        for lv, k in zip(LEVELS, above):
            agg["above"][lv] += k
        if len(w):
            agg["maxWindowScore"] = max(agg["maxWindowScore"], float(w.max()))
    return {"model": str(model_dir), "window": window, "cutoffs": dict(zip(LEVELS, cutoffs)),
            "sequences": rows, "summary": summary}


def table(r: Dict) -> str:
    c = r["cutoffs"]
    head = (f"{'label':<9} {'trace':<34} {'role':<8} {'windows':>7} {'max':>7} {'median':>7} "
            f"{'unknown':>7} " + " ".join(f">{lv} {c[lv]:g}".rjust(12) for lv in LEVELS))
    lines = [f"model {r['model']}, windows of {r['window']} calls", head]
    for s in r["sequences"]:
        lines.append(f"{s['label']:<9} {s['trace'][:34]:<34} {s['role'][:8]:<8} "
                     f"{s['windows']:>7} {s['maxWindowScore']:>7.3f} "
                     f"{s['medianWindowScore']:>7.3f} {s['unknownCalls']:>7} "
                     + " ".join(str(s['above'][lv]).rjust(12) for lv in LEVELS))
    for label, a in sorted(r["summary"].items()):
        lines.append(f"{label}: {a['sequences']} sequences, {a['windows']} windows, highest "
                     f"{a['maxWindowScore']:.3f}; above "
                     + ", ".join(f"{lv} {a['above'][lv]}" for lv in LEVELS))
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.windows", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
    p.add_argument("--model", required=True, metavar="VERSION_DIR")
    p.add_argument("--test", action="append", required=True, metavar="FILE")
    p.add_argument("--role", help="augur format: only this role's lines")
    p.add_argument("--window", type=int, default=50, help="calls per window (default 50)")
    p.add_argument("--cutoffs", default=",".join(f"{c:g}" for c in FLOORS),
                   help="LOW,MEDIUM,HIGH cut-offs in nats (default the job's floors 1.5,2.5,4)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    try:
        cutoffs = [float(x) for x in a.cutoffs.split(",")]
    except ValueError:
        p.error(f"--cutoffs: three numbers separated by commas, not {a.cutoffs!r}")
    if len(cutoffs) != 3:
        p.error(f"--cutoffs: three numbers (LOW,MEDIUM,HIGH), not {a.cutoffs!r}")
    if a.window <= 0:
        p.error(f"--window must be positive, not {a.window}")
    torch.set_num_threads(max(1, a.threads))
    try:
        seqs = read_all(a.fmt, a.test, role=a.role)
        if not seqs:
            raise DataError("no sequence to score in " + ", ".join(a.test))
        r = view(a.model, seqs, a.window, cutoffs)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(json_safe(r)) if a.json else table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())

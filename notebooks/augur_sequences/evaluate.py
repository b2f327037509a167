"""Score a test set with an exported sequence model (the Python side of ./augur eval sequences).

    cd notebooks && /usr/bin/python3 -m augur_sequences.evaluate --format adfa|hdfs|augur \\
        --model VERSION_DIR --test FILE [--test FILE...] [--json]

Every sequence of the test files is scored call by call (each call with its left-padded history
of h calls, anomaly = min(1/p, maxScore), maxScore for p == 0 or an unknown call) and its calls'
scores aggregated into one score with the model's ``calibration.aggregation``; it is flagged
when that score is > ``calibration.threshold`` (chosen by train.py on normal validation data).
Reported: ROC AUC (normal vs abnormal sequences), precision / recall / F1 at the threshold, the
detection rate at 1 % false alarms (the threshold set on the test normals themselves), and for
the DeepLog view the same at "abnormal if any call is a top-g miss".
``--exclude-seen FILE``: drop test sequences whose calls equal those of a sequence in FILE
(same format), e.g. the training file, and report how many were dropped.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import List, Optional

import numpy as np
import torch

from . import FORMATS
from .data import UNISTD_32, DataError, Sequence, read, read_all
from .metrics import AGGREGATIONS, aggregate, confusion, evaluate_scores, roc_auc
from .model import Vocabulary, score_sequences

KEYS = ("auc", "precision", "recall", "f1", "detectionAt1pctFalseAlarm", "threshold",
        "normalScored", "abnormalScored")


def load_model(vdir) -> tuple:
    vdir = Path(vdir)
    meta_path, pt = vdir / "metadata.json", vdir / "model.pt"
    if not meta_path.is_file() or not pt.is_file():
        raise DataError(f"{vdir}: not a model version directory (needs model.pt and "
                        "metadata.json)")
    meta = json.loads(meta_path.read_text())
    if meta.get("format") != "augur-sequence-model":
        raise DataError(f"{meta_path}: format {meta.get('format')!r} is not augur-sequence-model")
    return torch.jit.load(str(pt)), Vocabulary(meta["vocabulary"]), meta


def score(model, vocab: Vocabulary, meta: dict, seqs: List[Sequence],
          aggregations=None) -> dict:
    """{aggregation: [score per sequence]} (plus "misses" for the DeepLog view). With the
    metadata's ``endToken`` every sequence gets that token appended (scored like a call)."""
    end = meta.get("endToken")
    per_call = score_sequences(model, vocab, [s.calls + [end] if end else s.calls for s in seqs],
                               meta["window"],
                               meta["topG"], meta["maxScore"])
    names = list(aggregations or [meta["calibration"]["aggregation"]])
    if "misses" not in names:
        names.append("misses")
    return {n: [aggregate(n, a, m) for a, m in per_call] for n in names}


def read_tests(fmt: str, tests: List[str], exclude_seen: List[str] = (),
               map_i386: bool = False, unistd: str = UNISTD_32,
               role: Optional[str] = None) -> tuple:
    """(sequences, number dropped as seen in ``exclude_seen``)."""
    kw = {"role": role}
    if fmt == "adfa":
        kw.update(map_i386=map_i386, unistd=unistd)
    seqs = read_all(fmt, tests, **kw)
    dropped = 0
    if exclude_seen:
        seen = {tuple(s.calls) for s in read_all(fmt, exclude_seen, **kw)}
        before = len(seqs)
        seqs = [s for s in seqs if tuple(s.calls) not in seen]
        dropped = before - len(seqs)
    if not seqs:
        raise DataError("no sequence to score in " + ", ".join(map(str, tests)))
    return seqs, dropped


def evaluate(model_dir, fmt: str, tests: List[str], aggregation: Optional[str] = None,
             threshold: Optional[float] = None, exclude_seen: List[str] = (),
             all_aggregations: bool = False, unistd: str = UNISTD_32,
             role: Optional[str] = None) -> dict:
    """Read the test files (ADFA-LD numbers mapped to names when the model was trained so) and
    score them; see `evaluate_sequences`."""
    meta = json.loads((Path(model_dir) / "metadata.json").read_text()) \
        if (Path(model_dir) / "metadata.json").is_file() else {}
    map_i386 = bool(meta.get("training", {}).get("config", {}).get("map_i386_names"))
    seqs, dropped = read_tests(fmt, tests, exclude_seen, map_i386, unistd, role)
    r = evaluate_sequences(model_dir, seqs, aggregation, threshold, all_aggregations)
    r.update(format=fmt, tests=[str(t) for t in tests], excludedAsSeen=dropped)
    return r


def evaluate_sequences(model_dir, seqs: List[Sequence], aggregation: Optional[str] = None,
                       threshold: Optional[float] = None, all_aggregations: bool = False) -> dict:
    """Metrics of the model in ``model_dir`` on labelled sequences; ``scores`` holds the
    per-sequence scores (normal, abnormal) of the aggregation used."""
    model, vocab, meta = load_model(model_dir)
    cal = meta.get("calibration", {})
    agg = aggregation or cal.get("aggregation", "mean-log")
    thr = threshold if threshold is not None else cal.get("threshold")
    aggs = [agg] + ([a for a in AGGREGATIONS if a != agg] if all_aggregations else [])
    scores = score(model, vocab, meta, seqs, aggs)
    normal = [i for i, s in enumerate(seqs) if s.normal]
    abnormal = [i for i, s in enumerate(seqs) if not s.normal]
    pick = lambda name, idx: [scores[name][i] for i in idx]
    if thr is None:
        thr = math.inf
    result = evaluate_scores(pick(agg, normal), pick(agg, abnormal), thr)
    result.update(aggregation=agg, model=str(model_dir), excludedAsSeen=0)
    dl = confusion(pick("misses", normal), pick("misses", abnormal), 0.0)
    result["deepLog"] = {"topG": meta["topG"], "precision": dl["precision"],
                         "recall": dl["recall"], "f1": dl["f1"],
                         "falseAlarmRate": dl["falseAlarmRate"]}
    if all_aggregations:
        result["aucByAggregation"] = {a: roc_auc(pick(a, normal), pick(a, abnormal))
                                      for a in aggs}
    result["endToken"] = meta.get("endToken")
    result["unknownCalls"] = sum(1 for s in seqs for c in s.calls if c not in vocab.ids)
    result["scores"] = {"normal": pick(agg, normal), "abnormal": pick(agg, abnormal)}
    return result


def json_safe(v):
    """NaN (e.g. recall without abnormal sequences) as null: JSON has no NaN."""
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, list):
        return [json_safe(x) for x in v]
    return v


def fmt_num(v) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else (
        f"{v:.4f}" if isinstance(v, float) else str(v))


def table(r: dict) -> str:
    rows = [("model", r["model"]), ("aggregation", r["aggregation"])]
    rows += [(k, fmt_num(r[k])) for k in KEYS]
    rows += [("excluded as seen", r["excludedAsSeen"]), ("unknown calls", r["unknownCalls"])]
    d = r["deepLog"]
    rows += [(f"DeepLog top-{d['topG']} precision / recall / F1 / false alarms",
              " / ".join(fmt_num(d[k]) for k in ("precision", "recall", "f1", "falseAlarmRate")))]
    for a, v in r.get("aucByAggregation", {}).items():
        rows.append((f"auc {a} (analysis)", fmt_num(v)))
    w = max(len(str(k)) for k, _ in rows)
    return "\n".join(f"{str(k):<{w}}  {v}" for k, v in rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.evaluate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
    p.add_argument("--model", required=True, metavar="VERSION_DIR")
    p.add_argument("--test", action="append", required=True, metavar="FILE")
    p.add_argument("--exclude-seen", action="append", default=[], metavar="FILE")
    p.add_argument("--aggregation", help="override the model's aggregation (" +
                   ", ".join(AGGREGATIONS) + ")")
    p.add_argument("--threshold", type=float, help="override the model's threshold")
    p.add_argument("--role", help="augur format: only this role's lines")
    p.add_argument("--all-aggregations", action="store_true",
                   help="also the AUC of every other aggregation (analysis only)")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    torch.set_num_threads(max(1, a.threads))
    if a.aggregation:
        try:
            aggregate(a.aggregation, np.ones(1), np.zeros(1, bool))
        except ValueError as e:
            p.error(str(e))
    try:
        r = evaluate(a.model, a.fmt, a.test, a.aggregation, a.threshold, a.exclude_seen,
                     a.all_aggregations, role=a.role)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    r.pop("scores")
    if a.json:
        print(json.dumps(json_safe(r)))
    else:
        print(table(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())

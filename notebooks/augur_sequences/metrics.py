"""Whole-sequence aggregations of per-call scores, and the evaluation metrics.

Aggregations of a sequence's per-call anomalies a_i (= min(1/p_i, maxScore)) and top-g misses:

- ``mean-log``: mean of log(a_i) (the sequence's mean negative log-likelihood, capped).
- ``max-window-mean-log-W``: the largest mean of log(a_i) over W consecutive calls (the whole
  sequence when shorter than W).
- ``miss-rate``: the fraction of calls that are top-g misses.
- ``max``: max a_i ("a session is abnormal if any call is anomalous" with a threshold on 1/p).
- ``misses``: the number of top-g misses (DeepLog: abnormal when > 0).

An empty sequence scores 0 under every aggregation.
"""

from __future__ import annotations

import math
from typing import Dict, List, Sequence

import numpy as np

AGGREGATIONS = ("mean-log", "max-window-mean-log-10", "max-window-mean-log-30",
                "max-window-mean-log-100", "miss-rate", "max", "misses")


def aggregate(name: str, anomaly: np.ndarray, miss: np.ndarray) -> float:
    if len(anomaly) == 0:
        return 0.0
    if name == "mean-log":
        return float(np.mean(np.log(anomaly)))
    if name.startswith("max-window-mean-log-"):
        w = int(name.rsplit("-", 1)[1])
        lg = np.log(anomaly)
        if len(lg) <= w:
            return float(np.mean(lg))
        c = np.concatenate([[0.0], np.cumsum(lg)])
        return float(np.max(c[w:] - c[:-w]) / w)
    if name == "miss-rate":
        return float(np.mean(miss))
    if name == "max":
        return float(np.max(anomaly))
    if name == "misses":
        return float(np.sum(miss))
    raise ValueError(f"unknown aggregation {name!r} (known: {', '.join(AGGREGATIONS)}, "
                     "max-window-mean-log-<W>)")


def roc_auc(normal: Sequence[float], abnormal: Sequence[float]) -> float:
    """P(score of a random abnormal > score of a random normal), ties counted 1/2
    (Mann-Whitney U / (n_normal * n_abnormal)). NaN when either side is empty."""
    normal, abnormal = np.asarray(normal, float), np.asarray(abnormal, float)
    if len(normal) == 0 or len(abnormal) == 0:
        return float("nan")
    allv = np.concatenate([normal, abnormal])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv))
    sv = allv[order]
    i = 0
    while i < len(sv):  # average ranks over ties (1-based)
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    r_ab = ranks[len(normal):].sum()
    u = r_ab - len(abnormal) * (len(abnormal) + 1) / 2
    return float(u / (len(normal) * len(abnormal)))


def roc_curve(normal, abnormal):
    """(false-alarm rates, detection rates) over every distinct threshold, for plotting."""
    normal, abnormal = np.asarray(normal, float), np.asarray(abnormal, float)
    ts = np.unique(np.concatenate([normal, abnormal]))[::-1]
    fpr = [0.0] + [float(np.mean(normal >= t)) for t in ts]
    tpr = [0.0] + [float(np.mean(abnormal >= t)) for t in ts]
    return np.array(fpr), np.array(tpr)


def threshold_at_false_alarm(normal: Sequence[float], rate: float) -> float:
    """The smallest threshold t, among the normal scores, with #(normal > t) <= floor(rate*n):
    the (floor(rate*n)+1)-th largest normal score. A sequence is flagged when score > t."""
    s = np.sort(np.asarray(normal, float))[::-1]
    if len(s) == 0:
        return float("inf")
    k = int(math.floor(rate * len(s) + 1e-9))
    return float(s[min(k, len(s) - 1)])


def detection_at_false_alarm(normal, abnormal, rate: float = 0.01) -> float:
    """Fraction of abnormal scores > the threshold that flags at most ``rate`` of the normals."""
    if len(abnormal) == 0 or len(normal) == 0:
        return float("nan")
    t = threshold_at_false_alarm(normal, rate)
    return float(np.mean(np.asarray(abnormal, float) > t))


def confusion(normal, abnormal, threshold: float) -> Dict[str, float]:
    """Flag a sequence when score > threshold; precision, recall, F1 of the abnormal class."""
    normal, abnormal = np.asarray(normal, float), np.asarray(abnormal, float)
    tp = int(np.sum(abnormal > threshold))
    fp = int(np.sum(normal > threshold))
    fn = len(abnormal) - tp
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / len(abnormal) if len(abnormal) else float("nan")
    f1 = (2 * precision * recall / (precision + recall)
          if tp and not math.isnan(precision) and not math.isnan(recall) else 0.0)
    if len(abnormal) == 0:
        f1 = float("nan")
    return {"precision": precision, "recall": recall, "f1": f1, "truePositives": tp,
            "falsePositives": fp, "falseNegatives": fn,
            "falseAlarmRate": fp / len(normal) if len(normal) else float("nan")}


def evaluate_scores(normal: List[float], abnormal: List[float], threshold: float) -> dict:
    """The keys of ``./augur eval sequences --json``."""
    c = confusion(normal, abnormal, threshold)
    return {"auc": roc_auc(normal, abnormal), "precision": c["precision"], "recall": c["recall"],
            "f1": c["f1"], "detectionAt1pctFalseAlarm": detection_at_false_alarm(normal, abnormal),
            "threshold": threshold, "normalScored": len(normal), "abnormalScored": len(abnormal),
            "truePositives": c["truePositives"], "falsePositives": c["falsePositives"],
            "falseAlarmRate": c["falseAlarmRate"]}


def trace_groups(names: Sequence[str], indices: Sequence[int]) -> Dict[str, List[int]]:
    """The given indices grouped by trace-name family: the first path part without its last
    ``_N`` (ADFA-LD's ``Adduser_3/UAD-...`` -> ``Adduser``), for per-attack-type figures."""
    groups: Dict[str, List[int]] = {}
    for i in indices:
        groups.setdefault(names[i].split("/")[0].rsplit("_", 1)[0], []).append(i)
    return dict(sorted(groups.items()))

"""Experiment, not a servable model: what the *set* of calls in a trace says, without order.

Session 9 found every next-call LSTM (windowed or whole-trace) and a 6-gram STIDE count at
0.83-0.84 whole-trace ROC AUC on ADFA-LD, and asked whether information the next-call model
lacks, such as which calls and short call pairs a trace uses and how often, separates the
attacks better. This module answers that on any data in the ``adfa``/``hdfs``/``augur``
formats, trained on normal sequences only, as the sequence model is.

Each trace becomes a vector of its call n-grams (1 to ``--ngram``; tf-idf with sub-linear term
frequency, ``--binary`` for presence only, L2-normalised; n-grams never seen in training are
dropped, as a vocabulary-based model drops them). Two one-class detectors score each test trace:
a one-class SVM (RBF kernel, ``gamma="scale"``, ``--nu``; score = minus its decision function)
and the mean cosine distance to the ``--neighbours`` nearest training traces. It prints each
detector's ROC AUC and detection at 1 % false alarms, overall and per trace-name group.

    /usr/bin/python3 -m augur_sequences.frequency --format adfa \\
        --train $D/adfa-ld/training.tsv.gz --test $D/adfa-ld/validation.tsv.gz \\
        --test $D/adfa-ld/attack.tsv.gz
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors
from sklearn.svm import OneClassSVM

from . import FORMATS
from . import data, metrics


def _text(seq: data.Sequence) -> str:
    # Call names never hold whitespace in any of the formats (they are split on it).
    return " ".join(seq.calls)


def scores(cfg: argparse.Namespace, train: List[data.Sequence],
           tests: List[data.Sequence]) -> Dict[str, List[float]]:
    """Each detector's anomaly score for every test sequence (higher = more anomalous)."""
    vectors = TfidfVectorizer(token_pattern=r"\S+", lowercase=False,
                              ngram_range=(1, cfg.ngram), binary=cfg.binary,
                              sublinear_tf=True, norm="l2")
    x_train = vectors.fit_transform(_text(s) for s in train)
    x_test = vectors.transform(_text(s) for s in tests)
    # sklearn's gamma="scale", 1 / (features x variance), except that training vectors all
    # alike (every trace uses the same calls) have no variance: libsvm rejects that gamma.
    variance = x_train.multiply(x_train).mean() - x_train.mean() ** 2
    gamma = 1.0 / (x_train.shape[1] * variance) if variance > 1e-12 else 1.0
    svm = OneClassSVM(kernel="rbf", gamma=gamma, nu=cfg.nu).fit(x_train)
    k = min(cfg.neighbours, x_train.shape[0])
    distance, _ = NearestNeighbors(n_neighbors=k, metric="cosine").fit(x_train).kneighbors(x_test)
    return {"one-class-svm": [float(v) for v in -svm.decision_function(x_test)],
            f"{k}-nn-cosine": [float(v) for v in distance.mean(axis=1)]}


def run(cfg: argparse.Namespace) -> dict:
    if cfg.ngram < 1:
        raise data.DataError(f"--ngram must be at least 1: {cfg.ngram}")
    if not 0 < cfg.nu <= 1:
        raise data.DataError(f"--nu must be in (0, 1]: {cfg.nu}")
    if cfg.neighbours < 1:
        raise data.DataError(f"--neighbours must be at least 1: {cfg.neighbours}")
    train, tests = read_train_test(cfg)
    return detector_report(train, tests, scores(cfg, train, tests))


def read_train_test(cfg: argparse.Namespace):
    """The normal training sequences and the test sequences, or a DataError saying what lacks."""
    train = [s for s in data.read_all(cfg.format, cfg.train) if s.normal and s.calls]
    if len(train) < 2:
        raise data.DataError(f"{len(train)} normal training sequences: at least 2 are needed")
    tests = data.read_all(cfg.format, cfg.test)
    if all(s.normal for s in tests) or not any(s.normal for s in tests):
        raise data.DataError("--test needs normal and abnormal sequences")
    return train, tests


def detector_report(train: List[data.Sequence], tests: List[data.Sequence],
                    scored: Dict[str, List[float]]) -> dict:
    """Each detector's ROC AUC and detection at 1 % false alarms, overall and per group."""
    normal_idx = [i for i, s in enumerate(tests) if s.normal]
    abnormal_idx = [i for i, s in enumerate(tests) if not s.normal]
    groups = metrics.trace_groups([s.name for s in tests], abnormal_idx)
    result = {"train": len(train), "counts": {"normal": len(normal_idx),
                                              "abnormal": len(abnormal_idx)},
              "detectors": {}}
    for name, v in scored.items():
        normal = [v[i] for i in normal_idx]
        result["detectors"][name] = {
            "auc": metrics.roc_auc(normal, [v[i] for i in abnormal_idx]),
            "detectionAt1pctFalseAlarm": metrics.detection_at_false_alarm(
                normal, [v[i] for i in abnormal_idx], 0.01),
            "aucByGroup": {g: metrics.roc_auc(normal, [v[i] for i in ix])
                           for g, ix in groups.items()}}
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m augur_sequences.frequency",
        description="Experiment: score whole traces by the n-grams they use (one-class SVM and "
                    "nearest-neighbour distance over tf-idf vectors, trained on normal "
                    "sequences only) and print the ROC AUC on test data. Exports nothing.")
    add_data_arguments(p)
    p.add_argument("--ngram", type=int, default=2, help="longest n-gram (default 2)")
    p.add_argument("--binary", action="store_true",
                   help="presence of an n-gram only, not its count")
    p.add_argument("--nu", type=float, default=0.05, help="one-class SVM's nu (default 0.05)")
    p.add_argument("--neighbours", type=int, default=1, help="k of the k-NN distance")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    """--format, --train and --test, as read by read_train_test."""
    p.add_argument("--format", choices=FORMATS, default="adfa")
    p.add_argument("--train", action="append", required=True,
                   help="training file, its normal sequences are used (repeatable)")
    p.add_argument("--test", action="append", required=True,
                   help="test file with normal and abnormal sequences (repeatable)")


def main(argv=None) -> int:
    cfg = parser().parse_args(argv)
    try:
        result = run(cfg)
    except data.DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print_report(result, cfg.json)
    return 0


def print_report(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['train']} training traces; test {result['counts']['normal']} normal, "
          f"{result['counts']['abnormal']} abnormal")
    for name, r in result["detectors"].items():
        print(f"{name:16s} AUC {r['auc']:.4f}  detection at 1% false alarms "
              f"{r['detectionAt1pctFalseAlarm']:.3f}")
        for g, auc in r["aucByGroup"].items():
            print(f"  vs {g:20s} {auc:.4f}")


if __name__ == "__main__":
    sys.exit(main())

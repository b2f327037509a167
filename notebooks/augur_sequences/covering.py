"""Experiment, not a servable model: how many pieces of normal traces it takes to spell a trace.

Sessions 6-10 found every next-call LSTM, a 6-gram STIDE count and the n-gram sets of
``augur_sequences.frequency`` at 0.83-0.85 whole-trace ROC AUC on ADFA-LD. This module tries the
sequence-covering view (Marteau, "Sequence Covering for Efficient Host-Based Intrusion
Detection", IEEE TIFS 2019): a test trace is cut, left to right, into the longest pieces that
occur somewhere in a normal training trace (a piece never spans two training traces); a call no
training trace holds is a piece of its own. A trace made of a few long stretches of normal
behaviour scores low; one that needs many short pieces does things in an order no normal trace
showed. Score = pieces / calls (``covering``). ``covering+svm`` is the mean of the two
detectors' ranks, covering and the one-class SVM over presence of 1-2-grams of
``augur_sequences.frequency`` (equal weights, not tuned), to see whether order and set add up.

The longest-piece search walks a suffix automaton of the training traces, so a trace of n calls
costs O(n) dictionary steps. Runs on any file in the ``adfa``/``hdfs``/``augur`` formats,
trained on normal sequences only, as the sequence model is.

    /usr/bin/python3 -m augur_sequences.covering --format adfa \\
        --train $D/adfa-ld/training.tsv.gz --test $D/adfa-ld/validation.tsv.gz \\
        --test $D/adfa-ld/attack.tsv.gz
"""

from __future__ import annotations

import argparse
import sys
from types import SimpleNamespace
from typing import Dict, List, Sequence

import numpy as np
from scipy.stats import rankdata

from . import data, frequency, metrics


class SuffixAutomaton:
    """The substrings of a set of sequences: ``walk`` finds the longest one starting at i.

    One automaton over all training sequences, each added from the initial state, so a path
    spells a substring of one sequence, never one across two (a generalised suffix automaton).
    """

    def __init__(self) -> None:
        self._next: List[Dict[str, int]] = [{}]
        self._link: List[int] = [-1]
        self._len: List[int] = [0]

    def _state(self, length: int, link: int, nxt: Dict[str, int]) -> int:
        self._next.append(nxt)
        self._len.append(length)
        self._link.append(link)
        return len(self._next) - 1

    def add(self, seq: Sequence[str]) -> None:
        last = 0
        for c in seq:
            known = self._next[last].get(c)
            if known is not None:
                # The substring is there already (from another sequence): reuse or split it.
                if self._len[last] + 1 == self._len[known]:
                    last = known
                else:
                    last = self._split(last, c, known)
                continue
            cur = self._state(self._len[last] + 1, 0, {})
            p = last
            while p != -1 and c not in self._next[p]:
                self._next[p][c] = cur
                p = self._link[p]
            if p != -1:
                q = self._next[p][c]
                if self._len[p] + 1 == self._len[q]:
                    self._link[cur] = q
                else:
                    self._link[cur] = self._split(p, c, q)
            last = cur

    def _split(self, p: int, c: str, q: int) -> int:
        clone = self._state(self._len[p] + 1, self._link[q], dict(self._next[q]))
        while p != -1 and self._next[p].get(c) == q:
            self._next[p][c] = clone
            p = self._link[p]
        self._link[q] = clone
        return clone

    def walk(self, seq: Sequence[str], start: int) -> int:
        """Length of the longest piece of ``seq`` from ``start`` that a training sequence holds."""
        state, j = 0, start
        while j < len(seq):
            nxt = self._next[state].get(seq[j])
            if nxt is None:
                break
            state, j = nxt, j + 1
        return j - start


def pieces(automaton: SuffixAutomaton, seq: Sequence[str]) -> List[int]:
    """The greedy left-to-right covering: each piece's length (0 = a call no training trace has)."""
    out, i = [], 0
    while i < len(seq):
        length = automaton.walk(seq, i)
        out.append(length)
        i += max(length, 1)
    return out


def covering_score(automaton: SuffixAutomaton, seq: Sequence[str]) -> float:
    """Pieces per call, in (0, 1]: 1/len for a trace a training trace holds whole."""
    return len(pieces(automaton, seq)) / len(seq)


def scores(train: List[data.Sequence], tests: List[data.Sequence]) -> Dict[str, List[float]]:
    automaton = SuffixAutomaton()
    for s in train:
        automaton.add(s.calls)
    cover = [covering_score(automaton, s.calls) if s.calls else 1.0 for s in tests]
    svm = frequency.scores(SimpleNamespace(ngram=2, binary=True, nu=0.05, neighbours=1),
                           train, tests)["one-class-svm"]
    both = (rankdata(cover) + rankdata(svm)) / 2
    return {"covering": cover, "covering+svm": [float(v) for v in np.asarray(both)]}


def run(cfg: argparse.Namespace) -> dict:
    train, tests = frequency.read_train_test(cfg)
    return frequency.detector_report(train, tests, scores(train, tests))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m augur_sequences.covering",
        description="Experiment: score whole traces by how many pieces of normal training "
                    "traces it takes to cover them (sequence covering), alone and with the "
                    "n-gram one-class SVM, and print the ROC AUC on test data. Exports nothing.")
    frequency.add_data_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv=None) -> int:
    cfg = parser().parse_args(argv)
    try:
        result = run(cfg)
    except data.DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    frequency.print_report(result, cfg.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

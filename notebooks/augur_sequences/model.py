"""The next-call model: vocabulary (ids 0 pad, 1 unknown), windows, the LSTM, per-call scores.

Network: Embedding(V, E, padding_idx=0) -> LSTM(E, hidden, layers) -> Linear(hidden, V) on the
last step -> softmax. The softmax is inside the exported TorchScript: input int64 ``[B, h]``,
output float32 ``[B, V]`` probabilities of the next call's id (docs/sequence-model.md).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Sequence

import numpy as np
import torch
from torch import nn

from . import MAX_SCORE, PAD, UNKNOWN


class Vocabulary:
    """``names[i]`` has id ``i + 2``; 0 is padding, 1 unknown. Built in order of first
    appearance in the training data (deterministic for a given input order)."""

    def __init__(self, names: Sequence[str]):
        self.names = list(names)
        if len(set(self.names)) != len(self.names):
            raise ValueError("vocabulary has duplicate names")
        self.ids: Dict[str, int] = {n: i + 2 for i, n in enumerate(self.names)}

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]]) -> "Vocabulary":
        seen: Dict[str, None] = {}
        for calls in sequences:
            for c in calls:
                seen.setdefault(c)
        return cls(list(seen))

    @property
    def size(self) -> int:
        """V: the model's output width (vocabulary + padding + unknown)."""
        return len(self.names) + 2

    def encode(self, calls: Sequence[str]) -> np.ndarray:
        get = self.ids.get
        return np.fromiter((get(c, UNKNOWN) for c in calls), dtype=np.int64, count=len(calls))


def windows(ids: np.ndarray, h: int) -> np.ndarray:
    """``[len(ids), h]``: row t is the h calls before call t, oldest first, left-padded with 0."""
    padded = np.concatenate([np.full(h, PAD, dtype=np.int64), ids])
    return np.lib.stride_tricks.sliding_window_view(padded, h)[: len(ids)].copy()


class NextCallLSTM(nn.Module):
    """``dropout`` (training only; the exported model is in eval mode) between the LSTM layers
    and on the last layer's output."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 64, layers: int = 2,
                 dropout: float = 0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=PAD)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)
        self.vocab_size, self.embed, self.hidden, self.layers = vocab_size, embed, hidden, layers
        self.dropout = dropout

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(self.embedding(x))
        return self.head(self.drop(out[:, -1, :]))

    def logits_all(self, x: torch.Tensor) -> torch.Tensor:
        """``[B, L, V]``: the logits of the next call after every prefix of each row (chunked
        training: one pass predicts every position)."""
        out, _ = self.lstm(self.embedding(x))
        return self.head(self.drop(out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.logits(x), dim=-1)

    def describe(self) -> dict:
        return {"kind": "embedding-lstm-softmax", "embedding": self.embed, "hidden": self.hidden,
                "layers": self.layers, "dropout": self.dropout, "outputs": self.vocab_size,
                "parameters": sum(p.numel() for p in self.parameters())}


class NextCallEnsemble(nn.Module):
    """The mean of its members' next-call probabilities: one TorchScript model with the same
    contract (int64 ``[B, h]`` in, float32 ``[B, V]`` out), so the Java side does not change.
    Members share the vocabulary; each reads the last ``windows[i]`` calls of the h given
    (h = the largest member window)."""

    def __init__(self, members: List[NextCallLSTM], member_windows: List[int]):
        super().__init__()
        if not members or len(members) != len(member_windows):
            raise ValueError("an ensemble needs one window per member")
        if len({m.vocab_size for m in members}) != 1:
            raise ValueError("ensemble members must share the vocabulary")
        self.members = nn.ModuleList(members)
        self.windows: List[int] = list(member_windows)
        self.window = max(member_windows)
        self.vocab_size = members[0].vocab_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        total = torch.zeros(x.size(0), self.vocab_size, dtype=torch.float32)
        i = 0
        for m in self.members:
            w = self.windows[i]
            total = total + torch.softmax(m.logits(x[:, x.size(1) - w:]), dim=-1)
            i += 1
        return total / float(len(self.windows))

    def describe(self) -> dict:
        return {"kind": "ensemble-mean-probability", "windows": self.windows,
                "members": [m.describe() for m in self.members],
                "parameters": sum(p.numel() for p in self.parameters())}


@torch.no_grad()
def probabilities(model, x: np.ndarray, batch: int = 8192) -> np.ndarray:
    """Run ``model`` (module or TorchScript) over ``x [N, h]``; ``[N, V]`` float32."""
    if hasattr(model, "eval"):
        model.eval()
    outs = [model(torch.from_numpy(x[i:i + batch])).numpy() for i in range(0, len(x), batch)]
    return np.concatenate(outs) if outs else np.zeros((0, 0), dtype=np.float32)


def call_scores(probs: np.ndarray, targets: np.ndarray, top_g: int,
                max_score: float = MAX_SCORE) -> tuple:
    """Per call: ``(anomaly, miss)``. anomaly = 1/p capped at ``max_score``; ``max_score`` when
    p == 0 or the call is unknown (id 1). miss: the call's id is not among the ``top_g`` most
    probable ids (an unknown call is always a miss)."""
    p = probs[np.arange(len(targets)), targets].astype(np.float64)
    unknown = targets == UNKNOWN
    with np.errstate(divide="ignore"):
        anomaly = np.where((p > 0) & ~unknown, 1.0 / np.maximum(p, 1e-300), max_score)
    anomaly = np.minimum(anomaly, max_score)
    # rank of the target = number of ids strictly more probable; a miss when rank >= g
    rank = (probs > probs[np.arange(len(targets)), targets][:, None]).sum(axis=1)
    miss = unknown | (rank >= top_g)
    return anomaly, miss


def score_sequences(model, vocab: Vocabulary, sequences: List[Sequence[str]], h: int, top_g: int,
                    max_score: float = MAX_SCORE) -> List[tuple]:
    """For each call sequence ``(anomaly[n], miss[n])`` over its calls, each scored with its
    left-padded history of h calls."""
    ids = [vocab.encode(s) for s in sequences]
    lens = [len(i) for i in ids]
    if not ids or sum(lens) == 0:
        return [(np.zeros(0), np.zeros(0, dtype=bool)) for _ in ids]
    x = np.ascontiguousarray(np.concatenate([windows(i, h) for i in ids]))
    y = np.concatenate(ids)
    # The model's output depends on the history alone, and histories repeat (system-call loops:
    # 43 % of ADFA-LD's test windows at h = 32 are distinct): one forward pass per distinct one.
    key = x.view(np.dtype((np.void, x.dtype.itemsize * h))).ravel()
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    distinct = probabilities(model, x[first])
    anomaly, miss = np.zeros(len(y)), np.zeros(len(y), dtype=bool)
    chunk = 200_000
    for s in range(0, len(y), chunk):
        pr = distinct[inverse[s:s + chunk]]
        anomaly[s:s + chunk], miss[s:s + chunk] = call_scores(pr, y[s:s + chunk], top_g, max_score)
    out, o = [], 0
    for n in lens:
        out.append((anomaly[o:o + n], miss[o:o + n]))
        o += n
    return out

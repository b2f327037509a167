#!/usr/bin/env python3
"""Builds a small next-call model in the sequence-model contract (docs/sequence-model.md) for the
jobs module's tests and for development, when the shipped models/sequences is not wanted.

    python3 jobs/src/test/python/make_sequence_test_model.py \
        --train /work/shared/datasets/adfa-ld/training.tsv.gz --out DIR [--role adfa] [--epochs 2]

Writes DIR/<role>/<version>/{model.pt, metadata.json} (metadata last). Token names are the
dataset's system-call numbers as strings (the ADFA-LD evaluation convention). The model is
embedding + LSTM + linear + softmax, scripted with torch.jit.script: int64 [B, h] -> float32 [B, V],
V = len(vocabulary) + 2 (0 padding, 1 unknown). It is tiny and trained briefly on purpose: the tests
need a real TorchScript model with the contract's shapes that tells ADFA-LD's normal traces from its
attacks, not the best model (the notebook trains that one).
"""
import argparse
import gzip
import json
import math
import os
import random
import time
from collections import Counter
from datetime import datetime, timezone

import torch
import torch.nn as nn


def read_traces(path):
    opener = gzip.open if path.endswith(".gz") else open
    traces = []
    with opener(path, "rt") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("syscalls") if "syscalls" in header else header.index("calls")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) > col and parts[col].strip():
                traces.append(parts[col].split())
    return traces


class NextCall(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e = self.embed(x)
        o, _ = self.lstm(e)
        return torch.softmax(self.out(o[:, -1, :]), dim=-1)


def windows(traces, ids, h):
    xs, ys = [], []
    for t in traces:
        seq = [ids.get(c, 1) for c in t]
        padded = [0] * h + seq
        for i, y in enumerate(seq):
            xs.append(padded[i:i + h])
            ys.append(y)
    return torch.tensor(xs, dtype=torch.long), torch.tensor(ys, dtype=torch.long)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", required=True, help="TSV (gz ok) with a 'syscalls' or 'calls' column")
    ap.add_argument("--out", required=True, help="registry directory (DIR/<role>/<version>/)")
    ap.add_argument("--role", default="adfa")
    ap.add_argument("--version", default=None)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--top-g", type=int, default=5)
    ap.add_argument("--max-score", type=float, default=1e6)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-traces", type=int, default=0, help="train on the first N traces only")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    traces = read_traces(args.train)
    if args.max_traces > 0:
        traces = traces[: args.max_traces]
    counts = Counter(c for t in traces for c in t)
    vocabulary = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    ids = {c: i + 2 for i, c in enumerate(vocabulary)}
    V = len(vocabulary) + 2
    x, y = windows(traces, ids, args.window)
    model = NextCall(V, 16, 48)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.NLLLoss()
    n = len(y)
    started = time.time()
    for epoch in range(args.epochs):
        perm = torch.randperm(n)
        total = 0.0
        for b in range(0, n, 512):
            idx = perm[b:b + 512]
            opt.zero_grad()
            p = model(x[idx])
            loss = loss_fn(torch.log(p + 1e-9), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}: loss {total / n:.4f}", flush=True)
    model.eval()
    scripted = torch.jit.script(model)
    created = datetime.now(timezone.utc).replace(microsecond=0)
    version = args.version or f"{args.role}-test-{created.strftime('%Y%m%d-%H%M%S')}"
    out = os.path.join(args.out, args.role, version)
    os.makedirs(out, exist_ok=True)
    scripted.save(os.path.join(out, "model.pt"))
    meta = {
        "format": "augur-sequence-model",
        "formatVersion": 1,
        "version": version,
        "role": args.role,
        "createdAt": created.isoformat().replace("+00:00", "Z"),
        "kind": "SYSCALL",
        "window": args.window,
        "vocabulary": vocabulary,
        "topG": args.top_g,
        "maxScore": args.max_score,
        "training": {
            "script": "jobs/src/test/python/make_sequence_test_model.py",
            "datasets": [os.path.basename(args.train)],
            "epochs": args.epochs,
            "windows": n,
            "seconds": round(time.time() - started, 1),
        },
    }
    tmp = os.path.join(out, "metadata.json.tmp")
    with open(tmp, "w") as f:
        json.dump(meta, f, indent=1)
    os.replace(tmp, os.path.join(out, "metadata.json"))
    print(out)


if __name__ == "__main__":
    main()

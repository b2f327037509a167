"""A next-call model per docs/sequence-model.md, for tests: bigram probabilities (add-one
smoothed) of the next id given the last history id, as a TorchScript module.

usage: python3 bigram_model.py SEQUENCES.txt OUT_DIR VERSION WINDOW
SEQUENCES.txt: one training sequence a line, call names space-separated.
Writes OUT_DIR/model.pt, then OUT_DIR/metadata.json.
"""
import json
import sys

import torch


class Bigram(torch.nn.Module):
    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.register_buffer("table", table)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table[x[:, -1]]


def main():
    src, out, version, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    seqs = [line.split() for line in open(src, encoding="utf-8") if line.strip()]
    vocab = sorted({c for s in seqs for c in s})
    ids = {c: i + 2 for i, c in enumerate(vocab)}
    v = len(vocab) + 2
    counts = torch.ones(v, v)
    counts[:, 0] = 0  # never predicts padding
    counts[:, 1] = 0  # nor unknown
    for s in seqs:
        prev = 0
        for c in s:
            counts[prev, ids[c]] += 1
            prev = ids[c]
    table = counts / counts.sum(dim=1, keepdim=True)
    import os
    os.makedirs(out, exist_ok=True)
    torch.jit.script(Bigram(table)).save(os.path.join(out, "model.pt"))
    meta = {"format": "augur-sequence-model", "formatVersion": 1, "version": version,
            "role": "default", "createdAt": "2026-01-01T00:00:00Z", "kind": "SYSCALL",
            "window": window, "vocabulary": vocab, "topG": 9, "maxScore": 1e6,
            "calibration": {}, "training": {"kind": "bigram test model", "sequences": len(seqs)}}
    with open(os.path.join(out, "metadata.json"), "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()

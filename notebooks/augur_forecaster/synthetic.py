"""Synthetic VM traces in the Bitbrains format, for running the notebook where the public
datasets are not at hand (``./augur test`` on a machine without ``../shared/datasets``).

They are Augur's own made-up data, not a benchmark: a daily-like cycle, bursts and noise per
resource. Results on them say the pipeline runs, nothing about forecast quality.

    /usr/bin/python3 -m augur_forecaster.synthetic --out DIR [--traces 16] [--steps 720] [--seed 0]
"""
import argparse
import gzip
import math
from pathlib import Path

import numpy as np

HEADER = ("Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\t"
          "CPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\t"
          "Disk read throughput [KB/s];\tDisk write throughput [KB/s];\t"
          "Network received throughput [KB/s];\tNetwork transmitted throughput [KB/s]")


def write_traces(out: Path, traces: int = 16, steps: int = 720, seed: int = 0) -> list:
    """Writes ``traces`` files ``synthetic-vmN.csv.gz`` into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for n in range(traces):
        cores = int(rng.integers(1, 9))
        mhz = 2600.0 * cores
        level = rng.uniform(5, 60)
        period = rng.uniform(100, 300)
        mem_kb = rng.uniform(1e6, 8e6)
        lines = [HEADER]
        burst = 0.0
        for t in range(steps):
            cycle = 1 + 0.5 * math.sin(2 * math.pi * t / period)
            burst = burst * 0.7 + (rng.uniform(20, 40) if rng.random() < 0.03 else 0)
            pct = min(100.0, max(0.0, level * cycle + burst + rng.normal(0, 2)))
            mem = mem_kb * (0.6 + 0.1 * cycle + 0.02 * rng.normal())
            disk_r = max(0.0, 50 * cycle + 10 * burst + rng.normal(0, 5))
            disk_w = max(0.0, 20 * cycle + rng.normal(0, 3))
            net_rx = max(0.0, 5 * cycle + rng.normal(0, 1))
            net_tx = max(0.0, 3 * cycle + rng.normal(0, 1))
            lines.append(";\t".join(str(v) for v in (
                1372629804 + 300 * t, cores, mhz, pct / 100 * mhz, pct, mem_kb * 1.25, mem,
                disk_r, disk_w, net_rx, net_tx)))
        path = out / f"synthetic-vm{n + 1}.csv.gz"
        with gzip.open(path, "wt") as f:
            f.write("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path, help="directory to write the traces into")
    p.add_argument("--traces", type=int, default=16)
    p.add_argument("--steps", type=int, default=720)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    paths = write_traces(a.out, a.traces, a.steps, a.seed)
    print(f"wrote {len(paths)} synthetic traces of {a.steps} steps to {a.out}")


if __name__ == "__main__":
    main()

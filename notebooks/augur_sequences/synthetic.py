"""Made-up sequence datasets in the adfa and hdfs formats, for running the notebook on a machine
without the public datasets (``./augur test`` on a clean machine). They show that the code
runs, nothing about detection quality.

    /usr/bin/python3 -m augur_sequences.synthetic --out DIR

writes DIR/adfa-ld/{training,validation,attack}.tsv.gz and DIR/hdfs/{hdfs_train,
robust_log_train.csv}.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from pathlib import Path


def _normal(rng, n):
    out = []
    while len(out) < n:
        out += ["5", "3"] + ["3"] * rng.randint(0, 3) + ["4", "6"] + rng.choice([[], ["54"]])
    return out[:n]


def _attack(rng, n):
    base = _normal(rng, n)
    at = rng.randrange(len(base))
    return base[:at] + ["11", "102", "102", "63", "11"] + base[at:]


def write(out: Path, seed: int = 0) -> Path:
    rng = random.Random(seed)
    adfa, hdfs = out / "adfa-ld", out / "hdfs"
    adfa.mkdir(parents=True, exist_ok=True)
    hdfs.mkdir(parents=True, exist_ok=True)
    for name, rows in (("training", [("normal", _normal) for _ in range(60)]),
                       ("validation", [("normal", _normal) for _ in range(60)]),
                       ("attack", [("attack", _attack) for _ in range(20)])):
        with gzip.open(adfa / f"{name}.tsv.gz", "wt") as f:
            f.write("label\ttrace\tsyscalls\n")
            for i, (label, gen) in enumerate(rows):
                f.write(f"{label}\t{name}/{i}.txt\t{' '.join(gen(rng, rng.randint(30, 120)))}\n")
    sess = lambda: ["5", "5", "22"] + ["11", "9"] * rng.randint(1, 3) + ["26", "23", "21"]
    (hdfs / "hdfs_train").write_text("".join(" ".join(sess()) + " \n" for _ in range(200)))
    rows = [" ".join(sess()) + ",0" for _ in range(100)]
    rows += [" ".join(sess()[:-2] + ["4", "3"]) + ",1" for _ in range(30)]
    (hdfs / "robust_log_train.csv").write_text("Sequence,label\n" + "\n".join(rows) + "\n")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.synthetic", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    print(write(Path(a.out), a.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

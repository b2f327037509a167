"""Make a SYSCALL model with system-call NAMES from one trained on ADFA-LD's i386 NUMBERS.

    cd notebooks && /usr/bin/python3 -m augur_sequences.relabel --model ../models/sequences/adfa/V \\
        --out ../models/sequences --role default [--version V] [--unistd unistd_32.h]

The network is unchanged (model.pt is copied byte for byte); only the vocabulary is mapped with
unistd_32.h (``"3"`` -> ``"read"``), so the result scores a trace of names exactly as the source
scores the same trace of numbers. The mapping is one-to-one, so this is the model that
``train.py --map-i386-names`` would train with the same split and seed, without a second
training run. metadata.json is written last; ``training.relabelledFrom`` names the source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

from .data import UNISTD_32, DataError, load_i386_names
from .train import new_version


def relabel(src, out, role: str, version: str = None, unistd: str = UNISTD_32) -> Path:
    src = Path(src)
    meta_path = src / "metadata.json"
    if not meta_path.is_file() or not (src / "model.pt").is_file():
        raise DataError(f"{src}: not a model version directory (needs model.pt and metadata.json)")
    meta = json.loads(meta_path.read_text())
    if meta.get("kind") != "SYSCALL":
        raise DataError(f"{src}: kind {meta.get('kind')!r}, relabelling needs a SYSCALL model")
    names = load_i386_names(unistd)
    vocab = meta["vocabulary"]
    bad = [v for v in vocab if v not in names and v != meta.get("endToken")]
    if bad:
        raise DataError(f"{src}: vocabulary entries that are not i386 system-call numbers: "
                        f"{bad[:5]}")
    mapped = [names.get(v, v) for v in vocab]
    if len(set(mapped)) != len(mapped):
        raise DataError(f"{unistd}: two vocabulary numbers map to the same name")
    role_dir = Path(out) / role
    version = version or new_version(role_dir)
    vdir = role_dir / version
    vdir.mkdir(parents=True, exist_ok=False)
    shutil.copyfile(src / "model.pt", vdir / "model.pt")
    new = dict(meta)
    new.update(version=version, role=role, vocabulary=mapped,
               createdAt=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    training = dict(meta.get("training", {}))
    training["relabelledFrom"] = {"role": meta.get("role"), "version": meta.get("version"),
                                  "mapping": "i386 unistd_32.h numbers -> names"}
    training["config"] = dict(training.get("config", {}), map_i386_names=True)
    new["training"] = training
    tmp = vdir / "metadata.json.tmp"
    tmp.write_text(json.dumps(new, indent=2) + "\n")
    os.replace(tmp, vdir / "metadata.json")
    return vdir


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m augur_sequences.relabel", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, metavar="VERSION_DIR")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--role", default="default")
    p.add_argument("--version")
    p.add_argument("--unistd", default=UNISTD_32)
    a = p.parse_args(argv)
    if "/" in a.role or a.role in ("", ".", ".."):
        p.error("--role must be a plain directory name")
    try:
        vdir = relabel(a.model, a.out, a.role, a.version, a.unistd)
    except (DataError, FileExistsError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"MODEL {vdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

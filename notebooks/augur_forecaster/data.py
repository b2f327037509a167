"""Trace readers (docs/trace-format.md) and the deterministic train/validation/test split.

Every trace comes back as a float64 array [T, 6] in Augur units, feature order
``FEATURES`` (CPU cores, MEMORY bytes, DISK_READ/DISK_WRITE/NET_RX/NET_TX bytes per second),
NaN where a resource was not measured. Rows are steps: the readers do not resample.

Trace names:
- Bitbrains: the file name without ``.csv``/``.csv.gz`` (``vm1``);
- Augur recordings: the ``task_id``.
(as ``./augur eval forecaster`` names them). If two traces would get the same name, each becomes
``<path relative to the data directory, without extension>`` (Bitbrains) or
``<that path>:<task_id>`` (recordings).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import pandas as pd

from . import FEATURES

BITBRAINS_HEADER_PREFIX = "Timestamp [ms]"
AUGUR_HEADER = ("timestamp_ms,task_id,user_id,role,scenario,label,interval_ms,cpu_cores,"
                "memory_bytes,disk_read_bps,disk_write_bps,net_rx_bps,net_tx_bps,pids")
AUGUR_COLUMNS = ["cpu_cores", "memory_bytes", "disk_read_bps", "disk_write_bps", "net_rx_bps",
                 "net_tx_bps"]


def repo_root() -> Path:
    """The repository root (this file is notebooks/augur_forecaster/data.py)."""
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """$AUGUR_DATASETS, else ``../shared/datasets`` relative to the repository root."""
    env = os.environ.get("AUGUR_DATASETS")
    if env:
        return Path(env)
    return (repo_root().parent / "shared" / "datasets").resolve()


@dataclass
class Trace:
    name: str
    values: np.ndarray            # [T, 6] float64, Augur units, NaN = not measured
    fmt: str                      # "bitbrains" | "augur"
    source: str                   # file path relative to the data directory
    step_seconds: float = float("nan")
    meta: Dict[str, str] = field(default_factory=dict)  # recordings: role, scenario, label

    def __len__(self) -> int:
        return int(self.values.shape[0])


def _open_text(path: Path):
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return open(path, "r", encoding="utf-8", errors="replace")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def sniff_format(path: Path) -> Optional[str]:
    """"bitbrains", "augur" or None, from the file's first line."""
    with _open_text(path) as f:
        first = f.readline().lstrip("\ufeff").strip()
    if first.startswith(BITBRAINS_HEADER_PREFIX):
        return "bitbrains"
    if first.replace(" ", "") == AUGUR_HEADER:
        return "augur"
    return None


def exact_numbers(column: pd.Series) -> np.ndarray:
    """A column of number texts as float64, each the double nearest its decimal (as Java's
    Double.parseDouble and Python's float read them); NaN where a text is not a number.
    pandas' own fast parser is not correctly rounded: it reads about one Bitbrains value in ten
    a bit off ('90.26666666666667' as 90.26666666666668), which moved ties between a value and an
    interval bound and so the Java and Python evaluators' coverages apart."""
    texts = column.astype(str).str.strip().to_numpy(dtype=object)
    ok = pd.to_numeric(pd.Series(texts), errors="coerce").notna().to_numpy()
    out = np.full(len(texts), np.nan)
    out[ok] = [float(t) for t in texts[ok]]
    return out


def read_bitbrains(path: Path) -> tuple:
    """One Bitbrains VM file -> (values [T, 6], step seconds)."""
    df = pd.read_csv(path, sep=";", skipinitialspace=True, engine="c", dtype=str)
    if df.shape[1] < 11:
        raise ValueError(f"{path}: expected 11 ';'-separated columns, found {df.shape[1]}")
    a = np.stack([exact_numbers(df.iloc[:, i]) for i in range(11)], axis=1)
    ts, cores, usage_pct, mem_kb = a[:, 0], a[:, 1], a[:, 4], a[:, 6]
    out = np.empty((a.shape[0], len(FEATURES)), dtype=np.float64)
    out[:, 0] = usage_pct / 100.0 * cores
    out[:, 1] = mem_kb * 1024.0
    out[:, 2:6] = a[:, 7:11] * 1024.0
    return out, median_gap(ts)


def median_gap(timestamps: np.ndarray) -> float:
    """The median gap between the distinct finite timestamps, sorted (rows out of order or written
    twice do not change a file's step); NaN with fewer than two. As the Java Trace.medianGap."""
    t = np.unique(timestamps[np.isfinite(timestamps)])
    return float(np.median(np.diff(t))) if len(t) > 1 else float("nan")


def read_augur(path: Path) -> List[tuple]:
    """One Augur recording -> [(task_id, values [T, 6], step seconds, meta)] in file order."""
    df = pd.read_csv(path, sep=",", skipinitialspace=True, dtype=str)
    df.columns = [c.strip() for c in df.columns]
    out = []
    for task_id, g in df.groupby("task_id", sort=False):
        g = g.iloc[np.argsort(exact_numbers(g["timestamp_ms"]), kind="stable")]
        vals = np.stack([exact_numbers(g[c]) for c in AUGUR_COLUMNS], axis=1)
        interval = exact_numbers(g["interval_ms"])
        step = float(np.nanmedian(interval)) / 1000.0 if np.isfinite(interval).any() else float("nan")
        meta = {k: str(g[k].iloc[0]) for k in ("user_id", "role", "scenario", "label") if k in g}
        out.append((str(task_id), vals, step, meta))
    return out


def find_trace_files(data_dir: Path) -> List[Path]:
    files = [p for p in Path(data_dir).rglob("*") if p.is_file()
             and (p.name.endswith(".csv") or p.name.endswith(".csv.gz"))]
    return sorted(files, key=lambda p: str(p.relative_to(data_dir)))


def read_traces(data_dir=None, names: Optional[Sequence[str]] = None, verbose: bool = True
                ) -> List[Trace]:
    """Every trace under data_dir (recursively, *.csv and *.csv.gz, either format).

    Files whose header is neither format are skipped with a note on stderr. ``names``
    restricts the result to those trace names (files are still all sniffed). Sorted by name.
    Raises FileNotFoundError with a clear message when the directory is missing or holds no trace.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():
        raise FileNotFoundError(
            f"trace directory {data_dir} does not exist. Pass --data DIR (or set AUGUR_DATASETS) "
            f"to a directory holding Bitbrains or Augur recording CSVs, e.g. the shared "
            f"datasets at ../shared/datasets from the repository root (bitbrains-rnd/).")
    wanted = set(names) if names is not None else None
    traces: List[Trace] = []
    for path in find_trace_files(data_dir):
        rel = str(path.relative_to(data_dir))
        fmt = sniff_format(path)
        if fmt is None:
            if verbose:
                print(f"skipping {rel}: header is neither Bitbrains nor an Augur recording",
                      file=sys.stderr)
            continue
        rel_stem = rel[: len(rel) - (len(path.name) - len(_stem(path)))]
        if fmt == "bitbrains":
            if wanted is not None and _stem(path) not in wanted and rel_stem not in wanted:
                continue
            vals, step = read_bitbrains(path)
            traces.append(Trace(_stem(path), vals, fmt, rel, step))
        else:
            for task_id, vals, step, meta in read_augur(path):
                meta["task_id"] = task_id
                traces.append(Trace(task_id, vals, fmt, rel, step, meta))
    # disambiguate duplicate names with the relative path
    counts: Dict[str, int] = {}
    for t in traces:
        counts[t.name] = counts.get(t.name, 0) + 1
    for t in traces:
        if counts[t.name] > 1:
            rel_stem = str(Path(t.source).parent / _stem(Path(t.source)))
            t.name = rel_stem if t.fmt == "bitbrains" else f"{rel_stem}:{t.meta['task_id']}"
    if wanted is not None:
        traces = [t for t in traces if t.name in wanted]
    traces.sort(key=lambda t: t.name)
    if not traces and names is None:
        raise FileNotFoundError(f"no Bitbrains or Augur recording trace (*.csv, *.csv.gz) under "
                                f"{data_dir}")
    return traces


def data_label(traces: Sequence[Trace]) -> str:
    """A short name for the data: the distinct parent directories of the trace files."""
    parents = sorted({str(Path(t.source).parent) for t in traces})
    return ",".join(p if p != "." else "." for p in parents)


def origins_for(length: int, window: int, horizon: int, stride: int = 1) -> np.ndarray:
    """Forecast origins of a trace of `length` steps (docs/forecaster-eval.md): every t (0-based
    index of the last history step) with >= window steps of history and horizon steps of future,
    stride apart from the first, t = window - 1. Empty when length < window + horizon."""
    last = length - 1 - horizon
    if last < window - 1:
        return np.zeros(0, dtype=np.int64)
    return np.arange(window - 1, last + 1, stride, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# split

def _split_key(seed: int, name: str) -> str:
    return hashlib.sha256(f"{seed}:{name}".encode("utf-8")).hexdigest()


def split_names(names: Sequence[str], seed: int = 0, validation: float = 0.1, test: float = 0.2
                ) -> Dict[str, List[str]]:
    """Deterministic split of trace names into train / validation / test.

    Names are ordered by sha256("<seed>:<name>"); the first round(test·n) go to test, the next
    round(validation·n) to validation, the rest to train (each with a fraction above 0 non-empty
    when n >= 3; a fraction of 0 gives an empty list). The result lists are sorted by name. A
    name is in exactly one list.
    """
    uniq = sorted(set(names))
    n = len(uniq)
    n_test = int(round(test * n))
    n_val = int(round(validation * n))
    if n >= 3:
        n_test = max(1, n_test) if test > 0 else 0
        n_val = max(1, n_val) if validation > 0 else 0
    order = sorted(uniq, key=lambda s: _split_key(seed, s))
    return {"test": sorted(order[:n_test]),
            "validation": sorted(order[n_test:n_test + n_val]),
            "train": sorted(order[n_test + n_val:])}

"""Readers for the three sequence dataset formats, and the i386 system-call name table.

Every reader returns a list of `Sequence` (name, label, role, kind, calls):

- ``adfa``: ADFA-LD as TSV, header ``label<TAB>trace<TAB>syscalls`` (gzipped or not); label
  ``normal`` or ``attack``; syscalls are i386 numbers, kept as names (``"3"``) unless
  ``map_i386`` maps them to names (``"read"``) with ``unistd_32.h``.
- ``hdfs``: DeepLog session lines (one session of space-separated log keys per line, no
  header; all normal, except in a file whose name contains ``abnormal``, DeepLog's
  ``hdfs_test_abnormal``, where all are abnormal) or a ``Sequence,label`` CSV (0 normal, 1
  abnormal).
- ``augur``: header ``label<TAB>trace<TAB>role<TAB>kind<TAB>calls``; label ``benign``/``normal``
  or ``hostile``/``attack``; kind ``METHOD`` or ``SYSCALL``; calls space-separated.

Labels are normalised to ``normal`` / ``abnormal``. A missing file or a header in no known format
is a `DataError` with the file's name and what was expected.
"""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

NORMAL, ABNORMAL = "normal", "abnormal"
UNISTD_32 = "/usr/include/x86_64-linux-gnu/asm/unistd_32.h"

ADFA_HEADER = ["label", "trace", "syscalls"]
AUGUR_HEADER = ["label", "trace", "role", "kind", "calls"]
HDFS_CSV_HEADER = ["Sequence", "label"]
KINDS = ("SYSCALL", "METHOD", "LOGKEY")
_LABELS = {"normal": NORMAL, "benign": NORMAL, "0": NORMAL,
           "attack": ABNORMAL, "hostile": ABNORMAL, "abnormal": ABNORMAL, "1": ABNORMAL}


class DataError(ValueError):
    """A dataset file that is missing or not in the format asked for."""


@dataclass
class Sequence:
    name: str
    label: str                      # "normal" | "abnormal"
    role: str
    kind: str                       # "SYSCALL" | "METHOD" | "LOGKEY"
    calls: List[str] = field(default_factory=list)

    @property
    def normal(self) -> bool:
        return self.label == NORMAL


def _open(path: Path) -> io.TextIOBase:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _label(value: str, path: Path, lineno: int) -> str:
    try:
        return _LABELS[value.strip().lower()]
    except KeyError:
        raise DataError(f"{path}:{lineno}: label {value!r} is none of "
                        f"{sorted(_LABELS)}") from None


def load_i386_names(path: str = UNISTD_32) -> Dict[str, str]:
    """i386 system-call number (as a string) -> name, from ``#define __NR_<name> <number>``."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file; it maps ADFA-LD's i386 system-call numbers to names "
                        "(Debian package linux-libc-dev), or give its path with --unistd")
    names = {}
    for m in re.finditer(r"^#define\s+__NR_(\w+)\s+(\d+)\s*$", p.read_text(), re.M):
        names.setdefault(m.group(2), m.group(1))
    if not names:
        raise DataError(f"{p}: no '#define __NR_<name> <number>' lines")
    return names


def read_adfa(path, role: str = "adfa", i386_names: Optional[Dict[str, str]] = None
              ) -> List[Sequence]:
    path = Path(path)
    out = []
    with _open(path) as f:
        header = f.readline().rstrip("\r\n").split("\t")
        if header != ADFA_HEADER:
            raise DataError(f"{path}: header {header!r} is not the adfa format's "
                            f"{'<TAB>'.join(ADFA_HEADER)!r}")
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            cols = line.split("\t")
            if len(cols) != 3:
                raise DataError(f"{path}:{n}: {len(cols)} columns, the adfa format has 3")
            calls = cols[2].split()
            if i386_names is not None:
                calls = [i386_names.get(c, f"i386_{c}") for c in calls]
            out.append(Sequence(cols[1], _label(cols[0], path, n), role, "SYSCALL", calls))
    return out


def read_hdfs(path, role: str = "hdfs") -> List[Sequence]:
    path = Path(path)
    out = []
    with _open(path) as f:
        first = f.readline()
        head = first.rstrip("\r\n")
        if head.split(",") == HDFS_CSV_HEADER:
            for n, line in enumerate(f, start=2):
                line = line.rstrip("\r\n")
                if not line:
                    continue
                seq, sep, label = line.rpartition(",")
                if not sep:
                    raise DataError(f"{path}:{n}: no ',label' column")
                out.append(Sequence(f"{path.name}:{n}", _label(label, path, n), role, "LOGKEY",
                                    seq.split()))
            return out
        if not re.fullmatch(r"[0-9 ]*", head.strip()) or "\t" in head:
            raise DataError(f"{path}: first line {head[:60]!r} is neither the hdfs CSV header "
                            f"{','.join(HDFS_CSV_HEADER)!r} nor a DeepLog session line "
                            "(space-separated log-key numbers)")
        label = ABNORMAL if "abnormal" in path.name.lower() else NORMAL
        for n, line in enumerate([first] + list(f), start=1):
            line = line.strip()
            if not line:
                continue
            if not re.fullmatch(r"[0-9 ]+", line):
                raise DataError(f"{path}:{n}: not a DeepLog session line (space-separated "
                                "log-key numbers)")
            out.append(Sequence(f"{path.name}:{n}", label, role, "LOGKEY", line.split()))
    return out


def read_augur(path, role: Optional[str] = None) -> List[Sequence]:
    """The recorder's format. ``role``: keep only that role's lines (None: all)."""
    path = Path(path)
    out = []
    with _open(path) as f:
        header = f.readline().rstrip("\r\n").split("\t")
        if header != AUGUR_HEADER:
            raise DataError(f"{path}: header {header!r} is not the augur format's "
                            f"{'<TAB>'.join(AUGUR_HEADER)!r}")
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            cols = line.split("\t")
            if len(cols) != 5:
                raise DataError(f"{path}:{n}: {len(cols)} columns, the augur format has 5")
            if cols[3] not in KINDS:
                raise DataError(f"{path}:{n}: kind {cols[3]!r} is none of {KINDS}")
            if role is not None and cols[2] != role:
                continue
            out.append(Sequence(cols[1], _label(cols[0], path, n), cols[2], cols[3],
                                cols[4].split()))
    return out


def read(fmt: str, path, role: Optional[str] = None, map_i386: bool = False,
         unistd: str = UNISTD_32) -> List[Sequence]:
    """Read one file in format ``fmt`` (adfa | hdfs | augur)."""
    if fmt == "adfa":
        return read_adfa(path, role or "adfa", load_i386_names(unistd) if map_i386 else None)
    if fmt == "hdfs":
        return read_hdfs(path, role or "hdfs")
    if fmt == "augur":
        return read_augur(path, role)
    raise DataError(f"unknown format {fmt!r} (known: adfa, hdfs, augur)")


def read_all(fmt: str, paths: Iterable, **kw) -> List[Sequence]:
    out: List[Sequence] = []
    for p in paths:
        out.extend(read(fmt, p, **kw))
    return out


def split_key(seq: Sequence, seed: int = 0) -> str:
    import hashlib
    return hashlib.sha256(f"{seed}:{seq.name}:{' '.join(seq.calls)}".encode()).hexdigest()


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    import os
    return Path(os.environ.get("AUGUR_DATASETS", repo_root().parent / "shared" / "datasets"))

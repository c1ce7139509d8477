"""The parquet store: a year's validated tables in ``data/processed/<year>/``, and reading them back.

``qdanalysis ingest`` (:mod:`qdanalysis.run.ingest`) writes ``<table>.parquet`` files and a
``manifest.json`` with the SHA-256 of every source file and of this package's code. A stored
year is reused only when every source file still has that hash and the same code made it;
otherwise the workbooks are parsed again.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from qdanalysis import __version__
from qdanalysis.atomic import locked
from qdanalysis.paths import DATA_PROCESSED, year_folder
from qdanalysis.read.hashes import sha256, source_hashes
from qdanalysis.read.inputs import FRAME_NAMES

MANIFEST = "manifest.json"
#: The totals that are words, not figures (``adjustment``: 未调整 / 未披露).
TEXT_TOTALS = ("adjustment",)


def processed_root(out: str | Path | None = None) -> Path:
    """The store's root: ``out``, else ``data/processed`` (``QDANALYSIS_PROCESSED`` moves it)."""
    return Path(out if out is not None else DATA_PROCESSED)


def lock_path(out_dir: Path) -> Path:
    """The lock that ingest holds while it swaps a year's folder, and readers while they read it."""
    return out_dir.parent / f".{out_dir.name}.lock"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of this package's code: stored tables are reused only by the code that made them."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for f in sorted(package.rglob("*")):
        if f.suffix in (".py", ".yaml") and f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(package).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def json_default(value):
    """Decimals in the manifest are written as their exact text."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


def parquet_bytes(df: pd.DataFrame) -> bytes:
    import pyarrow.parquet as pq  # here, not for every command that reads a year (11 ms)

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf)
    return buf.getvalue()


def fresh_manifest(out_dir: Path, sources: list[dict], folder: Path | None = None) -> dict | None:
    """The manifest, if the stored tables are up to date with these sources (read from
    ``folder``, when given) and were made by this very code."""
    path = out_dir / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("sources") != sources or manifest.get("qdanalysis_version") != __version__:
        return None
    if manifest.get("code") != code_fingerprint():
        return None
    if folder is not None and manifest.get("source_path") != str(folder.resolve()):
        return None
    for info in manifest.get("tables", {}).values():
        file = out_dir / info["file"]
        if not file.exists() or sha256(file) != info["sha256"]:
            return None
    return manifest


def recover(out_dir: Path) -> None:
    """Put back the previous output if a run was killed between the two renames of a swap."""
    if out_dir.exists():
        for old in out_dir.parent.glob(f".{out_dir.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)
        return
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.rename(olds[-1], out_dir)


def swap_in(new_dir: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the complete ``new_dir``; a reader sees the old set or the new one."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(new_dir, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def read_processed(year: int, table: str, out: str | Path | None = None) -> pd.DataFrame:
    """Read a stored table back as the loader made it: money as exact decimals, text as
    object columns with None where empty."""
    folder = processed_root(out) / str(int(year))
    if not folder.exists():
        recover(folder)
    import pyarrow.parquet as pq

    arrow = pq.read_table(folder / f"{table}.parquet")
    df = arrow.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_decimal(t) else None)
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):  # the loaders keep text as plain objects
            values = df[col].astype(object)
            df[col] = values.where(df[col].notna(), None)
    return df


@dataclass
class Stored:
    """A year's frames read back from the store, with the manifest's figures."""

    out_dir: Path
    frames: dict[str, pd.DataFrame]
    totals: dict[str, Decimal | None]
    undisclosed: dict[str, Decimal | None]
    missing: list[str]
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def read_stored(year: int, root: str | Path | None = None, out: str | Path | None = None) -> Stored | None:
    """The year's frames from ``<out>/<year>/`` when ``ingest`` stored them from exactly the files
    now in ``<root>/<year>/`` with this very code; else None (a read-only or damaged store too)."""
    folder = year_folder(year, root)
    out_dir = processed_root(out) / str(int(year))
    if not (out_dir / MANIFEST).exists() or not folder.is_dir():
        return None
    sources = source_hashes(folder)
    try:
        with locked(lock_path(out_dir)):  # not while an ingest swaps the folder
            recover(out_dir)
            manifest = fresh_manifest(out_dir, sources, folder)
            if manifest is None:
                return None
            frames = {name: read_processed(year, name, out_dir.parent) for name in FRAME_NAMES}
    except (OSError, ValueError, pa.ArrowException):  # a read-only or damaged store: parse instead
        return None
    totals = {k: v if k in TEXT_TOTALS else _decimal(v) for k, v in manifest["totals"].items()}
    return Stored(out_dir, frames, totals,
                  {k: _decimal(v) for k, v in manifest["undisclosed"].items()}, list(manifest["missing"]),
                  list(manifest.get("notes", [])), list(manifest.get("unused", [])))


def _decimal(value):
    """A figure of the manifest's JSON back as the Decimal it was (None stays None)."""
    return None if value is None else Decimal(value)

"""``ingest``: load a year's raw workbooks, validate them, and store tidy parquet tables.

Outputs go to ``data/processed/<year>/<table>.parquet`` plus ``manifest.json`` with the
source files' hashes. Each file is written atomically and the manifest last, under a lock;
when the sources (and this package's version) have not changed, nothing is re-parsed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qdanalysis import __version__
from qdanalysis.atomic import locked, write_bytes, write_text
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.paths import DATA_PROCESSED
from qdanalysis.read.sheet import workbook_paths
from qdanalysis.read.loaders.budget import BudgetSheet
from qdanalysis.read.year import YearData, assemble, load_year, year_folder

MANIFEST = "manifest.json"
TABLE_NAMES = ("budget", "subtotals", "contracts", "lines", "sms", "indicators", "checks")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_hashes(year: int, root: str | Path | None = None) -> list[dict]:
    """Hashes of every file of the year's folder, the workbooks and what they point to (SMS
    message logs live below it), so that a changed log is re-read too."""
    folder = year_folder(year, root)
    files = sorted(f for f in folder.rglob("*") if f.is_file()
                   and not any(part.startswith((".", "~$")) for part in f.relative_to(folder).parts))
    return [{"file": f.relative_to(folder).as_posix(), "sha256": sha256(f), "bytes": f.stat().st_size} for f in files]


@dataclass
class IngestResult:
    year: int
    out_dir: Path
    skipped: bool
    manifest: dict


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, buf)
    return buf.getvalue()


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


def _fresh(out_dir: Path, sources: list[dict], folder: Path | None = None) -> dict | None:
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
    for name, info in manifest.get("tables", {}).items():
        file = out_dir / info["file"]
        if not file.exists() or sha256(file) != info["sha256"]:
            return None
    return manifest


def _recover(out_dir: Path) -> None:
    """Put back the previous output if a run was killed between the two renames of a swap."""
    if out_dir.exists():
        for old in out_dir.parent.glob(f".{out_dir.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)
        return
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.rename(olds[-1], out_dir)


def _swap_in(new_dir: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by the complete ``new_dir``; a reader sees the old set or the new one."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(new_dir, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def ingest(year: int, root: str | Path | None = None, out: str | Path | None = None, *, force: bool = False) -> IngestResult:
    """Validate ``<root>/<year>/`` and write its tables under ``<out>/<year>/``.

    The tables and the manifest are written into a new folder that then replaces the old one,
    so a run killed half-way leaves the previous complete set.

    Raises:
        ValidationError: the year's workbooks have problems (nothing is written then).
    """
    folder = year_folder(year, root)
    if not folder.is_dir():
        raise ValidationError(Problem(display_path(folder), "", None, "", f"找不到{year}年的数据文件夹",
                                      f"请把{year}年的工作簿放到 {display_path(folder)}/ 中"))
    out_dir = Path(out if out is not None else DATA_PROCESSED) / str(int(year))
    sources = source_hashes(year, root)
    with locked(out_dir.parent / f".{int(year)}.lock"):
        _recover(out_dir)
        if not force:
            manifest = _fresh(out_dir, sources)
            if manifest is not None:
                return IngestResult(int(year), out_dir, True, manifest)
        data = load_year(year, root, processed=False)
        new_dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        try:
            tables = {}
            for name, df in _tables(data).items():
                blob = _parquet_bytes(df)
                write_bytes(new_dir / f"{name}.parquet", blob)
                tables[name] = {"file": f"{name}.parquet", "rows": len(df), "sha256": hashlib.sha256(blob).hexdigest()}
            manifest = {
                "year": int(year),
                "qdanalysis_version": __version__,
                "code": code_fingerprint(),
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "source_folder": display_path(folder),
                "source_path": str(folder.resolve()),
                "sources": sources,
                "tables": tables,
                "totals": data.totals,
                "undisclosed": data.undisclosed,
                "warnings": data.warnings,
                "missing": data.missing,
            }
            write_text(new_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default))
            os.chmod(new_dir, 0o755)
            _swap_in(new_dir, out_dir)
        finally:
            if new_dir.exists():
                shutil.rmtree(new_dir, ignore_errors=True)
    return IngestResult(int(year), out_dir, False, json.loads(json.dumps(manifest, default=_json_default)))


def _tables(data: YearData) -> dict[str, pd.DataFrame]:
    return {"budget": data.budget, "subtotals": data.subtotals, "contracts": data.contracts, "lines": data.lines,
            "sms": data.sms, "indicators": data.indicators, "checks": data.checks}


def read_processed(year: int, table: str, out: str | Path | None = None) -> pd.DataFrame:
    """Read a stored table back as the loader made it: money as exact decimals, text as
    object columns with None where empty."""
    folder = Path(out if out is not None else DATA_PROCESSED) / str(int(year))
    if not folder.exists():
        _recover(folder)
    path = folder / f"{table}.parquet"
    arrow = pq.read_table(path)
    df = arrow.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_decimal(t) else None)
    for col in df.columns:
        if isinstance(df[col].dtype, pd.StringDtype):  # the loaders keep text as plain objects
            values = df[col].astype(object)
            df[col] = values.where(df[col].notna(), None)
    return df


def load_processed(year: int, root: str | Path | None = None, out: str | Path | None = None) -> YearData | None:
    """The year's data from ``<out>/<year>/`` (default ``data/processed``) when ``ingest`` stored
    it from exactly the files now in ``<root>/<year>/`` with this very code; else None.

    Nothing is parsed then: the tables are read back from parquet (a 100,000-row ledger in a
    fraction of the time its workbook takes) and the cross-checks recomputed from them.
    """
    folder = year_folder(year, root)
    out_dir = Path(out if out is not None else DATA_PROCESSED) / str(int(year))
    if not (out_dir / MANIFEST).exists() or not folder.is_dir():
        return None
    sources = source_hashes(year, root)
    try:
        with locked(out_dir.parent / f".{int(year)}.lock"):  # not while an ingest swaps the folder
            _recover(out_dir)
            manifest = _fresh(out_dir, sources, folder)
            if manifest is None:
                return None
            tables = {name: read_processed(year, name, out_dir.parent) for name in TABLE_NAMES if name != "checks"}
    except (OSError, ValueError, pa.ArrowException):  # a read-only or damaged store: parse instead
        return None
    budget = BudgetSheet(items=tables["budget"], subtotals=tables["subtotals"],
                         totals={k: _decimal(v) for k, v in manifest["totals"].items()},
                         undisclosed={k: _decimal(v) for k, v in manifest["undisclosed"].items()})
    results = {"budget": budget, **{k: tables[k] for k in ("contracts", "lines", "sms", "indicators")}}
    return assemble(int(year), folder, workbook_paths(folder), results, list(manifest["missing"]), processed=out_dir)


def _decimal(value):
    """A figure of the manifest's JSON back as the Decimal it was (None stays None)."""
    return None if value is None else Decimal(value)

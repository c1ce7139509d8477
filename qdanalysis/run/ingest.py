"""``ingest``: load a year's raw workbooks, validate them, and store tidy parquet tables.

Outputs go to ``data/processed/<year>/<table>.parquet`` plus ``manifest.json`` with the
source files' hashes (see :mod:`qdanalysis.read.store`). Each file is written atomically and the
manifest last, under a lock; when the sources (and this package's code) have not changed,
nothing is re-parsed. The cross-checks are stored beside the tables (``checks.parquet``) for
whoever reads the store without qdanalysis.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from qdanalysis import __version__
from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.atomic import locked, write_bytes, write_text
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.paths import year_folder
from qdanalysis.read import store
from qdanalysis.read.year import load_year

#: The cross-checks, stored beside the input tables (not read back: they are recomputed).
CHECKS = "checks"


@dataclass
class IngestResult:
    year: int
    out_dir: Path
    skipped: bool
    manifest: dict


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
    out_dir = store.processed_root(out) / str(int(year))
    sources = store.source_hashes(folder)
    with locked(store.lock_path(out_dir)):
        store.recover(out_dir)
        if not force:
            manifest = store.fresh_manifest(out_dir, sources)
            if manifest is not None:
                return IngestResult(int(year), out_dir, True, manifest)
        data = load_year(year, root, processed=False)
        checks = cross_checks(data.budget, data.contracts, data.lines, data.totals, data.year,
                              getattr(data, "self_funds", None))
        new_dir = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
        try:
            tables = {}
            for name, df in {**data.frames, CHECKS: checks}.items():
                blob = store.parquet_bytes(df)
                write_bytes(new_dir / f"{name}.parquet", blob)
                tables[name] = {"file": f"{name}.parquet", "rows": len(df), "sha256": hashlib.sha256(blob).hexdigest()}
            manifest = {
                "year": int(year),
                "qdanalysis_version": __version__,
                "code": store.code_fingerprint(),
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "source_folder": display_path(folder),
                "source_path": str(folder.resolve()),
                "sources": sources,
                "tables": tables,
                "totals": data.totals,
                "undisclosed": data.undisclosed,
                "warnings": warnings_from(checks),
                "missing": data.missing,
                "notes": data.notes,
                "unused": data.unused,
            }
            write_text(new_dir / store.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2,
                                                            default=store.json_default))
            os.chmod(new_dir, 0o755)
            store.swap_in(new_dir, out_dir)
        finally:
            if new_dir.exists():
                shutil.rmtree(new_dir, ignore_errors=True)
    return IngestResult(int(year), out_dir, False, json.loads(json.dumps(manifest, default=store.json_default)))

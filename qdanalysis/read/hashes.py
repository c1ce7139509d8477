"""SHA-256 of source files: one file, and every file of a year's folder.

The parquet store (:mod:`qdanalysis.read.store`) keys its tables on them, and the portfolio's runner
(:mod:`qdanalysis.run.portfolio`) its fingerprints; here without pandas, which the runner never needs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_hashes(folder: Path) -> list[dict]:
    """Hashes of every file of a year's folder, the workbooks and what they point to (SMS
    message logs live below it), so that a changed log is re-read too."""
    files = sorted(f for f in folder.rglob("*") if f.is_file()
                   and not any(part.startswith((".", "~$")) for part in f.relative_to(folder).parts))
    return [{"file": f.relative_to(folder).as_posix(), "sha256": sha256(f), "bytes": f.stat().st_size} for f in files]

"""Project paths, derived from this file so no absolute path appears anywhere."""

from __future__ import annotations

import os
from pathlib import Path

#: Where the code is: the checkout (or, installed, the folder holding the package).
SOURCE_ROOT = Path(__file__).resolve().parent.parent
#: The project folder, holding data/, params/ and reports/: the checkout, unless ``QDANALYSIS_PROJECT`` names
#: another one (the tests' own copy of the shipped data, so that they never read the user's; a worker's folder).
PROJECT_ROOT = Path(os.environ.get("QDANALYSIS_PROJECT") or SOURCE_ROOT)
DATA_RAW = PROJECT_ROOT / "data" / "raw"
#: Where ``ingest`` stores tables and ``load_year`` looks for them; ``QDANALYSIS_PROCESSED``
#: moves it (a scheduled job's own store, a benchmark's scratch folder).
DATA_PROCESSED = Path(os.environ.get("QDANALYSIS_PROCESSED") or PROJECT_ROOT / "data" / "processed")
REPORTS = PROJECT_ROOT / "reports"
PARAMS = PROJECT_ROOT / "params"
NOTEBOOKS = PROJECT_ROOT / "notebooks"


def year_folder(year: int, root: str | Path | None = None) -> Path:
    """``<root>/<year>/``: where a year's workbooks are (root defaults to ``data/raw``)."""
    return Path(root if root is not None else DATA_RAW) / str(int(year))


def project_path(path: str | Path) -> Path:
    """A path from a parameter file or a notebook: relative paths are relative to the project."""
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p

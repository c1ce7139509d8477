"""Project paths, derived from this file so no absolute path appears anywhere."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_RAW = PROJECT_ROOT / "data" / "raw"
#: Where ``ingest`` stores tables and ``load_year`` looks for them; ``QDANALYSIS_PROCESSED``
#: moves it (a scheduled job's own store, a benchmark's scratch folder).
DATA_PROCESSED = Path(os.environ.get("QDANALYSIS_PROCESSED") or PROJECT_ROOT / "data" / "processed")
REPORTS = PROJECT_ROOT / "reports"
PARAMS = PROJECT_ROOT / "params"
NOTEBOOKS = PROJECT_ROOT / "notebooks"

"""Project paths, derived from this file so no absolute path appears anywhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: Where the code is: the checkout (or, installed, the folder holding the package).
SOURCE_ROOT = Path(__file__).resolve().parent.parent
#: Whether the package runs from a checkout (``pip install -e``, PYTHONPATH) rather than an installed wheel.
IN_CHECKOUT = (SOURCE_ROOT / "pyproject.toml").is_file()
#: The project folder, holding data/, params/ and reports/: ``QDANALYSIS_PROJECT`` when set (the tests' own copy
#: of the shipped data, so that they never read the user's; a worker's folder), else the checkout, else (an
#: installed wheel) the folder the command is run in.
PROJECT_ROOT = Path(os.environ.get("QDANALYSIS_PROJECT") or (SOURCE_ROOT if IN_CHECKOUT else Path.cwd()))
DATA_RAW = PROJECT_ROOT / "data" / "raw"
#: Where ``ingest`` stores tables and ``load_year`` looks for them; ``QDANALYSIS_PROCESSED``
#: moves it (a scheduled job's own store, a benchmark's scratch folder).
DATA_PROCESSED = Path(os.environ.get("QDANALYSIS_PROCESSED") or PROJECT_ROOT / "data" / "processed")
REPORTS = PROJECT_ROOT / "reports"
PARAMS = PROJECT_ROOT / "params"


def _installed_notebooks() -> Path:
    """Where an installed wheel put the notebooks (its data files): ``<prefix>/share/qdanalysis/notebooks``, the
    prefix being the environment's, or the folder given to ``pip install --target``."""
    from importlib import metadata

    candidates = [Path(sys.prefix) / "share" / "qdanalysis" / "notebooks",
                  SOURCE_ROOT / "share" / "qdanalysis" / "notebooks"]  # pip install --target <folder>
    try:
        candidates[:0] = [Path(str(f.locate())).parent for f in metadata.distribution("qdanalysis").files or ()
                          if f.name.endswith(".ipynb") and f.parent.name == "notebooks"][:1]
    except metadata.PackageNotFoundError:
        pass
    return next((c.resolve() for c in candidates if c.is_dir()), candidates[-2])


#: The report notebooks: the checkout's, or those the installed wheel carries.
NOTEBOOKS = SOURCE_ROOT / "notebooks" if IN_CHECKOUT else _installed_notebooks()


def year_folder(year: int, root: str | Path | None = None) -> Path:
    """``<root>/<year>/``: where a year's workbooks are (root defaults to ``data/raw``)."""
    return Path(root if root is not None else DATA_RAW) / str(int(year))


def draft_path(out: str | Path | None, year: int) -> Path:
    """``<out>/<year>/<year>年绩效评价报告（初稿）.docx``, the Word draft of ``year`` (``out`` defaults to ``reports/``)."""
    root = Path(out) if out is not None else REPORTS
    return root / str(year) / f"{year}年绩效评价报告（初稿）.docx"


def project_path(path: str | Path) -> Path:
    """A path from a parameter file or a notebook: relative paths are relative to the project."""
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p

"""One year's data: every declared input table of ``data/raw/<year>/``, loaded and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED, is_year_name
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.money import known
from qdanalysis.paths import year_folder
from qdanalysis.read import (
    money,  # noqa: F401 - registers the .qd accessor for notebook users
    store,
)
from qdanalysis.read.columns import frame
from qdanalysis.read.folder import Skipped, skipped_files, workbook_paths
from qdanalysis.read.inputs import FRAME_DTYPES, FRAME_NAMES, INPUTS, read_inputs

__all__ = ["YearData", "load_year", "year_folder", "is_demo_folder", "load_processed"]

#: A folder of illustrative data holds this marker file (or ``示例数据_<year>.xlsx`` workbooks).
DEMO_MARKER_FILE = "DEMO"


@dataclass
class YearData:
    """The tables of one year, as tidy DataFrames with money in 元 (exact decimals).

    Each input table of :data:`qdanalysis.read.inputs.INPUTS` is an attribute: ``budget``,
    ``contracts``, ``lines``, ``sms``, ``indicators`` (an empty frame when no workbook holds it;
    ``missing`` names it), and ``subtotals`` holds the budget sheet's 小计 rows.

    Attributes:
        year: the budget year.
        folder: where the workbooks were read from.
        files: the workbooks read.
        frames: every table by name.
        totals: ``budget``, ``adjusted_budget``, ``executed``, ``execution_rate`` as the
            budget sheet's 合计 row states them.
        undisclosed: per money column, the part of the total that no item itemises (未披露).
        missing: the Chinese titles of the optional tables that no workbook holds.
        processed: the ``data/processed`` folder the tables were read back from, when
            ``ingest`` had stored them from these very workbooks (None: parsed now).
        demo: the folder holds illustrative data (示例数据), not real data.
        notes: where a table was read from when that is not its own sheet (the indicators from a
            unit's 自评表), in Chinese.
        unused: each sheet of the workbooks that no table used, with why, in Chinese.
        skipped: the files of the folder that are not read (a CSV, a lock file ``~$…``, an .xlsb…),
            each with the reason and the conversion hint.
    """

    year: int
    folder: Path
    files: list[Path]
    frames: dict[str, pd.DataFrame]
    totals: dict[str, object]
    undisclosed: dict[str, Decimal | None]
    missing: list[str] = field(default_factory=list)
    processed: Path | None = None
    demo: bool = False
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames")
        if frames is not None and name in frames:
            return frames[name]
        raise AttributeError(f"YearData has no table {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.__dict__.get("frames", {})))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The input tables by name, in the order they are declared."""
        return {t.name: self.frames[t.name] for t in INPUTS}

    def row_counts(self) -> list[tuple[str, str, int]]:
        """(name, Chinese title, rows) of each input table, in the order they are declared."""
        return [(t.name, t.title, len(self.frames[t.name])) for t in INPUTS]

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables().items())
        return f"YearData({self.year}, {sizes}, missing={len(self.missing)})"


def is_demo_folder(path: str | Path) -> bool:
    """Whether a folder holds demo data: a ``DEMO`` marker or a ``示例数据_*.xlsx`` workbook."""
    p = Path(path)
    if not p.is_dir():
        return False
    return (p / DEMO_MARKER_FILE).is_file() or any(f.is_file() for f in p.glob(f"{DEMO_LABEL}_*.xlsx"))


def load_year(year: int, root: str | Path | None = None, *, processed: bool = True) -> YearData:
    """Load every table of ``<root>/<year>/`` (root defaults to ``data/raw``).

    The budget table is required; the others may be absent (then empty, listed in ``missing``).
    Problems of every table are collected and raised together.

    Args:
        year: the budget year.
        root: the folder holding ``<year>/``.
        processed: reuse what ``ingest`` stored in ``data/processed/<year>/`` when it was made
            from exactly these files by this very code (SHA-256 of each); False always parses.

    Raises:
        ValidationError: every problem found in the year's workbooks.
    """
    folder = year_folder(year, root)
    if not folder.is_dir():
        others = sorted(p.name for p in folder.parent.iterdir() if p.is_dir() and is_year_name(p.name)) \
            if folder.parent.is_dir() else []
        have = f"；已有的年度：{'、'.join(others)}" if others else ""
        raise ValidationError(Problem(display_path(folder), "", None, "", f"找不到{year}年的数据文件夹",
                                      f"请把{year}年的工作簿放到 {display_path(folder)}/ 中{have}"))
    if processed:
        stored = load_processed(year, root)
        if stored is not None:
            return stored
    found = read_inputs(folder, int(year))
    if found.problems:
        raise ValidationError(found.problems)
    budget = found.loaded["budget"]
    frames: dict[str, pd.DataFrame] = {}
    for table in INPUTS:
        frames.update(table.frames(found.loaded[table.name]) if table.name in found.loaded else {})
    missing = [t.title for t in found.missing if not t.evaluator and not t.ledger]
    return assemble(int(year), folder, frames, budget.totals, budget.undisclosed, missing, notes=found.notes,
                    unused=found.unused)


def load_processed(year: int, root: str | Path | None = None, out: str | Path | None = None) -> YearData | None:
    """The year's data from ``<out>/<year>/`` (default ``data/processed``) when ``ingest`` stored
    it from exactly the files now in ``<root>/<year>/`` with this very code; else None.

    Nothing is parsed then: the tables are read back from parquet (a 100,000-row ledger in a
    fraction of the time its workbook takes).
    """
    stored = store.read_stored(year, root, out)
    if stored is None:
        return None
    return assemble(int(year), year_folder(year, root), stored.frames, stored.totals, stored.undisclosed,
                    stored.missing, processed=stored.out_dir, notes=stored.notes, unused=stored.unused)


class Totals(dict):
    """The budget sheet's stated totals (``budget``, ``adjusted_budget``, ``executed``, ``execution_rate``).

    The values stay exact (Decimal; None when the sheet does not state one). They are single figures, so 未披露 is
    None, never ``<NA>`` or NaN (the convention of :mod:`qdanalysis.money`): a missing marker given to a Totals, a
    frame's cell say, is stored as None, so that ``totals.get(key) is None`` is the whole test. Shown in a notebook,
    a ratio is rounded to four decimals and an unknown figure reads 未披露, instead of a 28-digit Decimal beside ``None``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, known(value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: object = None) -> object:
        if key not in self:
            self[key] = default
        return self[key]

    def __repr__(self) -> str:
        def shown(key: str, value: object) -> str:
            if value is None:
                return UNDISCLOSED
            if key.endswith("rate") and isinstance(value, Decimal):
                return str(value.quantize(Decimal("0.0001")))
            return repr(value) if not isinstance(value, Decimal) else str(value)

        return "{" + ", ".join(f"{k!r}: {shown(k, v)}" for k, v in self.items()) + "}"


def assemble(year: int, folder: Path, frames: dict[str, pd.DataFrame], totals: dict, undisclosed: dict,
             missing: list[str], *, processed: Path | None = None, notes: list[str] | None = None,
             unused: list[str] | None = None) -> YearData:
    """A YearData from loaded frames; a table that no workbook holds becomes an empty frame."""
    complete = {name: frames[name] if frames.get(name) is not None else frame([], dict(FRAME_DTYPES[name]))
                for name in FRAME_NAMES}
    return YearData(year=int(year), folder=folder, files=workbook_paths(folder), frames=complete, totals=Totals(totals),
                    undisclosed=undisclosed, missing=list(missing), processed=processed,
                    demo=is_demo_folder(folder), notes=list(notes or ()), unused=list(unused or ()),
                    skipped=skipped_files(folder))

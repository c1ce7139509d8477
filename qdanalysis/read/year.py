"""One year's data: every table of ``data/raw/<year>/`` loaded and cross-checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.analyse import checks
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.read.loaders import load_contracts, load_indicators, load_lines, load_sms, read_budget
from qdanalysis.read.sheet import shared_reads, workbook_paths
from qdanalysis.paths import DATA_RAW
from qdanalysis.read.schema import TABLES


@dataclass
class YearData:
    """The tables of one year, as tidy DataFrames with money in 元 (exact decimals).

    Attributes:
        year: the budget year.
        folder: where the workbooks were read from.
        files: the workbooks read.
        budget, contracts, lines, sms, indicators: the tables (empty frames when a
            workbook has no such sheet; ``missing`` names them).
        subtotals: the budget sheet's 小计 rows.
        totals: ``budget``, ``adjusted_budget``, ``executed``, ``execution_rate`` as the
            budget sheet's 合计 row states them.
        undisclosed: per money column, the part of the total that no item itemises (未披露).
        checks: the cross-checks (see :mod:`qdanalysis.analyse.checks`).
        warnings: Chinese data warnings: figures that contradict each other.
        missing: optional tables that no workbook holds.
        processed: the ``data/processed`` folder the tables were read back from, when
            ``ingest`` had stored them from these very workbooks (None: parsed now).
    """

    year: int
    folder: Path
    files: list[Path]
    budget: pd.DataFrame
    subtotals: pd.DataFrame
    contracts: pd.DataFrame
    lines: pd.DataFrame
    sms: pd.DataFrame
    indicators: pd.DataFrame
    totals: dict[str, object]
    undisclosed: dict[str, Decimal | None]
    checks: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    processed: Path | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The five input tables by name (budget, contracts, lines, sms, indicators)."""
        return {"budget": self.budget, "contracts": self.contracts, "lines": self.lines,
                "sms": self.sms, "indicators": self.indicators}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables().items())
        return f"YearData({self.year}, {sizes}, warnings={len(self.warnings)})"


def year_folder(year: int, root: str | Path | None = None) -> Path:
    return Path(root if root is not None else DATA_RAW) / str(int(year))


def load_year(year: int, root: str | Path | None = None, *, processed: bool = True) -> YearData:
    """Load and cross-check every table of ``<root>/<year>/`` (root defaults to ``data/raw``).

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
        raise ValidationError(Problem(display_path(folder), "", None, "", f"找不到{year}年的数据文件夹",
                                      f"请把{year}年的工作簿放到 {display_path(folder)}/ 中"))
    if processed:
        from qdanalysis.run.ingest import load_processed

        stored = load_processed(year, root)
        if stored is not None:
            return stored
    files = workbook_paths(folder)
    problems: list[Problem] = []
    results: dict[str, object] = {}
    missing: list[str] = []
    loaders = {"budget": read_budget, "contracts": load_contracts, "lines": load_lines,
               "sms": lambda p: load_sms(p, year=year), "indicators": load_indicators}
    with shared_reads():
        _load_all(loaders, folder, results, problems, missing)
    if problems:
        raise ValidationError(problems)
    return assemble(year, folder, files, results, missing)


def _load_all(loaders, folder, results, problems, missing) -> None:
    for key, loader in loaders.items():
        try:
            results[key] = loader(folder)
        except ValidationError as err:
            if key != "budget" and _only_absent(err, TABLES[key].title):
                missing.append(TABLES[key].title)
                results[key] = None
                continue
            problems.extend(p for p in err.problems if p not in problems)


def assemble(year: int, folder: Path, files: list[Path], results: dict, missing: list[str], *,
             processed: Path | None = None) -> YearData:
    """A YearData from loaded tables (``results``: a BudgetSheet and four frames or None), with
    the cross-checks and warnings computed from them."""
    budget = results["budget"]
    from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES
    from qdanalysis.read.loaders.indicators import INDICATOR_DTYPES
    from qdanalysis.read.loaders.lines import LINE_DTYPES
    from qdanalysis.read.loaders.sms import SMS_DTYPES
    from qdanalysis.read.sheet import frame

    empty = {"contracts": CONTRACT_DTYPES, "lines": LINE_DTYPES, "sms": SMS_DTYPES, "indicators": INDICATOR_DTYPES}
    tables = {k: (results[k] if results[k] is not None else frame([], empty[k])) for k in empty}
    checks_df = checks.cross_checks(budget.items, tables["contracts"], tables["lines"], budget.totals, int(year))
    return YearData(
        year=int(year), folder=folder, files=files, budget=budget.items, subtotals=budget.subtotals,
        contracts=tables["contracts"], lines=tables["lines"], sms=tables["sms"], indicators=tables["indicators"],
        totals=budget.totals, undisclosed=budget.undisclosed, checks=checks_df,
        warnings=checks.warnings_from(checks_df), missing=missing, processed=processed,
    )


def _only_absent(err: ValidationError, title: str) -> bool:
    return all(p.message == f"找不到「{title}」表" for p in err.problems)

"""The year's input tables, declared once: name, Chinese sheet title, loader, required or optional.

``load_year``, the parquet store, ``ingest``, ``validate``, ``summary`` and ``template`` loop over
:data:`INPUTS`. Adding a table (a payment ledger 支付明细, say) means a :class:`SheetSchema` in
:mod:`qdanalysis.read.schema`, a loader, one line here and the analyses that use it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.errors import MissingTableError, Problem, ValidationError, display_path
from qdanalysis.read import schema
from qdanalysis.read.columns import frame
from qdanalysis.read.folder import shared_reads, workbook_paths
from qdanalysis.read.loaders.budget import BUDGET_DTYPES, SUBTOTAL_DTYPES, BudgetSheet, read_budget
from qdanalysis.read.loaders.budget_system import ECONOMIC_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES, load_contracts
from qdanalysis.read.loaders.followup import FOLLOWUP_DTYPES, PRIOR_DTYPES, load_followup, load_prior_problems
from qdanalysis.read.loaders.indicators import FUNDS_DTYPES, INDICATOR_DTYPES, IndicatorSheet, read_indicators
from qdanalysis.read.loaders.lines import LINE_DTYPES, load_lines
from qdanalysis.read.loaders.payments import PAYMENT_DTYPES, load_payments
from qdanalysis.read.loaders.sms import SMS_DTYPES, load_sms
from qdanalysis.read.loaders.team import DECISION_DTYPES, TEAM_DTYPES, load_decisions, load_team_findings
from qdanalysis.read.loaders.texts import (
    PROJECT_DTYPES,
    RECORD_DTYPES,
    RESULT_DTYPES,
    load_project,
    load_record,
    load_results,
)
from qdanalysis.read.locate import sheets_used
from qdanalysis.read.schema import SheetSchema
from qdanalysis.read.unused import unused_sheets


@dataclass(frozen=True)
class InputTable:
    """One input table of a year.

    Attributes:
        name: the table's name in code (``contracts``); also its stored file and its
            attribute on :class:`~qdanalysis.read.year.YearData`.
        schema: its sheet: Chinese title, header keywords, columns.
        loader: ``loader(path)`` (or ``loader(path, year=...)`` when ``needs_year``) reads it
            from a workbook or a folder of workbooks.
        dtypes: the columns of its frame, for an empty one when no workbook holds the table.
        required: a year without it is refused; an optional table may be absent.
        needs_year: the loader reads year-less dates (``1月``) in the year being loaded.
        evaluator: a sheet the evaluator adds (项目信息, 产出与成效): its absence is not reported
            as data the year lacks.
        ledger: an optional ledger that only adds evidence (支付明细): a year without it shows nothing of it and
            is not listed as lacking data in its report; ``validate`` names it among the optional tables not given.
    """

    name: str
    schema: SheetSchema
    loader: Callable[..., Any]
    dtypes: Mapping[str, Any]
    required: bool = False
    needs_year: bool = False
    evaluator: bool = False
    ledger: bool = False

    @property
    def title(self) -> str:
        return self.schema.title

    def load(self, path: str | Path, year: int | None = None) -> Any:
        """What the loader returns for ``path`` (a frame; the budget's :class:`BudgetSheet`)."""
        return self.loader(path, year=year) if self.needs_year else self.loader(path)

    def frames(self, loaded: Any) -> dict[str, pd.DataFrame]:
        """The frames a loaded table contributes to a year, by name (the budget adds its 小计 rows)."""
        if isinstance(loaded, BudgetSheet):
            economic = loaded.economic if loaded.economic is not None else frame([], ECONOMIC_DTYPES)
            return {self.name: loaded.items, SUBTOTALS: loaded.subtotals, ECONOMIC: economic}
        if isinstance(loaded, IndicatorSheet):
            return {self.name: loaded.indicators, SELF_FUNDS: loaded.funds}
        return {self.name: loaded}

    def empty(self) -> pd.DataFrame:
        return frame([], dict(self.dtypes))

    def rows(self, loaded: Any) -> int:
        return len(self.frames(loaded)[self.name])


#: The 小计 rows of the budget sheet, kept beside its items.
SUBTOTALS = "subtotals"
#: The budget's rows by 支出经济分类 (the 预算管理一体化 export), kept beside its items.
ECONOMIC = "economic"
#: The 资金 block of a unit's 自评表, kept beside the indicators it came with.
SELF_FUNDS = "self_funds"

INPUTS: tuple[InputTable, ...] = (
    InputTable("budget", schema.BUDGET, read_budget, BUDGET_DTYPES, required=True),
    InputTable("contracts", schema.CONTRACTS, load_contracts, CONTRACT_DTYPES),
    InputTable("lines", schema.LINES, load_lines, LINE_DTYPES),
    InputTable("sms", schema.SMS, load_sms, SMS_DTYPES, needs_year=True),
    InputTable("indicators", schema.INDICATORS, read_indicators, INDICATOR_DTYPES),
    InputTable("payments", schema.PAYMENTS, load_payments, PAYMENT_DTYPES, needs_year=True, ledger=True),
    InputTable("results", schema.RESULTS, load_results, RESULT_DTYPES, evaluator=True),
    InputTable("project", schema.PROJECT, load_project, PROJECT_DTYPES, evaluator=True),
    InputTable("record", schema.RECORD, load_record, RECORD_DTYPES, evaluator=True),
    InputTable("team_findings", schema.TEAM_FINDINGS, load_team_findings, TEAM_DTYPES, evaluator=True),
    InputTable("decisions", schema.FINDING_DECISIONS, load_decisions, DECISION_DTYPES, evaluator=True),
    InputTable("followup", schema.FOLLOWUP, load_followup, FOLLOWUP_DTYPES, evaluator=True),
    InputTable("prior_problems", schema.PRIOR_PROBLEMS, load_prior_problems, PRIOR_DTYPES, evaluator=True),
)

BY_NAME: dict[str, InputTable] = {t.name: t for t in INPUTS}

#: The figures of each table that a user fills in year by year, as (what ``validate`` calls them, the frame's
#: columns): a row counts as blank there when every one of those columns is empty. Blank is 未披露, not an
#: error; ``validate`` counts the blank rows, so that a year started by ``new-year`` shows what is left to fill.
FIGURES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "budget": (("预算数", ("budget",)), ("执行数", ("executed",))),
    "contracts": (("合同金额或单价", ("amount", "unit_price")),),
    "lines": (("月租", ("monthly_fee",)),),
    "sms": (("条数", ("count",)), ("金额", ("amount",))),
    "indicators": (("实际完成值", ("actual_text",)),),
    "payments": (("金额", ("amount",)),),
}


def blank_figures(name: str, table: pd.DataFrame) -> dict[str, int]:
    """How many rows of ``table`` (the frame of input table ``name``) leave each of its :data:`FIGURES` blank."""
    counts = {}
    for label, columns in FIGURES.get(name, ()):
        blank = table[list(columns)].isna().all(axis=1).sum()
        if blank:
            counts[label] = int(blank)
    return counts

#: Every frame a year holds: each input table, and the budget's subtotals after it.
FRAME_NAMES: tuple[str, ...] = ("budget", SUBTOTALS, ECONOMIC, *(t.name for t in INPUTS if t.name != "budget"), SELF_FUNDS)

#: The frame dtypes by frame name, for empty frames.
FRAME_DTYPES: dict[str, Mapping[str, Any]] = {**{t.name: t.dtypes for t in INPUTS}, SUBTOTALS: SUBTOTAL_DTYPES,
                                               ECONOMIC: ECONOMIC_DTYPES, SELF_FUNDS: FUNDS_DTYPES}


@dataclass
class InputsRead:
    """What :func:`read_inputs` found in a workbook or folder.

    Attributes:
        loaded: each table found, by name, as its loader returned it (empty unless ``keep``).
        rows: the number of rows of each table found, by name.
        blank: for each table found, how many rows leave each of its :data:`FIGURES` blank (未披露).
        missing: the tables that no workbook holds.
        problems: every problem of every table, in the order of :data:`INPUTS`.
        notes: where a table was read from when that is not its own sheet (the indicators from a
            unit's 自评表), in Chinese.
        unused: each sheet that no table used, with why (:func:`~qdanalysis.read.unused.unused_sheets`).
    """

    loaded: dict[str, Any]
    rows: dict[str, int]
    missing: list[InputTable]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    blank: dict[str, dict[str, int]] = field(default_factory=dict)


def read_inputs(path: str | Path, year: int | None = None, *, require: bool = True, keep: bool = True) -> InputsRead:
    """Load every declared table of ``path``, each workbook read once, collecting every problem.

    Args:
        path: a workbook or a folder of workbooks.
        year: the year that year-less dates (``1月``) belong to.
        require: a required table that is absent is a problem; False lists it as missing only.
        keep: keep what each loader returned (False: only count the rows, so that a large table
            is not held while the next one is read).
    """
    out = InputsRead({}, {}, [], [])
    copies = copied_workbooks(path)
    if copies:  # one message a copy, not a duplicate-item error for every row of the original
        out.problems.extend(copies)
        return out
    with shared_reads(), sheets_used() as used:
        for table in INPUTS:
            try:
                loaded = table.load(path, year)
            except MissingTableError as err:
                out.missing.append(table)
                if table.required and require:
                    out.problems.extend(p for p in err.problems if p not in out.problems)
                continue
            except ValidationError as err:
                out.problems.extend(p for p in err.problems if p not in out.problems)
                continue
            out.rows[table.name] = table.rows(loaded)
            out.notes.extend(getattr(loaded, "notes", ()))
            out.blank[table.name] = blank_figures(table.name, table.frames(loaded)[table.name])
            if keep:
                out.loaded[table.name] = loaded
            del loaded
        out.unused = unused_sheets(path, used, tuple(t.schema for t in INPUTS))
    return out


#: How a copied file is named by Windows, WPS and macOS (2020年专项业务费 - 副本.xlsx, …(1).xlsx, … copy.xlsx).
_COPY_NAME = re.compile(r"^(?P<stem>.+?)(?:\s*[-－—]\s*副本(?:\s*[（(]\d+[）)])?|\s*[（(]\d+[）)]|\s+(?:copy|副本)(?:\s*\d+)?)$",
                        re.IGNORECASE)


def copied_workbooks(path: str | Path) -> list[Problem]:
    """In a folder, each workbook that is a copy of another: the same bytes, or a name such as
    ``… - 副本.xlsx`` beside its original. One problem a copy, naming both files."""
    folder = Path(path)
    if not folder.is_dir():
        return []
    files = workbook_paths(folder)
    by_name = {f.stem: f for f in files}
    copy_of: dict[Path, Path] = {}
    for f in files:  # by name: … - 副本.xlsx beside its original
        match = _COPY_NAME.match(f.stem)
        original = by_name.get(match.group("stem")) if match else None
        if original is not None and original != f:
            copy_of[f] = original
    groups: dict[str, list[Path]] = {}
    for f in files:  # by content: the same bytes under any name
        groups.setdefault(hashlib.sha256(f.read_bytes()).hexdigest(), []).append(f)
    identical: set[Path] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = next((f for f in group if f not in copy_of), group[0])
        for f in group:
            if f != keep:
                copy_of[f] = keep
                identical.add(f)
    problems = []
    for copy, original in sorted(copy_of.items()):
        if copy in identical:
            message = f"与「{original.name}」内容完全相同，是同一工作簿的副本；同一年度的数据会被读两次"
            hint = f"请删除或移出「{copy.name}」，文件夹中只保留「{original.name}」"
        else:
            message = f"看起来是「{original.name}」的副本（文件名带“副本”或编号）；两份工作簿的数据会被合在一起读取"
            hint = f"请确认哪一份是最新的，删除或移出另一份（「{copy.name}」或「{original.name}」）"
        problems.append(Problem(display_path(copy), "", None, "", message, hint))
    return problems

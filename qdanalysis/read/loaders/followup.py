"""Loaders for what is known of the year before's problems: the team's 整改情况 record (what became of each
one) and 上年主要问题 (the previous report's exported 主要问题 sheet, when that year's data is not beside this one).

Both are optional and may sit in any workbook of the year's folder, in a sheet named for them. A row with a
cell that starts with 【示例】 is the template's worked example and is skipped. Whether a 问题编号 is one of the
year before's problems is checked when the year is analysed (:func:`qdanalysis.analyse.followup.follow_up`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import FOLLOWUP_STATUSES
from qdanalysis.read import parsing
from qdanalysis.read.columns import as_date
from qdanalysis.read.loaders.team_sheet import SheetRow, read_team_sheet
from qdanalysis.read.schema import FOLLOWUP, PRIOR_PROBLEMS
from qdanalysis.read.xlsx import collector_paused

FOLLOWUP_DTYPES = {"code": object, "title": object, "category": object, "status": object, "measures": object,
                   "evidence": object, "evaluator": object, "date": "date",
                   "src_file": object, "src_sheet": object, "src_row": "Int64"}
PRIOR_DTYPES = {"number": object, "code": object, "title": object, "severity": object, "category": object,
                "basis": object, "advice": object, "origin": object, "decision": object,
                "src_file": object, "src_sheet": object, "src_row": "Int64"}


@collector_paused()
def load_followup(path: str | Path) -> pd.DataFrame:
    """整改情况: the team's word on one problem of the year before a row, by its 问题编号.

    A row with a 问题编号 (and its title) and nothing else is a problem not checked yet (``new-year`` lists
    every problem of the year before): it is kept without a status, so the report shows the rule's
    proposal or 待核实.

    Raises:
        ValidationError: a row without 问题编号, a 整改状态 that is not 已整改/部分整改/未整改/待核实, the same
            问题编号 written twice; each naming file, sheet, row and column.
    """
    return read_team_sheet(path, FOLLOWUP, FOLLOWUP_DTYPES, _followup)


def _followup(row: SheetRow) -> dict[str, Any]:
    code = row.text("code")
    if code is None:
        row.refuse("code", "缺少问题编号",
                   "请填写上年问题的编号（见上年报告导出表“主要问题”的编号列，如 F04），或删除这一行")
    code = parsing.finding_code(code)
    status = row.word("status", "整改状态", FOLLOWUP_STATUSES)
    row.once(code, "code", f"问题编号{code}", "已有这一问题", "每个问题编号只写一行；请保留最终的整改情况，删除另一行")
    return {"code": code, **{k: row.text(k) for k in ("title", "category")}, "status": status,
            **{k: row.text(k) for k in ("measures", "evidence", "evaluator")},
            "date": as_date(row.rec.values.get("date"))}


@collector_paused()
def load_prior_problems(path: str | Path) -> pd.DataFrame:
    """上年主要问题: the previous report's problems as its Excel export lists them, one a row.

    Raises:
        ValidationError: a row without 编号 or 问题, the same 编号 written twice; each naming file, sheet, row
            and column.
    """
    return read_team_sheet(path, PRIOR_PROBLEMS, PRIOR_DTYPES, _prior_problem)


def _prior_problem(row: SheetRow) -> dict[str, Any]:
    code, title = row.text("code"), row.text("title")
    if code is None or title is None:
        missing = "code" if code is None else "title"
        row.refuse(missing, f"缺少{PRIOR_PROBLEMS.column(missing).header}",
                   "请按上年报告导出表“主要问题”原样复制编号和问题，或删除这一行")
    code = parsing.finding_code(code)
    row.once(code, "code", f"编号{code}", "已有这一问题", "每个编号只写一行；请删除重复的一行")
    return {"number": row.text("number"), "code": code, "title": title,
            **{k: row.text(k) for k in ("severity", "category", "basis", "advice", "origin", "decision")}}

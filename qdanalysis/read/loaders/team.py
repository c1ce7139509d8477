"""Loaders for the evaluation team's two sheets about problems: 评价发现 (what the team found in its fieldwork)
and 发现处理 (its decision on each problem the data shows: 采纳, 修改 with its wording, 不采纳 with the reason).

Both are optional and may sit in any workbook of the year's folder, in a sheet named for them. A row with a
cell that starts with 【示例】 is the template's worked example and is skipped. What depends on the year's
findings (a code that no finding has) is checked when the year is analysed
(:func:`qdanalysis.analyse.team.apply_decisions`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import DIMENSIONS
from qdanalysis.read import parsing
from qdanalysis.read.columns import as_date
from qdanalysis.read.loaders.team_sheet import SheetRow, read_team_sheet
from qdanalysis.read.schema import AMEND, DECISIONS, FINDING_DECISIONS, REJECT, SEVERITY_WORDS, TEAM_FINDINGS
from qdanalysis.read.xlsx import collector_paused

TEAM_DTYPES = {"category": object, "level2": object, "title": object, "detail": object, "basis": object,
               "cause": object, "advice": object, "indicators": object, "severity": object, "evaluator": object,
               "date": "date", "src_file": object, "src_sheet": object, "src_row": "Int64"}
DECISION_DTYPES = {"code": object, "original": object, "decision": object, "title": object, "detail": object,
                   "advice": object, "reason": object, "evaluator": object, "date": "date",
                   "src_file": object, "src_sheet": object, "src_row": "Int64"}
#: How several indicator names are separated in one 关联指标 cell.
_SEPARATORS = re.compile(r"[、，,；;\n]+")


def indicator_names(text: object) -> tuple[str, ...]:
    """``资金使用合规性、预算编制科学性`` -> both names, as written (blank -> none)."""
    if parsing.is_blank(text):
        return ()
    return tuple(dict.fromkeys(n.strip() for n in _SEPARATORS.split(parsing.clean_text(text)) if n.strip()))


@collector_paused()
def load_team_findings(path: str | Path) -> pd.DataFrame:
    """评价发现: one problem the team found a row, its words as written.

    Raises:
        ValidationError: a row without 问题, a 类别 that is not 决策/过程/产出/效益, a 严重程度 that is
            not 高/中/低, the same 问题 written twice; each naming file, sheet, row and column.
    """
    return read_team_sheet(path, TEAM_FINDINGS, TEAM_DTYPES, _team_finding)


def _team_finding(row: SheetRow) -> dict[str, Any]:
    title = row.text("title")
    if title is None:
        row.refuse("title", "缺少问题", "请用一句话写明问题（如 立项程序欠规范），或删除这一行")
    category = row.text("category")
    if category is None:
        row.refuse("category", f"问题「{title}」缺少类别", f"类别请填写：{'、'.join(DIMENSIONS)}")
    if category not in DIMENSIONS:
        row.refuse("category", f"类别「{category}」无法识别",
                   f"类别只能填写：{'、'.join(DIMENSIONS)}（财预〔2020〕10号的四个一级指标）")
    severity = row.word("severity", "严重程度", SEVERITY_WORDS)
    row.once(parsing.compact(title), "title", f"问题「{title}」", "已有这一问题",
             "同一问题只写一行；请合并两行后删除其中一行")
    return {"category": category, "level2": row.text("level2"), "title": title, "detail": row.text("detail"),
            "basis": row.text("basis"), "cause": row.text("cause"), "advice": row.text("advice"),
            "indicators": "、".join(indicator_names(row.rec.raw.get("indicators"))) or None, "severity": severity,
            "evaluator": row.text("evaluator"), "date": as_date(row.rec.values.get("date"))}


@collector_paused()
def load_decisions(path: str | Path) -> pd.DataFrame:
    """发现处理: the team's decision on one finding of the data a row, by the finding's 编号.

    A row with a 编号 and nothing else is a finding not decided yet (``qdanalysis template --year`` lists
    every finding of the year): it is skipped, and the finding stays a proposal.

    Raises:
        ValidationError: a row without 编号, a 处理意见 that is not 采纳/修改/不采纳, words without a
            处理意见, 修改 without the team's
            wording, 不采纳 without the reason, the same 编号 written twice; each naming file, sheet, row and
            column.
    """
    return read_team_sheet(path, FINDING_DECISIONS, DECISION_DTYPES, _decision)


def _decision(row: SheetRow) -> dict[str, Any] | None:
    code = row.text("code")
    if code is None:
        row.refuse("code", "缺少编号", "请填写所处理问题的编号（见报告导出表“主要问题”的编号列，如 F04），或删除这一行")
    code = parsing.finding_code(code)
    decision = row.text("decision")
    wording = {k: row.text(k) for k in ("title", "detail", "advice")}
    reason = row.text("reason")
    if decision is None:
        if any(wording.values()) or reason:  # words without a decision: which one was meant is not known
            row.refuse("decision", f"编号{code}填写了修改后的表述或理由，但没有处理意见",
                       f"处理意见请填写：{'、'.join(DECISIONS)}")
        return None  # a row listed but not decided yet (the template lists every finding): still a proposal
    decision = row.word("decision", "处理意见", DECISIONS)
    if decision == AMEND and not any(wording.values()):
        row.refuse("decision", f"编号{code}的处理意见为“修改”，但没有填写修改后的表述",
                   "请在“修改后问题”“修改后具体情况”“修改后建议”中至少填写一项；照原文采纳的请填写“采纳”")
    if decision == REJECT and reason is None:
        row.refuse("reason", f"编号{code}的处理意见为“不采纳”，但没有填写理由", "请在“理由”列写明不采纳的理由（写入报告附件）",
                   column=None if "reason" in row.loc.col_index else "理由")
    row.once(code, "code", f"编号{code}", "已处理这一问题", "每个编号只写一行；请保留最终的处理意见，删除另一行")
    return {"code": code, "original": row.text("original"), "decision": decision, **wording, "reason": reason,
            "evaluator": row.text("evaluator"), "date": as_date(row.rec.values.get("date"))}

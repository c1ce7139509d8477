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

import pandas as pd

from qdanalysis.domain import DIMENSIONS
from qdanalysis.read import parsing
from qdanalysis.read.columns import Record, as_date, frame, provenance, raise_problems, read_records
from qdanalysis.read.locate import Located, locate
from qdanalysis.read.schema import (
    AMEND,
    DECISIONS,
    EXAMPLE_MARK,
    FINDING_DECISIONS,
    REJECT,
    SEVERITY_WORDS,
    TEAM_FINDINGS,
    SheetSchema,
)
from qdanalysis.read.xlsx import collector_paused

TEAM_DTYPES = {"category": object, "level2": object, "title": object, "detail": object, "basis": object,
               "cause": object, "advice": object, "indicators": object, "severity": object, "evaluator": object,
               "date": "date", "src_file": object, "src_sheet": object, "src_row": "Int64"}
DECISION_DTYPES = {"code": object, "original": object, "decision": object, "title": object, "detail": object,
                   "advice": object, "reason": object, "evaluator": object, "date": "date",
                   "src_file": object, "src_sheet": object, "src_row": "Int64"}
#: How several indicator names are separated in one 关联指标 cell.
_SEPARATORS = re.compile(r"[、，,；;\n]+")


def is_example(rec: Record) -> bool:
    """The template's worked example: a cell of the row starts with 【示例】."""
    return any(isinstance(v, str) and v.strip().startswith(EXAMPLE_MARK) for _, v in rec.raw.items())


def indicator_names(text: object) -> tuple[str, ...]:
    """``资金使用合规性、预算编制科学性`` -> both names, as written (blank -> none)."""
    if parsing.is_blank(text):
        return ()
    return tuple(dict.fromkeys(n.strip() for n in _SEPARATORS.split(parsing.clean_text(text)) if n.strip()))


def _text(rec: Record, key: str) -> str | None:
    value = rec.raw.get(key)
    return None if parsing.is_blank(value) else parsing.clean_text(value)


def _records(path: str | Path, schema: SheetSchema):
    """``(collector, located, record)`` for each row of the sheet in every workbook, the example row skipped."""
    located, collectors = locate(path, schema)
    collector_of = {c.file: c for c in collectors}
    rows = []
    for loc in located:
        collector = collector_of[loc.file]
        rows.extend((collector, loc, rec) for rec in read_records(loc, schema, collector) if not is_example(rec))
    return rows, collectors


def _word(collector, loc: Located, rec: Record, key: str, label: str, allowed: tuple[str, ...]) -> str | None:
    """The cell's word when it is one of ``allowed``; else a problem naming the words accepted (None)."""
    value = _text(rec, key)
    if value is None or value in allowed:
        return value
    collector.add(loc.sheet, rec.row, loc.where(key), f"{label}「{value}」无法识别",
                  f"{label}只能填写：{'、'.join(allowed)}")
    return None


def repeated(seen: dict[str, tuple[str, str, int]], key: str, collector, loc: Located, rec: Record, column: str,
             label: str, then: str, advice: str) -> bool:
    """Whether ``key`` was written in an earlier row (of any workbook of the folder): then the problem is noted,
    naming that row (``<label>重复：《file》「sheet」表第N行<then>``); otherwise this row is remembered."""
    if key in seen:
        file, sheet, row = seen[key]
        collector.add(loc.sheet, rec.row, loc.where(column),
                      f"{label}重复：《{Path(file).stem}》「{sheet}」表第{row}行{then}", advice)
        return True
    seen[key] = (loc.file, loc.sheet, rec.row)
    return False


@collector_paused()
def load_team_findings(path: str | Path) -> pd.DataFrame:
    """评价发现: one problem the team found a row, its words as written.

    Raises:
        ValidationError: a row without 问题, a 类别 that is not 决策/过程/产出/效益, a 严重程度 that is
            not 高/中/低, the same 问题 written twice; each naming file, sheet, row and column.
    """
    records, collectors = _records(path, TEAM_FINDINGS)
    rows = []
    seen: dict[str, tuple[str, str, int]] = {}
    for collector, loc, rec in records:
        title = _text(rec, "title")
        if title is None:
            collector.add(loc.sheet, rec.row, loc.where("title"), "缺少问题",
                          "请用一句话写明问题（如 立项程序欠规范），或删除这一行")
            continue
        category = _text(rec, "category")
        if category is None:
            collector.add(loc.sheet, rec.row, loc.where("category"), f"问题「{title}」缺少类别",
                          f"类别请填写：{'、'.join(DIMENSIONS)}")
            continue
        if category not in DIMENSIONS:
            collector.add(loc.sheet, rec.row, loc.where("category"), f"类别「{category}」无法识别",
                          f"类别只能填写：{'、'.join(DIMENSIONS)}（财预〔2020〕10号的四个一级指标）")
            continue
        bad = len(collector.problems)
        severity = _word(collector, loc, rec, "severity", "严重程度", SEVERITY_WORDS)
        if len(collector.problems) > bad:
            continue
        key = parsing.compact(title)
        if repeated(seen, key, collector, loc, rec, "title", f"问题「{title}」", "已有这一问题",
                    "同一问题只写一行；请合并两行后删除其中一行"):
            continue
        rows.append({"category": category, "level2": _text(rec, "level2"), "title": title,
                     "detail": _text(rec, "detail"), "basis": _text(rec, "basis"), "cause": _text(rec, "cause"),
                     "advice": _text(rec, "advice"), "indicators": "、".join(indicator_names(rec.raw.get("indicators")))
                     or None, "severity": severity, "evaluator": _text(rec, "evaluator"),
                     "date": as_date(rec.values.get("date")), **provenance(rec)})
    raise_problems(collectors)
    return frame(rows, TEAM_DTYPES)


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
    records, collectors = _records(path, FINDING_DECISIONS)
    rows = []
    seen: dict[str, tuple[str, str, int]] = {}
    for collector, loc, rec in records:
        code = _text(rec, "code")
        if code is None:
            collector.add(loc.sheet, rec.row, loc.where("code"), "缺少编号",
                          "请填写所处理问题的编号（见报告导出表“主要问题”的编号列，如 F04），或删除这一行")
            continue
        code = parsing.finding_code(code)
        decision = _text(rec, "decision")
        wording = {k: _text(rec, k) for k in ("title", "detail", "advice")}
        reason = _text(rec, "reason")
        if decision is None:
            if any(wording.values()) or reason:  # words without a decision: which one was meant is not known
                collector.add(loc.sheet, rec.row, loc.where("decision"), f"编号{code}填写了修改后的表述或理由，但没有处理意见",
                              f"处理意见请填写：{'、'.join(DECISIONS)}")
            continue  # a row listed but not decided yet (the template lists every finding): still a proposal
        bad = len(collector.problems)
        decision = _word(collector, loc, rec, "decision", "处理意见", DECISIONS)
        if len(collector.problems) > bad:
            continue
        if decision == AMEND and not any(wording.values()):
            collector.add(loc.sheet, rec.row, loc.where("decision"), f"编号{code}的处理意见为“修改”，但没有填写修改后的表述",
                          "请在“修改后问题”“修改后具体情况”“修改后建议”中至少填写一项；照原文采纳的请填写“采纳”")
            continue
        if decision == REJECT and reason is None:
            collector.add(loc.sheet, rec.row, loc.where("reason") if "reason" in loc.col_index else "理由",
                          f"编号{code}的处理意见为“不采纳”，但没有填写理由",
                          "请在“理由”列写明不采纳的理由（写入报告附件）")
            continue
        if repeated(seen, code, collector, loc, rec, "code", f"编号{code}", "已处理这一问题",
                    "每个编号只写一行；请保留最终的处理意见，删除另一行"):
            continue
        rows.append({"code": code, "original": _text(rec, "original"), "decision": decision, **wording,
                     "reason": reason, "evaluator": _text(rec, "evaluator"), "date": as_date(rec.values.get("date")),
                     **provenance(rec)})
    raise_problems(collectors)
    return frame(rows, DECISION_DTYPES)

"""Loader for the performance indicators: the 绩效指标 sheet (table 1-1 of an evaluation), or the
indicator block of a unit's 《项目支出绩效自评表》 (财预〔2020〕10号 附件), whose 资金 block is kept too.

The form is read as bureaus send it: title rows, the 项目名称 / 主管部门 block, the 资金 block (its unit
from ``项目资金（万元）``, a header or a ``单位：`` line), the 年度总体目标 block, then the indicators under
一级指标 … 偏差原因分析及改进措施 with merged 一级/二级指标 cells, spacer rows, a 总分 row and signatures. The
unit's own 得分 is kept as its self-score (``self_score``), never as a score of this evaluation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import NOT_YET_EVIDENCED
from qdanalysis.errors import Problem, ProblemCollector, ValidationError, display_path
from qdanalysis.read import parsing
from qdanalysis.read.columns import frame, money_value, provenance, raise_problems, read_records
from qdanalysis.read.folder import read_sheets, workbook_paths
from qdanalysis.read.locate import Located, locate, locate_in_sheet
from qdanalysis.read.schema import (
    FUND_LINES,
    INDICATORS,
    MONEY,
    SELF_EVALUATION,
    SELF_EVALUATION_END,
    SELF_FUNDS,
    SheetSchema,
)
from qdanalysis.read.xlsx import collector_paused

INDICATOR_DTYPES = {
    "level1": object, "level2": object, "name": object,
    "target_op": object, "target_value": "float", "target_unit": object, "target_text": object,
    "actual_value": "float", "actual_unit": object, "actual_text": object, "met": "bool",
    "weight": "float", "item_codes": object, "note": object, "source": object,
    "self_score": "float", "deviation": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
    "self_src_file": object, "self_src_sheet": object, "self_src_row": "Int64",
}
#: The 资金 block of a 自评表: money in 元 as the block states it; ``unit`` is the block's own (万元 or 元);
#: ``*_where`` name each figure's column as a user finds it (``全年预算数(E列)``).
FUNDS_DTYPES = {
    "line": object, "initial_budget": MONEY, "budget": MONEY, "executed": MONEY, "weight": "float", "rate": "float",
    "self_score": "float", "unit": object, "initial_budget_where": object, "budget_where": object,
    "executed_where": object, "rate_where": object, "self_score_where": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}

#: Units that count things; a target in 条 and an actual in 路 count the same kind of thing.
COUNT_UNITS = {"", "条", "路", "个", "件", "次", "项", "家", "户", "人", "人次"}
NEGATIVE_WORDS = ("不健全", "不完善", "否", "无", "未建立", "不合格", "未达标", "未完成")


def units_compatible(target_unit: str, actual_unit: str) -> bool:
    """Whether a target and an actual are measured in the same unit."""
    if target_unit == actual_unit or not target_unit or not actual_unit:
        return True
    return target_unit in COUNT_UNITS and actual_unit in COUNT_UNITS


def is_met(target: parsing.Target, actual: parsing.Quantity | None) -> bool | None:
    """Whether ``actual`` meets ``target``; None when unknown (no actual, or units differ)."""
    if actual is None:
        return None
    if target.op == "is":
        if actual.value is not None:
            return None
        if any(actual.text.startswith(w) for w in NEGATIVE_WORDS):
            return False
        return actual.text == target.text or actual.text in parsing.QUALITATIVE
    if actual.value is None or target.value is None or not units_compatible(target.unit, actual.unit):
        return None
    a, t = actual.value, target.value
    return {">=": a >= t, "<=": a <= t, ">": a > t, "<": a < t, "=": a == t}[target.op]


@dataclass
class IndicatorSheet:
    """The year's indicators and, from a unit's 自评表, its 资金 block (empty without one).

    Attributes:
        indicators: one row per indicator (:data:`INDICATOR_DTYPES`).
        funds: the 资金 block's rows (:data:`FUNDS_DTYPES`).
        notes: what a reader should know about where they came from (both layouts given), in Chinese.
    """

    indicators: pd.DataFrame
    funds: pd.DataFrame
    notes: tuple[str, ...] = ()


def load_indicators(path: str | Path) -> pd.DataFrame:
    """Indicators with parsed targets and actuals; ``met`` is True, False or <NA> (unknown).

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    return read_indicators(path).indicators


@collector_paused()
def read_indicators(path: str | Path) -> IndicatorSheet:
    """The indicators of a workbook or folder: the 绩效指标 sheet, a unit's 自评表, or both.

    With both, the 绩效指标 sheet is used and the 自评表 must list the same indicators with the same
    targets, actuals and weights (each stated figure compared); it adds the unit's self-scores and its
    explanations of deviations, and its 资金 block.

    Raises:
        ValidationError: every problem, each naming file, sheet, row and column; the two layouts
            disagreeing is one problem per indicator, naming both places.
        MissingTableError: neither layout is found.
    """
    forms, form_collectors = locate(path, SELF_EVALUATION, required=False)
    collector_of = {c.file: c for c in form_collectors}
    form_rows: list[dict] = []
    funds_rows: list[dict] = []
    for loc in forms:
        collector = collector_of[loc.file]
        funds_rows += _funds(path, loc, collector)
        _form_body(loc)
        form_rows += _rows(loc, SELF_EVALUATION, collector)
    skip = frozenset((loc.file, loc.sheet) for loc in forms)
    located, collectors = locate(path, INDICATORS, required=not forms, skip=skip)
    collector_of = {c.file: c for c in collectors}
    rows = []
    for loc in located:
        rows += _rows(loc, INDICATORS, collector_of[loc.file])
    raise_problems(form_collectors + collectors)
    notes: tuple[str, ...] = ()
    if rows and form_rows:
        rows = _merged(rows, form_rows)
        notes = (f"绩效指标取自{_places(rows, 'src')}；{_places(form_rows, 'src')}与之列有相同的指标，"
                 "单位自评得分和偏差原因分析取自该表",)
    else:
        if form_rows:
            notes = (f"绩效指标取自{_places(form_rows, 'src')}（财政部项目支出绩效自评表格式），单位自评得分原样保留",)
        rows = rows or form_rows
    return IndicatorSheet(frame(rows, INDICATOR_DTYPES), frame(funds_rows, FUNDS_DTYPES), notes)


def _rows(loc: Located, table: SheetSchema, collector: ProblemCollector) -> list[dict]:
    """One row per indicator of ``loc``; each bad cell becomes a problem of ``collector``."""
    form = table is SELF_EVALUATION
    rows = []
    for rec in read_records(loc, table, collector):
        v = rec.values
        if not v.get("name"):
            collector.add(loc.sheet, rec.row, loc.where("name"), "缺少三级指标名称", "请填写指标名称")
        target = v.get("target")
        if target is None:
            if parsing.is_blank(rec.raw.get("target")):
                collector.add(loc.sheet, rec.row, loc.where("target"), f"{loc.col_header.get('target', '指标值')}为空",
                              "请填写指标值，例如 ≥80条、≤2小时、100%、健全")
            continue
        actual = v.get("actual")
        if actual is not None and target.op != "is" and actual.value is not None \
                and not units_compatible(target.unit, actual.unit):
            collector.add(loc.sheet, rec.row, loc.where("actual"),
                          f"实际完成值的单位「{actual.unit}」与指标值的单位「{target.unit}」不一致",
                          "请使用与指标值相同的单位")
        weight = v.get("weight")
        row = {
            "level1": v.get("level1"), "level2": v.get("level2"), "name": v.get("name"),
            "target_op": target.op, "target_value": _f(target.value), "target_unit": target.unit,
            "target_text": target.text,
            "actual_value": _f(actual.value) if actual else None,
            "actual_unit": actual.unit if actual else None, "actual_text": actual.text if actual else None,
            "met": is_met(target, actual), "weight": _f(weight),
            "item_codes": "、".join(v.get("item_codes") or ()) or None,
            "note": v.get("note"), "source": v.get("source"),
            "self_score": _f(v.get("self_score")), "deviation": v.get("deviation"),
            **provenance(rec),
        }
        if form:
            row.update(self_src_file=rec.loc.file, self_src_sheet=rec.loc.sheet, self_src_row=rec.row)
        rows.append(row)
    return rows


def _form_body(loc: Located) -> None:
    """The indicator rows of a 自评表: up to its 总分 row, without spacer rows (blank but for the
    merged 一级/二级指标 filled into them), with the export's 待补充佐证 read as not stated."""
    level_cols = {loc.col_index[k] for k in ("level1", "level2")}
    first = min(loc.col_index.values())
    figures = {loc.col_index[k] for k in ("actual", "self_score") if k in loc.col_index}
    body = []
    for row_no, values in loc.rows:
        head = next((v for v in values if not parsing.is_blank(v)), None)
        if isinstance(head, str) and parsing.compact(head).startswith(SELF_EVALUATION_END):
            break  # 总分, 等级: the form's own total, not an indicator
        if all(parsing.is_blank(v) for j, v in enumerate(values) if j not in level_cols):
            continue
        if any(isinstance(values[j], str) and parsing.compact(values[j]) == NOT_YET_EVIDENCED for j in figures if j < len(values)):
            values = [None if j in figures and isinstance(v, str) and parsing.compact(v) == NOT_YET_EVIDENCED else v
                      for j, v in enumerate(values)]
        body.append((row_no, values))
    loc.rows = body
    loc.extras = {h: j for h, j in loc.extras.items() if j > first}  # column A's block label 绩效指标 is no column


def _funds(path: str | Path, loc: Located, collector: ProblemCollector) -> list[dict]:
    """The 资金 block above the form's indicators: one row per 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金."""
    sheet = next((s for f in workbook_paths(path) if display_path(f) == loc.file for s in read_sheets(f)
                  if s.name == loc.sheet), None)
    if sheet is None:
        return []
    above = dataclasses.replace(sheet, rows=sheet.rows[:loc.header_row - 1],
                                errors=[e for e in getattr(sheet, "errors", []) if e[0] < loc.header_row - 1])
    funds = locate_in_sheet(above, SELF_FUNDS, collector, by_name=False)
    if funds is None:
        return []
    if funds.sheet_unit is None:  # 项目资金（万元）: the block's label states its unit
        for header in funds.extras:
            unit = parsing.money_unit_of(parsing.split_header(header)[1])
            if unit:
                funds.sheet_unit = unit
    first = min(funds.col_index.values())
    lines: dict[int, str] = {}
    kept = []
    for row_no, values in funds.rows:
        labels = [parsing.compact(v) for v in values[:first] if isinstance(v, str) and v.strip()]
        line = next((name for name in FUND_LINES if labels and name in labels[-1]), None)
        if line is None:
            if kept:
                break  # 年度总体目标: the block has ended
            continue
        lines[row_no] = line
        kept.append((row_no, values))
    funds.rows = kept
    funds.extras = {}
    rows = []
    for rec in read_records(funds, SELF_FUNDS, collector):
        unit = funds.col_unit.get("budget") or funds.sheet_unit or "元"
        row = {"line": lines[rec.row], "unit": unit,
               **{k: money_value(rec.values.get(k)) for k in ("initial_budget", "budget", "executed")},
               "weight": _f(rec.values.get("weight")), "self_score": _f(rec.values.get("self_score")),
               "rate": _f(_rate(rec, funds, collector)),
               **{f"{k}_where": funds.where(k) for k in ("initial_budget", "budget", "executed", "rate", "self_score")
                  if k in funds.col_index},
               **provenance(rec)}
        rows.append(row)
    return rows


def _rate(rec: Any, loc: Located, collector: ProblemCollector) -> Decimal | None:
    """执行率 as a ratio: ``95.50%``, or a number (Excel keeps 95.50% as 0.955; a bare number above 1.5
    is percentage points, 95.5 → 95.5%)."""
    value = rec.raw.get("rate")
    if parsing.is_blank(value):
        return None
    try:
        if isinstance(value, str) and parsing.compact(value).endswith("%"):
            number = parsing.parse_decimal(value)
            return None if number is None else number / 100
        number = parsing.parse_decimal(value)
    except parsing.CellError:
        collector.add(loc.sheet, rec.row, loc.where("rate"), f"执行率「{parsing.shown(value)}」无法识别为百分数",
                      "请填写百分数，如 95.50%（未知请留空）")
        return None
    if number is None:
        return None
    return number if number <= Decimal("1.5") else number / 100


def _merged(rows: list[dict], form_rows: list[dict]) -> list[dict]:
    """The 绩效指标 sheet's rows with the 自评表's self-scores; any disagreement between the two is refused."""
    problems: list[Problem] = []
    by_name = {parsing.compact(r["name"]): r for r in form_rows if r.get("name")}
    names = {parsing.compact(r["name"]) for r in rows if r.get("name")}
    out = []
    for r in rows:
        f = by_name.get(parsing.compact(r.get("name")))
        if f is None:
            problems.append(_both_problem(r, "三级指标", f"{_at(r)}列有指标「{r['name']}」，{_at(form_rows[0], row=False)}没有该指标",
                                          "同一年度只能有一套绩效指标：请在两表中列出相同的指标，或移出其中一张表"))
            continue
        for label, key, same in (("年度指标值", "target", _same_target), ("实际完成值", "actual", _same_actual),
                                 ("分值", "weight", _same_weight)):
            ok, mine, theirs = same(r, f)
            if not ok:
                problems.append(_both_problem(
                    f, label, f"指标「{r['name']}」在{_at(f, row=False)}为「{theirs}」，在{_at(r)}为「{mine}」，两表不一致",
                    "同一年度只能有一套绩效指标：请核对后把两表改为一致，或移出其中一张表"))
        merged = dict(r)
        for key in ("actual_value", "actual_unit", "actual_text", "met", "weight"):
            if _blank(merged.get(key)) and not _blank(f.get(key)):
                merged[key] = f[key]
        merged.update({k: f.get(k) for k in ("self_score", "deviation", "self_src_file", "self_src_sheet", "self_src_row")})
        out.append(merged)
    for f in form_rows:
        if f.get("name") and parsing.compact(f["name"]) not in names:
            problems.append(_both_problem(f, "三级指标", f"{_at(f, row=False)}列有指标「{f['name']}」，"
                                          f"{_places(rows, 'src')}没有该指标",
                                          "同一年度只能有一套绩效指标：请在两表中列出相同的指标，或移出其中一张表"))
    if problems:
        raise ValidationError(problems)
    return out


def _same_target(a: dict, b: dict) -> tuple[bool, str, str]:
    same = (a["target_op"], a["target_value"], a["target_unit"]) == (b["target_op"], b["target_value"], b["target_unit"])
    if a["target_op"] == "is":
        same = parsing.compact(a["target_text"]) == parsing.compact(b["target_text"])
    return same, a["target_text"], b["target_text"]


def _same_actual(a: dict, b: dict) -> tuple[bool, str, str]:
    if _blank(a.get("actual_text")) or _blank(b.get("actual_text")):
        return True, "", ""
    if a.get("actual_value") is not None and b.get("actual_value") is not None:
        same = (a["actual_value"], a["actual_unit"] or "") == (b["actual_value"], b["actual_unit"] or "") \
               or (a["actual_value"] == b["actual_value"] and units_compatible(a["actual_unit"] or "", b["actual_unit"] or ""))
    else:
        same = parsing.compact(a["actual_text"]) == parsing.compact(b["actual_text"])
    return same, a["actual_text"], b["actual_text"]


def _same_weight(a: dict, b: dict) -> tuple[bool, str, str]:
    if _blank(a.get("weight")) or _blank(b.get("weight")):
        return True, "", ""
    return a["weight"] == b["weight"], f"{a['weight']:g}", f"{b['weight']:g}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _at(r: dict, *, row: bool = True) -> str:
    """Where a row comes from, in words: 《2021年自评.xlsx》「绩效自评表」第14行."""
    place = f"《{Path(str(r['src_file'])).name}》「{r['src_sheet']}」"
    return f"{place}第{r['src_row']}行" if row else place


def _places(rows: list[dict], prefix: str) -> str:
    """The sheets rows come from, in words."""
    return "、".join(dict.fromkeys(_at(r, row=False) for r in rows))


def _both_problem(r: dict, column: str, message: str, hint: str) -> Problem:
    return Problem(str(r["src_file"]), str(r["src_sheet"]), r["src_row"], column, message, hint)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)

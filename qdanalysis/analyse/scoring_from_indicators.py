"""The scoring table of a year without a scoring file, built from its own 绩效指标 sheet.

The sheet gives the indicators, their targets and (where it has them) their weights; 预算执行率 is
added with the 10 points 财预〔2020〕10号 gives it in principle, and a sheet without weights shares out
the self-evaluation preset's first-level weights.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from qdanalysis.analyse.scoring_presets import load_preset
from qdanalysis.analyse.scoring_table import (
    DEFAULT_TOTAL,
    EXECUTION_EXPLAIN_BELOW,
    POINT,
    Indicator,
    ScoringTable,
    number_text,
)
from qdanalysis.errors import Problem, ValidationError
from qdanalysis.money import to_decimal
from qdanalysis.read import parsing

#: The weight of 预算执行率 in a table built from the indicators sheet (财预〔2020〕10号: 原则上10%).
EXECUTION_WEIGHT = Decimal(10)


def table_from_indicators(sheet: pd.DataFrame, year: int, where: str = "") -> ScoringTable:
    """The scoring table of a year without a scoring file: its own 绩效指标 sheet, plus 预算执行率.

    预算执行率 keeps its 10 points, computed from the budget sheet. The sheet's 分值 column gives
    each indicator's weight; weights that do not make 90 are kept as written, the maximum becomes
    10 plus their sum, and the table carries a flag with the sum. A sheet without weights gets the
    self-evaluation preset's first-level weights (产出 50、效益 30、满意度 10) shared out evenly within
    each group, and its note says so; a group the sheet has no indicator for keeps the preset's own
    indicator (scored by the evaluator). A quantitative target is scored as a ratio, a qualitative
    one (健全) by 达成/部分达成/未达成.

    Args:
        sheet: the year's indicators (:func:`~qdanalysis.read.loaders.indicators.load_indicators`).
        year: the year, for the table's name.
        where: the workbook and sheet, in words, for the table's source and messages.

    Raises:
        ValidationError: some indicators have a 分值 and others not, or (without weights) a 一级指标
            that the preset does not have; each naming file, sheet, row and column.
    """
    rows = [r for r in sheet.to_dict("records") if parsing.compact(r["name"]) != "预算执行率"]
    weights = [None if r.get("weight") is None or pd.isna(r.get("weight")) else to_decimal(r["weight"])
               for r in rows]
    problems: list[Problem] = []

    def add(r: dict, column: str, message: str, hint: str) -> None:
        row = None if pd.isna(r.get("src_row")) else int(r["src_row"])
        problems.append(Problem(str(r.get("src_file") or "绩效指标"), str(r.get("src_sheet") or "绩效指标"), row, column,
                                message, hint))

    execution = Indicator(level1="预算执行率", level2="预算执行率", name="预算执行率", weight=EXECUTION_WEIGHT,
                          rule="ratio", measure="execution_rate", explain_below=EXECUTION_EXPLAIN_BELOW, position=1)
    given = [w is not None for w in weights]
    flags: list[str] = []
    if rows and any(given) and not all(given):
        for r, ok in zip(rows, given):
            if not ok:
                add(r, "分值", f"指标「{r['name']}」没有分值，而本表其他指标列有分值",
                    "请为每个指标填写分值（合计90分，预算执行率另计10分），或全部留空（按预置自评表一级指标分值平均分配）")
        raise ValidationError(problems)
    indicators: list[Indicator] = [execution]
    if rows and all(given):
        for r, w in zip(rows, weights):
            indicators.append(_sheet_indicator(r, w, len(indicators) + 1))
        weight_sum = sum(weights, Decimal(0))
        note = f"各三级指标的分值取自{year}年绩效指标表「分值」列；预算执行率按财预〔2020〕10号的原则性设置计10分。权重须以本地财政部门现行规定为准。"
        if weight_sum != 100 - EXECUTION_WEIGHT:
            flags.append(f"绩效指标表「分值」列合计 {number_text(weight_sum)} 分，不是 90 分（预算执行率另计10分）；"
                         f"本次按表列分值计分，满分为 {number_text(weight_sum + EXECUTION_WEIGHT)} 分，等级按得分率折算。"
                         "请核对分值，或另行指定评分表")
        total = weight_sum + EXECUTION_WEIGHT
    else:
        preset = load_preset("self-evaluation")
        groups = {g: w for g, w in preset.group_weights().items() if g != "预算执行率"}
        by_group: dict[str, list[dict]] = {g: [] for g in groups}
        for r in rows:
            group = _preset_group(r.get("level1"), groups)
            if group is None:
                add(r, "一级指标", f"一级指标「{r.get('level1')}」不在预置自评表的一级指标（{'、'.join(groups)}）中，"
                                   "无法分配分值", "请在绩效指标表「分值」列为每个指标填写分值，或另行指定评分表")
                continue
            by_group[group].append(r)
        if problems:
            raise ValidationError(problems)
        kept = []
        for group, weight in groups.items():
            members = by_group[group]
            if not members:
                own = [i for i in preset.indicators if i.level1 == group]
                indicators.extend(replace(i, position=len(indicators) + 1 + k) for k, i in enumerate(own))
                kept.append(group)
                continue
            share = (weight / len(members)).quantize(POINT, rounding=ROUND_HALF_UP)
            parts = [share] * len(members)
            parts[0] += weight - share * len(members)
            for r, w in zip(members, parts):
                indicators.append(_sheet_indicator(r, w, len(indicators) + 1, level1=group))
        note = ("绩效指标表未列分值：一级指标分值采用预置自评表（" + "、".join(f"{g}{number_text(w)}分" for g, w in groups.items())
                + "，预算执行率10分），各组内的三级指标平均分配，分值由评价人核定。")
        if kept:
            note += f"绩效指标表没有{'、'.join(kept)}，保留预置自评表的同名指标，由评价人打分。"
        note += "权重须以本地财政部门现行规定为准。"
        total = DEFAULT_TOTAL
    return ScoringTable(
        name=f"{year}年绩效评分（按{year}年绩效指标表生成）",
        source=f"三级指标和指标值取自{where or '绩效指标表'}；一级指标分值依据财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）",
        note=note, total=total, indicators=tuple(indicators), file=where or "绩效指标表", year=year,
        flags=tuple(flags))


def _preset_group(level1: Any, groups: dict[str, Decimal]) -> str | None:
    text = parsing.compact(level1 or "")
    for group in groups:
        if text in (group, group.removesuffix("指标")):
            return group
    return None


def _sheet_indicator(r: dict, weight: Decimal, position: int, level1: str | None = None) -> Indicator:
    quantitative = r.get("target_value") is not None and not pd.isna(r.get("target_value"))
    return Indicator(level1=level1 or str(r.get("level1") or ""), level2=str(r.get("level2") or ""), name=str(r["name"]),
                     weight=weight, rule="ratio" if quantitative else "levels", indicator=str(r["name"]),
                     position=position)

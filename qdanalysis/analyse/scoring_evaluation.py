"""The evaluation's own indicator system (评价指标体系) for a year without a scoring file.

The third-party preset gives 决策 and 过程 (项目立项, 绩效目标, 资金投入; 资金管理, 组织实施) and the
first-level weights; the year's own 绩效指标 sheet gives 产出 and 效益 (its indicators with their
targets and actuals; 满意度 goes under 效益). This is what ``--scoring third-party`` builds, and what a
year without ``params/scoring-<year>.yaml`` is scored against. The unit's 自评 split is
:mod:`~qdanalysis.analyse.scoring_from_indicators` (``--scoring self-evaluation``).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from qdanalysis.analyse.scoring_presets import load_preset
from qdanalysis.analyse.scoring_table import POINT, Indicator, ScoringTable, number_text
from qdanalysis.errors import Problem, ValidationError
from qdanalysis.money import to_decimal
from qdanalysis.read import parsing

PRESET = "third-party"
#: The first-level groups the year's 绩效指标 sheet fills, and the sheet's 一级指标 read as each.
SHEET_GROUPS: dict[str, tuple[str, ...]] = {"产出": ("产出", "产出指标"), "效益": ("效益", "效益指标", "满意度", "满意度指标")}
#: The indicator of procurement and contracts: only where the year has contracts.
PROCUREMENT = "政府采购及合同管理规范性"
#: Where its weight goes when the year has no contracts.
PROCUREMENT_FALLBACK = "制度执行有效性"
RATIO_STANDARD = "得分＝实际完成值÷指标值×分值（“≤”类指标为指标值÷实际完成值），最高为分值"
LEVELS_STANDARD = "达成得满分，部分达成得50%，未达成不得分"


def evaluation_from_indicators(sheet: pd.DataFrame, year: int, where: str = "", *,
                               has_contracts: bool = True) -> ScoringTable:
    """The evaluation table of a year: the preset's 决策 and 过程, the sheet's indicators as 产出 and 效益.

    Each group keeps the preset's weight. Within 产出 and 效益 the sheet's indicators share it in
    proportion to the sheet's 分值 where every one of them has one, else evenly; 0.01 of rounding goes
    to the first. A group the sheet has no indicator for keeps the preset's own (scored by the evaluator).

    Args:
        sheet: the year's indicators (:func:`~qdanalysis.read.loaders.indicators.load_indicators`).
        year: the year.
        where: the workbook and sheet, in words.
        has_contracts: whether the year has a contract ledger (else no 政府采购及合同管理规范性).

    Raises:
        ValidationError: a sheet row whose 一级指标 is neither 产出, 效益 nor 满意度, naming its row.
    """
    preset = load_preset(PRESET)
    weights = preset.group_weights()
    rows = [r for r in sheet.to_dict("records") if parsing.compact(r["name"]) != "预算执行率"]
    by_group: dict[str, list[dict]] = {g: [] for g in SHEET_GROUPS}
    problems = []
    for r in rows:
        group = next((g for g, names in SHEET_GROUPS.items() if parsing.compact(r.get("level1") or "") in names), None)
        if group is None:
            row = None if pd.isna(r.get("src_row")) else int(r["src_row"])
            problems.append(Problem(str(r.get("src_file") or "绩效指标"), str(r.get("src_sheet") or "绩效指标"), row,
                                    "一级指标", f"一级指标「{r.get('level1')}」不是产出、效益或满意度，无法列入评价指标体系",
                                    "请改为产出指标、效益指标或满意度指标，或另行指定评分表"))
            continue
        by_group[group].append(r)
    if problems:
        raise ValidationError(problems)
    indicators: list[Indicator] = []
    kept: list[str] = []
    for group in weights:
        if group not in SHEET_GROUPS or not by_group[group]:
            own = [i for i in preset.indicators if i.level1 == group]
            if group in SHEET_GROUPS:
                kept.append(group)
            indicators.extend(own)
            continue
        members = by_group[group]
        for r, w in zip(members, _shares(members, weights[group])):
            indicators.append(_sheet_indicator(r, w, group))
    notes = [f"决策、过程指标和一级指标分值（{'、'.join(f'{g}{number_text(w)}分' for g, w in weights.items())}）取自预置评价指标体系；"
             f"产出、效益指标取自{year}年绩效指标表（满意度列入效益），组内按表列分值的比例分配，未列分值的平均分配。"]
    if not has_contracts:
        indicators = _without_procurement(indicators)
        notes.append(f"本年没有合同台账，不设「{PROCUREMENT}」，其分值并入「{PROCUREMENT_FALLBACK}」。")
    if kept:
        notes.append(f"绩效指标表没有{'、'.join(kept)}指标，保留预置表的通用指标，由评价人打分。")
    notes.append(preset.note)
    return ScoringTable(
        name=f"{year}年绩效评价指标体系（决策、过程按预置表，产出、效益按{year}年绩效指标表）",
        source=f"{preset.source}；产出、效益三级指标和指标值取自{where or '绩效指标表'}",
        note="".join(notes), total=preset.total,
        indicators=tuple(replace(i, position=k) for k, i in enumerate(indicators, start=1)),
        file=where or "绩效指标表", year=year, grade_threshold=preset.grade_threshold)


def _shares(members: list[dict], weight: Decimal) -> list[Decimal]:
    """``weight`` shared among ``members``: by their 分值 where all have one, else evenly; rounding to the first."""
    given = [r.get("weight") for r in members]
    if all(g is not None and not pd.isna(g) and to_decimal(g) > 0 for g in given):
        total = sum((to_decimal(g) for g in given), Decimal(0))
        parts = [(weight * to_decimal(g) / total).quantize(POINT, rounding=ROUND_HALF_UP) for g in given]
    else:
        parts = [(weight / len(members)).quantize(POINT, rounding=ROUND_HALF_UP)] * len(members)
    parts[0] += weight - sum(parts, Decimal(0))
    return parts


def _sheet_indicator(r: dict, weight: Decimal, group: str) -> Indicator:
    quantitative = r.get("target_value") is not None and not pd.isna(r.get("target_value"))
    name = str(r["name"])
    level1 = parsing.compact(r.get("level1") or "")
    level2 = "满意度" if "满意度" in level1 else str(r.get("level2") or "")
    target = str(r.get("target_text") or "")
    points = (f"实际完成值与指标值{target}的比较" if quantitative else f"是否达到指标值“{target}”",
              "实际完成值是否为本项目的产出、佐证材料是否充分")
    return Indicator(level1=group, level2=level2, name=name, weight=weight,
                     rule="ratio" if quantitative else "levels", indicator=name,
                     points=points, standard=RATIO_STANDARD if quantitative else LEVELS_STANDARD)


def _without_procurement(indicators: list[Indicator]) -> list[Indicator]:
    dropped = next((i for i in indicators if i.name == PROCUREMENT), None)
    if dropped is None:
        return indicators
    return [replace(i, weight=i.weight + dropped.weight) if i.name == PROCUREMENT_FALLBACK else i
            for i in indicators if i.name != PROCUREMENT]

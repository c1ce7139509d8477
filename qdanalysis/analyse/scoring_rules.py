"""The scoring rules (计分规则): how an indicator's actual earns points under its table's ``rule``.

- ``ratio``: actual / target × weight, capped at the weight; for ≤ targets target / actual;
- ``bands``: the first stepped band reached wins;
- ``deduction``: ``per_instance`` points off per instance until the weight is used up;
- ``manual``: the score the evaluator enters;
- ``levels``: 达成 / 部分达成 / 未达成 earn a share of the weight.

Each returns the points (unrounded) and the sentence that shows the arithmetic.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from qdanalysis.analyse.scoring_table import POINT, Indicator, number_text, percent_text

if TYPE_CHECKING:
    from qdanalysis.analyse.scoring_evidence import Actual


def _ratio_rule(ind: Indicator, a: Actual) -> tuple[Decimal, str]:
    t = a.target
    w = number_text(ind.weight)
    if t is None or t.value is None:
        if a.met:
            return ind.weight, f"实际「{a.text}」达到指标值「{t.text if t else ''}」，得满分 {w}"
        return Decimal(0), f"实际「{a.text}」未达到指标值「{t.text if t else ''}」，得 0 分"
    value, target = a.value, t.value
    lower_is_better = t.op in ("<=", "<")
    if lower_is_better:
        if value <= 0:
            return ind.weight, f"实际 {a.text} 不超过指标值 {t.text}，得满分 {w}"
        ratio, formula = target / value, f"目标 {t.text} ÷ 实际 {a.text}（≤ 类指标按目标÷实际计）"
    else:
        if target <= 0:
            met = value >= target
            return (ind.weight if met else Decimal(0)), f"指标值为 {t.text}，实际 {a.text}，{'得满分' if met else '得 0 分'}"
        ratio, formula = value / target, f"实际 {a.text} ÷ 目标 {t.text}"
    if ratio >= 1:
        return ind.weight, f"{formula} = {percent_text(ratio * 100)}，达到目标，按 100% 计，得满分 {w}"
    points = ratio * ind.weight
    return points, f"{formula} = {percent_text(ratio * 100)}，× 分值 {w} = {number_text(points.quantize(POINT, rounding=ROUND_HALF_UP))}"


def _bands_rule(ind: Indicator, a: Actual) -> tuple[Decimal, str]:
    word = "≤" if ind.band_kind == "max" else "≥"
    for n, band in enumerate(ind.bands, start=1):
        hit = a.value <= band.bound if ind.band_kind == "max" else a.value >= band.bound
        if hit:
            return band.score, f"实际 {a.text} 落在第{n}档（{word}{number_text(band.bound)}），得 {number_text(band.score)} 分"
    return Decimal(0), f"实际 {a.text} 不在任何一档内（{_bands_text(ind)}），得 0 分"


def _bands_text(ind: Indicator) -> str:
    word = "≤" if ind.band_kind == "max" else "≥"
    return "；".join(f"{word}{number_text(b.bound)} 得 {number_text(b.score)}" for b in ind.bands)


def _deduction_rule(ind: Indicator, a: Actual) -> tuple[Decimal, str]:
    n = a.value
    off = n * ind.per_instance
    points = max(Decimal(0), ind.weight - off)
    text = f"{number_text(n)} 处 × 每处扣 {number_text(ind.per_instance)} 分 = 扣 {number_text(off)} 分"
    if off >= ind.weight:
        return points, f"{text}，分值 {number_text(ind.weight)} 扣完为止，得 0 分"
    return points, f"{text}，{number_text(ind.weight)} − {number_text(off)} = {number_text(points)} 分"


def _manual_rule(ind: Indicator, a: Actual) -> tuple[Decimal, str]:
    return a.value, f"评价人打分 {number_text(a.value)} 分（分值 {number_text(ind.weight)}）"


def _levels_rule(ind: Indicator, a: Actual) -> tuple[Decimal, str]:
    if not a.level:
        return _manual_rule(ind, a)
    share = dict(ind.levels)[a.level]
    points = ind.weight * share
    return points, (f"评价为“{a.level}”，分值 {number_text(ind.weight)} × {number_text(share * 100)}% = "
                    f"{number_text(points.quantize(POINT, rounding=ROUND_HALF_UP))} 分")


_RULES = {"ratio": _ratio_rule, "bands": _bands_rule, "deduction": _deduction_rule, "manual": _manual_rule,
          "levels": _levels_rule}


def points_by_rule(ind: Indicator, actual: Actual) -> tuple[Decimal, str]:
    """The points ``actual`` earns by ``ind``'s rule (unrounded), and how, in Chinese."""
    return _RULES[ind.rule](ind, actual)

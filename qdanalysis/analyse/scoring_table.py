"""Scoring tables (评分表): the indicator system a year is scored against, and the words and numbers it uses.

A scoring table lists every indicator with its level 1 and level 2, weight (分值), where its actual
comes from and its scoring rule (see :mod:`qdanalysis.analyse.scoring` for the rules). Here, the
table (:class:`ScoringTable`, :class:`Indicator`, :class:`Band`), the 评价记录 rows it asks for and
its numbers in words. :mod:`~qdanalysis.analyse.scoring_file` reads and validates a table's YAML,
:mod:`~qdanalysis.analyse.scoring_presets` the shipped presets, and
:mod:`~qdanalysis.analyse.scoring_from_indicators` builds a table from a year's own 绩效指标 sheet.
"""


from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from qdanalysis.domain import NOT_YET_EVIDENCED
from qdanalysis.money import to_decimal
from qdanalysis.read import parsing

if TYPE_CHECKING:  # pandas only where a frame is made: the portfolio's runner reads scoring tables' names
    import pandas as pd

RULES: dict[str, str] = {"ratio": "比率", "bands": "分档", "deduction": "扣分", "manual": "评价人打分",
                         "levels": "定性分档"}
#: The share of the weight each band word of a ``levels`` rule earns, unless the table says otherwise.
#: 部分达成 earns half: the midpoint between the two ends, which the evaluator can override with a 得分.
DEFAULT_LEVELS: tuple[tuple[str, Decimal], ...] = (("达成", Decimal(1)), ("部分达成", Decimal("0.5")), ("未达成", Decimal(0)))
#: Measures that compute a rate (in %) from the budget table.
RATE_MEASURES: dict[str, str] = {"execution_rate": "预算执行率", "adjustment_rate": "预算调整率"}
#: Measures that count instances in the data (for ``deduction``).
COUNT_MEASURES: dict[str, str] = {"data_warnings": "数据核对发现的矛盾数"}
MEASURES: dict[str, str] = {**RATE_MEASURES, **COUNT_MEASURES}
DENOMINATORS: dict[str, str] = {"adjusted_budget": "调整后预算数", "budget": "预算数"}
DEFAULT_DENOMINATOR = "adjusted_budget"
#: An execution rate below this (in %) must be explained, unless ``explain_below`` says otherwise.
EXECUTION_EXPLAIN_BELOW = Decimal(90)
EXECUTION_TARGET = "100%"
DEFAULT_TOTAL = Decimal(100)

#: Grade thresholds on the score as a percentage of the maximum, best first.
GRADES: tuple[tuple[Decimal, str], ...] = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
GRADE_LOWEST = "差"
#: The result when the indicators without evidence weigh too much for a grade.
NO_GRADE = "暂不定级"
#: The default of ``grade_threshold``: the weight without evidence (in % of the maximum) above which no
#: grade is given. 10 points is the width of the 优 and 良 bands: above it, what is unknown could move
#: the total across more than one grade boundary, so the grade would say more than the evidence does.
DEFAULT_GRADE_THRESHOLD = Decimal(10)

STATUS_SCORED = "得分"
STATUS_MISSING = NOT_YET_EVIDENCED
STATUS_EXPLAIN = "需说明原因"
STATUS_EVALUATOR = "评价人打分"
#: The tool itself doubts the evidence (口径, a target without a unit, an indicator F11 calls 不科学, an
#: actual that is the unit's overall 工作成效): not scored until the evaluator's record confirms it.
STATUS_DOUBT = "待核实"
#: The statuses of an indicator that earns nothing yet: the points the evaluator must still supply.
UNCONFIRMED = (STATUS_MISSING, STATUS_DOUBT)

EVALUATOR_KEYS = ("value", "note")

#: Chinese display labels of :attr:`ScoreResult.sheet`, declared once.
SHEET_LABELS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "weight": "分值", "rule": "评分规则",
    "target_text": "指标值", "actual_text": "实际完成值", "score": "得分", "status": "状态", "basis": "计分依据",
    "evidence": "佐证材料", "proposal": "系统建议（待评价人确认，不计分）", "points": "评分要点",
}
SHEET_COLUMNS = list(SHEET_LABELS)
#: The column of the unit's own score (its 自评表's 得分), beside ours: stated by the unit, never ours.
SELF_SCORE_LABEL = "单位自评得分（单位填报）"
GROUP_COLUMNS = ["level1", "weight", "score", "missing_weight", "indicators", "missing"]
EVALUATOR_SOURCE = "评价人打分"
SUBTOTAL = "小计"
TOTAL = "合计"

#: Points (weights, scores) are kept to a hundredth.
POINT = Decimal("0.01")


# --- the table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One step of a ``bands`` rule: ``bound`` is an upper (``max``) or lower (``min``) bound."""

    bound: Decimal
    score: Decimal


@dataclass(frozen=True)
class Indicator:
    """One scored indicator of a :class:`ScoringTable`.

    Attributes:
        level1, level2, name: the indicator tree (一级、二级、三级指标).
        weight: its points (分值).
        rule: ``ratio``, ``bands``, ``deduction`` or ``manual``.
        measure: a built-in measure (``execution_rate``, ``adjustment_rate``, ``data_warnings``).
        indicator: the 三级指标 of the year's indicators sheet giving target and actual.
        evaluator: the key of the evaluator's dict giving the actual, the instances or the score.
        target: the target when the table states it (measures and evaluator actuals).
        denominator: ``adjusted_budget`` or ``budget`` (``execution_rate`` only).
        bands: the steps of a ``bands`` rule.
        band_kind: ``max`` (upper bounds) or ``min`` (lower bounds).
        per_instance: points off per instance (``deduction``).
        explain_below: an actual below this value is flagged 需说明原因.
        note: free text shown with the indicator.
        levels: band word -> share of the weight (``levels`` rule), best first.
        points: the 评分要点: what the evaluator checks, as an evaluation scheme words it.
        standard: the 评分标准: how points are lost.
        line: line of the indicator in its file, for messages.
        position: 1-based position in the table's list, for messages.
    """

    level1: str
    level2: str
    name: str
    weight: Decimal
    rule: str
    measure: str | None = None
    indicator: str | None = None
    evaluator: str | None = None
    target: parsing.Target | None = None
    denominator: str = DEFAULT_DENOMINATOR
    bands: tuple[Band, ...] = ()
    band_kind: str = "max"
    per_instance: Decimal | None = None
    explain_below: Decimal | None = None
    note: str = ""
    levels: tuple[tuple[str, Decimal], ...] = DEFAULT_LEVELS
    points: tuple[str, ...] = ()
    standard: str = ""
    line: int | None = None
    position: int = 0


@dataclass(frozen=True)
class ScoringTable:
    """A validated scoring table.

    Attributes:
        name: what the table is (Chinese).
        source: where its structure and weights come from (e.g. 财预〔2020〕10号 附件).
        note: what must be checked against the official rules; shown in the report.
        total: the maximum score (sum of the weights).
        indicators: the indicators, in order.
        file: the file it was read from, for messages.
        year: the year it applies to, when it says.
        grade_threshold: the weight without evidence, in % of ``total``, above which no grade is given.
    """

    name: str
    source: str
    note: str
    total: Decimal
    indicators: tuple[Indicator, ...]
    file: str = ""
    year: int | None = None
    grade_threshold: Decimal = DEFAULT_GRADE_THRESHOLD
    #: What building the table found that the report must show (a weight column that does not add up).
    flags: tuple[str, ...] = ()
    #: Why this table scored the year, in Chinese (set by whoever chose it: the pipeline).
    chosen: str = ""

    @property
    def kind(self) -> str:
        """评价指标体系 when the table has the 决策 and 过程 groups of an evaluation, else 自评结构."""
        groups = set(self.group_weights())
        return "评价指标体系（决策、过程、产出、效益）" if {"决策", "过程"} <= groups else "单位自评结构"

    def frame(self) -> pd.DataFrame:
        """The indicator tree as a DataFrame: level1, level2, name, weight, rule, source_of_actual."""
        import pandas as pd

        rows = [{"level1": i.level1, "level2": i.level2, "name": i.name, "weight": float(i.weight),
                 "rule": i.rule, "source_of_actual": _source_label(i)} for i in self.indicators]
        return pd.DataFrame(rows, columns=["level1", "level2", "name", "weight", "rule", "source_of_actual"])

    def group_weights(self) -> dict[str, Decimal]:
        """Weight of each level 1 group, in table order."""
        out: dict[str, Decimal] = {}
        for ind in self.indicators:
            out[ind.level1] = out.get(ind.level1, Decimal(0)) + ind.weight
        return out

    def evaluator_keys(self) -> dict[str, Indicator]:
        """Every key the evaluator's dict may hold, with its indicator."""
        return {i.evaluator: i for i in self.indicators if i.evaluator}


def _source_label(ind: Indicator) -> str:
    if ind.measure:
        return f"数据计算：{MEASURES[ind.measure]}"
    if ind.rule == "manual" or (ind.evaluator and not ind.indicator):
        return f"评价人：{ind.evaluator}"
    if ind.indicator:
        return f"绩效指标表：{ind.indicator}"
    return ""


# --- the 评价记录 rows a table asks for, and its numbers in words -------------------------------------


def record_rows(table: ScoringTable) -> list[tuple[str, str, float, str]]:
    """The rows ``qdanalysis template --year`` writes into 评价记录: 一级指标, 三级指标, 分值, 评分方式."""
    out = []
    for ind in table.indicators:
        w = number_text(ind.weight)
        if ind.measure:
            how = f"由{'预算表' if ind.measure in RATE_MEASURES else '数据核对'}计算，无需填写得分"
        elif ind.rule == "levels":
            how = "填写 达成、部分达成 或 未达成（或直接填写得分）"
        elif ind.rule == "manual":
            how = f"填写得分（0—{w}）"
        elif ind.rule == "deduction":
            how = "在「实际完成值」填写发现的问题处数"
        elif ind.indicator:
            how = "填写核实的实际完成值（与绩效指标表一致时可只填佐证材料）"
        else:
            how = f"填写实际完成值（单位与指标值{ind.target.text if ind.target else ''}相同）"
        out.append((ind.level1, ind.name, float(ind.weight), how))
    return out


def to_number(value: Any) -> Decimal | None:
    """A YAML number (or a numeric string such as ``10%``) as Decimal; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else to_decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        try:
            q = parsing.parse_quantity(value)
        except parsing.CellError:
            return None
        return None if q is None or q.value is None or q.unit not in ("", "%") else q.value
    return None


def number_text(value: Decimal | float | int) -> str:
    """A number to two decimals at most, without trailing zeros: 8, 4.08, 0.5 (a float read as written)."""
    q = to_decimal(value).quantize(POINT, rounding=ROUND_HALF_UP)
    text = format(q, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_text(value: Decimal | float | int) -> str:
    """A score obtained, always to two decimals (96.10 beside 84.98, as the score sheet shows them); weights and
    thresholds, which are whole as a rule, are :func:`number_text`."""
    return format(to_decimal(value).quantize(POINT, rounding=ROUND_HALF_UP), "f")


def percent_text(percent: Decimal) -> str:
    """``98.27%`` for 98.266 (a percentage, two decimals, rounded half up)."""
    return f"{Decimal(percent).quantize(POINT, rounding=ROUND_HALF_UP)}%"

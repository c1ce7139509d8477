"""Scoring tables (评分表): reading and validating the indicator system a year is scored against.

A scoring table (YAML in ``params/`` or a shipped preset in ``presets/``) lists every indicator
with its level 1 and level 2, weight (分值), where its actual comes from and its scoring rule
(see :mod:`qdanalysis.analyse.scoring` for the rules). :func:`load_scoring` and :func:`load_preset`
read a table, :func:`validate_scoring` checks one, every mistake a Chinese message with its line.
"""


from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import NOT_YET_EVIDENCED
from qdanalysis.errors import Problem, ProblemCollector, ValidationError
from qdanalysis.money import to_decimal
from qdanalysis.read import parsing
from qdanalysis.yamlfile import key_path, line_of, node_lines, read_yaml

PRESETS_DIR = Path(__file__).with_name("presets")
#: Preset name -> file in ``qdanalysis/presets/``.
PRESETS: dict[str, str] = {"self-evaluation": "self-evaluation.yaml", "third-party": "third-party.yaml"}

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

TOP_KEYS: dict[str, str] = {
    "name": "评分表名称", "year": "适用年度", "source": "依据（出处）", "note": "提示（显示在报告中）",
    "total": "满分（省略时为100，各指标分值之和须等于它）", "indicators": "指标列表",
    "grade_threshold": "定级阈值（待补充佐证的指标分值占满分的百分比超过它时暂不定级；省略时为10）",
}
INDICATOR_KEYS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "指标名称（三级指标）", "weight": "分值",
    "rule": "评分规则", "measure": "由数据计算的实际值", "indicator": "绩效指标表中的三级指标名称",
    "evaluator": "评价人打分表中的键", "target": "指标值（目标）", "denominator": "执行率分母",
    "bands": "分档", "per_instance": "每处扣分", "explain_below": "低于此值需说明原因", "note": "说明",
    "levels": "定性分档的得分比例（如 {达成: 100%, 部分达成: 50%, 未达成: 0}）",
}
BAND_KEYS = ("max", "min", "score")
EVALUATOR_KEYS = ("value", "note")

#: Chinese display labels of :attr:`ScoreResult.sheet`, declared once.
SHEET_LABELS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "weight": "分值", "rule": "评分规则",
    "target_text": "指标值", "actual_text": "实际完成值", "score": "得分", "status": "状态", "basis": "计分依据",
    "evidence": "佐证材料",
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

    def frame(self) -> pd.DataFrame:
        """The indicator tree as a DataFrame: level1, level2, name, weight, rule, source_of_actual."""
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


# --- a table from the year's own indicators sheet ---------------------------------------------------

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


# --- loading and validation ----------------------------------------------------------------


def load_scoring(path: str | Path) -> ScoringTable:
    """Read and validate a scoring table (YAML, read with ``yaml.safe_load`` only).

    Raises:
        ValidationError: the file is missing or not YAML, or any key or value is refused;
            every problem names the file, the line, the key, and a fix (in Chinese).
    """
    data, (lines, duplicates), source = read_yaml(
        path, "评分表文件", "请检查路径，或用 load_preset('self-evaluation') 从预置评分表开始", node_lines)
    dup_problems = [Problem(source, "", line, key_path(p), f"「{p[-1]}」在同一处写了两次", "请只保留一处")
                    for p, line in duplicates]
    try:
        table = validate_scoring(data, source, lines=lines)
    except ValidationError as err:
        raise ValidationError(dup_problems + err.problems) from None
    if dup_problems:
        raise ValidationError(dup_problems)
    return table


def load_preset(name: str, weights: dict[str, float] | None = None) -> ScoringTable:
    """A shipped preset: ``self-evaluation`` (自评表 split) or ``third-party`` (决策/过程/产出/效益).

    Args:
        name: the preset's name.
        weights: new weight of each level 1 group (see :func:`reweight`); the third-party
            preset's weights are placeholders the evaluator is expected to set.

    Raises:
        ValidationError: an unknown preset, or weights refused by :func:`reweight`.
    """
    if name not in PRESETS:
        raise ValidationError(Problem("qdanalysis/presets", "", None, "name", f"没有名为「{name}」的预置评分表",
                                      f"可用的有：{'、'.join(PRESETS)}"))
    table = load_scoring(PRESETS_DIR / PRESETS[name])
    return table if weights is None else reweight(table, weights)


def reweight(table: ScoringTable, weights: dict[str, float]) -> ScoringTable:
    """The table with each level 1 group scaled to a new weight.

    Indicator weights (and band scores) within a group keep their proportions; rounding to
    0.01 is absorbed by the group's largest indicator so that each group adds up exactly.

    Args:
        table: the table to rescale (not changed).
        weights: level 1 name -> new weight; every group must be named, and the weights
            must add up to the table's total.

    Raises:
        ValidationError: an unknown or missing group, a weight that is not a number ≥ 0,
            or weights that do not add up to the total.
    """
    collector = ProblemCollector(table.file)
    current = table.group_weights()
    new: dict[str, Decimal] = {}
    for key, value in weights.items():
        where = f"weights.{key}"
        if key not in current:
            collector.add("", None, where, f"评分表中没有一级指标「{key}」", f"可用的有：{'、'.join(current)}")
            continue
        number = to_number(value)
        if number is None or number < 0:
            collector.add("", None, where, f"一级指标「{key}」的权重「{value}」不是不小于0的数字", "例如 20")
            continue
        if current[key] == 0 and number > 0:
            collector.add("", None, where, f"一级指标「{key}」原分值为0，无法按比例分配", "请直接修改评分表文件")
            continue
        new[key] = number
    for key in current:
        if key not in weights:
            collector.add("", None, f"weights.{key}", f"没有给出一级指标「{key}」的权重",
                          f"请给出全部一级指标的权重：{'、'.join(current)}")
    collector.raise_if_any()
    if sum(new.values(), Decimal(0)) != table.total:
        collector.add("", None, "weights", f"各一级指标权重之和为 {number_text(sum(new.values(), Decimal(0)))}，"
                      f"不等于满分 {number_text(table.total)}", "请调整权重使其合计等于满分")
        collector.raise_if_any()
    scaled: list[Indicator] = []
    for level1, old in current.items():
        members = [i for i in table.indicators if i.level1 == level1]
        factor = new[level1] / old if old else Decimal(0)
        out = [_scale(i, factor) for i in members]
        rest = new[level1] - sum((i.weight for i in out), Decimal(0))
        if rest and out:
            k = max(range(len(out)), key=lambda j: out[j].weight)
            out[k] = _scale(out[k], Decimal(1), extra=rest)
        scaled.extend(out)
    by_name = {i.name: i for i in scaled}
    return replace(table, indicators=tuple(by_name[i.name] for i in table.indicators))


def _scale(ind: Indicator, factor: Decimal, extra: Decimal = Decimal(0)) -> Indicator:
    weight = (ind.weight * factor).quantize(POINT, rounding=ROUND_HALF_UP) + extra
    ratio = weight / ind.weight if ind.weight else Decimal(0)
    bands = tuple(Band(b.bound, min(weight, (b.score * ratio).quantize(POINT, rounding=ROUND_HALF_UP)))
                  for b in ind.bands)
    if bands:
        best = max(range(len(bands)), key=lambda j: bands[j].score)
        bands = bands[:best] + (Band(bands[best].bound, weight),) + bands[best + 1:]
    return replace(ind, weight=weight, bands=bands)


def validate_scoring(data: Any, source: str, *, lines: dict[tuple, int] | None = None) -> ScoringTable:
    """Check a parsed scoring table (what ``yaml.safe_load`` returned) and build it.

    Args:
        data: the parsed document.
        source: the file name shown in each problem.
        lines: line of each key path (``("indicators", 2, "rule")``), when known.

    Raises:
        ValidationError: listing every refused key at once.
    """
    lines = lines or {}
    collector = ProblemCollector(source)

    def add(path: tuple, message: str, hint: str) -> None:
        collector.add("", line_of(lines, path), key_path(path), message, hint)

    if data is None:
        raise ValidationError(Problem(source, "", None, "", "评分表是空的", "至少要写 name、source、note 和 indicators"))
    if not isinstance(data, dict):
        raise ValidationError(Problem(source, "", 1, "", "评分表应当是「键: 值」的形式",
                                      "第一行例如 name: 项目支出绩效自评"))
    for key in data:
        if str(key) not in TOP_KEYS:
            add((str(key),), f"不认识的键「{key}」", f"评分表顶层可用的键只有：{'、'.join(TOP_KEYS)}")
    texts: dict[str, str] = {}
    for key in ("name", "source", "note"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            add((key,), f"缺少{TOP_KEYS[key]}「{key}」或它不是文字",
                {"name": "例如 name: 项目支出绩效自评",
                 "source": "写明依据，例如 source: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）附件1",
                 "note": "例如 note: 权重须以本地财政部门现行规定为准"}[key])
            texts[key] = ""
        else:
            texts[key] = value.strip()
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100):
        add(("year",), f"适用年度「{year}」不是年份", "写成整数，例如 year: 2020，或删除这一行")
        year = None
    total = DEFAULT_TOTAL
    if "total" in data:
        number = to_number(data["total"])
        if number is None or number <= 0:
            add(("total",), f"满分「{data['total']}」不是大于0的数字", "例如 total: 100，或删除这一行（默认100）")
        else:
            total = number
    threshold = DEFAULT_GRADE_THRESHOLD
    if "grade_threshold" in data:
        number = to_number(data["grade_threshold"])
        if number is None or not Decimal(0) <= number <= 100:
            add(("grade_threshold",), f"定级阈值「{data['grade_threshold']}」不是 0 到 100 之间的数字",
                "例如 grade_threshold: 10（待补充佐证的分值超过满分的10%时暂不定级），或删除这一行（默认10）")
        else:
            threshold = number
    raw = data.get("indicators")
    indicators: list[Indicator] = []
    if not isinstance(raw, list) or not raw:
        add(("indicators",), "缺少指标列表 indicators，或它不是列表", "每个指标以「- name: …」开头，见预置评分表")
    else:
        for n, item in enumerate(raw):
            ind = _indicator(item, n, add)
            if ind is not None:
                indicators.append(replace(ind, line=line_of(lines, ("indicators", n))))
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for ind in indicators:
        path = ("indicators", ind.position - 1)
        if ind.name in seen_names:
            add(path + ("name",), f"指标「{ind.name}」出现了两次（另一处是第{seen_names[ind.name]}个指标）",
                "每个指标只写一次；同名指标请加以区分")
        seen_names.setdefault(ind.name, ind.position)
        if ind.evaluator and ind.evaluator in seen_keys:
            add(path + ("evaluator",), f"评价人打分键「{ind.evaluator}」已用于第{seen_keys[ind.evaluator]}个指标",
                "每个指标用自己的键")
        if ind.evaluator:
            seen_keys.setdefault(ind.evaluator, ind.position)
    # Checked even when other keys are refused, so that one run reports every problem.
    weights = [(str(i.get("level1")), to_number(i.get("weight"))) for i in raw or [] if isinstance(i, dict)] \
        if isinstance(raw, list) else []
    if weights and len(weights) == len(raw) and all(w is not None and w >= 0 for _, w in weights):
        weight_sum = sum((w for _, w in weights), Decimal(0))
        if weight_sum != total:
            groups: dict[str, Decimal] = {}
            for level1, w in weights:
                groups[level1] = groups.get(level1, Decimal(0)) + w
            detail = "，".join(f"{k} {number_text(v)}" for k, v in groups.items())
            add(("total",) if "total" in data else ("indicators",),
                f"各指标分值之和为 {number_text(weight_sum)}，不等于满分 {number_text(total)}（{detail}）",
                "请调整分值使其合计等于满分；满分不是100时请写 total: 满分")
    collector.raise_if_any()
    return ScoringTable(name=texts["name"], source=texts["source"], note=texts["note"], total=total,
                        indicators=tuple(indicators), file=source, year=year, grade_threshold=threshold)


def _indicator(item: Any, n: int, add) -> Indicator | None:
    """One entry of ``indicators``; problems go to ``add`` and the result is None."""
    base = ("indicators", n)
    if not isinstance(item, dict):
        add(base, f"第{n + 1}个指标不是「键: 值」的形式", "每个指标写成 - name: 指标名称，下面缩进写 weight、rule 等")
        return None
    before = _Counter(add)
    add = before
    name = item.get("name")
    label = f"第{n + 1}个指标" if not isinstance(name, str) or not name.strip() else f"指标「{name.strip()}」"
    for key in item:
        if str(key) not in INDICATOR_KEYS:
            add(base + (str(key),), f"{label}有不认识的键「{key}」",
                f"指标可用的键只有：{'、'.join(INDICATOR_KEYS)}")
    strings: dict[str, str | None] = {}
    for key in ("level1", "level2", "name", "measure", "indicator", "evaluator", "denominator", "note"):
        value = item.get(key)
        if value is None:
            strings[key] = None
        elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            strings[key] = str(value).strip()
        else:
            add(base + (key,), f"{label}的{INDICATOR_KEYS[key]}「{key}」应为文字", "请填写文字，或删除这一行")
            strings[key] = None
    for key, hint in (("name", "例如 name: 整合视频监控数量"), ("level1", "例如 level1: 产出指标")):
        if key not in item:
            add(base, f"{label}缺少{INDICATOR_KEYS[key]}「{key}」", hint)
    weight = to_number(item.get("weight"))
    if "weight" not in item:
        add(base, f"{label}缺少分值「weight」", "例如 weight: 8")
    elif weight is None or weight < 0:
        add(base + ("weight",), f"{label}的分值「{item.get('weight')}」不是不小于0的数字", "例如 weight: 8")
        weight = None
    rule = item.get("rule")
    if "rule" not in item:
        add(base, f"{label}缺少评分规则「rule」", f"可用的规则：{_rules_text()}")
    elif rule not in RULES:
        add(base + ("rule",), f"{label}的评分规则「{rule}」不认识", f"可用的规则：{_rules_text()}")
        rule = None
    measure, indicator, evaluator = strings["measure"], strings["indicator"], strings["evaluator"]
    if measure is not None and measure not in MEASURES:
        add(base + ("measure",), f"{label}的计算指标「{measure}」不认识",
            "可用的有：" + "、".join(f"{k}（{v}）" for k, v in MEASURES.items()))
        measure = None
    target = None
    if "target" in item:
        try:
            target = parsing.parse_target(item["target"])
        except parsing.CellError as err:
            add(base + ("target",), f"{label}的{err.message}", err.hint)
    denominator = strings["denominator"] or DEFAULT_DENOMINATOR
    if strings["denominator"] is not None:
        if measure != "execution_rate":
            add(base + ("denominator",), f"{label}的 denominator 只适用于 measure: execution_rate", "请删除这一行")
        elif denominator not in DENOMINATORS:
            add(base + ("denominator",), f"{label}的执行率分母「{denominator}」不认识",
                "可用的有：" + "、".join(f"{k}（{v}）" for k, v in DENOMINATORS.items()))
    explain_below = None
    if "explain_below" in item:
        explain_below = to_number(item["explain_below"])
        if explain_below is None:
            add(base + ("explain_below",), f"{label}的 explain_below「{item['explain_below']}」不是数字",
                "例如 explain_below: 90（单位与实际值相同，执行率为百分数）")
    elif measure == "execution_rate":
        explain_below = EXECUTION_EXPLAIN_BELOW
    if rule is not None:
        _check_sources(rule, measure, indicator, evaluator, target, label, base, add)
    bands: tuple[Band, ...] = ()
    kind = "max"
    if rule == "bands":
        bands, kind = _bands(item.get("bands"), weight, label, base, add)
    elif "bands" in item:
        add(base + ("bands",), f"{label}的评分规则不是 bands，不应写分档", "请删除 bands，或改为 rule: bands")
    per_instance = None
    if rule == "deduction":
        per_instance = to_number(item.get("per_instance"))
        if per_instance is None or per_instance <= 0:
            add(base + ("per_instance",), f"{label}缺少每处扣分「per_instance」或它不是大于0的数字",
                "例如 per_instance: 1（每发现一处扣1分，扣完分值为止）")
    elif "per_instance" in item:
        add(base + ("per_instance",), f"{label}的评分规则不是 deduction，不应写每处扣分", "请删除 per_instance")
    levels = DEFAULT_LEVELS
    if "levels" in item:
        if rule != "levels":
            add(base + ("levels",), f"{label}的评分规则不是 levels，不应写定性分档", "请删除 levels，或改为 rule: levels")
        else:
            levels = _levels(item["levels"], label, base, add)
    if before.count or weight is None or rule is None:
        return None
    return Indicator(
        level1=strings["level1"] or "", level2=strings["level2"] or "", name=strings["name"] or "",
        weight=weight, rule=rule, measure=measure, indicator=indicator, evaluator=evaluator, target=target,
        denominator=denominator, bands=bands, band_kind=kind, per_instance=per_instance,
        explain_below=explain_below, note=strings["note"] or "", levels=levels, position=n + 1,
    )


def _levels(raw: Any, label: str, base: tuple, add) -> tuple[tuple[str, Decimal], ...]:
    """``levels: {达成: 100%, 部分达成: 50%, 未达成: 0}``: every band word, each a share from 0 to 100%."""
    words = [w for w, _ in DEFAULT_LEVELS]
    example = "例如 levels: {达成: 100%, 部分达成: 60%, 未达成: 0}"
    if not isinstance(raw, dict) or set(map(str, raw)) != set(words):
        add(base + ("levels",), f"{label}的定性分档应当恰好写明{'、'.join(words)}三档", example)
        return DEFAULT_LEVELS
    out = []
    for word in words:
        value = raw[word]
        number = to_number(value)
        if number is None or not Decimal(0) <= number <= 100:
            add(base + ("levels", word), f"{label}「{word}」的得分比例「{value}」不是 0 到 100% 之间的数", example)
            return DEFAULT_LEVELS
        out.append((word, number / 100))
    return tuple(out)


def _check_sources(rule, measure, indicator, evaluator, target, label, base, add) -> None:
    """Where the actual comes from must suit the rule."""
    if rule == "levels":
        if measure:
            add(base + ("measure",), f"{label}按定性分档计，不应写 measure", "请删除 measure")
        if not indicator and not evaluator:
            add(base, f"{label}按定性分档计，缺少绩效指标表中的指标「indicator」或评价人打分键「evaluator」",
                "例如 indicator: 运行维护制度健全性（评价记录表按三级指标名称填写 达成/部分达成/未达成）")
        return
    if rule == "manual":
        if not evaluator:
            add(base, f"{label}按评价人打分（manual），缺少评价人打分键「evaluator」",
                "例如 evaluator: 运行维护制度健全性；indicator 可另写，用于显示指标值")
        if measure:
            add(base + ("measure",), f"{label}按评价人打分，不应写 measure", "请删除 measure")
        return
    sources = [k for k, v in (("measure", measure), ("indicator", indicator), ("evaluator", evaluator)) if v]
    if len(sources) != 1:
        add(base, f"{label}的实际值来源应当恰好一个（measure、indicator 或 evaluator），现为"
                  f"{'、'.join(sources) or '没有'}", "只保留一个来源")
        return
    if rule == "deduction":
        if measure and measure not in COUNT_MEASURES:
            add(base + ("measure",), f"{label}按扣分计，measure「{measure}」不是计数",
                f"扣分的次数来自评价人（evaluator）或计数：{'、'.join(COUNT_MEASURES)}")
        if indicator:
            add(base + ("indicator",), f"{label}按扣分计，次数不能取自绩效指标表", "请改用 evaluator: 键")
        return
    if measure and measure not in RATE_MEASURES:
        add(base + ("measure",), f"{label}的 measure「{measure}」是计数，只能用于 deduction",
            f"比率和分档可用：{'、'.join(RATE_MEASURES)}")
    if indicator and target is not None:
        add(base + ("target",), f"{label}的指标值取自绩效指标表，评分表不应另写 target", "请删除 target")
    if measure in RATE_MEASURES and target is not None and target.value is not None \
            and target.unit not in ("%", ""):
        add(base + ("target",), f"{label}的指标值「{target.text}」应为百分数", "例如 target: 100%")
    if rule == "ratio":
        if target is None and (evaluator or measure == "adjustment_rate"):
            add(base, f"{label}按比率计，缺少指标值「target」", "例如 target: ≥95%")
        elif target is not None and target.value is None:
            add(base + ("target",), f"{label}按比率计，指标值「{target.text}」不是数值", "定性指标请用 rule: manual")


def _bands(raw: Any, weight: Decimal | None, label: str, base: tuple, add) -> tuple[tuple[Band, ...], str]:
    path = base + ("bands",)
    example = "例如：bands: [{max: 0, score: 3}, {max: 10, score: 2}]（上限，升序）或 [{min: 95, score: 5}, …]（下限，降序）"
    if not isinstance(raw, list) or not raw:
        add(path if raw is not None else base, f"{label}按分档计，缺少分档列表「bands」", example)
        return (), "max"
    bands: list[Band] = []
    kinds: set[str] = set()
    for j, band in enumerate(raw):
        where = path + (j,)
        step = f"{label}的第{j + 1}档"
        if not isinstance(band, dict):
            add(where, f"{step}应写成 {{max: 上限, score: 得分}} 或 {{min: 下限, score: 得分}}", example)
            continue
        unknown = [str(k) for k in band if str(k) not in BAND_KEYS]
        if unknown:
            add(where, f"{step}有不认识的键「{'、'.join(unknown)}」", "每档只写 max（上限）或 min（下限），以及 score（得分）")
            continue
        bound_keys = [k for k in ("max", "min") if k in band]
        if len(bound_keys) != 1:
            add(where, f"{step}应当恰好有 max 或 min 之一", example)
            continue
        kind = bound_keys[0]
        kinds.add(kind)
        bound = to_number(band[kind])
        score = to_number(band.get("score"))
        if bound is None:
            add(where + (kind,), f"{step}的界限「{band[kind]}」不是数字", "例如 10（百分数写 10 或 10%）")
            continue
        if score is None or score < 0:
            add(where + ("score",), f"{step}的得分「{band.get('score')}」不是不小于0的数字", "例如 score: 2")
            continue
        if weight is not None and score > weight:
            add(where + ("score",), f"{step}的得分 {number_text(score)} 超过分值 {number_text(weight)}", "每档得分不能超过该指标的分值")
            continue
        bands.append(Band(bound, score))
    if len(kinds) > 1:
        add(path, f"{label}的分档混用了上限（max）和下限（min）", "同一指标的各档只用一种界限")
        return (), "max"
    if len(bands) != len(raw):
        return (), "max"
    kind = kinds.pop()
    for j in range(1, len(bands)):
        a, b = bands[j - 1].bound, bands[j].bound
        if (kind == "max" and b <= a) or (kind == "min" and b >= a):
            order = "从小到大（上限 max 升序）" if kind == "max" else "从大到小（下限 min 降序）"
            add(path + (j, kind), f"{label}的分档界限没有按顺序排列：第{j}档 {number_text(a)}，第{j + 1}档 {number_text(b)}",
                f"请按{order}排列，且不能重复")
            return (), kind
    if weight is not None and max(b.score for b in bands) != weight:
        add(path, f"{label}的最高档得分 {number_text(max(b.score for b in bands))} 不等于分值 {number_text(weight)}",
            "最好的一档应得满分（分值）")
    return tuple(bands), kind


class _Counter:
    """Wraps an ``add`` callback and counts the problems it receives."""

    def __init__(self, add):
        self._add = add
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1
        self._add(*args)


def _rules_text() -> str:
    return "、".join(f"{k}（{v}）" for k, v in RULES.items())


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

"""Scoring of the performance indicators (绩效评分): the indicator system is data, not code.

A scoring table (YAML in ``params/`` or a shipped preset) lists every indicator with its
level 1 and level 2, weight (分值), where its actual comes from and its scoring rule:

- ``ratio``: actual / target × weight, capped at the weight; for ≤ targets target / actual;
- ``bands``: stepped bands, a list of ``{max: bound, score: s}`` (upper bounds, ascending)
  or ``{min: bound, score: s}`` (lower bounds, descending); the first band reached wins;
- ``deduction``: ``per_instance`` points off per instance until the weight is used up;
- ``manual``: the score the evaluator enters.

An actual comes from a built-in ``measure`` computed from the year's data, from the
year's indicators sheet (``indicator: <三级指标>``), or from the evaluator's dict
(``evaluator: <key>``). An indicator without an actual scores 0 and is listed as 缺少佐证:
missing evidence is never full marks.

:func:`load_scoring` and :func:`load_preset` read and validate a table;
:func:`score` is pure: a table, a :class:`~qdanalysis.read.year.YearData` and the evaluator's
entries in, a :class:`ScoreResult` out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from qdanalysis.read import parsing as P
from qdanalysis.fmt import wan
from qdanalysis.yamlfile import read_yaml
from qdanalysis.errors import Problem, ProblemCollector, ValidationError

PRESETS_DIR = Path(__file__).with_name("presets")
#: Preset name -> file in ``qdanalysis/presets/``.
PRESETS: dict[str, str] = {"self-evaluation": "self-evaluation.yaml", "third-party": "third-party.yaml"}

RULES: dict[str, str] = {"ratio": "比率", "bands": "分档", "deduction": "扣分", "manual": "评价人打分"}
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

STATUS_SCORED = "得分"
STATUS_MISSING = "缺少佐证"
STATUS_EXPLAIN = "需说明原因"
STATUS_EVALUATOR = "评价人打分"

TOP_KEYS: dict[str, str] = {
    "name": "评分表名称", "year": "适用年度", "source": "依据（出处）", "note": "提示（显示在报告中）",
    "total": "满分（省略时为100，各指标分值之和须等于它）", "indicators": "指标列表",
}
INDICATOR_KEYS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "指标名称（三级指标）", "weight": "分值",
    "rule": "评分规则", "measure": "由数据计算的实际值", "indicator": "绩效指标表中的三级指标名称",
    "evaluator": "评价人打分表中的键", "target": "指标值（目标）", "denominator": "执行率分母",
    "bands": "分档", "per_instance": "每处扣分", "explain_below": "低于此值需说明原因", "note": "说明",
}
BAND_KEYS = ("max", "min", "score")
EVALUATOR_KEYS = ("value", "note")

#: Chinese display labels of :attr:`ScoreResult.sheet`, declared once.
SHEET_LABELS: dict[str, str] = {
    "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "weight": "分值", "rule": "评分规则",
    "target_text": "指标值", "actual_text": "实际完成值", "score": "得分", "status": "状态", "basis": "计分依据",
}
SHEET_COLUMNS = list(SHEET_LABELS)
GROUP_COLUMNS = ["level1", "weight", "score", "missing_weight", "indicators", "missing"]
EVALUATOR_SOURCE = "评价人打分"
SUBTOTAL = "小计"
TOTAL = "合计"

_Q = Decimal("0.01")


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
    target: P.Target | None = None
    denominator: str = DEFAULT_DENOMINATOR
    bands: tuple[Band, ...] = ()
    band_kind: str = "max"
    per_instance: Decimal | None = None
    explain_below: Decimal | None = None
    note: str = ""
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
    """

    name: str
    source: str
    note: str
    total: Decimal
    indicators: tuple[Indicator, ...]
    file: str = ""
    year: int | None = None

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


# --- loading and validation ----------------------------------------------------------------


def load_scoring(path: str | Path) -> ScoringTable:
    """Read and validate a scoring table (YAML, read with ``yaml.safe_load`` only).

    Raises:
        ValidationError: the file is missing or not YAML, or any key or value is refused;
            every problem names the file, the line, the key, and a fix (in Chinese).
    """
    data, (lines, duplicates), source = read_yaml(
        path, "评分表文件", "请检查路径，或用 load_preset('self-evaluation') 从预置评分表开始", _node_lines)
    dup_problems = [Problem(source, "", line, _key_path(p), f"「{p[-1]}」在同一处写了两次", "请只保留一处")
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
        number = _number(value)
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
        collector.add("", None, "weights", f"各一级指标权重之和为 {_num(sum(new.values(), Decimal(0)))}，"
                      f"不等于满分 {_num(table.total)}", "请调整权重使其合计等于满分")
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
    weight = (ind.weight * factor).quantize(_Q, rounding=ROUND_HALF_UP) + extra
    ratio = weight / ind.weight if ind.weight else Decimal(0)
    bands = tuple(Band(b.bound, min(weight, (b.score * ratio).quantize(_Q, rounding=ROUND_HALF_UP)))
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
        collector.add("", _line(lines, path), _key_path(path), message, hint)

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
        number = _number(data["total"])
        if number is None or number <= 0:
            add(("total",), f"满分「{data['total']}」不是大于0的数字", "例如 total: 100，或删除这一行（默认100）")
        else:
            total = number
    raw = data.get("indicators")
    indicators: list[Indicator] = []
    if not isinstance(raw, list) or not raw:
        add(("indicators",), "缺少指标列表 indicators，或它不是列表", "每个指标以「- name: …」开头，见预置评分表")
    else:
        for n, item in enumerate(raw):
            ind = _indicator(item, n, add)
            if ind is not None:
                indicators.append(replace(ind, line=_line(lines, ("indicators", n))))
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
    weights = [(str(i.get("level1")), _number(i.get("weight"))) for i in raw or [] if isinstance(i, dict)] \
        if isinstance(raw, list) else []
    if weights and len(weights) == len(raw) and all(w is not None and w >= 0 for _, w in weights):
        weight_sum = sum((w for _, w in weights), Decimal(0))
        if weight_sum != total:
            groups: dict[str, Decimal] = {}
            for level1, w in weights:
                groups[level1] = groups.get(level1, Decimal(0)) + w
            detail = "，".join(f"{k} {_num(v)}" for k, v in groups.items())
            add(("total",) if "total" in data else ("indicators",),
                f"各指标分值之和为 {_num(weight_sum)}，不等于满分 {_num(total)}（{detail}）",
                "请调整分值使其合计等于满分；满分不是100时请写 total: 满分")
    collector.raise_if_any()
    return ScoringTable(name=texts["name"], source=texts["source"], note=texts["note"], total=total,
                        indicators=tuple(indicators), file=source, year=year)


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
    weight = _number(item.get("weight"))
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
            target = P.parse_target(item["target"])
        except P.CellError as err:
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
        explain_below = _number(item["explain_below"])
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
        per_instance = _number(item.get("per_instance"))
        if per_instance is None or per_instance <= 0:
            add(base + ("per_instance",), f"{label}缺少每处扣分「per_instance」或它不是大于0的数字",
                "例如 per_instance: 1（每发现一处扣1分，扣完分值为止）")
    elif "per_instance" in item:
        add(base + ("per_instance",), f"{label}的评分规则不是 deduction，不应写每处扣分", "请删除 per_instance")
    if before.count or weight is None or rule is None:
        return None
    return Indicator(
        level1=strings["level1"] or "", level2=strings["level2"] or "", name=strings["name"] or "",
        weight=weight, rule=rule, measure=measure, indicator=indicator, evaluator=evaluator, target=target,
        denominator=denominator, bands=bands, band_kind=kind, per_instance=per_instance,
        explain_below=explain_below, note=strings["note"] or "", position=n + 1,
    )


def _check_sources(rule, measure, indicator, evaluator, target, label, base, add) -> None:
    """Where the actual comes from must suit the rule."""
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
        bound = _number(band[kind])
        score = _number(band.get("score"))
        if bound is None:
            add(where + (kind,), f"{step}的界限「{band[kind]}」不是数字", "例如 10（百分数写 10 或 10%）")
            continue
        if score is None or score < 0:
            add(where + ("score",), f"{step}的得分「{band.get('score')}」不是不小于0的数字", "例如 score: 2")
            continue
        if weight is not None and score > weight:
            add(where + ("score",), f"{step}的得分 {_num(score)} 超过分值 {_num(weight)}", "每档得分不能超过该指标的分值")
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
            add(path + (j, kind), f"{label}的分档界限没有按顺序排列：第{j}档 {_num(a)}，第{j + 1}档 {_num(b)}",
                f"请按{order}排列，且不能重复")
            return (), kind
    if weight is not None and max(b.score for b in bands) != weight:
        add(path, f"{label}的最高档得分 {_num(max(b.score for b in bands))} 不等于分值 {_num(weight)}",
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


def _number(value: Any) -> Decimal | None:
    """A YAML number (or a numeric string such as ``10%``) as Decimal; None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        try:
            q = P.parse_quantity(value)
        except P.CellError:
            return None
        return None if q is None or q.value is None or q.unit not in ("", "%") else q.value
    return None


def _node_lines(text: str) -> tuple[dict[tuple, int], list[tuple[tuple, int]]]:
    """Line (1-based) of every key path, and the keys written twice in one mapping.

    ``yaml.compose`` only builds nodes (no Python object is constructed), so it is as safe
    as ``safe_load``; ``safe_load`` alone keeps the last of two equal keys silently.
    """
    lines: dict[tuple, int] = {}
    duplicates: list[tuple[tuple, int]] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = path + (key,)
                if key in seen:
                    duplicates.append((child, key_node.start_mark.line + 1))
                    continue
                seen.add(key)
                lines[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for j, value_node in enumerate(node.value):
                walk(value_node, path + (j,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return lines, duplicates


def _line(lines: dict[tuple, int], path: tuple) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def _key_path(path: tuple) -> str:
    """``("indicators", 2, "rule")`` -> ``indicators[3].rule`` (list positions 1-based)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --- scoring -------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """The scored table of one year.

    Attributes:
        sheet: one row per indicator: level1, level2, name, weight, rule, target_text,
            actual_text, score, status (得分/缺少佐证/需说明原因/评价人打分), basis.
        groups: one row per level 1: level1, weight, score, missing_weight, indicators, missing.
        total: the total score.
        max_total: the maximum score.
        grade: 优, 良, 中 or 差 (on total / max_total × 100).
        missing: names of the 缺少佐证 indicators.
        missing_weight: the weight those indicators carry (scored 0).
        flags: Chinese notes the report must show (需说明原因, data disagreeing with the table).
        name, source, note: the table's, for the report.
    """

    sheet: pd.DataFrame
    groups: pd.DataFrame
    total: float
    max_total: float
    grade: str
    missing: list[str]
    missing_weight: float
    flags: list[str] = field(default_factory=list)
    name: str = ""
    source: str = ""
    note: str = ""

    def summary(self) -> str:
        """One Chinese paragraph: total, grade, the weight lacking evidence, and the table's note."""
        text = f"总分 {_num(Decimal(str(self.total)))} 分（满分 {_num(Decimal(str(self.max_total)))} 分），等级「{self.grade}」。"
        if self.missing:
            share = self.missing_weight / self.max_total if self.max_total else 0
            text += (f"{len(self.missing)} 项指标缺少佐证（{'、'.join(self.missing)}），合计分值 "
                     f"{_num(Decimal(str(self.missing_weight)))} 分，占满分的 {share:.0%}，均按 0 分计，"
                     "补充佐证后须重新评分；总分偏低主要反映佐证不足，而不只是绩效本身。")
        else:
            text += "全部指标均有佐证。"
        if self.note:
            text += f"评分表说明：{self.note}"
        return text


def grade(total: float | Decimal, max_total: float | Decimal = 100) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (of 100; other maxima are scaled to 100)."""
    points = Decimal(str(total))
    top = Decimal(str(max_total))
    percent = points if top == 100 else points * 100 / top
    for threshold, name in GRADES:
        if percent >= threshold:
            return name
    return GRADE_LOWEST


def score(table: ScoringTable, data: Any, evaluator: dict | None = None) -> ScoreResult:
    """Score ``data`` (a :class:`~qdanalysis.read.year.YearData`) against ``table``.

    Args:
        table: a validated scoring table.
        data: the year's data; ``totals``, ``indicators``, ``warnings`` and ``year`` are read.
        evaluator: the evaluator's entries: key -> number (a manual score, a number of
            instances, or an actual), or ``{"value": number, "note": "说明"}``; None for
            not entered. Keys must be the table's ``evaluator`` keys.

    Returns:
        The score sheet, group subtotals, total, grade, 缺少佐证 list and flags.

    Raises:
        ValidationError: the evaluator's entries are refused, the table is for another
            year, or an ``indicator:`` is not in the year's indicators sheet.
    """
    entries = _evaluator_entries(table, evaluator or {})
    _check_against_data(table, data)
    rows: list[dict] = []
    flags: list[str] = []
    for ind in table.indicators:
        row, row_flags = _score_one(ind, data, entries)
        rows.append(row)
        flags.extend(row_flags)
    sheet = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    total = sum((Decimal(str(s)) for s in sheet["score"]), Decimal(0))
    missing = [r["name"] for r in rows if r["status"] == STATUS_MISSING]
    missing_weight = sum((i.weight for i in table.indicators if i.name in set(missing)), Decimal(0))
    return ScoreResult(
        sheet=sheet, groups=_groups(sheet), total=float(total), max_total=float(table.total),
        grade=grade(total, table.total), missing=missing, missing_weight=float(missing_weight),
        flags=flags, name=table.name, source=table.source, note=table.note,
    )


def display_sheet(result: ScoreResult) -> pd.DataFrame:
    """The score sheet with Chinese headers, a 小计 row after each level 1 group and a 合计 row."""
    rows = []
    for level1, group in result.sheet.groupby("level1", sort=False):
        rows.extend(group.to_dict("records"))
        sub = result.groups[result.groups["level1"] == level1].iloc[0]
        rows.append({"level1": level1, "level2": "", "name": SUBTOTAL, "weight": sub["weight"], "rule": "",
                     "target_text": "", "actual_text": "", "score": sub["score"],
                     "status": f"缺少佐证 {_num(Decimal(str(sub['missing_weight'])))} 分" if sub["missing"] else "",
                     "basis": ""})
    rows.append({"level1": TOTAL, "level2": "", "name": "", "weight": result.max_total, "rule": "",
                 "target_text": "", "actual_text": "", "score": result.total, "status": f"等级：{result.grade}",
                 "basis": result.summary()})
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out["rule"] = [RULES.get(r, r) for r in out["rule"]]
    return out.rename(columns=SHEET_LABELS)


def _groups(sheet: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for level1, g in sheet.groupby("level1", sort=False):
        missing = g[g["status"] == STATUS_MISSING]
        rows.append({"level1": level1, "weight": _f(_dsum(g["weight"])), "score": _f(_dsum(g["score"])),
                     "missing_weight": _f(_dsum(missing["weight"])), "indicators": len(g), "missing": len(missing)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _dsum(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _f(value: Decimal) -> float:
    return float(value)


@dataclass(frozen=True)
class _Entry:
    value: Decimal | None
    note: str = ""


def _evaluator_entries(table: ScoringTable, evaluator: dict) -> dict[str, _Entry]:
    """Validate the evaluator's dict against the table's keys."""
    if not isinstance(evaluator, dict):
        raise ValidationError(Problem(EVALUATOR_SOURCE, "", None, "", "评价人打分应为「键: 分数」的字典",
                                      "例如 {'使用部门满意度': 8}"))
    keys = table.evaluator_keys()
    collector = ProblemCollector(EVALUATOR_SOURCE)
    entries: dict[str, _Entry] = {}
    for key, raw in evaluator.items():
        ind = keys.get(key)
        if ind is None:
            collector.add("", None, str(key), f"评分表中没有评价人打分键「{key}」",
                          f"可用的键：{'、'.join(keys) or '（该评分表不需要评价人打分）'}")
            continue
        note = ""
        value = raw
        if isinstance(raw, dict):
            unknown = [str(k) for k in raw if k not in EVALUATOR_KEYS]
            if unknown:
                collector.add("", None, str(key), f"「{key}」有不认识的键「{'、'.join(unknown)}」",
                              "只能写 value（数值）和 note（说明）")
                continue
            value = raw.get("value")
            note = str(raw.get("note") or "").strip()
        if value is None:
            entries[key] = _Entry(None, note)
            continue
        number = _number(value)
        if number is None:
            collector.add("", None, str(key), f"「{key}」的值「{value}」不是数字", _entry_hint(ind))
            continue
        if ind.rule == "manual" and not Decimal(0) <= number <= ind.weight:
            collector.add("", None, str(key), f"「{key}」的得分 {_num(number)} 不在 0 到分值 {_num(ind.weight)} 之间",
                          _entry_hint(ind))
            continue
        if ind.rule == "deduction" and (number < 0 or number != number.to_integral_value()):
            collector.add("", None, str(key), f"「{key}」的扣分次数「{value}」不是不小于0的整数", _entry_hint(ind))
            continue
        entries[key] = _Entry(number, note)
    collector.raise_if_any()
    return entries


def _entry_hint(ind: Indicator) -> str:
    if ind.rule == "manual":
        return f"请填写 0 到 {_num(ind.weight)} 之间的得分"
    if ind.rule == "deduction":
        return "请填写发现的问题处数（整数），例如 2"
    unit = ind.target.unit if ind.target else ""
    return f"请填写实际值（单位：{unit or '与指标值相同'}）"


def _check_against_data(table: ScoringTable, data: Any) -> None:
    collector = ProblemCollector(table.file)
    year = getattr(data, "year", None)
    if table.year is not None and year is not None and int(year) != table.year:
        collector.add("", None, "year", f"评分表适用于{table.year}年，数据是{year}年",
                      f"请使用 {year} 年的评分表，或修改 year")
    sheet = data.indicators
    if len(sheet):
        names = [P.compact(n) for n in sheet["name"]]
        for ind in table.indicators:
            if not ind.indicator:
                continue
            count = names.count(P.compact(ind.indicator))
            if count == 0:
                collector.add("", ind.line, f"indicators[{ind.position}].indicator",
                              f"指标「{ind.name}」对应的「{ind.indicator}」不在{year or ''}年的绩效指标表中",
                              f"请核对三级指标名称；绩效指标表中有：{'、'.join(str(n) for n in sheet['name'])}")
            elif count > 1:
                collector.add("", ind.line, f"indicators[{ind.position}].indicator",
                              f"绩效指标表中有 {count} 个「{ind.indicator}」，无法确定取哪一个",
                              "请在绩效指标表中区分同名指标")
            elif ind.rule == "bands":
                row = sheet.iloc[names.index(P.compact(ind.indicator))]
                if pd.isna(row["target_value"]):
                    collector.add("", ind.line, f"indicators[{ind.position}].rule",
                                  f"指标「{ind.name}」的指标值「{row['target_text']}」是定性目标，不能按分档计分",
                                  "请改用 rule: manual（评价人打分）")
    collector.raise_if_any()


@dataclass
class _Actual:
    """An indicator's target and actual, as found; ``value`` None when unknown."""

    target: P.Target | None
    value: Decimal | None = None
    text: str = ""
    met: bool | None = None
    missing_reason: str = ""
    how: str = ""
    from_evaluator: bool = False
    note: str = ""
    flags: list[str] = field(default_factory=list)


def _score_one(ind: Indicator, data: Any, entries: dict[str, _Entry]) -> tuple[dict, list[str]]:
    actual = _actual_of(ind, data, entries)
    row = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "weight": float(ind.weight),
           "rule": ind.rule, "target_text": actual.target.text if actual.target else "",
           "actual_text": actual.text}
    flags = list(actual.flags)
    if actual.missing_reason:
        row.update(score=0.0, status=STATUS_MISSING,
                   basis=f"{actual.missing_reason}，按 0 分计（不是满分）；须补充佐证后重新评分")
        return row, flags
    points, basis = _RULE_FUNCS[ind.rule](ind, actual)
    points = points.quantize(_Q, rounding=ROUND_HALF_UP)
    status = STATUS_EVALUATOR if actual.from_evaluator else STATUS_SCORED
    if actual.how:
        basis = f"{actual.how}；{basis}"
    if actual.note:
        basis += f"（评价人说明：{actual.note}）"
    if ind.explain_below is not None and actual.value is not None and actual.value < ind.explain_below:
        status = STATUS_EXPLAIN
        unit = actual.target.unit if actual.target else ""
        flags.append(f"{ind.name} {actual.text} 低于 {_num(ind.explain_below)}{unit}，需说明原因")
        basis += f"；低于 {_num(ind.explain_below)}{unit}，需说明原因"
    if ind.note:
        basis += f"；{ind.note}"
    row.update(score=float(points), status=status, basis=basis)
    return row, flags


def _actual_of(ind: Indicator, data: Any, entries: dict[str, _Entry]) -> _Actual:
    if ind.measure == "execution_rate":
        return _execution_rate(ind, data.totals)
    if ind.measure == "adjustment_rate":
        return _adjustment_rate(ind, data.totals)
    if ind.measure == "data_warnings":
        count = len(data.warnings)
        return _Actual(None, Decimal(count), f"{count} 处", how=f"数据核对发现 {count} 处数字相互矛盾")
    actual = _from_sheet(ind, data.indicators) if ind.indicator else _Actual(ind.target)
    if ind.evaluator:
        entry = entries.get(ind.evaluator)
        what = {"manual": "打分", "deduction": "发现的问题处数"}.get(ind.rule, "实际值")
        if entry is None or entry.value is None:
            actual.missing_reason = f"评价人未填写{what}（键「{ind.evaluator}」）"
            return actual
        actual.from_evaluator, actual.note = True, entry.note
        actual.missing_reason = ""
        if ind.rule == "manual":
            actual.value = entry.value
            actual.text = actual.text or f"评价人打分 {_num(entry.value)}"
        elif ind.rule == "deduction":
            actual.value = entry.value
            actual.text = f"{_num(entry.value)} 处"
        else:
            unit = ind.target.unit if ind.target else ""
            actual.value, actual.text = entry.value, f"{_num(entry.value)}{unit}"
            actual.met = None
    return actual


def _from_sheet(ind: Indicator, sheet: pd.DataFrame) -> _Actual:
    if not len(sheet):
        return _Actual(None, missing_reason="本年数据没有绩效指标表")
    match = sheet[[P.compact(n) == P.compact(ind.indicator) for n in sheet["name"]]]
    r = match.iloc[0]
    target = P.Target(r["target_op"], None if pd.isna(r["target_value"]) else _dec(r["target_value"]),
                      r["target_unit"] or "", r["target_text"])
    flags = []
    if "weight" in r.index and not pd.isna(r["weight"]) and _dec(r["weight"]) != ind.weight:
        flags.append(f"绩效指标表中「{ind.indicator}」的分值为 {_num(_dec(r['weight']))}，"
                     f"评分表为 {_num(ind.weight)}；本次按评分表计分")
    text = r["actual_text"] if isinstance(r["actual_text"], str) else ""
    out = _Actual(target, text=text, flags=flags)
    if not text:
        out.missing_reason = "绩效指标表未填实际完成值"
        return out
    out.value = None if pd.isna(r["actual_value"]) else _dec(r["actual_value"])
    out.met = None if pd.isna(r["met"]) else bool(r["met"])
    if ind.rule != "manual" and target.value is not None and out.value is None:
        out.missing_reason = f"实际完成值「{text}」不是数值，无法与指标值「{target.text}」比较"
    elif ind.rule == "ratio" and target.value is None and out.met is None:
        out.missing_reason = f"实际完成值「{text}」无法判断是否达到「{target.text}」"
    return out


def _execution_rate(ind: Indicator, totals: dict) -> _Actual:
    target = ind.target or P.parse_target(EXECUTION_TARGET)
    executed = totals.get("executed")
    label = DENOMINATORS[ind.denominator]
    den = totals.get(ind.denominator)
    how_den, aside = label, ""
    if den is None and ind.denominator == "adjusted_budget" and totals.get("budget") is not None:
        den, how_den, aside = totals.get("budget"), DENOMINATORS["budget"], "（未填调整后预算数，按预算数计算）"
    if executed is None or den is None:
        lacking = "执行数" if executed is None else label
        return _Actual(target, missing_reason=f"预算表未填{lacking}，无法计算预算执行率")
    if Decimal(den) == 0:
        return _Actual(target, missing_reason=f"{label}为 0，无法计算预算执行率")
    rate = Decimal(executed) / Decimal(den) * 100
    return _Actual(target, rate, _pct(rate),
                   how=f"预算执行率 = 执行数 {wan(executed)} ÷ {how_den} {wan(den)} = {_pct(rate)}{aside}")


def _adjustment_rate(ind: Indicator, totals: dict) -> _Actual:
    budget, adjusted = totals.get("budget"), totals.get("adjusted_budget")
    if adjusted is None:
        return _Actual(ind.target, missing_reason="预算表未填调整后预算数（是否调整未知），无法计算预算调整率")
    if budget is None or Decimal(budget) == 0:
        return _Actual(ind.target, missing_reason="预算表未填预算数，无法计算预算调整率")
    rate = abs(Decimal(adjusted) - Decimal(budget)) / Decimal(budget) * 100
    return _Actual(ind.target, rate, _pct(rate),
                   how=f"|调整后预算数 {wan(adjusted)} − 预算数 {wan(budget)}| ÷ 预算数 = {_pct(rate)}")


def _ratio_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    t = a.target
    w = _num(ind.weight)
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
        return ind.weight, f"{formula} = {_pct(ratio * 100)}，达到目标，按 100% 计，得满分 {w}"
    points = ratio * ind.weight
    return points, f"{formula} = {_pct(ratio * 100)}，× 分值 {w} = {_num(points.quantize(_Q, rounding=ROUND_HALF_UP))}"


def _bands_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    word = "≤" if ind.band_kind == "max" else "≥"
    for n, band in enumerate(ind.bands, start=1):
        hit = a.value <= band.bound if ind.band_kind == "max" else a.value >= band.bound
        if hit:
            return band.score, f"实际 {a.text} 落在第{n}档（{word}{_num(band.bound)}），得 {_num(band.score)} 分"
    return Decimal(0), f"实际 {a.text} 不在任何一档内（{_bands_text(ind)}），得 0 分"


def _bands_text(ind: Indicator) -> str:
    word = "≤" if ind.band_kind == "max" else "≥"
    return "；".join(f"{word}{_num(b.bound)} 得 {_num(b.score)}" for b in ind.bands)


def _deduction_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    n = a.value
    off = n * ind.per_instance
    points = max(Decimal(0), ind.weight - off)
    text = f"{_num(n)} 处 × 每处扣 {_num(ind.per_instance)} 分 = 扣 {_num(off)} 分"
    if off >= ind.weight:
        return points, f"{text}，分值 {_num(ind.weight)} 扣完为止，得 0 分"
    return points, f"{text}，{_num(ind.weight)} − {_num(off)} = {_num(points)} 分"


def _manual_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    return a.value, f"评价人打分 {_num(a.value)} 分（分值 {_num(ind.weight)}）"


_RULE_FUNCS = {"ratio": _ratio_rule, "bands": _bands_rule, "deduction": _deduction_rule, "manual": _manual_rule}


# --- formatting ------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - loaders only give numbers here
        raise ValueError(value) from None


def _num(value: Decimal) -> str:
    """A number without trailing zeros: 8, 4.08, 0.5."""
    q = Decimal(value).quantize(_Q, rounding=ROUND_HALF_UP)
    text = format(q, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(percent: Decimal) -> str:
    return f"{Decimal(percent).quantize(_Q, rounding=ROUND_HALF_UP)}%"


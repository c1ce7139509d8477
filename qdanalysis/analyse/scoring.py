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

:func:`load_scoring` and :func:`load_preset` (:mod:`qdanalysis.analyse.scoring_table`) read and
validate a table;
:func:`score` is pure: a table, a :class:`~qdanalysis.read.year.YearData` and the evaluator's
entries in, a :class:`ScoreResult` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.analyse.scoring_table import (
    COUNT_MEASURES,
    DENOMINATORS,
    EVALUATOR_KEYS,
    EVALUATOR_SOURCE,
    EXECUTION_TARGET,
    GRADE_LOWEST,
    GRADES,
    GROUP_COLUMNS,
    MEASURES,
    PRESETS,
    PRESETS_DIR,
    RATE_MEASURES,
    RULES,
    SHEET_COLUMNS,
    SHEET_LABELS,
    STATUS_EVALUATOR,
    STATUS_EXPLAIN,
    STATUS_MISSING,
    STATUS_SCORED,
    SUBTOTAL,
    TOTAL,
    Band,
    Indicator,
    ScoringTable,
    load_preset,
    load_scoring,
    number_text,
    reweight,
    to_number,
    validate_scoring,
)
from qdanalysis.errors import Problem, ProblemCollector, ValidationError
from qdanalysis.fmt import wan
from qdanalysis.read import parsing as P
from qdanalysis.read.loaders.budget import NOT_ADJUSTED

__all__ = [
    "Band", "Indicator", "ScoringTable", "ScoreResult", "load_scoring", "load_preset", "reweight", "validate_scoring",
    "score", "grade", "display_sheet", "PRESETS", "PRESETS_DIR", "MEASURES", "RATE_MEASURES", "COUNT_MEASURES",
]

_Q = Decimal("0.01")


@dataclass(frozen=True)
class _Scored:
    """What scoring reads of a year."""

    year: int
    totals: dict
    indicators: pd.DataFrame
    warnings: list[str]


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
        text = f"总分 {number_text(Decimal(str(self.total)))} 分（满分 {number_text(Decimal(str(self.max_total)))} 分），等级「{self.grade}」。"
        if self.missing:
            share = self.missing_weight / self.max_total if self.max_total else 0
            text += (f"{len(self.missing)} 项指标缺少佐证（{'、'.join(self.missing)}），合计分值 "
                     f"{number_text(Decimal(str(self.missing_weight)))} 分，占满分的 {share:.0%}，均按 0 分计，"
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


def score(table: ScoringTable, data: Any, evaluator: dict | None = None, *,
          warnings: list[str] | None = None) -> ScoreResult:
    """Score ``data`` (a :class:`~qdanalysis.read.year.YearData`) against ``table``.

    Args:
        table: a validated scoring table.
        data: the year's data; ``totals``, ``indicators`` and ``year`` are read.
        evaluator: the evaluator's entries: key -> number (a manual score, a number of
            instances, or an actual), or ``{"value": number, "note": "说明"}``; None for
            not entered. Keys must be the table's ``evaluator`` keys.
        warnings: the year's data warnings (the cross-checks that disagree), which the
            ``data_warnings`` measure counts; None takes ``data.warnings`` where the data
            carries them, else computes the cross-checks from the data.

    Returns:
        The score sheet, group subtotals, total, grade, 缺少佐证 list and flags.

    Raises:
        ValidationError: the evaluator's entries are refused, the table is for another
            year, or an ``indicator:`` is not in the year's indicators sheet.
    """
    entries = _evaluator_entries(table, evaluator or {})
    _check_against_data(table, data)
    if warnings is None:
        warnings = getattr(data, "warnings", None)
    if warnings is None:
        checks = cross_checks(data.budget, data.contracts, data.lines, data.totals, data.year)
        warnings = warnings_from(checks)
    data = _Scored(data.year, data.totals, data.indicators, list(warnings))
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
                     "status": f"缺少佐证 {number_text(Decimal(str(sub['missing_weight'])))} 分" if sub["missing"] else "",
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
        number = to_number(value)
        if number is None:
            collector.add("", None, str(key), f"「{key}」的值「{value}」不是数字", _entry_hint(ind))
            continue
        if ind.rule == "manual" and not Decimal(0) <= number <= ind.weight:
            collector.add("", None, str(key), f"「{key}」的得分 {number_text(number)} 不在 0 到分值 {number_text(ind.weight)} 之间",
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
        return f"请填写 0 到 {number_text(ind.weight)} 之间的得分"
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
        flags.append(f"{ind.name} {actual.text} 低于 {number_text(ind.explain_below)}{unit}，需说明原因")
        basis += f"；低于 {number_text(ind.explain_below)}{unit}，需说明原因"
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
            actual.text = actual.text or f"评价人打分 {number_text(entry.value)}"
        elif ind.rule == "deduction":
            actual.value = entry.value
            actual.text = f"{number_text(entry.value)} 处"
        else:
            unit = ind.target.unit if ind.target else ""
            actual.value, actual.text = entry.value, f"{number_text(entry.value)}{unit}"
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
        flags.append(f"绩效指标表中「{ind.indicator}」的分值为 {number_text(_dec(r['weight']))}，"
                     f"评分表为 {number_text(ind.weight)}；本次按评分表计分")
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
        aside = "（预算未调整，按预算数计算）" if totals.get("adjustment") == NOT_ADJUSTED else "（调整后预算数未披露，按预算数计算）"
        den, how_den = totals.get("budget"), DENOMINATORS["budget"]
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
    if adjusted is None and totals.get("adjustment") == NOT_ADJUSTED and budget is not None:
        adjusted = budget  # the sheet leaves 调整后预算数 blank: the budget was not adjusted
    if adjusted is None:
        return _Actual(ind.target, missing_reason="预算表的调整后预算数未披露（是否调整未知），无法计算预算调整率")
    if budget is None or Decimal(budget) == 0:
        return _Actual(ind.target, missing_reason="预算表未填预算数，无法计算预算调整率")
    rate = abs(Decimal(adjusted) - Decimal(budget)) / Decimal(budget) * 100
    return _Actual(ind.target, rate, _pct(rate),
                   how=f"|调整后预算数 {wan(adjusted)} − 预算数 {wan(budget)}| ÷ 预算数 = {_pct(rate)}")


def _ratio_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
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
        return ind.weight, f"{formula} = {_pct(ratio * 100)}，达到目标，按 100% 计，得满分 {w}"
    points = ratio * ind.weight
    return points, f"{formula} = {_pct(ratio * 100)}，× 分值 {w} = {number_text(points.quantize(_Q, rounding=ROUND_HALF_UP))}"


def _bands_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    word = "≤" if ind.band_kind == "max" else "≥"
    for n, band in enumerate(ind.bands, start=1):
        hit = a.value <= band.bound if ind.band_kind == "max" else a.value >= band.bound
        if hit:
            return band.score, f"实际 {a.text} 落在第{n}档（{word}{number_text(band.bound)}），得 {number_text(band.score)} 分"
    return Decimal(0), f"实际 {a.text} 不在任何一档内（{_bands_text(ind)}），得 0 分"


def _bands_text(ind: Indicator) -> str:
    word = "≤" if ind.band_kind == "max" else "≥"
    return "；".join(f"{word}{number_text(b.bound)} 得 {number_text(b.score)}" for b in ind.bands)


def _deduction_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    n = a.value
    off = n * ind.per_instance
    points = max(Decimal(0), ind.weight - off)
    text = f"{number_text(n)} 处 × 每处扣 {number_text(ind.per_instance)} 分 = 扣 {number_text(off)} 分"
    if off >= ind.weight:
        return points, f"{text}，分值 {number_text(ind.weight)} 扣完为止，得 0 分"
    return points, f"{text}，{number_text(ind.weight)} − {number_text(off)} = {number_text(points)} 分"


def _manual_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    return a.value, f"评价人打分 {number_text(a.value)} 分（分值 {number_text(ind.weight)}）"


_RULE_FUNCS = {"ratio": _ratio_rule, "bands": _bands_rule, "deduction": _deduction_rule, "manual": _manual_rule}


# --- formatting ------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    if isinstance(value, float):
        return Decimal(format(value, ".15g"))
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - loaders only give numbers here
        raise ValueError(value) from None


def _pct(percent: Decimal) -> str:
    return f"{Decimal(percent).quantize(_Q, rounding=ROUND_HALF_UP)}%"


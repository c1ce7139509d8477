"""Scoring of the performance indicators (绩效评分): the indicator system is data, not code.

A scoring table (YAML in ``params/`` or a shipped preset) lists every indicator with its
level 1 and level 2, weight (分值), where its actual comes from and its scoring rule:

- ``ratio``: actual / target × weight, capped at the weight; for ≤ targets target / actual;
- ``bands``: stepped bands, a list of ``{max: bound, score: s}`` (upper bounds, ascending)
  or ``{min: bound, score: s}`` (lower bounds, descending); the first band reached wins;
- ``deduction``: ``per_instance`` points off per instance until the weight is used up;
- ``manual``: the score the evaluator enters;
- ``levels``: a qualitative indicator: 达成 / 部分达成 / 未达成 earn a share of the weight.

An actual comes from a built-in ``measure`` computed from the year's data, from the
year's indicators sheet (``indicator: <三级指标>``), from the evaluator's record (the optional
评价记录 sheet, a row per 三级指标: a verified actual or a score, and the evidence relied on), or
from the evaluator's dict (``evaluator: <key>``, the notebook's Python path). An indicator without
evidence is 待补充佐证: it earns nothing, and it is never full marks. When such indicators weigh
more than the table's ``grade_threshold`` (% of the maximum), no grade is given (暂不定级): the
result is the score on the evidenced indicators and the range the rest could move it to.

:func:`load_scoring` and :func:`load_preset` (:mod:`qdanalysis.analyse.scoring_table`) read and
validate a table;
:func:`score` is pure: a table, a :class:`~qdanalysis.read.year.YearData` and the evaluator's
entries in, a :class:`ScoreResult` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.analyse.analyses import budget_ceiling, units_differ
from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.analyse.scoring_table import (
    COUNT_MEASURES,
    DEFAULT_GRADE_THRESHOLD,
    DENOMINATORS,
    EVALUATOR_KEYS,
    EVALUATOR_SOURCE,
    EXECUTION_TARGET,
    GRADE_LOWEST,
    GRADES,
    GROUP_COLUMNS,
    MEASURES,
    NO_GRADE,
    PRESETS,
    PRESETS_DIR,
    RATE_MEASURES,
    RULES,
    SELF_SCORE_LABEL,
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
from qdanalysis.domain import NOT_ADJUSTED, UNDISCLOSED
from qdanalysis.errors import Problem, ProblemCollector, ValidationError
from qdanalysis.fmt import placeholder, wan
from qdanalysis.money import sum_all, sum_known, to_decimal
from qdanalysis.read import parsing as P
from qdanalysis.read.schema import LEVEL_WORDS, RECORD

__all__ = [
    "Band", "Indicator", "ScoringTable", "ScoreResult", "load_scoring", "load_preset", "reweight", "validate_scoring",
    "score", "grade", "display_sheet", "PRESETS", "PRESETS_DIR", "MEASURES", "RATE_MEASURES", "COUNT_MEASURES",
    "NO_GRADE",
]

_Q = Decimal("0.01")


@dataclass(frozen=True)
class _Scored:
    """What scoring reads of a year."""

    year: int
    totals: dict
    indicators: pd.DataFrame
    warnings: list[str]
    budget_source: str = "预算执行表"
    self_funds: pd.DataFrame | None = None


# --- scoring -------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """The scored table of one year.

    Attributes:
        sheet: one row per indicator: level1, level2, name, weight, rule, target_text,
            actual_text, score (NaN while 待补充佐证), status (得分/待补充佐证/需说明原因/评价人打分),
            basis, evidence (what the score rests on).
        groups: one row per level 1: level1, weight, score, missing_weight, indicators, missing.
        total: the score of the evidenced indicators (the indicators without evidence earn nothing).
        max_total: the maximum score.
        grade: 优, 良, 中 or 差 (on total / max_total × 100), or 暂不定级 when the indicators
            without evidence weigh more than ``threshold`` % of the maximum.
        missing: names of the 待补充佐证 indicators.
        missing_weight: the weight those indicators carry.
        flags: Chinese notes the report must show (需说明原因, data disagreeing with the table).
        name, source, note: the table's, for the report.
        threshold: the table's grade threshold (% of the maximum).
        proposals: the system's proposed bands for indicators whose evidence the data quotes
            (name, level, quote), not scored until the evaluator's record confirms them.
        evaluators: who entered the record, with dates (``张三（2021-05-20）``).
        opinions: the record's 评价意见 by indicator name.
        file: the scoring table's file, or the preset's name.
        self_scores: the unit's own score of each indicator (its 自评表's 得分; None where it left it
            blank), by indicator name; empty when the data has no 自评表. Stated by the unit: never
            part of ``total``.
        self_source: the 自评表 the self-scores come from, in words.
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
    threshold: float = float(DEFAULT_GRADE_THRESHOLD)
    proposals: list[dict] = field(default_factory=list)
    evaluators: list[str] = field(default_factory=list)
    file: str = ""
    opinions: dict[str, str] = field(default_factory=dict)
    self_scores: dict[str, float | None] = field(default_factory=dict)
    self_source: str = ""

    @property
    def self_total(self) -> float | None:
        """The unit's self-scores added up (None when it gave none)."""
        given = sum_known(self.self_scores.values())
        return None if given is None else float(given)

    def self_summary(self) -> str:
        """Where the unit's self-scores come from and what they add up to, in one sentence (empty without)."""
        if not self.self_scores:
            return ""
        n = len(self.self_scores)
        given = [v for v in self.self_scores.values() if v is not None]
        if not given:
            return f"单位自评得分取自{self.self_source}，但{n}项指标均未填写自评得分。"
        blank = n - len(given)
        total = f"合计{number_text(self.self_total)}分" + (f"（{blank}项未填写，合计不含该项）" if blank else "")
        return (f"单位自评得分取自{self.self_source}，为单位填报，未经本评价核实，不计入本评价得分；"
                f"{n}项中{len(given)}项填有自评得分，{total}。")

    @property
    def graded(self) -> bool:
        """Whether the evidence carries a grade (else 暂不定级)."""
        return self.grade != NO_GRADE

    @property
    def evidenced_max(self) -> float:
        """The weight of the indicators that have evidence."""
        return float(to_decimal(self.max_total) - to_decimal(self.missing_weight))

    @property
    def evidenced_rate(self) -> float | None:
        """The score on the evidenced indicators as a share of their weight."""
        return None if not self.evidenced_max else float(to_decimal(self.total) / to_decimal(self.evidenced_max))

    @property
    def score_range(self) -> tuple[float, float]:
        """The total if the indicators without evidence earned nothing, and if they earned full marks."""
        return self.total, float(to_decimal(self.total) + to_decimal(self.missing_weight))

    @property
    def grade_range(self) -> tuple[str, str]:
        """The grades of the two ends of :attr:`score_range`."""
        low, high = self.score_range
        return grade(low, self.max_total), grade(high, self.max_total)

    def headline(self) -> str:
        """The result in one sentence: total and grade, or 暂不定级 with the evidenced score and the range."""
        n = number_text
        if self.graded:
            return f"总分 {n(self.total)} 分（满分 {n(self.max_total)} 分），等级「{self.grade}」。"
        low, high = self.score_range
        glow, ghigh = self.grade_range
        rate = "" if self.evidenced_rate is None else f"，得分率 {self.evidenced_rate:.1%}"
        grades = f"等级「{glow}」" if glow == ghigh else f"等级「{glow}」至「{ghigh}」"
        if not self.evidenced_max:  # nothing to score yet: no "得 0 分" of 0
            return (f"{NO_GRADE}：全部指标（分值合计 {n(self.max_total)} 分）均待补充佐证，尚无可计分的指标；"
                    f"补充佐证后总分在 {n(low)}—{n(high)} 分之间（{grades}）。")
        return (f"{NO_GRADE}：待补充佐证的指标分值合计 {n(self.missing_weight)} 分，超过满分的 {n(self.threshold)}%"
                f"（定级阈值）。有佐证的指标分值合计 {n(self.evidenced_max)} 分，得 {n(self.total)} 分{rate}；"
                f"待补充佐证的指标若全部不得分或全部得满分，总分在 {n(low)}—{n(high)} 分之间（{grades}）。")

    def summary(self) -> str:
        """One Chinese paragraph: the headline, the indicators waiting for evidence, and the table's note."""
        text = self.headline()
        if self.missing:
            text += f"待补充佐证（{len(self.missing)} 项）：{'、'.join(self.missing)}"
            text += ("；补充佐证后重新评分。" if not self.graded else
                     f"，分值合计 {number_text(self.missing_weight)} 分，未超过定级阈值（满分的 {number_text(self.threshold)}%），"
                     "未计入得分；补充佐证后重新评分。")
        else:
            text += "全部指标均有佐证。"
        if self.proposals:
            text += "系统建议（待评价人确认，未计入得分）：" + "；".join(
                f"「{p['name']}」建议为“{p['level']}”" for p in self.proposals) + "。"
        if self.note:
            text += f"评分表说明：{self.note}"
        return text


def grade(total: float | Decimal, max_total: float | Decimal = 100) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (of 100; other maxima are scaled to 100)."""
    points = to_decimal(total)
    top = to_decimal(max_total)
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
        The score sheet, group subtotals, total, grade (or 暂不定级), 待补充佐证 list and flags.

    Raises:
        ValidationError: the evaluator's entries are refused, the table is for another
            year, or an ``indicator:`` is not in the year's indicators sheet.
    """
    entries = _evaluator_entries(table, evaluator or {})
    _check_against_data(table, data)
    record = _record_entries(table, getattr(data, "record", None))
    if warnings is None:
        warnings = getattr(data, "warnings", None)
    if warnings is None:
        checks = cross_checks(data.budget, data.contracts, data.lines, data.totals, data.year,
                              getattr(data, "self_funds", None))
        warnings = warnings_from(checks)
    data = _Scored(data.year, data.totals, data.indicators, list(warnings),
                   self_funds=getattr(data, "self_funds", None))
    rows: list[dict] = []
    flags: list[str] = list(table.flags)
    proposals: list[dict] = []
    for ind in table.indicators:
        entry = record.get(ind.name)
        if entry is not None and ind.evaluator and ind.evaluator in entries:
            flags.append(f"「{ind.name}」在评价记录表（{entry.where}）和评价人打分参数中都有填写，本次按参数计分")
            entry = None
        row, row_flags, proposal = _score_one(ind, data, entries, entry)
        rows.append(row)
        flags.extend(row_flags)
        if proposal:
            proposals.append(proposal)
    sheet = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    total = sum_known(sheet["score"]) or Decimal(0)
    missing = [r["name"] for r in rows if r["status"] == STATUS_MISSING]
    missing_weight = sum((i.weight for i in table.indicators if i.name in set(missing)), Decimal(0))
    share = missing_weight * 100 / table.total if table.total else Decimal(0)
    people = list(dict.fromkeys(e.signature for e in record.values() if e.signature))
    return ScoreResult(
        sheet=sheet, groups=_groups(sheet), total=float(total), max_total=float(table.total),
        grade=NO_GRADE if share > table.grade_threshold else grade(total, table.total), missing=missing,
        missing_weight=float(missing_weight), flags=flags, name=table.name, source=table.source, note=table.note,
        threshold=float(table.grade_threshold), proposals=proposals, evaluators=people, file=table.file,
        opinions={name: e.opinion for name, e in record.items() if e.opinion},
        **_self_scores(table, data),
    )


def _self_scores(table: ScoringTable, data: _Scored) -> dict:
    """The unit's own 得分 of each scored indicator, from its 自评表 (预算执行率 from the 资金 block)."""
    sheet = data.indicators
    if "self_src_sheet" not in sheet or not sheet["self_src_sheet"].notna().any():
        return {}
    by_name = {P.compact(r["name"]): r for r in sheet.to_dict("records")}
    funds = data.self_funds if data.self_funds is not None else pd.DataFrame(columns=["line", "self_score"])
    total_line = funds[funds["line"] == "年度资金总额"]
    scores: dict[str, float | None] = {}
    for ind in table.indicators:
        if ind.measure == "execution_rate":
            value = total_line["self_score"].iloc[0] if len(total_line) else None
        else:
            r = by_name.get(P.compact(ind.indicator or ind.name))
            value = None if r is None else r.get("self_score")
        scores[ind.name] = None if value is None or pd.isna(value) else float(value)
    first = sheet[sheet["self_src_sheet"].notna()].iloc[0]
    source = f"《{Path(str(first['self_src_file'])).name}》「{first['self_src_sheet']}」"
    return {"self_scores": scores, "self_source": source}


def display_sheet(result: ScoreResult) -> pd.DataFrame:
    """The score sheet with Chinese headers, a 小计 row after each level 1 group and a 合计 row."""
    rows = []
    for level1, group in result.sheet.groupby("level1", sort=False):
        rows.extend(group.to_dict("records"))
        sub = result.groups[result.groups["level1"] == level1].iloc[0]
        rows.append({"level1": level1, "level2": "", "name": SUBTOTAL, "weight": sub["weight"], "rule": "",
                     "target_text": "", "actual_text": "", "score": sub["score"],
                     "status": f"{STATUS_MISSING} {number_text(to_decimal(sub['missing_weight']))} 分" if sub["missing"] else "",
                     "basis": "", "evidence": ""})
    rows.append({"level1": TOTAL, "level2": "", "name": "", "weight": result.max_total, "rule": "",
                 "target_text": "", "actual_text": "", "score": result.total,
                 "status": f"等级：{result.grade}" if result.graded else NO_GRADE,
                 "basis": result.headline(), "evidence": ""})
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out["rule"] = [RULES.get(r, r) for r in out["rule"]]
    out = out.rename(columns=SHEET_LABELS)
    if result.self_scores:
        out.insert(out.columns.get_loc(SHEET_LABELS["score"]) + 1, SELF_SCORE_LABEL, _self_column(result, rows))
    return out


def _self_column(result: ScoreResult, rows: list[dict]) -> list:
    """The unit's self-score of each row of :func:`display_sheet`: an indicator's as the unit gave it,
    a 小计 or 合计 the sum where every indicator has one; 未披露 where the unit left it blank."""
    def total(names) -> float | str:
        given = sum_all(result.self_scores.get(n) for n in names)
        return UNDISCLOSED if given is None else float(given)

    out = []
    for r in rows:
        if r["name"] == SUBTOTAL:
            out.append(total(result.sheet.loc[result.sheet["level1"] == r["level1"], "name"]))
        elif r["level1"] == TOTAL and not r["name"]:
            out.append(total(result.sheet["name"]))
        else:
            value = result.self_scores.get(r["name"])
            out.append(UNDISCLOSED if value is None else value)
    return out


def _groups(sheet: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for level1, g in sheet.groupby("level1", sort=False):
        missing = g[g["status"] == STATUS_MISSING]
        rows.append({"level1": level1, "weight": _total(g["weight"]), "score": _total(g["score"]),
                     "missing_weight": _total(missing["weight"]), "indicators": len(g), "missing": len(missing)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _total(values) -> float:
    """The points given, added up exactly; 0 when none is."""
    return float(sum_known(values) or 0)


@dataclass(frozen=True)
class _Entry:
    value: Decimal | None
    note: str = ""
    level: str = ""


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
        if ind.rule == "levels" and str(value).strip() in LEVEL_WORDS:
            entries[key] = _Entry(None, note, str(value).strip())
            continue
        number = to_number(value)
        if number is None:
            collector.add("", None, str(key), f"「{key}」的值「{value}」不是数字", _entry_hint(ind))
            continue
        if ind.rule in ("manual", "levels") and not Decimal(0) <= number <= ind.weight:
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
    if ind.rule == "levels":
        return f"请填写 {'、'.join(LEVEL_WORDS)} 之一，或 0 到 {number_text(ind.weight)} 之间的得分"
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
    level: str = ""
    evidence: str = ""
    sheet_row: Any = None


@dataclass(frozen=True)
class _RecordEntry:
    """One row of the evaluator's record (评价记录), checked against its indicator."""

    name: str
    actual: str | None
    quantity: P.Quantity | None
    level: str
    score: Decimal | None
    evidence: str
    opinion: str
    evaluator: str
    date: str
    where: str

    @property
    def signature(self) -> str:
        return f"{self.evaluator}（{self.date}）" if self.evaluator and self.date else self.evaluator


#: Placeholder for a record row that gives a score or an actual but no 佐证材料.
EVIDENCE_PLACEHOLDER = placeholder("佐证材料")
#: Phrases in the data that say a qualitative target is not (fully) met, with the band they suggest.
_PROPOSAL_PHRASES: tuple[tuple[str, str], ...] = (
    ("有待进一步完善", "部分达成"), ("有待完善", "部分达成"), ("不够完善", "部分达成"), ("不完善", "部分达成"),
    ("未制定", "未达成"), ("未建立", "未达成"), ("缺失", "未达成"), ("不健全", "未达成"),
)


def _record_entries(table: ScoringTable, record: pd.DataFrame | None) -> dict[str, _RecordEntry]:
    """The evaluator's record by indicator name, each row checked against the table.

    Raises:
        ValidationError: every refused row, naming file, sheet, row and column.
    """
    if record is None or not len(record):
        return {}
    by_key: dict[str, Indicator] = {}
    for ind in table.indicators:
        by_key.setdefault(P.compact(ind.name), ind)
        if ind.indicator:
            by_key.setdefault(P.compact(ind.indicator), ind)
    problems: list[Problem] = []
    out: dict[str, _RecordEntry] = {}
    for r in record.to_dict("records"):
        file, sheet = str(r.get("src_file") or RECORD.title), str(r.get("src_sheet") or RECORD.title)
        row = None if pd.isna(r.get("src_row")) else int(r["src_row"])

        def add(column: str, message: str, hint: str, file=file, sheet=sheet, row=row) -> None:
            problems.append(Problem(file, sheet, row, column, message, hint))

        name = str(r["name"])
        ind = by_key.get(P.compact(name))
        if ind is None:
            add("三级指标", f"评分表“{table.name}”中没有指标「{name}」",
                f"请按评分表的三级指标名称填写：{'、'.join(i.name for i in table.indicators)}")
            continue
        if ind.name in out:
            add("三级指标", f"指标「{ind.name}」在评价记录中写了两次（另一处：{out[ind.name].where}）", "每个指标只写一行")
            continue
        w = number_text(ind.weight)
        score = None if r.get("score") is None or pd.isna(r.get("score")) else to_decimal(r["score"])
        actual = r.get("actual") if isinstance(r.get("actual"), str) and r.get("actual").strip() else None
        if ind.measure and (score is not None or actual is not None):
            add("得分" if score is not None else "实际完成值", f"「{ind.name}」由数据计算（{MEASURES[ind.measure]}），评价记录不填得分和实际完成值",
                "请清空这一格；佐证材料和评价意见可以填写")
            continue
        if score is not None and score > ind.weight:
            add("得分", f"「{ind.name}」的得分 {number_text(score)} 超过分值 {w}", f"请填写 0 到 {w} 之间的得分")
            continue
        quantity, level = None, ""
        if actual is not None:
            text = P.compact(actual)
            if ind.rule == "levels":
                if text in LEVEL_WORDS:
                    level = text
                else:
                    try:
                        is_number = P.parse_quantity(actual) is not None and P.parse_quantity(actual).value is not None
                    except P.CellError:
                        is_number = False
                    what = f"数字「{actual}」" if is_number else f"「{actual}」"
                    add("实际完成值", f"「{ind.name}」按定性分档计分，实际完成值应填 {'、'.join(LEVEL_WORDS)} 之一，而不是{what}",
                        f"请改填 {'、'.join(LEVEL_WORDS)}；要直接给分，请在「得分」列填写 0 到 {w} 之间的得分")
                    continue
            elif ind.rule == "manual":
                if score is None:
                    add("得分", f"「{ind.name}」按评价人打分计分，只填了实际完成值「{actual}」，没有填得分",
                        f"请在「得分」列填写 0 到 {w} 之间的得分")
                    continue
            else:
                try:
                    quantity = P.parse_quantity(actual)
                except P.CellError as err:
                    add("实际完成值", f"「{ind.name}」的实际完成值{err.message}", err.hint)
                    continue
                if quantity is None or quantity.value is None:
                    add("实际完成值", f"「{ind.name}」的实际完成值「{actual}」不是数值，无法按{RULES[ind.rule]}计分",
                        "请填写数值和单位，如 98.5%、1.5小时；或在「得分」列直接给分")
                    continue
                if ind.rule == "deduction" and quantity.value != quantity.value.to_integral_value():
                    add("实际完成值", f"「{ind.name}」按扣分计，问题处数「{actual}」不是整数", "请填写发现的问题处数，如 2")
                    continue
        date = r.get("date")
        out[ind.name] = _RecordEntry(
            name=ind.name, actual=actual, quantity=quantity, level=level, score=score,
            evidence=_text(r.get("evidence")), opinion=_text(r.get("opinion")), evaluator=_text(r.get("evaluator")),
            date="" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d"),
            where=f"{sheet}表第{row}行" if row is not None else f"{sheet}表")
    if problems:
        raise ValidationError(problems)
    return out


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _score_one(ind: Indicator, data: Any, entries: dict[str, _Entry],
               entry: _RecordEntry | None = None) -> tuple[dict, list[str], dict | None]:
    actual = _actual_of(ind, data, entries)
    if entry is not None:
        _apply_record(ind, actual, entry)
    row = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "weight": float(ind.weight),
           "rule": ind.rule, "target_text": actual.target.text if actual.target else "",
           "actual_text": actual.text, "evidence": actual.evidence}
    flags = list(actual.flags)
    if entry is not None and entry.score is not None:
        basis = f"评价人评分 {number_text(entry.score)} 分（分值 {number_text(ind.weight)}）"
        if not actual.missing_reason and ind.rule not in ("manual", "levels") or actual.level:
            computed, _ = _RULE_FUNCS[ind.rule](ind, actual)
            computed = computed.quantize(_Q, rounding=ROUND_HALF_UP)
            if computed != entry.score:
                basis += f"；按评分规则计算为 {number_text(computed)} 分"
        if entry.opinion:
            basis += f"（评价意见：{entry.opinion}）"
        row.update(score=float(entry.score), status=STATUS_EVALUATOR, basis=basis)
        return row, flags, None
    if actual.missing_reason:
        proposal = _proposal(ind, actual) if ind.rule in ("levels", "manual") else None
        basis = f"{actual.missing_reason}；{STATUS_MISSING}后计分"
        if proposal:
            basis += (f"。系统建议：“{proposal['level']}”（数据原文：「{proposal['quote']}」），待评价人在评价记录表中"
                      "确认或改定，确认前不计分")
        row.update(score=float("nan"), status=STATUS_MISSING, basis=basis, evidence="")
        return row, flags, proposal
    points, basis = _RULE_FUNCS[ind.rule](ind, actual)
    points = points.quantize(_Q, rounding=ROUND_HALF_UP)
    status = STATUS_EVALUATOR if actual.from_evaluator else STATUS_SCORED
    if actual.how:
        basis = f"{actual.how}；{basis}"
    if actual.note:
        basis += f"（评价人说明：{actual.note}）"
    if entry is not None and entry.opinion:
        basis += f"（评价意见：{entry.opinion}）"
    if ind.explain_below is not None and actual.value is not None and actual.value < ind.explain_below:
        status = STATUS_EXPLAIN
        unit = actual.target.unit if actual.target else ""
        flags.append(f"{ind.name} {actual.text} 低于 {number_text(ind.explain_below)}{unit}，需说明原因")
        basis += f"；低于 {number_text(ind.explain_below)}{unit}，需说明原因"
    if ind.note:
        basis += f"；{ind.note}"
    basis += _indicator_checks(actual.sheet_row, data.totals)
    row.update(score=float(points), status=status, basis=basis)
    return row, flags, None


def _indicator_checks(r: Any, totals: dict) -> str:
    """What the checks on the indicator itself say, beside its score (the 决策 findings F11, F12)."""
    if r is None:
        return ""
    out = ""
    if units_differ(r):
        out += (f"；口径不一致：指标值以“{r['target_unit']}”计，实际完成值以“{r['actual_unit']}”计，按数值计分，"
                "须评价人核实")
    if budget_ceiling(r, totals.get("budget")) is not None:
        out += "；指标值即项目预算总额，与预算执行率重复（指标设置不科学）"
    return out


def _apply_record(ind: Indicator, actual: _Actual, entry: _RecordEntry) -> None:
    """The evaluator's verified actual replaces what the data states; the record names the evidence."""
    actual.evidence = entry.evidence or EVIDENCE_PLACEHOLDER
    if entry.level:
        actual.level, actual.text = entry.level, entry.level
    elif entry.quantity is not None:
        if actual.text and actual.text != entry.actual:
            actual.how = f"评价组核实为 {entry.actual}（绩效指标表填报 {actual.text}）"
        actual.value, actual.text, actual.met = entry.quantity.value, entry.actual, None
        if ind.rule == "deduction":
            actual.text = f"{number_text(entry.quantity.value)} 处"
    elif entry.score is None:
        return  # only evidence or an opinion: the data's own actual stands
    actual.missing_reason = ""
    actual.from_evaluator = True


def _proposal(ind: Indicator, actual: _Actual) -> dict | None:
    """A band the data's own words suggest for a qualitative indicator (a quotation in the sheet's 备注 or 来源)."""
    r = actual.sheet_row
    if r is None:
        return None
    for column in ("note", "source"):
        text = r.get(column) if hasattr(r, "get") else None
        if not isinstance(text, str):
            continue
        for sentence in _clauses(text):
            for phrase, level in _PROPOSAL_PHRASES:
                if phrase in sentence:
                    return {"name": ind.name, "level": _mildest(sentence, level), "quote": sentence}
    return None


def _clauses(text: str) -> list[str]:
    """The sentences of a note, without the section markers that open them (三（二）2：…)."""
    out = []
    for part in text.replace("。", "；").split("；"):
        body = part.split("：", 1)[1] if "：" in part else part
        if body.strip():
            out.append(body.strip())
    return out


def _mildest(sentence: str, level: str) -> str:
    """When one sentence says both 未… and 有待完善, the band it supports is the milder one."""
    levels = [lv for phrase, lv in _PROPOSAL_PHRASES if phrase in sentence]
    return "部分达成" if "部分达成" in levels else level


def _actual_of(ind: Indicator, data: Any, entries: dict[str, _Entry]) -> _Actual:
    if ind.measure == "execution_rate":
        return _execution_rate(ind, data.totals)
    if ind.measure == "adjustment_rate":
        return _adjustment_rate(ind, data.totals)
    if ind.measure == "data_warnings":
        count = len(data.warnings)
        return _Actual(None, Decimal(count), f"{count} 处", how=f"数据核对发现 {count} 处数字相互矛盾",
                       evidence="数据核对（各表相互印证的数字）")
    actual = _from_sheet(ind, data.indicators) if ind.indicator else _Actual(ind.target)
    if ind.rule == "levels" and not actual.missing_reason and not actual.level:
        if actual.met is True:
            actual.level = "达成"
        elif actual.met is False:
            actual.level = "未达成"
        elif actual.text:
            actual.missing_reason = f"实际完成值「{actual.text}」无法判断是否达到指标值「{actual.target.text if actual.target else ''}」"
        else:
            actual.missing_reason = "未填写评价结论（达成、部分达成或未达成）"
    if ind.rule in ("levels", "manual") and ind.indicator and not ind.evaluator and actual.missing_reason:
        actual.missing_reason = f"{actual.missing_reason}，评价记录表未填写该指标"
    if ind.evaluator:
        entry = entries.get(ind.evaluator)
        what = {"manual": "打分", "deduction": "发现的问题处数", "levels": "评价结论"}.get(ind.rule, "实际值")
        if entry is None or (entry.value is None and not entry.level):
            if actual.missing_reason or ind.rule in ("manual", "deduction") or not ind.indicator:
                actual.missing_reason = f"评价记录表未填写该指标的{what}"
            return actual
        actual.from_evaluator, actual.note = True, entry.note
        actual.evidence = "评价人打分（notebook 参数）" + (f"：{entry.note}" if entry.note else "")
        actual.missing_reason = ""
        if entry.level:
            actual.level, actual.text = entry.level, entry.level
        elif ind.rule in ("manual", "levels"):
            actual.value = entry.value
            actual.text = actual.text or f"评价人打分 {number_text(entry.value)}"
            if ind.rule == "levels":
                actual.level = ""
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
    target = P.Target(r["target_op"], None if pd.isna(r["target_value"]) else to_decimal(r["target_value"]),
                      r["target_unit"] or "", r["target_text"])
    flags = []
    if "weight" in r.index and not pd.isna(r["weight"]) and to_decimal(r["weight"]) != ind.weight:
        flags.append(f"绩效指标表中「{ind.indicator}」的分值为 {number_text(to_decimal(r['weight']))}，"
                     f"评分表为 {number_text(ind.weight)}；本次按评分表计分")
    text = r["actual_text"] if isinstance(r["actual_text"], str) else ""
    source = r.get("source") if isinstance(r.get("source"), str) else ""
    # the sheet it was read from: a 绩效指标 sheet, or a unit's 自评表 read as the indicators
    sheet_name = r.get("src_sheet") if isinstance(r.get("src_sheet"), str) else "绩效指标"
    out = _Actual(target, text=text, flags=flags, sheet_row=r,
                  evidence=f"「{sheet_name}」表「实际完成值」" + (f"（来源：{source}）" if source else "") if text else "")
    if not text:
        out.missing_reason = "绩效指标表未填实际完成值"
        return out
    out.value = None if pd.isna(r["actual_value"]) else to_decimal(r["actual_value"])
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
    return _Actual(target, rate, _pct(rate), evidence=f"预算执行表：执行数、{how_den}",
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
    return _Actual(ind.target, rate, _pct(rate), evidence="预算执行表：预算数、调整后预算数",
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


def _levels_rule(ind: Indicator, a: _Actual) -> tuple[Decimal, str]:
    if not a.level:
        return _manual_rule(ind, a)
    share = dict(ind.levels)[a.level]
    points = ind.weight * share
    return points, (f"评价为“{a.level}”，分值 {number_text(ind.weight)} × {number_text(share * 100)}% = "
                    f"{number_text(points.quantize(_Q, rounding=ROUND_HALF_UP))} 分")


_RULE_FUNCS = {"ratio": _ratio_rule, "bands": _bands_rule, "deduction": _deduction_rule, "manual": _manual_rule,
               "levels": _levels_rule}


# --- formatting ------------------------------------------------------------------------------


def _pct(percent: Decimal) -> str:
    return f"{Decimal(percent).quantize(_Q, rounding=ROUND_HALF_UP)}%"


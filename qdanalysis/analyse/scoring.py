"""Scoring of the performance indicators (绩效评分): a year scored against a table, and the score sheet.

The indicator system is data, not code. A scoring table (:mod:`qdanalysis.analyse.scoring_table`:
YAML in ``params/`` or a shipped preset, read and validated by
:func:`~qdanalysis.analyse.scoring_file.load_scoring` and
:func:`~qdanalysis.analyse.scoring_presets.load_preset`) lists every indicator with its level 1 and level 2, weight (分值), where its
actual comes from (:mod:`qdanalysis.analyse.scoring_evidence`) and its scoring rule
(:mod:`qdanalysis.analyse.scoring_rules`: ratio, bands, deduction, manual, levels). An indicator
without evidence is 待补充佐证, and one whose evidence the tool itself doubts is 待核实
(:mod:`qdanalysis.analyse.scoring_doubts`): neither earns anything, and neither is full marks, until the
evaluator's record confirms it. When they weigh more than the table's ``grade_threshold`` (% of the
maximum, this tool's convention), no grade is given (暂不定级): the result is the score on the confirmed
indicators, the range the rest could move it to, and the estimate with the system's proposals
(:mod:`qdanalysis.analyse.scoring_proposals`), which never count.

:func:`score` is pure: a table, a :class:`~qdanalysis.read.year.YearData` and the evaluator's
entries in, a :class:`ScoreResult` out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.analyse.scoring_doubts import doubts
from qdanalysis.analyse.scoring_evidence import (
    Actual,
    Entry,
    RecordEntry,
    actual_of,
    apply_record,
    check_against_data,
    evaluator_entries,
    proposal_of,
    record_entries,
)
from qdanalysis.analyse.scoring_proposals import Proposal, from_doubt, from_findings, from_quote
from qdanalysis.analyse.scoring_rules import points_by_rule
from qdanalysis.analyse.scoring_table import (
    DEFAULT_GRADE_THRESHOLD,
    GRADE_LOWEST,
    GRADES,
    GROUP_COLUMNS,
    NO_GRADE,
    POINT,
    RULES,
    SELF_SCORE_LABEL,
    SHEET_COLUMNS,
    SHEET_LABELS,
    STATUS_DOUBT,
    STATUS_EVALUATOR,
    STATUS_EXPLAIN,
    STATUS_MISSING,
    STATUS_SCORED,
    SUBTOTAL,
    TOTAL,
    UNCONFIRMED,
    Indicator,
    ScoringTable,
    number_text,
    score_text,
)
from qdanalysis.domain import UNDISCLOSED
from qdanalysis.money import sum_all, sum_known, to_decimal
from qdanalysis.read import parsing


@dataclass(frozen=True)
class _Scored:
    """What scoring reads of a year."""

    year: int
    totals: dict
    indicators: pd.DataFrame
    warnings: list[str]
    budget_source: str = "预算执行表"
    self_funds: pd.DataFrame | None = None
    results: pd.DataFrame | None = None


# --- scoring -------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """The scored table of one year.

    Attributes:
        sheet: one row per indicator: level1, level2, name, weight, rule, target_text,
            actual_text, score (NaN while 待补充佐证), status (得分/待补充佐证/需说明原因/评价人打分),
            basis, evidence (what the score rests on).
        groups: one row per level 1: level1, weight, score (NaN when none of its indicators is scored),
            missing_weight and missing (the weight and number of its unconfirmed indicators:
            待补充佐证 and 待核实), indicators.
        total: the score of the evidenced indicators (the indicators without evidence earn nothing).
        max_total: the maximum score.
        grade: 优, 良, 中 or 差 (on total / max_total × 100), or 暂不定级 when the indicators
            without evidence weigh more than ``threshold`` % of the maximum.
        missing: names of the 待补充佐证 indicators.
        missing_weight: the weight those indicators carry.
        doubted: names of the 待核实 indicators: evidence the tool itself doubts, not scored until the
            evaluator's record confirms it (their reasons are in the sheet's basis).
        doubted_weight: the weight those indicators carry.
        flags: Chinese notes the report must show (需说明原因, data disagreeing with the table).
        name, source, note: the table's, for the report.
        threshold: the table's grade threshold (% of the maximum).
        proposals: the system's proposals (:class:`~qdanalysis.analyse.scoring_proposals.Proposal`)
            for indicators not yet confirmed: never part of ``total`` until the record confirms them.
        evaluators: who entered the record, with dates (``张三（2021-05-20）``).
        opinions: the record's 评价意见 by indicator name.
        file: the scoring table's file, or the preset's name.
        self_scores: the unit's own score of each indicator (its 自评表's 得分; None where it left it
            blank), by indicator name; empty when the data has no 自评表. Stated by the unit: never
            part of ``total``.
        self_source: the 自评表 the self-scores come from, in words.
        chosen: why this table scored the year (the table's ``chosen``).
        kind: 评价指标体系 or 自评结构 (the table's ``kind``).
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
    proposals: list[Proposal] = field(default_factory=list)
    evaluators: list[str] = field(default_factory=list)
    file: str = ""
    opinions: dict[str, str] = field(default_factory=dict)
    self_scores: dict[str, float | None] = field(default_factory=dict)
    self_source: str = ""
    doubted: list[str] = field(default_factory=list)
    doubted_weight: float = 0.0
    chosen: str = ""
    kind: str = ""

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
        total = f"合计{score_text(self.self_total)}分" + (f"（{blank}项未填写，合计不含该项）" if blank else "")
        return (f"单位自评得分取自{self.self_source}，为单位填报，未经本评价核实，不计入本评价得分；"
                f"{n}项中{len(given)}项填有自评得分，{total}。")

    @property
    def graded(self) -> bool:
        """Whether the evidence carries a grade (else 暂不定级)."""
        return self.grade != NO_GRADE

    @property
    def pending_weight(self) -> float:
        """The weight of the indicators not yet confirmed: 待补充佐证 and 待核实."""
        return float(to_decimal(self.missing_weight) + to_decimal(self.doubted_weight))

    @property
    def pending(self) -> list[str]:
        """The indicators not yet confirmed, in table order."""
        names = set(self.missing) | set(self.doubted)
        return [n for n in self.sheet["name"] if n in names]

    @property
    def evidenced_max(self) -> float:
        """The weight of the confirmed indicators (those scored)."""
        return float(to_decimal(self.max_total) - to_decimal(self.pending_weight))

    @property
    def evidenced_rate(self) -> float | None:
        """The score on the confirmed indicators as a share of their weight."""
        return None if not self.evidenced_max else float(to_decimal(self.total) / to_decimal(self.evidenced_max))

    @property
    def score_range(self) -> tuple[float, float]:
        """The total if the unconfirmed indicators earned nothing, and if they earned full marks."""
        return self.total, float(to_decimal(self.total) + to_decimal(self.pending_weight))

    @property
    def grade_range(self) -> tuple[str, str]:
        """The grades of the two ends of :attr:`score_range`."""
        low, high = self.score_range
        return grade(low, self.max_total), grade(high, self.max_total)

    def proposal_of(self, name: str) -> Proposal | None:
        """The system's proposal for one indicator, if it has one."""
        return next((p for p in self.proposals if p.name == name), None)

    @property
    def estimate(self) -> tuple[float, float]:
        """The confirmed total plus the system's proposed scores (按系统建议), and the weight of the
        unconfirmed indicators the system proposes nothing for (counted as nothing in the estimate)."""
        pending = set(self.pending)
        proposed = [p for p in self.proposals if p.name in pending and p.score is not None]
        named = {p.name for p in proposed}
        rest = self.sheet[self.sheet["name"].isin(pending - named)]["weight"]
        total = to_decimal(self.total) + sum((p.score for p in proposed), Decimal(0))
        return float(total), float(sum_known(rest) or 0)

    def to_supply(self) -> str:
        """What the evaluator must supply before a grade can be given, by status and level 1, in Chinese."""
        parts = []
        for status, what in ((STATUS_DOUBT, "核实实际完成值或直接给分"), (STATUS_MISSING, "填写得分、评价结论或实际完成值及佐证材料")):
            rows = self.sheet[self.sheet["status"] == status]
            if not len(rows):
                continue
            groups = "；".join(f"{lv}{len(g)}项{number_text(_total(g['weight']))}分（{'、'.join(g['name'])}）"
                               for lv, g in rows.groupby("level1", sort=False))
            parts.append(f"{status}的{len(rows)}项（{number_text(_total(rows['weight']))}分）须{what}：{groups}")
        return "。".join(parts)

    def headline(self) -> str:
        """The result in one sentence: total and grade, or 暂不定级 with the confirmed score, the range,
        the estimate with the system's proposals and what the evaluator must supply."""
        n, sc = number_text, score_text
        if self.graded:
            return f"总分 {sc(self.total)} 分（满分 {n(self.max_total)} 分），等级「{self.grade}」。"
        low, high = self.score_range
        parts = "、".join(f"{status}{count}项{n(w)}分" for status, count, w in (
            (STATUS_MISSING, len(self.missing), self.missing_weight), (STATUS_DOUBT, len(self.doubted), self.doubted_weight))
            if count)
        threshold = (f"超过满分的 {n(self.threshold)}%（定级阈值。该阈值是本工具的约定，不是财预〔2020〕10号的规定，"
                     "可在评分表中以 grade_threshold 设定）")
        estimate, unproposed = self.estimate
        middle = ""
        if unproposed < self.pending_weight:  # some unconfirmed indicator has a proposal
            middle = f"；按系统建议（待评价人确认）计约 {sc(estimate)} 分"
            if unproposed:
                middle += f"，其中尚无系统建议的 {n(unproposed)} 分按不得分计"
        if not self.evidenced_max:  # nothing confirmed yet: no "得 0 分" of 0
            head = (f"{NO_GRADE}：全部指标（分值合计 {n(self.max_total)} 分）均未确认（{parts}），尚无可计分的指标。"
                    f"总分在 {sc(low)}—{sc(high)} 分之间{middle}。")
        else:
            rate = "" if self.evidenced_rate is None else f"，得分率 {self.evidenced_rate:.1%}"
            head = (f"{NO_GRADE}：未确认的指标分值合计 {n(self.pending_weight)} 分（{parts}），{threshold}。"
                    f"已确认的指标分值合计 {n(self.evidenced_max)} 分，得 {sc(self.total)} 分{rate}。"
                    f"总分在 {sc(low)}—{sc(high)} 分之间{middle}。")
        return head + f"定级前，评价组须在评价记录中补充：{self.to_supply()}。"

    def summary(self) -> str:
        """One Chinese paragraph: the headline, the indicators not yet confirmed, the proposals and the table's note."""
        text = self.headline()
        if self.graded and self.pending:
            text += (f"未确认（{len(self.pending)} 项）：{'、'.join(self.pending)}，分值合计 {number_text(self.pending_weight)} 分，"
                     f"未超过定级阈值（满分的 {number_text(self.threshold)}%），未计入得分；确认后重新评分。")
        elif not self.pending:
            text += "全部指标均已确认。"
        if self.proposals:
            text += "系统建议（待评价人确认，未计入得分）：" + "；".join(
                f"“{p.name}”{p.text()}" for p in self.proposals) + "。"
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
          warnings: list[str] | None = None, findings: Iterable[Any] = ()) -> ScoreResult:
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
        findings: the year's findings (the data's and the team's); each one's ``bears_on`` names the
            indicators it bears on, which get a proposal (系统建议) while they are not confirmed.

    Returns:
        The score sheet, group subtotals, total, grade (or 暂不定级), 待补充佐证 list and flags.

    Raises:
        ValidationError: the evaluator's entries are refused, the table is for another
            year, or an ``indicator:`` is not in the year's indicators sheet.
    """
    entries = evaluator_entries(table, evaluator or {})
    check_against_data(table, data)
    record = record_entries(table, getattr(data, "record", None), getattr(data, "indicators", None))
    if warnings is None:
        warnings = getattr(data, "warnings", None)
    if warnings is None:
        checks = cross_checks(data.budget, data.contracts, data.lines, data.totals, data.year,
                              getattr(data, "self_funds", None))
        warnings = warnings_from(checks)
    data = _Scored(data.year, data.totals, data.indicators, list(warnings),
                   self_funds=getattr(data, "self_funds", None), results=getattr(data, "results", None))
    findings = list(findings)
    rows: list[dict] = []
    flags: list[str] = list(table.flags)
    proposals: list[Proposal] = []
    for ind in table.indicators:
        entry = record.get(ind.name)
        if entry is not None and ind.evaluator and ind.evaluator in entries:
            flags.append(f"「{ind.name}」在评价记录表（{entry.where}）和评价人打分参数中都有填写，本次按参数计分")
            entry = None
        row, row_flags, proposal = _score_one(ind, data, entries, entry)
        if row["status"] in UNCONFIRMED and proposal is None:
            proposal = from_findings(ind, findings)
        if proposal is not None:
            row["proposal"] = proposal.text()
            proposals.append(proposal)
        rows.append(row)
        flags.extend(row_flags)
    sheet = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    total = sum_known(sheet["score"]) or Decimal(0)
    missing = [r["name"] for r in rows if r["status"] == STATUS_MISSING]
    doubted = [r["name"] for r in rows if r["status"] == STATUS_DOUBT]
    missing_weight = sum((i.weight for i in table.indicators if i.name in set(missing)), Decimal(0))
    doubted_weight = sum((i.weight for i in table.indicators if i.name in set(doubted)), Decimal(0))
    share = (missing_weight + doubted_weight) * 100 / table.total if table.total else Decimal(0)
    people = list(dict.fromkeys(e.signature for e in record.values() if e.signature))
    return ScoreResult(
        sheet=sheet, groups=_groups(sheet), total=float(total), max_total=float(table.total),
        grade=NO_GRADE if share > table.grade_threshold else grade(total, table.total), missing=missing,
        missing_weight=float(missing_weight), doubted=doubted, doubted_weight=float(doubted_weight),
        flags=flags, name=table.name, source=table.source, note=table.note, chosen=table.chosen, kind=table.kind,
        threshold=float(table.grade_threshold), proposals=proposals, evaluators=people, file=table.file,
        opinions={name: e.opinion for name, e in record.items() if e.opinion},
        **_self_scores(table, data),
    )


def _self_scores(table: ScoringTable, data: _Scored) -> dict:
    """The unit's own 得分 of each scored indicator, from its 自评表 (预算执行率 from the 资金 block)."""
    sheet = data.indicators
    if "self_src_sheet" not in sheet or not sheet["self_src_sheet"].notna().any():
        return {}
    by_name = {parsing.compact(r["name"]): r for r in sheet.to_dict("records")}
    funds = data.self_funds if data.self_funds is not None else pd.DataFrame(columns=["line", "self_score"])
    total_line = funds[funds["line"] == "年度资金总额"]
    scores: dict[str, float | None] = {}
    for ind in table.indicators:
        if ind.measure != "execution_rate" and not ind.indicator:
            continue  # an evaluation's own indicator (决策, 过程): not on the unit's form
        if ind.measure == "execution_rate":
            value = total_line["self_score"].iloc[0] if len(total_line) else None
        else:
            r = by_name.get(parsing.compact(ind.indicator or ind.name))
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
                     "status": f"未确认 {number_text(to_decimal(sub['missing_weight']))} 分" if sub["missing"] else "",
                     "basis": "", "evidence": "", "proposal": "", "points": ""})
    # an unconfirmed total is never shown alone: 暂不定级 says which part is confirmed
    total = result.total if result.graded else (
        f"{NO_GRADE}（已确认{number_text(result.evidenced_max)}分中得{number_text(result.total)}分）")
    rows.append({"level1": TOTAL, "level2": "", "name": "", "weight": result.max_total, "rule": "",
                 "target_text": "", "actual_text": "", "score": total,
                 "status": f"等级：{result.grade}" if result.graded else NO_GRADE,
                 "basis": result.headline() if result.graded else _ungraded_basis(result), "evidence": "",
                 "proposal": "", "points": ""})
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out["rule"] = [RULES.get(r, r) for r in out["rule"]]
    out = out.rename(columns=SHEET_LABELS)
    if result.self_scores:
        out.insert(out.columns.get_loc(SHEET_LABELS["score"]) + 1, SELF_SCORE_LABEL, _self_column(result, rows))
    return out


def _ungraded_basis(result: ScoreResult) -> str:
    """The 合计 row's basis while no grade is given: the reason in one line (the headline above the table says the rest)."""
    estimate, _ = result.estimate
    return (f"未确认的指标分值合计{number_text(result.pending_weight)}分，超过满分的{number_text(result.threshold)}%，"
            f"暂不定级；按系统建议计约{score_text(estimate)}分（待评价人确认，未计入得分）")


def _self_column(result: ScoreResult, rows: list[dict]) -> list:
    """The unit's self-score of each row of :func:`display_sheet`: an indicator's as the unit gave it,
    a 小计 or 合计 the sum where every indicator of its form has one; 未披露 where the unit left it blank;
    "—" for an indicator its form does not have (the evaluation's 决策 and 过程)."""
    def total(names) -> float | str:
        names = [n for n in names if n in result.self_scores]
        if not names:
            return "—"
        given = sum_all(result.self_scores.get(n) for n in names)
        return UNDISCLOSED if given is None else float(given)

    out = []
    for r in rows:
        if r["name"] == SUBTOTAL:
            out.append(total(result.sheet.loc[result.sheet["level1"] == r["level1"], "name"]))
        elif r["level1"] == TOTAL and not r["name"]:
            out.append(total(result.sheet["name"]))
        elif r["name"] not in result.self_scores:
            out.append("—")
        else:
            value = result.self_scores.get(r["name"])
            out.append(UNDISCLOSED if value is None else value)
    return out


def _groups(sheet: pd.DataFrame) -> pd.DataFrame:
    """Per level 1: weight, score (NaN when none of its indicators is scored: never 0), and the weight
    and number of its unconfirmed indicators (待补充佐证 and 待核实) as ``missing_weight`` and ``missing``."""
    rows = []
    for level1, g in sheet.groupby("level1", sort=False):
        missing = g[g["status"].isin(UNCONFIRMED)]
        scored = sum_known(g["score"])
        rows.append({"level1": level1, "weight": _total(g["weight"]),
                     "score": float("nan") if scored is None else float(scored),
                     "missing_weight": _total(missing["weight"]), "indicators": len(g), "missing": len(missing)})
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _total(values) -> float:
    """The points given, added up exactly; 0 when none is."""
    return float(sum_known(values) or 0)


def _computable(ind: Indicator, actual: Actual) -> bool:
    """Whether the indicator's rule can score ``actual``: a score given in the record with no actual
    (资金到位率 scored, its rate not written) has nothing to compare the given score with."""
    if actual.level:
        return True
    if actual.missing_reason or ind.rule in ("manual", "levels"):
        return False
    t = actual.target
    if ind.rule == "ratio" and (t is None or t.value is None):
        return actual.met is not None
    return actual.value is not None


def _score_one(ind: Indicator, data: Any, entries: dict[str, Entry],
               entry: RecordEntry | None = None) -> tuple[dict, list[str], Proposal | None]:
    actual = actual_of(ind, data, entries)
    if entry is not None:
        apply_record(ind, actual, entry)
    row = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "weight": float(ind.weight),
           "rule": ind.rule, "target_text": actual.target.text if actual.target else "",
           "actual_text": actual.text, "evidence": actual.evidence, "proposal": "", "points": "；".join(ind.points)}
    flags = list(actual.flags)
    if entry is not None and entry.score is not None:
        basis = f"评价人评分 {number_text(entry.score)} 分（分值 {number_text(ind.weight)}）"
        if _computable(ind, actual):
            computed, _ = points_by_rule(ind, actual)
            computed = computed.quantize(POINT, rounding=ROUND_HALF_UP)
            if computed != entry.score:
                basis += f"；按评分规则计算为 {number_text(computed)} 分"
        if entry.opinion:
            basis += f"（评价意见：{entry.opinion}）"
        row.update(score=float(entry.score), status=STATUS_EVALUATOR, basis=basis)
        return row, flags, None
    if actual.missing_reason:
        level = proposal_of(ind, actual) if ind.rule in ("levels", "manual") else None
        proposal = from_quote(ind, level["level"], level["quote"]) if level else None
        basis = f"{actual.missing_reason}；{STATUS_MISSING}后计分"
        row.update(score=float("nan"), status=STATUS_MISSING, basis=basis, evidence="")
        return row, flags, proposal
    points, basis = points_by_rule(ind, actual)
    points = points.quantize(POINT, rounding=ROUND_HALF_UP)
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
    reasons = doubts(actual.sheet_row, data.totals, data.results)
    if reasons and actual.from_evaluator:
        basis += f"（系统曾提示：{'；'.join(reasons)}；评价组已在评价记录中核实）"
    elif reasons:
        proposal = from_doubt(ind, points, basis, reasons)
        row.update(score=float("nan"), status=STATUS_DOUBT,
                   basis=f"{STATUS_DOUBT}：{'；'.join(reasons)}。评价组在评价记录中核实实际完成值或给分后计分，确认前不计分")
        return row, flags, proposal
    row.update(score=float(points), status=status, basis=basis)
    return row, flags, None

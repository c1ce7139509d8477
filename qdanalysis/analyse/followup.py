"""上年评价发现问题整改情况: what became of each problem of the year before, by the data where a rule can tell
and by the team's 整改情况 record.

The year before's problems are known from its own analysis (its data folder beside this year's), else from
its report's exported 主要问题 sheet copied into this year's folder (上年主要问题), else from the 整改情况
record itself. A problem the team did not adopt (不采纳) was no problem and is not followed.

A problem's status is, in order: the team's (整改情况's 整改状态); else the rule's proposal (系统建议), when
the rule that found it can examine this year's data: it finds nothing on the same subject (已整改), finds it
on fewer subjects or with a smaller figure (部分整改, both years' figures given), or finds it again (未整改);
else 待核实. The team's status wins, and the item says when the rule's proposal differs. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from qdanalysis.analyse.findings import DATA_ORIGIN, ORIGINS, TABLE_COLUMN, Finding, in_report_order
from qdanalysis.analyse.rules import registry
from qdanalysis.domain import DIMENSIONS, FIXED, NOT_FIXED, PARTLY_FIXED, TO_VERIFY
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.read import parsing
from qdanalysis.read.inputs import BY_NAME
from qdanalysis.read.schema import FOLLOWUP

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.read.year import YearData

#: How the year before's problems are known.
FROM_DATA, FROM_SHEET, FROM_RECORD = "上年数据", "上年主要问题表", "整改情况记录"
#: A code a rule of the data gives (F04, F05-2): a rule can then look at this year's data for it.
_RULE_CODE = re.compile(r"^F\d+(-\d+)?$")
#: The columns that name what a row of an input table is about, so that a rule's finding can be matched year
#: to year by its subject (the item, the contract, the indicator, the line) rather than by its row number.
SUBJECT_COLUMNS = {"budget": ("code", "item"), "contracts": ("contract_id",), "indicators": ("name",),
                   "lines": ("unit", "carrier", "line_type", "bandwidth_mbps"), "sms": ("month", "department"),
                   "payments": ("voucher", "contract_id", "payee")}
_TITLE_TO_NAME = {t.title: name for name, t in BY_NAME.items()}


@dataclass(frozen=True)
class PriorProblem:
    """One problem of the year before, as its report listed it.

    Attributes:
        number: its number (序号) in that report, "" when not known.
        code: its 编号 (F04, H01).
        title, category, severity, origin, summary: as that report gave them ("" when not known).
        subjects: what its evidence rows are about (``("budget", "1.1")``…); None when only its words are known.
        tables: the input tables its evidence came from; None when not known.
        figures: its figures (empty when only its words are known).
    """

    number: str
    code: str
    title: str
    category: str = ""
    severity: str = ""
    origin: str = ""
    summary: str = ""
    subjects: frozenset | None = None
    tables: tuple[str, ...] | None = None
    figures: dict = field(default_factory=dict)

    @property
    def rule_code(self) -> str:
        return self.code.split("-")[0]


@dataclass(frozen=True)
class Prior:
    """The year before's problems: the year, how they are known, the problems followed and the titles of those
    the team did not adopt (不采纳, not followed)."""

    year: int
    source: str
    problems: tuple[PriorProblem, ...]
    not_followed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unread:
    """The year before's data folder is beside this year's, but its data was refused: its problems cannot be known
    from it (the 上年主要问题 sheet or the 整改情况 record may still name them).

    Attributes:
        year: the year before.
        first: the first problem its data has (file, sheet, row, column, message).
        count: how many problems it has.
        command: the command that lists them all (``qdanalysis validate --year 2020``).
    """

    year: int
    first: Problem
    count: int
    command: str


@dataclass(frozen=True)
class FollowUpItem:
    """What became of one problem of the year before.

    Attributes:
        problem: the problem.
        proposed: the rule's status (系统建议); "" when the data cannot tell.
        evidence: what the data shows, in Chinese (both years' figures for a partial change).
        status: the status shown: the team's when its record gives one, else ``proposed``, else 待核实.
        decided: the status is the team's (整改情况 record).
        measures, proof, by: the team's 整改措施, 佐证 and who checked when ("" when not given).
    """

    problem: PriorProblem
    proposed: str
    evidence: str
    status: str
    decided: bool = False
    measures: str = ""
    proof: str = ""
    by: str = ""

    @property
    def disagrees(self) -> bool:
        """The team's status differs from the rule's proposal."""
        return self.decided and bool(self.proposed) and self.proposed != self.status


@dataclass(frozen=True)
class FollowUp:
    """The year's 上年评价发现问题整改情况: the year before, how its problems are known (``source``; "" when they are
    not: its data folder is there but refused and nothing else names them), each one's status, and why its data
    was not used (``unread``)."""

    year: int
    source: str
    items: tuple[FollowUpItem, ...]
    not_followed: tuple[str, ...] = ()
    unread: Unread | None = None

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)


# --------------------------------------------------------------------------- the year before's problems


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def subjects_of(f: Finding) -> frozenset:
    """What a finding's evidence rows are about: ``(table name, key)`` per input row (``("budget", "1.1")``)."""
    out = set()
    if f.rows is None or f.rows.empty or TABLE_COLUMN not in f.rows:
        return frozenset()
    for row in f.rows.to_dict("records"):
        name = _TITLE_TO_NAME.get(str(row.get(TABLE_COLUMN)))
        columns = SUBJECT_COLUMNS.get(name or "", ())
        key = next((_text(row.get(c)) for c in columns if _text(row.get(c))), "")
        if name and key:
            out.add((name, parsing.compact(key)))
    return frozenset(out)


def tables_of(f: Finding) -> tuple[str, ...]:
    """The input tables a finding's evidence came from, by name."""
    if f.rows is None or f.rows.empty or TABLE_COLUMN not in f.rows:
        return ()
    names = (_TITLE_TO_NAME.get(str(t)) for t in f.rows[TABLE_COLUMN].unique())
    return tuple(n for n in names if n)


def prior_from_analysis(before: YearAnalysis) -> Prior:
    """The year before's problems from its analysis, numbered as its report numbers them; 不采纳 not followed."""
    problems = tuple(PriorProblem(
        number=str(n), code=f.code, title=f.title, category=f.category, severity=f.severity, origin=f.origin,
        summary=f.summary, subjects=subjects_of(f) if f.origin == DATA_ORIGIN else None,
        tables=tables_of(f) if f.origin == DATA_ORIGIN else None, figures=dict(f.figures),
    ) for n, f in enumerate(in_report_order(before.findings), start=1))
    return Prior(before.year, FROM_DATA, problems, tuple(r.finding.title for r in before.rejected))


def prior_from_sheet(sheet: pd.DataFrame, year: int) -> Prior:
    """The year before's problems from its exported 主要问题 sheet (上年主要问题); a row the team did not adopt is
    not followed."""
    kept, dropped = [], []
    for row in sheet.to_dict("records"):
        if "不采纳" in _text(row.get("decision")):
            dropped.append(_text(row["title"]))
            continue
        origin = _text(row.get("origin"))
        kept.append(PriorProblem(number=_text(row.get("number")), code=_text(row["code"]), title=_text(row["title"]),
                                 category=_text(row.get("category")), severity=_text(row.get("severity")),
                                 origin=origin if origin in ORIGINS else "", summary=_text(row.get("basis"))))
    return Prior(year, FROM_SHEET, tuple(kept), tuple(dropped))


def prior_from_record(record: pd.DataFrame, year: int) -> Prior:
    """The year before's problems as the 整改情况 record names them (its 问题编号, 上年问题 and 类别)."""
    return Prior(year, FROM_RECORD, tuple(
        PriorProblem(number="", code=_text(r["code"]), title=_text(r.get("title")), category=_text(r.get("category")),
                     origin=DATA_ORIGIN if _RULE_CODE.match(_text(r["code"])) else "")
        for r in record.to_dict("records")))


# --------------------------------------------------------------------------- the statuses


def _subjects_text(subjects) -> str:
    by_table: dict[str, list[str]] = {}
    for name, key in sorted(subjects):
        by_table.setdefault(BY_NAME[name].title, []).append(key)
    return "；".join(f"{t}{'、'.join(keys)}" for t, keys in by_table.items())


def _summaries(found: list[Finding]) -> str:
    return "".join(f.summary.rstrip("。") + "。" for f in found if f.summary)


def _figure(value) -> float | None:
    try:
        return None if value is None or pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return None


def rule_status(p: PriorProblem, now: list[Finding], data: YearData) -> tuple[str, str]:
    """The rule's status for a problem of the year before (system proposal) and its evidence; ("", why) when
    the data cannot tell.

    Args:
        p: the problem.
        now: this year's findings of the data by the same rule (adopted, pending or rejected alike: the rule
            found them).
        data: this year's data (a table the rule read last year that is empty now cannot show a change).
    """
    if p.origin != DATA_ORIGIN or not _RULE_CODE.match(p.code):
        return "", "评价组核查发现的问题，数据分析无法判断，待评价组核实"
    empty = [BY_NAME[t].title for t in (p.tables or ()) if t in data.frames and data.frames[t].empty]
    if empty:
        return "", f"本年未提供{'、'.join(empty)}，数据分析无法判断，待评价组核实"
    rule = p.rule_code
    if not now:
        return FIXED, f"本年数据分析未再发现此问题（同一规则{rule}本年未发现问题）"
    if not p.subjects:  # only the words are known, or the finding had no rows: the rule can say no more than "again"
        if p.subjects is None and not any(parsing.compact(f.title) == parsing.compact(p.title) for f in now):
            return "", f"本年规则{rule}发现“{'、'.join(f.title for f in now)}”，是否为同一问题待评价组核实"
        return _again_or_smaller(p, now)
    same = [f for f in now if subjects_of(f) & p.subjects]
    if not same:
        return FIXED, f"本年规则{rule}发现的问题不再涉及上年的{_subjects_text(p.subjects)}"
    still = frozenset().union(*(subjects_of(f) for f in same)) & p.subjects
    if shrinking_figure(p.rule_code):  # its figure says more than a subject count (two items merged are one fewer)
        return _again_or_smaller(p, same)
    if len(still) < len(p.subjects):
        return PARTLY_FIXED, (f"上年涉及{len(p.subjects)}项（{_subjects_text(p.subjects)}），本年仍涉及{len(still)}项"
                              f"（{_subjects_text(still)}）。上年：{p.summary.rstrip('。')}。本年：{_summaries(same)}")
    return _again_or_smaller(p, same)


def shrinking_figure(code: str) -> tuple[str, str] | tuple[()]:
    """The figure (key, Chinese name) that rule ``code``'s finding shrinks by as the problem is put right, as the
    rule declares it (:attr:`~qdanalysis.analyse.findings.Rule.shrinks`); empty when the rule declares none."""
    return next((r.shrinks for r in registry.RULES if r.code == code), ())


def _again_or_smaller(p: PriorProblem, now: list[Finding]) -> tuple[str, str]:
    """未整改, or 部分整改 when the rule's figure that shrinks as the problem is put right is smaller now."""
    key, label = shrinking_figure(p.rule_code) or ("", "")
    before = _figure(p.figures.get(key)) if key else None
    after = [v for f in now if (v := _figure(f.figures.get(key))) is not None] if key else []
    if before is not None and after and max(after) < before:
        both = f"上年：{p.summary.rstrip('。')}。本年：{_summaries(now)}" if p.summary else f"本年：{_summaries(now)}"
        return PARTLY_FIXED, f"{label}较上年下降。{both}"
    if p.summary and _same_words(p.summary, _summaries(now)):
        return NOT_FIXED, "本年仍发现此问题，数据所示情况与上年相同。"
    return NOT_FIXED, f"本年仍发现此问题。本年：{_summaries(now)}"


def _same_words(before: str, after: str) -> bool:
    """The two years' texts say the same thing but for the years they name (2014—2020年 / 2014—2021年)."""
    def plain(text: str) -> str:
        return re.sub(r"\d{4}", "", parsing.compact(text)).rstrip("。")
    return plain(before) == plain(after)


def _where(row: dict) -> tuple[str, str, int | None, str]:
    return display_path(str(row["src_file"])), str(row["src_sheet"]), int(row["src_row"]), FOLLOWUP.column("code").header


def _whose(row: dict) -> str:
    date = row.get("date")
    when = "" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")
    return "，".join(p for p in (_text(row.get("evaluator")), when) if p)


def follow_up(prior: Prior | None, found: list[Finding], data: YearData, unread: Unread | None = None
              ) -> FollowUp | None:
    """Each problem of the year before with its status; None when nothing is known of the year before.

    Args:
        prior: the year before's problems (None: neither its data, its 主要问题 sheet nor a record is given;
            a 整改情况 record alone then names them).
        found: this year's findings of the data (not the data's limitations), rejected ones included.
        data: this year's data, with its 整改情况 record (``followup``).
        unread: the year before's data folder is there but refused: the follow-up says so, and with nothing else
            naming the problems it lists none (source "", no items) rather than being left out.

    Raises:
        ValidationError: a 问题编号 of the record that is not a problem of the year before; naming file, sheet,
            row and column.
    """
    record = data.frames.get("followup")
    record = record if record is not None else pd.DataFrame(columns=["code"])
    if prior is None:
        if record.empty:
            return None if unread is None else FollowUp(unread.year, "", (), unread=unread)
        prior = prior_from_record(record, data.year - 1)
    known = {parsing.finding_code(p.code): p for p in prior.problems}
    problems = []
    for row in record.to_dict("records"):
        if row["code"] not in known:
            codes = "、".join(known) or "无"
            problems.append(Problem(*_where(row), f"上年的问题中没有编号为{row['code']}的问题",
                                    f"请按上年报告导出表“主要问题”的编号列改正，或删除这一行；上年的编号：{codes}"))
    if problems:
        raise ValidationError(problems)
    by_rule: dict[str, list[Finding]] = {}
    for f in found:
        by_rule.setdefault(f.rule_code, []).append(f)
    entries = {row["code"]: row for row in record.to_dict("records")}
    items = []
    for p in prior.problems:
        proposed, evidence = rule_status(p, by_rule.get(p.rule_code, []), data)
        row = entries.get(parsing.finding_code(p.code), {})
        told = _text(row.get("status"))
        items.append(FollowUpItem(p, proposed, evidence, told or proposed or TO_VERIFY, decided=bool(told),
                                  measures=_text(row.get("measures")), proof=_text(row.get("evidence")),
                                  by=_whose(row) if row else ""))
    order = {c: i for i, c in enumerate(DIMENSIONS)}
    if prior.source != FROM_DATA:  # the report's own order is kept; a record's rows are put in dimension order
        items.sort(key=lambda i: order.get(i.problem.category, len(order)))
    return FollowUp(prior.year, prior.source, tuple(items), prior.not_followed, unread)


# --------------------------------------------------------------------------- across years


def problems_by_dimension(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Each year's problems (the data's as the team decided them and the team's own; 不采纳 ones not counted) by
    dimension: ``year``, one column per dimension (决策、过程、产出、效益), ``total``, ``pending`` (the data's still
    awaiting the team's decision: proposals), ``decided`` (the data's the team confirmed or changed) and ``team``
    (评价组核查, the team's own); pending + decided + team = total."""
    rows = []
    for a in sorted(analyses, key=lambda a: a.year):
        counts = {d: sum(1 for f in a.findings if f.category == d) for d in DIMENSIONS}
        data = [f for f in a.findings if f.origin == DATA_ORIGIN]
        pending = sum(1 for f in data if not f.decision)
        rows.append({"year": a.year, **counts, "total": len(a.findings), "pending": pending,
                     "decided": len(data) - pending, "team": len(a.findings) - len(data)})
    return pd.DataFrame(rows, columns=["year", *DIMENSIONS, "total", "pending", "decided", "team"])

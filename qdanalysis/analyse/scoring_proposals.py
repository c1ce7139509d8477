"""The system's proposals (系统建议): a score or a deduction for an indicator not yet confirmed, with what it rests on.

A proposal never counts: it is marked 待评价人确认 until the evaluator's record (评价记录) confirms or
replaces it. Three kinds:

- **doubt**: the indicator's stated actual earns points by its rule, but the tool doubts the evidence
  (:mod:`qdanalysis.analyse.scoring_doubts`); the proposal is that computed score;
- **findings**: findings bear on the indicator (each :class:`~qdanalysis.analyse.findings.Finding`'s
  ``bears_on`` names evaluation indicators: the rule's declaration, or the 关联指标 of a finding the
  team entered); the proposal is the weight less a deduction by severity;
- **quote**: the data's own words about a qualitative indicator suggest a band (达成/部分达成/未达成).

Pure functions over a table, the findings and the evidence already computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from qdanalysis.analyse.findings import TEAM_ORIGIN
from qdanalysis.analyse.scoring_table import POINT, Indicator, number_text

#: The share of an indicator's weight a finding of each severity proposes to deduct (扣完为止).
DEDUCTION_SHARE: dict[str, Decimal] = {"高": Decimal("0.5"), "中": Decimal("0.3"), "低": Decimal("0.1")}
#: How every proposal is marked until the evaluator's record confirms it.
TO_CONFIRM = "待评价人确认"


@dataclass(frozen=True)
class Proposal:
    """The system's proposal for one indicator.

    Attributes:
        name: the indicator.
        weight: its weight.
        score: the proposed score (None when the proposal is a band only).
        kind: ``doubt``, ``findings`` or ``quote``.
        basis: what it rests on, in Chinese (the doubts, the rule's arithmetic, or the deduction).
        findings: the findings behind it: (code, title, severity).
        level: the proposed band of a ``levels`` indicator (quote proposals).
        quote: the data's words a quote proposal rests on.
    """

    name: str
    weight: Decimal
    score: Decimal | None
    kind: str
    basis: str
    findings: tuple[tuple[str, str, str], ...] = ()
    level: str = ""
    quote: str = ""

    def text(self) -> str:
        """The proposal in one Chinese sentence, marked 待评价人确认."""
        if self.kind == "quote":
            what = f"建议评为“{self.level}”" + (f"（{number_text(self.score)}分）" if self.score is not None else "")
            return f"{what}，依据数据原文：“{self.quote}”（{TO_CONFIRM}）"
        if self.score is None:  # a problem the team found without grading it: the team scores it
            return f"不提出分数，由评价组据相关问题评分：{self.basis}（{TO_CONFIRM}）"
        score = f"建议得{number_text(self.score)}分（分值{number_text(self.weight)}）"
        if self.kind == "findings":
            return f"{score}：{self.basis}（{TO_CONFIRM}）"
        return f"{score}，{self.basis}（{TO_CONFIRM}）"


def bearing_on(name: str, findings: Iterable[Any]) -> list[Any]:
    """The findings whose ``bears_on`` names the indicator ``name`` (a finding without it bears on nothing)."""
    return [f for f in findings if name in tuple(getattr(f, "bears_on", ()) or ())]


def from_findings(ind: Indicator, findings: Iterable[Any]) -> Proposal | None:
    """The weight less a deduction per finding bearing on ``ind`` (by severity, 扣完为止); no score (the team's to
    give) when one of them has no severity; None without any finding."""
    found = bearing_on(ind.name, findings)
    if not found:
        return None
    behind = tuple((f.code, f.title, f.severity) for f in found)
    problems = f"{_origins(found)}{len(found)}项相关问题：" + "；".join(f"{f.title}（{_label(f)}）" for f in found)
    if any(not f.severity for f in found):  # an ungraded problem: a deduction would be a guess, full marks wrong
        return Proposal(ind.name, ind.weight, None, "findings", problems, behind)
    off = sum((DEDUCTION_SHARE[f.severity] * ind.weight for f in found), Decimal(0))
    off = min(off, ind.weight).quantize(POINT, rounding=ROUND_HALF_UP)
    basis = (f"{problems}；按严重程度建议扣{number_text(off)}分"
             f"（高扣分值的{_share('高')}，中{_share('中')}，低{_share('低')}，扣完为止）")
    return Proposal(ind.name, ind.weight, ind.weight - off, "findings", basis, behind)


def from_doubt(ind: Indicator, points: Decimal, rule_text: str, reasons: list[str]) -> Proposal:
    """The score the stated actual would earn by the rule, if the evaluator confirms the evidence
    (the reasons for the doubt stand in the score sheet's basis, beside it)."""
    basis = f"即按填报的实际完成值计分（{rule_text}），评价组核实{'、'.join(_doubt_kinds(reasons))}后方可计分"
    return Proposal(ind.name, ind.weight, points.quantize(POINT, rounding=ROUND_HALF_UP), "doubt", basis)


def from_quote(ind: Indicator, level: str, quote: str) -> Proposal:
    """A band the data's own words suggest for a qualitative indicator."""
    share = dict(ind.levels).get(level)
    score = None if share is None else (ind.weight * share).quantize(POINT, rounding=ROUND_HALF_UP)
    return Proposal(ind.name, ind.weight, score, "quote", f"数据原文：“{quote}”", level=level, quote=quote)


def _doubt_kinds(reasons: list[str]) -> list[str]:
    """What the evaluator must check, in a word per reason: 口径, 指标值, 是否本项目产出."""
    kinds = []
    for reason in reasons:
        kind = ("口径" if "口径" in reason else "是否本项目产出" if "工作成效" in reason
                else "指标设置" if "不科学" in reason else "佐证")
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _label(finding: Any) -> str:
    """``高``, or for a finding the team entered, ``评价组核查，高`` (``评价组核查，未定级`` without a severity)."""
    severity = finding.severity or "未定级"
    return f"{TEAM_ORIGIN}，{severity}" if getattr(finding, "origin", "") == TEAM_ORIGIN else severity


def _origins(found: list[Any]) -> str:
    """Who found the problems: 数据分析发现, 评价组核查发现, or both."""
    team = any(getattr(f, "origin", "") == TEAM_ORIGIN for f in found)
    data = any(getattr(f, "origin", "") != TEAM_ORIGIN for f in found)
    return "数据分析和评价组核查发现" if team and data else "评价组核查发现" if team else "数据分析发现"


def _share(severity: str) -> str:
    return f"{number_text(DEDUCTION_SHARE[severity] * 100)}%"

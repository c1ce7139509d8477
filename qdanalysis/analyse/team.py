"""The evaluation team's word on the problems: its own findings (评价发现) joined to the data's, and its
decision on each finding of the data (发现处理: 采纳, 修改 with its wording, 不采纳 with the reason).

The tool proposes, the team decides: a finding of the data without a decision stays a proposal (its
``decision`` is ""), a 修改 shows the team's words, a 不采纳 leaves the problems and is kept with its
reason (:class:`Rejected`) for the draft's annex. Pure functions of the year's frames and findings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from qdanalysis.analyse.findings import TABLE_COLUMN, TEAM_ORIGIN, Finding, code_key
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.read import parsing
from qdanalysis.read.loaders.team import indicator_names
from qdanalysis.read.schema import AMEND, FINDING_DECISIONS, REJECT, TEAM_FINDINGS

#: A team finding's code: H (核查) and its place in the 评价发现 sheet, ``H01``…
TEAM_CODE = "H"


@dataclass(frozen=True)
class Rejected:
    """A finding of the data the team did not adopt (不采纳), with its reason, for the draft's annex.

    Attributes:
        finding: the finding as the data showed it.
        reason: the team's reason, as written.
        by: who decided and when (``张三，2021-05-20``), "" when the record does not say.
    """

    finding: Finding
    reason: str
    by: str = ""


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def whose(row: dict) -> str:
    """``张三，2021-05-20`` from a row's 评价人 and 日期 (either may be blank)."""
    date = row.get("date")
    when = "" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")
    return "，".join(p for p in (_text(row.get("evaluator")), when) if p)


def team_findings(sheet: pd.DataFrame) -> list[Finding]:
    """The 评价发现 rows as findings, coded ``H01``… in sheet order; their words are the team's."""
    out = []
    for i, row in enumerate(sheet.to_dict("records"), start=1):
        source = pd.DataFrame([{TABLE_COLUMN: TEAM_FINDINGS.title, "src_file": row["src_file"],
                                "src_sheet": row["src_sheet"], "src_row": row["src_row"]}])
        out.append(Finding(
            code=f"{TEAM_CODE}{i:02d}", title=row["title"], severity=_text(row["severity"]), category=row["category"],
            figures={}, rows=source, summary=_text(row["detail"]), recommendation=_text(row["advice"]),
            bears_on=indicator_names(row["indicators"]), origin=TEAM_ORIGIN, note=whose(row),
            cause=_text(row["cause"]), basis=_text(row["basis"]),
        ))
    return out


def _where(row: dict, column: str) -> tuple[str, str, int | None, str]:
    return display_path(str(row["src_file"])), str(row["src_sheet"]), int(row["src_row"]), column


def apply_decisions(findings: list[Finding], limitations: list[Finding],
                    decisions: pd.DataFrame) -> tuple[list[Finding], list[Rejected]]:
    """The findings of the data as the team decided them, and the ones it rejected.

    A finding with 采纳 is marked adopted; with 修改 its title, text and advice are the team's where the
    team wrote them; with 不采纳 it leaves the findings for :class:`Rejected`. The others stay proposals.

    Raises:
        ValidationError: a 编号 that no finding of the year has (or that is a data limitation, not a
            problem), or a 系统发现 that is not the title of the finding with that 编号; each naming file,
            sheet, row and column.
    """
    by_code = {parsing.finding_code(f.code): f for f in findings}
    limits = {parsing.finding_code(f.code): f for f in limitations}
    codes = "、".join(f.code for f in sorted(findings, key=lambda f: code_key(f.code[1:]))) or "无"
    decided: dict[str, Finding] = {}
    rejected: list[Rejected] = []
    problems: list[Problem] = []
    header = {c.key: c.header for c in FINDING_DECISIONS.columns}
    for row in decisions.to_dict("records"):
        code = row["code"]
        f = by_code.get(code)
        if f is None:
            if code in limits:
                problems.append(Problem(*_where(row, header["code"]),
                                        f"编号{code}（{limits[code].title}）是数据局限，列入“其他需要说明的问题”，不是问题",
                                        "数据局限无需处理，请删除这一行"))
            else:
                problems.append(Problem(*_where(row, header["code"]), f"本年度数据分析没有编号为{code}的问题",
                                        f"请按本年度报告导出表“主要问题”的编号列改正，或删除这一行；现有编号：{codes}"))
            continue
        original = _text(row["original"])
        if original and parsing.compact(original) != parsing.compact(f.title):
            problems.append(Problem(*_where(row, header["original"]),
                                    f"编号{code}的问题是「{f.title}」，与本行所写「{original}」不一致",
                                    "数据更新后编号可能改变；请按本年度报告导出表“主要问题”核对编号和标题后改正"))
            continue
        by = whose(row)
        if row["decision"] == REJECT:
            rejected.append(Rejected(f, _text(row["reason"]), by))
        elif row["decision"] == AMEND:
            decided[code] = replace(f, title=_text(row["title"]) or f.title, summary=_text(row["detail"]) or f.summary,
                                    recommendation=_text(row["advice"]) or f.recommendation, decision=AMEND, note=by)
        else:
            decided[code] = replace(f, decision=row["decision"], note=by)
    if problems:
        raise ValidationError(problems)
    gone = {id(r.finding) for r in rejected}
    kept = [decided.get(parsing.finding_code(f.code), f) for f in findings if id(f) not in gone]
    return kept, rejected


def with_team(findings: list[Finding], limitations: list[Finding], team: pd.DataFrame,
              decisions: pd.DataFrame) -> tuple[list[Finding], list[Rejected]]:
    """The year's problems: the data's as the team decided them, then the team's own; and the rejected ones.

    Raises:
        ValidationError: see :func:`apply_decisions`.
    """
    kept, rejected = apply_decisions(findings, limitations, decisions)
    return kept + team_findings(team), rejected


def rejected_table(rejected: list[Rejected]) -> pd.DataFrame:
    """One row per rejected finding: 编号, 问题, 类别, 系统发现的内容, 不采纳理由, 评价人."""
    return pd.DataFrame([{"编号": r.finding.code, "问题": r.finding.title, "类别": r.finding.category,
                          "系统发现的内容": r.finding.summary, "不采纳理由": r.reason, "评价人": r.by} for r in rejected],
                        columns=["编号", "问题", "类别", "系统发现的内容", "不采纳理由", "评价人"])


def decision_text(f: Finding) -> str:
    """What the record says of a finding, for the Excel sheet: ``评价组核查（张三，2021-05-20）``,
    ``修改（…）``, ``采纳（…）`` or ``系统发现，待评价组确认``."""
    if f.origin == TEAM_ORIGIN:
        head = "评价组核查"
    elif f.decision:
        head = "评价组修改" if f.decision == AMEND else "评价组采纳"
    else:
        return "系统发现，待评价组确认"
    return head + (f"（{f.note}）" if f.note else "")


"""十、主要问题与建议: the problems the data supports and those the evaluation team found, grouped
决策/过程/产出/效益 and numbered together, each saying where it comes from and what the team decided."""

from __future__ import annotations

import pandas as pd

from qdanalysis.analyse.findings import DATA_ORIGIN, TEAM_ORIGIN, Finding, findings_table, in_report_order
from qdanalysis.analyse.team import AMEND, decision_text, rejected_table
from qdanalysis.domain import DIMENSIONS
from qdanalysis.present.blocks import NOTE, WARNING, Block, Placeholder, Table, TableLayout, bold, para
from qdanalysis.present.sections import followup
from qdanalysis.present.sections.base import Context, Section

#: How the report marks a finding of the data that the team has not decided on yet.
PENDING = "系统发现，待评价组确认"


def status(f: Finding) -> str:
    """Where a problem comes from and what the team decided: ``数据分析，高；系统发现，待评价组确认，编号F04``."""
    head = "，".join(p for p in (f.origin, f.severity) if p)
    if f.origin == TEAM_ORIGIN:
        return head
    if not f.decision:
        return f"{head}；{PENDING}，编号{f.code}"
    return f"{head}；" + ("评价组修改，以下为评价组的表述" if f.decision == AMEND else "评价组已确认")


def intro(found: list[Finding], rejected: int) -> str:
    data = [f for f in found if f.origin == DATA_ORIGIN]
    team = len(found) - len(data)
    counts = "、".join(f"{s}{n}个" for s in ("高", "中", "低") if (n := sum(f.severity == s for f in data)))
    parts = [f"共列出{len(found)}个问题，其中数据分析发现{len(data)}个" + (f"（{counts}）" if counts else "")]
    if team:
        parts.append(f"评价组核查发现{team}个")
    pending = sum(1 for f in data if not f.decision)
    text = "，".join(parts) + "，按决策、过程、产出、效益分列并统一编号。"
    if pending:
        text += f"数据分析发现的问题中有{pending}个尚待评价组确认，标为“{PENDING}”。"
    if rejected:
        text += f"评价组不采纳的系统发现{rejected}个，列于本节末尾，不列入问题。"
    return text + "数据分析发现的问题均列出依据的数字和来源行；数据未披露之处不作推断。"


def blocks(ctx: Context) -> list[Block]:
    found = in_report_order(ctx.analysis.findings)
    rejected = ctx.analysis.rejected
    if not found and not rejected:
        return [para("数据未显示需要列出的问题。")] + _no_followup(ctx)
    out: list[Block] = [para(intro(found, len(rejected)))] if found else [para("数据未显示需要列出的问题。")]
    number = 0
    groups = [(c, [f for f in found if f.category == c]) for c in DIMENSIONS]
    for numeral, (category, group) in zip("一二三四", [g for g in groups if g[1]]):
        out.append(para("（{numeral}）{category}类", numeral=numeral, category=category))
        advice: dict[str, list[int]] = {}
        for f in group:
            number += 1
            summary = f.summary or Placeholder(f"“{f.title}”的具体情况")
            basis = f"（依据：{f.basis}）" if f.basis else ""
            out.append(para("{head}（{status}）：{summary}{basis}", WARNING if f.severity == "高" else "p",
                            head=bold(f"{number}. {f.title}"), status=status(f), summary=summary, basis=basis))
            if f.recommendation:
                advice.setdefault(f.recommendation, []).append(number)
        for rec, numbers in advice.items():  # one recommendation per theme, naming the problems it answers
            out.append(para("建议（针对第{numbers}条）：{rec}", NOTE, numbers="、".join(map(str, numbers)), rec=rec))
    if rejected:
        out.append(para("{head}", key="rejected", head=bold("评价组不采纳的系统发现（不列入问题）")))
        for r in rejected:
            out.append(para("{title}（编号{code}）：不采纳。理由：{reason}", NOTE, key="rejected",
                            title=r.finding.title, code=r.finding.code, reason=r.reason))
    return out + _no_followup(ctx)


def _no_followup(ctx: Context) -> list[Block]:
    """A year whose previous year is not known has no 整改情况 section: one sentence here says so."""
    return [] if ctx.analysis.followup is not None else [para(followup.ABSENT, NOTE, key="followup")]


def table(frame: pd.DataFrame, name: str, caption: str, ctx: Context) -> Table:
    return ctx.table(TableLayout(name, caption, {c: c for c in frame.columns}), frame, shown=False)


def problems_frame(found: list[Finding]) -> pd.DataFrame:
    """The Excel 主要问题 sheet: :func:`findings_table` with 来源 (数据分析 or 评价组核查) and 评价组处理."""
    frame = findings_table(found)
    frame["来源"] = [f.origin for f in found]
    frame["评价组处理"] = [decision_text(f) for f in found]
    return frame


def sheets(ctx: Context) -> list[Table]:
    out = [table(problems_frame(in_report_order(ctx.analysis.findings)), "主要问题", "主要问题与建议", ctx)]
    if ctx.analysis.rejected:
        out.append(table(rejected_table(ctx.analysis.rejected), "未采纳发现", "评价组不采纳的系统发现", ctx))
    return out


SECTION = Section("findings", "主要问题与建议",
                  "数据分析发现的问题和评价组核查发现的问题，统一编号；每条注明来源，数据分析发现的附依据的数字、来源行和建议，"
                  "未经评价组确认的标为“系统发现，待评价组确认”；数据未披露之处不作推断。", blocks, sheets)

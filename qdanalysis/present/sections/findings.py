"""十、主要问题与建议: the problems the data supports, grouped 决策/过程/产出/效益, each with its evidence."""

from __future__ import annotations

import pandas as pd

from qdanalysis.analyse.findings import findings_table, in_report_order
from qdanalysis.domain import DIMENSIONS
from qdanalysis.present.blocks import NOTE, WARNING, Block, Table, TableLayout, bold, para
from qdanalysis.present.sections.base import Context, Section


def blocks(ctx: Context) -> list[Block]:
    found = in_report_order(ctx.analysis.findings)
    if not found:
        return [para("数据未显示需要列出的问题。")]
    counts = {s: sum(f.severity == s for f in found) for s in ("高", "中", "低")}
    out: list[Block] = [para(
        "根据数据识别出{n}个问题（高{h}个、中{m}个、低{l}个），按决策、过程、产出、效益分列如下。每条均列出依据的"
        "数字和来源行；数据未披露之处不作推断。", n=len(found), h=counts["高"], m=counts["中"], l=counts["低"])]
    number = 0
    groups = [(c, [f for f in found if f.category == c]) for c in DIMENSIONS]
    for numeral, (category, group) in zip("一二三四", [g for g in groups if g[1]]):
        out.append(para("（{numeral}）{category}类", numeral=numeral, category=category))
        advice: dict[str, list[int]] = {}
        for f in group:
            number += 1
            out.append(para("{head}（{severity}，规则{code}）：{summary}", WARNING if f.severity == "高" else "p",
                            head=bold(f"{number}. {f.title}"), severity=f.severity, code=f.code, summary=f.summary))
            advice.setdefault(f.recommendation, []).append(number)
        for rec, numbers in advice.items():  # one recommendation per theme, naming the problems it answers
            out.append(para("建议（针对第{numbers}条）：{rec}", NOTE, numbers="、".join(map(str, numbers)), rec=rec))
    return out


def table(frame: pd.DataFrame, name: str, caption: str, ctx: Context) -> Table:
    return ctx.table(TableLayout(name, caption, {c: c for c in frame.columns}), frame, shown=False)


def sheets(ctx: Context) -> list[Table]:
    return [table(findings_table(in_report_order(ctx.analysis.findings)), "主要问题", "主要问题与建议", ctx)]


SECTION = Section("findings", "主要问题与建议",
                  "由数据计算得出的问题，每条附依据的数字、来源行和建议；数据未披露之处不作推断。", blocks, sheets)

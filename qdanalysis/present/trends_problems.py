"""The trends report's 各年度问题 section: each year's problems counted by dimension (决策、过程、产出、效益),
the data's and the team's together, those the team did not adopt (不采纳) not counted."""

from __future__ import annotations

from typing import Any

from qdanalysis.analyse.followup import problems_by_dimension
from qdanalysis.domain import DIMENSIONS
from qdanalysis.present.blocks import Block, Table, TableLayout, para

PROBLEM_COUNTS = TableLayout(
    "各年度问题", "各年度问题按一级指标分列（个）",
    {"year": "年度", **{d: d for d in DIMENSIONS}, "total": "合计", "pending": "其中待评价组确认的系统发现",
     "decided": "其中评价组已确认的系统发现", "team": "其中评价组核查发现"},
    integer=("year", *DIMENSIONS, "total", "pending", "decided", "team"))


def _whose(r) -> str:
    """``其中待评价组确认的系统发现12个`` …: how many of a year's problems are still proposals."""
    parts = [f"{w}{int(n)}个" for w, n in (("待评价组确认的系统发现", r.pending), ("评价组已确认的系统发现", r.decided),
                                          ("评价组核查发现", r.team)) if int(n)]
    return "；其中" + "、".join(parts) if parts else ""


def blocks(report: Any) -> list[Block]:
    """``report``: the :class:`~qdanalysis.present.trends_report.TrendsReport` (its years' analyses)."""
    counts = problems_by_dimension(report.analyses)
    if counts.empty:
        return [para("没有可统计问题的年度。")]
    parts = "；".join(f"{int(r.year)}年{int(r.total)}个（" + "、".join(f"{d}{int(getattr(r, d))}" for d in DIMENSIONS)
                      + _whose(r) + "）" for r in counts.itertuples())
    text = f"各年度报告列出的问题（数据分析发现的和评价组核查发现的，不含评价组不采纳的）：{parts}。"
    if int(counts["pending"].sum()):
        text += "待评价组确认的系统发现是数据分析的建议，评价组尚未确认，不是已认定的问题。"
    if len(counts) >= 2:
        first, last = counts.iloc[0], counts.iloc[-1]
        moved = [f"{d}由{int(first[d])}个变为{int(last[d])}个" for d in DIMENSIONS if int(first[d]) != int(last[d])]
        text += (f"{int(first['year'])}年至{int(last['year'])}年，" + "，".join(moved) + "。") if moved else "各一级指标的问题数各年相同。"
    return [para(text), Table(PROBLEM_COUNTS, counts, report.demo)]

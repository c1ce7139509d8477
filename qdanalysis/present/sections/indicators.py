"""七、绩效目标完成情况: each indicator's target against its reported actual; 未披露 is never counted as met."""

from __future__ import annotations

from qdanalysis.analyse.indicator_status import STATUS_MET, STATUS_MISMATCH, STATUS_NOT_MET, STATUS_UNKNOWN
from qdanalysis.fmt import pct
from qdanalysis.present.blocks import NOTE, WARNING, Block, Chart, Table, TableLayout, drawing, para
from qdanalysis.present.sections.base import Context, Section

INDICATORS = TableLayout(
    "绩效指标", "绩效目标完成情况",
    {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target_text": "指标值", "actual_text": "实际完成值",
     "status": "完成情况", "comparison": "对比"})


def blocks(ctx: Context) -> list[Block]:
    status = ctx.analysis.indicator_status
    if status.empty:
        return [para("本年度未提供绩效指标表。", NOTE)]
    counts = status["status"].value_counts()
    mismatch = int(counts.get(STATUS_MISMATCH, 0))
    out: list[Block] = [para(
        "共{n}个绩效指标：{met}个已完成，{not_met}个未完成，{mismatch}{unknown}个完成值未披露。", n=len(status),
        met=int(counts.get(STATUS_MET, 0)), not_met=int(counts.get(STATUS_NOT_MET, 0)),
        mismatch=f"{mismatch}个指标值与完成值口径不一致，" if mismatch else "", unknown=int(counts.get(STATUS_UNKNOWN, 0)))]
    for _, r in status[status["status"] == STATUS_NOT_MET].iterrows():
        out.append(para("未完成：“{name}”目标{target}，实际{actual}，完成{ach}。", WARNING, name=r["name"],
                        target=r["target_text"], actual=r["actual_text"], ach=pct(r["achievement"], 0)))
    out.append(Chart("indicators", drawing("indicators", "indicators", status, source=ctx.source("绩效指标"), demo=ctx.demo,
                                                             year=ctx.data.year), "绩效指标完成情况"))
    out.append(ctx.table(INDICATORS, status))
    return out


def sheets(ctx: Context) -> list[Table]:
    return [ctx.table(INDICATORS, ctx.analysis.indicator_status)]


SECTION = Section("indicators", "绩效目标完成情况",
                  "绩效目标申报表中的指标值与实际完成值；完成值未披露的指标单独列出，不视为完成。", blocks, sheets)

"""二、预算执行: what was executed against the budget, and how much of it the items list one by one."""

from __future__ import annotations

from qdanalysis.analyse.spending import TOTAL
from qdanalysis.domain import NOT_ADJUSTED
from qdanalysis.fmt import pct, wan
from qdanalysis.present.blocks import Block, Chart, Table, TableLayout, derived, drawing, para
from qdanalysis.present.sections.base import Context, Section

SPEND = TableLayout(
    "逐项支出", "各项目已列明的金额",
    {"code": "编号", "item": "项目", "amount": "金额（万元）", "basis": "依据"}, money=("amount",),
    note="注：“合同金额”为预算执行表所列、与合同台账中该项目此前合同金额相同的数，不是本年实际支付；"
         "“推算”为由合同金额和比例计算的数。")

BUDGET_ITEMS = TableLayout(
    "预算明细", "预算明细",
    {"code": "编号", "category": "类别", "item": "项目名称", "budget": "预算数（万元）", "adjusted_budget": "调整后预算数（万元）",
     "executed": "执行数（万元）", "note": "备注", "source": "来源"},
    money=("budget", "adjusted_budget", "executed"), detail=True)


def blocks(ctx: Context) -> list[Block]:
    d, t = ctx.data, ctx.data.totals
    spend, h = ctx.analysis.spend, ctx.analysis.headline
    adjusted = (f"调整后预算{wan(t['adjusted_budget'])}" if t.get("adjusted_budget") is not None
                else "预算未调整" if t.get("adjustment") == NOT_ADJUSTED else "调整后预算数未披露")
    item_exec = h.items_executed
    return [
        para("截至{year}年末，项目实际执行{executed}，预算执行率{rate}（执行数 ÷ {base}）；{adjusted}。{item_exec_text}",
             year=d.year, executed=wan(t["executed"]), rate=pct(t["execution_rate"]),
             base="调整后预算数" if t.get("adjusted_budget") is not None else "预算数", adjusted=adjusted,
             item_exec_text=("分项目执行数未提供，本报告按项目总额分析预算执行情况。" if item_exec == 0
                             else f"{item_exec}个项目给出了执行数。")),
        Chart("budget_execution", drawing("budget", "budget_execution", t, source=ctx.source("预算执行"), demo=ctx.demo,
                                                                  year=d.year), "预算数与执行数"),
        para("各项目已列明的金额（依次取项目执行数、合同本年支付额、列明的年度预算数）合计{disclosed}，相当于执行数的{share}；"
             "其余{rest}（推算：执行数减已列明的金额）未逐项列明。其中的预算数和合同金额并非{year}年的实际支出，"
             "只说明执行数中有多少能落到具体项目。",
             year=d.year, disclosed=wan(h.itemised), share=pct(h.itemised_share),
             rest=derived(wan(h.unitemised), "执行数减已列明的金额")),
        Chart("disclosed_spend", drawing("budget", "disclosed_spend", spend, source=ctx.source("预算执行", "合同台账"),
                                                                demo=ctx.demo, year=d.year), "逐项列明的支出"),
        ctx.table(SPEND, spend),
    ]


def sheets(ctx: Context) -> list[Table]:
    d = ctx.data
    total = {"code": TOTAL, **{k: d.totals.get(k) for k in BUDGET_ITEMS.money}}
    return [ctx.table(SPEND, ctx.analysis.spend), ctx.table(BUDGET_ITEMS, d.budget, total=total, shown=False)]


SECTION = Section("budget", "预算执行", "执行数与预算数之比即预算执行率；各项目已列明的金额与未逐项列明的部分分开列示。",
                  blocks, sheets)

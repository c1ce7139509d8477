"""三、分类支出: the amounts each category lists, and the part no item lists (推算)."""

from __future__ import annotations

from dataclasses import replace

from qdanalysis.analyse.spending import TOTAL, UNITEMISED
from qdanalysis.fmt import pct, wan
from qdanalysis.present.blocks import Block, Chart, Table, TableLayout, derived, drawing, para
from qdanalysis.present.sections.base import Context, Section

CATEGORIES = TableLayout(
    "分类支出", "分类支出",
    {"category": "类别", "items": "项目数", "budget": "已列明预算数（万元）", "adjusted_budget": "调整后预算（万元）",
     "executed": "执行数（万元）", "execution_rate": "执行率", "share": "占预算比例"},
    money=("budget", "adjusted_budget", "executed"), percent=("execution_rate", "share"), integer=("items",),
    note="注：“未逐项列明”一行的项目已分别计入上列各类的项目数；其金额按预算合计减各类已列明数推算，不是逐项数据。")


def table(ctx: Context) -> Table:
    """表 分类支出; the note on the 未逐项列明 row only where the row is."""
    cats = ctx.analysis.categories
    layout = CATEGORIES if UNITEMISED in set(cats["category"]) else replace(CATEGORIES, note="")
    return ctx.table(layout, cats)


def blocks(ctx: Context) -> list[Block]:
    cats = ctx.analysis.categories
    real = cats[~cats["category"].isin([UNITEMISED, TOTAL])].dropna(subset=["budget"])
    top = real.sort_values("budget", ascending=False).iloc[0] if len(real) else None
    out: list[Block] = []
    undisclosed = cats[cats["category"] == UNITEMISED]
    if top is not None and len(undisclosed):
        out.append(para(
            "按类别看，已列明金额最多的是“{cat}”（{amount}，占预算总额{share}）；“未逐项列明”部分为{und}（{ushare}，"
            "推算：预算合计减已列明数），图中以斜线表示，不按零计。",
            cat=top["category"], amount=wan(top["budget"]), share=pct(top["share"]),
            und=derived(wan(undisclosed["budget"].iloc[0]), "预算合计减已列明数"),
            ushare=derived(pct(undisclosed["share"].iloc[0]), "预算合计减已列明数")))
    elif top is not None:
        out.append(para("按类别看，金额最多的是“{cat}”（{amount}，占预算总额{share}）；各项目均列明了预算数。",
                        cat=top["category"], amount=wan(top["budget"]), share=pct(top["share"])))
    out.append(Chart("category_spending", drawing("categories", "category_spending",
        cats, source=ctx.source("预算执行"), demo=ctx.demo, year=ctx.data.year), "分类支出"))
    out.append(table(ctx))
    return out


def sheets(ctx: Context) -> list[Table]:
    return [table(ctx)]


SECTION = Section("categories", "分类支出", "各类别已列明的金额；未披露的部分以斜线单独表示，不按零计。", blocks, sheets)

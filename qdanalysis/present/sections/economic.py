"""按支出经济分类: spending per economic class, where the budget is the 预算管理一体化 export that gives it."""

from __future__ import annotations

from qdanalysis.analyse.economic import TOTAL
from qdanalysis.fmt import pct, wan
from qdanalysis.present.blocks import Block, Chart, Table, TableLayout, drawing, para
from qdanalysis.present.sections.base import Context, Section

ECONOMIC = TableLayout(
    "支出经济分类", "按支出经济分类的预算与执行",
    {"economic": "支出经济分类", "items": "项目数", "budget": "预算数（万元）", "adjusted_budget": "调整后预算（万元）",
     "executed": "执行数（万元）", "execution_rate": "执行率", "share": "占执行数比例"},
    money=("budget", "adjusted_budget", "executed"), percent=("execution_rate", "share"), integer=("items",),
    note="注：同一项目按支出经济分类分行列示的，各行分别计入所属分类；项目数按分类计，一个项目可计入多个分类。")


def table(ctx: Context) -> Table:
    return ctx.table(ECONOMIC, ctx.analysis.economic)


def blocks(ctx: Context) -> list[Block]:
    table_ = ctx.analysis.economic
    if table_ is None or table_.empty:
        return []
    classes = table_[table_["economic"] != TOTAL]
    known = classes.dropna(subset=["executed"])
    out: list[Block] = []
    if len(known):
        top = known.iloc[0]
        out.append(para("预算执行表按支出经济分类列示了{n}个分类；执行数最多的是“{name}”（{amount}，占执行数合计的{share}）。",
                        n=len(classes), name=top["economic"], amount=wan(top["executed"]), share=pct(top["share"])))
    else:
        out.append(para("预算执行表按支出经济分类列示了{n}个分类，各分类的执行数均未披露。", n=len(classes)))
    out.append(Chart("economic_spending", drawing("economic", "economic_spending",
        table_, source=ctx.source("预算执行"), demo=ctx.demo, year=ctx.data.year), "按支出经济分类的执行数"))
    out.append(table(ctx))
    return out


def sheets(ctx: Context) -> list[Table]:
    table_ = ctx.analysis.economic
    return [] if table_ is None or table_.empty else [table(ctx)]


SECTION = Section("economic", "支出经济分类", "预算执行表按支出经济分类列示的预算数和执行数（预算管理一体化系统导出的表才有此列）。",
                  blocks, sheets, dimension="过程", optional=True)

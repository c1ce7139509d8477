"""八、产出与成效: the results the evaluation cites, as the 产出与成效 sheet states them."""

from __future__ import annotations

from qdanalysis.present.blocks import WARNING, Block, Placeholder, Table, TableLayout, para
from qdanalysis.present.sections.base import Context, Section

RESULTS = TableLayout(
    "产出与成效", "产出与成效",
    {"name": "名称", "value": "数值", "unit": "单位", "source": "来源"})


def blocks(ctx: Context) -> list[Block]:
    results = ctx.data.results
    if results.empty:
        return [para("{what}", WARNING, what=Placeholder("产出与成效（可在“产出与成效”表中逐项填写名称、数值、单位和来源）"))]
    return [para("“产出与成效”表列有{n}项产出和成效，数值按来源原文列示，未经本工作簿核实。", n=len(results)),
            ctx.table(RESULTS, results)]


def sheets(ctx: Context) -> list[Table]:
    return [ctx.table(RESULTS, ctx.data.results)]


SECTION = Section("results", "产出与成效", "评价报告引用的产出和成效数字，按“产出与成效”表所列来源原文列示。", blocks, sheets,
                  dimension="产出")

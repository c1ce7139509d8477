"""八、产出与成效: the results the evaluation cites, as the 产出与成效 sheet states them, each marked as one of this
project's indicators or as the unit's work as a whole (单位整体工作成效)."""

from __future__ import annotations

import pandas as pd

from qdanalysis.present.blocks import WARNING, Block, Placeholder, Table, TableLayout, para
from qdanalysis.present.sections.base import Context, Section

#: What a result that is none of the project's indicators is: the bureau's work, not shown to come from this money.
BUREAU_WIDE = "单位整体工作成效"

RESULTS = TableLayout(
    "产出与成效", "产出与成效",
    {"name": "名称", "value": "数值", "unit": "单位", "scope": "口径", "source": "来源"})


def scoped(ctx: Context) -> pd.DataFrame:
    """The results with their 口径: the indicator whose reported actual they are (本项目指标：整合视频监控数量), or
    :data:`BUREAU_WIDE`."""
    results = ctx.data.results
    indicators = ctx.data.indicators
    actuals = {}
    if not indicators.empty and "actual_text" in indicators:
        actuals = {str(a).strip(): n for a, n in zip(indicators["actual_text"], indicators["name"])
                   if isinstance(a, str) and a.strip()}
    scope = []
    for value, unit in zip(results["value"], results["unit"]):
        written = f"{value}{unit if isinstance(unit, str) else ''}".strip()
        scope.append(f"本项目指标：{actuals[written]}" if written in actuals else BUREAU_WIDE)
    return results.assign(scope=scope)


def blocks(ctx: Context) -> list[Block]:
    results = ctx.data.results
    if results.empty:
        return [para("{what}", WARNING, what=Placeholder("项目产出与成效（名称、数值、单位和来源）"))]
    frame = scoped(ctx)
    own = int((frame["scope"] != BUREAU_WIDE).sum())
    wide = len(frame) - own
    return [para("“产出与成效”表列有{n}项产出和成效，数值按来源原文列示，未经本工作簿核实。{split}", n=len(frame),
                 split=(f"其中{own}项为本项目绩效指标的完成值；其余{wide}项为{BUREAU_WIDE}，数据未载明由本项目资金形成，"
                        "不作为本项目的产出。" if wide else "")),
            ctx.table(RESULTS, frame)]


def sheets(ctx: Context) -> list[Table]:
    return [ctx.table(RESULTS, scoped(ctx))]


SECTION = Section("results", "产出与成效", "评价报告引用的产出和成效数字，按“产出与成效”表所列来源原文列示，并注明口径。",
                  blocks, sheets, dimension="产出")

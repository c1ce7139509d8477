"""The chart of spending by 支出经济分类 (the 预算管理一体化 export's rows by economic class)."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.analyse.economic import TOTAL
from qdanalysis.present import style
from qdanalysis.present.charts import base

BAR_COLOR = "#0072B2"


def economic_spending(table: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Executed amount per 支出经济分类 (万元), largest first; a class whose amount is 未披露 is drawn hatched
    without a height, never as zero.

    Args:
        table: ``analysis.economic`` (its 合计 row goes into the subtitle).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    heading = f"{base.prefix(year)}专项业务费执行数按支出经济分类分布（万元）"
    rows = table[table["economic"] != TOTAL].iloc[::-1]
    total = table[table["economic"] == TOTAL]
    fig, ax = base.figure(8, base.bar_height(len(rows), 0.5, 1.8))
    if rows.empty or base.all_missing(rows["executed"]):
        return base.empty(fig, ax, heading, "各支出经济分类均未披露执行数", source, demo)
    labels = [base.wrap(str(r), 14) for r in rows["economic"]]
    values = [style.wan_value(v) for v in rows["executed"]]
    texts = [base.U if base.missing(v) else style.format_wan(v) + ("" if base.missing(s) else f"（{base.pct(s, 1)}）")
             for v, s in zip(rows["executed"], rows["share"])]
    style.bar_with_undisclosed(ax, labels, values, [BAR_COLOR] * len(labels), horizontal=True,
                               fmt=base.sequence_fmt([t for t, v in zip(texts, values) if not math.isnan(v)]))
    base.widen_for_labels(ax, 1.35)
    subtitle = None
    if not total.empty and not base.missing(total["executed"].iloc[0]):
        subtitle = f"执行数合计 {style.format_wan(total['executed'].iloc[0])} 万元；括号内为占执行数合计的比例"
    base.title(ax, heading, subtitle)
    return base.done(fig, source, demo)

"""The categories section's chart: the budget per category, the unitemised remainder derived (推算)."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.analyse.spending import TOTAL
from qdanalysis.present import style
from qdanalysis.present.charts import base


def category_spending(cat: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Budget per category, with the 未披露 remainder as a hatched bar of its amount.

    Args:
        cat: ``analysis.spending_by_category`` (the 合计 row goes into the subtitle).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}专项业务费预算按类别分布（万元）"
    rows = cat[cat["category"] != TOTAL]
    total = cat[cat["category"] == TOTAL]
    fig, ax = base.figure(8, base.bar_height(len(rows), 0.62, 1.8))
    if rows.empty or (base.all_missing(rows["budget"]) and (total.empty or base.missing(total["budget"].iloc[0]))):
        return base.empty(fig, ax, title, "各类别及合计均无预算数", source, demo)

    labels, values, heights, colors, texts = [], [], {}, [], []
    for _, r in rows.iterrows():
        disclosed = bool(r["disclosed"])
        share = "" if base.missing(r["share"]) else f"（占{base.pct(r['share'], 1)}）"
        if disclosed:
            label = f"{base.wrap(str(r['category']), 9)}\n（{r['items_disclosed']}/{r['items']}项列明预算数）"
            value = style.wan_value(r["budget"])
            if not math.isnan(value):
                texts.append(style.format_wan(r["budget"]) + share)
        else:
            label = f"未逐项列明（推算）\n（{r['items']}项未列明预算数）"
            value = math.nan
            if not base.missing(r["budget"]):
                heights[label] = style.wan_value(r["budget"])
        labels.append(label)
        values.append(value)
        colors.append(style.CATEGORY_PALETTE.get(r["category"], style.UNDISCLOSED_FACECOLOR))

    style.bar_with_undisclosed(ax, labels, values, colors, undisclosed_heights=heights, horizontal=True,
                               fmt=base.sequence_fmt(texts))
    for t in ax.texts:  # the remainder is derived (total minus what is listed), with its share
        if t.get_gid() == "undisclosed-label" and t.get_text() != base.U:
            rest = rows.loc[~rows["disclosed"].astype(bool)]
            share = rest["share"].iloc[0] if len(rest) else None
            amount = style.format_wan(rest["budget"].iloc[0]) if len(rest) else t.get_text()
            t.set_text(f"{amount}（推算" + ("" if base.missing(share) else f"，占{base.pct(share, 1)}") + "）")
    base.widen_for_labels(ax, 1.45)

    subtitle = None
    if not total.empty:
        t = total.iloc[0]
        parts = [f"预算合计 {style.format_wan(t['budget'])} 万元，共{t['items']}项，其中{t['items_disclosed']}项列明预算数"]
        if (~rows["disclosed"].astype(bool)).any():
            parts.append("未列明预算数的项目按预算合计减已列明数计，用斜线标示")
        subtitle = "\n".join(parts)
    base.title(ax, title, subtitle)
    return base.done(fig, source, demo)

"""The budget section's charts: the budget against its execution, and how much of the spending is itemised."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.analyse.spending import ITEMISED, UNITEMISED
from qdanalysis.domain import NOT_ADJUSTED
from qdanalysis.present import style
from qdanalysis.present.charts import base


def budget_execution(totals: dict, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Budget, adjusted budget and executed amount side by side; the rate goes in the title.

    Args:
        totals: ``YearData.totals`` (budget, adjusted_budget, executed, execution_rate in 元).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    budget, adjusted, executed = (totals.get(k) for k in ("budget", "adjusted_budget", "executed"))
    rate = totals.get("execution_rate")
    rate_base = adjusted if not base.missing(adjusted) else budget
    if base.missing(rate) and not base.missing(executed) and not base.missing(rate_base) and Decimal(rate_base):
        rate = Decimal(executed) / Decimal(rate_base)
    rate_text = base.U if base.missing(rate) else base.pct(rate, 2)
    title = f"{base.prefix(year)}专项业务费预算执行情况：执行率 {rate_text}"
    fig, ax = base.figure(7.2, 4.5)
    if base.missing(budget) and base.missing(executed):
        return base.empty(fig, ax, title, "预算数与执行数均未披露", source, demo)

    not_adjusted = base.missing(adjusted) and totals.get("adjustment") == NOT_ADJUSTED
    bars = [("年初预算数", budget, "#0072B2"), ("调整后预算数", adjusted, "#56B4E9"), ("实际执行数", executed, "#E69F00")]
    if not_adjusted:  # no bar of 未披露 for a budget that was not adjusted
        bars = [bars[0], bars[2]]
    labels, values, colors = [b[0] for b in bars], base.wan_values([b[1] for b in bars]), [b[2] for b in bars]
    style.bar_with_undisclosed(ax, labels, values, colors, width=0.55)
    subtitle = "执行率 = 实际执行数 ÷ " + ("调整后预算数" if not base.missing(adjusted) else
                                      "年初预算数（预算未调整）" if not_adjusted else "年初预算数（调整后预算数未披露）")
    if not base.missing(executed) and not base.missing(rate_base):
        subtitle += f"；结余 {style.format_wan(Decimal(rate_base) - Decimal(executed))} 万元"
    base.title(ax, title, subtitle)
    return base.done(fig, source, demo)


def disclosed_spend(spend: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """How much of the executed total the data itemises: a composition strip, then each item.

    Args:
        spend: ``analysis.disclosed_spend`` (items, then 已列明合计 and 未逐项列明).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}支出逐项列明情况（万元）"
    items = spend[spend["code"].notna()] if "code" in spend else spend.iloc[0:0]
    disclosed_row = spend[spend["item"] == ITEMISED]
    rest_row = spend[spend["item"] == UNITEMISED]
    disclosed = None if disclosed_row.empty else disclosed_row["amount"].iloc[0]
    rest = None if rest_row.empty else rest_row["amount"].iloc[0]

    if items.empty or base.all_missing(items["amount"]):
        fig, ax = base.figure()
        base.title(ax, title)
        extra = "" if base.missing(rest) else f"\n执行数中 {style.format_wan(rest)} 万元未逐项列明"
        base.undisclosed_panel(ax, "没有任何项目列明本年支付额或预算数" + extra)
        return base.done(fig, source, demo)

    n = len(items) + 1
    fig, ax = base.figure(8.4, base.bar_height(n, 0.5, 3.2))
    ax.remove()
    ax_strip, ax_items = fig.subplots(2, 1, height_ratios=[1.0, max(4.0, n * 0.5)])

    # Strip: the executed total split into itemised categories and the undisclosed rest.
    left = 0.0
    by_cat = items.groupby("category", sort=False)["amount"].apply(lambda s: sum(base.wan_values(s.dropna())))
    for category, value in by_cat.items():
        ax_strip.barh(0, value, left=left, color=style.CATEGORY_PALETTE.get(category, base.MIXED_COLOR), height=0.6,
                      linewidth=0.6, edgecolor="white", zorder=2)
        left += value
    if not base.missing(rest) and style.wan_value(rest) > 0:
        bar = ax_strip.barh(0, style.wan_value(rest), left=left, height=0.6, zorder=2)[0]
        base.hatch(bar)
        ax_strip.text(left + style.wan_value(rest) / 2, 0, f"未逐项列明 {style.format_wan(rest)}", ha="center",
                      va="center", fontsize=9.5, color=style.TEXT_COLOR, gid="undisclosed-label", bbox=base.LABEL_BOX)
    if not base.missing(disclosed):
        ax_strip.text(left / 2, 0, f"已列明 {style.format_wan(disclosed)}", ha="center", va="center",
                      fontsize=9.5, color=style.TEXT_COLOR, bbox=base.LABEL_BOX)
    end = left + (0 if base.missing(rest) else max(style.wan_value(rest), 0))
    ax_strip.set_xlim(0, end * 1.001 or 1)
    ax_strip.set_ylim(-0.5, 0.5)
    ax_strip.set_axis_off()

    labels = [base.wrap(f"{r['code']} {r['item']}", 14) for _, r in items.iterrows()]
    colors = [style.CATEGORY_PALETTE.get(c, base.MIXED_COLOR) for c in items["category"]]
    texts = [f"{style.format_wan(a)}（{_flat(b)}）" for a, b in zip(items["amount"], items["basis"]) if not base.missing(a)]
    style.bar_with_undisclosed(ax_items, labels, base.wan_values(items["amount"]), colors, horizontal=True,
                               fmt=base.sequence_fmt(texts))
    base.widen_for_labels(ax_items, 1.35)
    ax_items.tick_params(axis="y", labelsize=9)
    cats = [c for c in style.CATEGORY_ORDER if c in set(items["category"])]
    ax_items.legend(handles=base.legend_patches([(c, style.CATEGORY_PALETTE[c]) for c in cats], False),
                    loc="lower right", fontsize=8.5, frameon=True, framealpha=0.95, edgecolor="#DDDDDD")

    parts = []
    if not base.missing(disclosed) and not base.missing(rest):
        total = Decimal(disclosed) + Decimal(rest)
        parts.append(f"执行数 {style.format_wan(total)} 万元：已列明 {style.format_wan(disclosed)}"
                     f"（{base.pct(Decimal(disclosed) / total, 1) if total else base.U}），未逐项列明 {style.format_wan(rest)}（推算：执行数减已列明）")
    parts.append("逐项金额取本年支付额，无支付记录的取预算数（括号内注明口径）")
    base.title(ax_strip, title, "\n".join(parts))
    return base.done(fig, source, demo)


def _flat(text: str) -> str:
    """A note that goes inside brackets: its own brackets become a comma (预算数（约数） -> 预算数，约数)."""
    return str(text).replace("（", "，").replace("）", "")

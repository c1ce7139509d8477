"""The network lines section's charts: cost per carrier and line type, prices, monthly and yearly cost, count."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from qdanalysis.analyse.linking import item_label
from qdanalysis.money import round_half_up
from qdanalysis.present import style
from qdanalysis.present.charts import base


def _carrier_color(carrier: Any) -> str:
    return base.CARRIER_COLORS.get(carrier, base.MIXED_COLOR) if isinstance(carrier, str) else base.MIXED_COLOR


def line_costs(costs: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Annual cost of each carrier and line type, with the cost per Mbps where the bandwidth is known.

    Args:
        costs: ``analysis.line_costs``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}网络线路年费用（按运营商、线路类型，万元）"
    fig, ax = base.figure(8, base.bar_height(len(costs), 0.75, 1.8))
    if costs.empty or base.all_missing(costs["annual_cost"]):
        return base.empty(fig, ax, title, "线路清单中没有列明月费的线路", source, demo)

    labels, texts = [], []
    for _, r in costs.iterrows():
        units = int(r["units"]) if "units" in r and not base.missing(r["units"]) else 0
        lines = 0 if base.missing(r["lines"]) else int(r["lines"])
        bw = "" if base.missing(r["bandwidth_mbps"]) else f" × {base.plain(r['bandwidth_mbps'] / max(lines + units, 1))}M"
        counted = "＋".join([f"{lines}条"] * bool(lines or not units) + [f"{units}个单位"] * bool(units))
        labels.append(f"{base.wrap(str(r['carrier']), 10)}\n{base.wrap(str(r['line_type']), 10)}\n{counted}{bw}")
        if not base.missing(r["annual_cost"]):
            per = "" if base.missing(r["cost_per_mbps_month"]) else f"；{base.plain(round_half_up(r['cost_per_mbps_month'], 2))}元/Mbps·月"
            texts.append(f"{style.format_wan(r['annual_cost'])}（月费{style.format_wan(r['monthly_cost'])}{per}）")
    colors = [_carrier_color(c) for c in costs["carrier"]]
    style.bar_with_undisclosed(ax, labels, base.wan_values(costs["annual_cost"]), colors, horizontal=True,
                               fmt=base.sequence_fmt(texts), width=0.55)
    base.widen_for_labels(ax, 1.55)
    total = [v for v in costs["annual_cost"] if not base.missing(v)]
    subtitle = (f"年费用按月租×数量×在用月数推算，合计 {style.format_wan(sum(Decimal(v) for v in total))} 万元（推算）；"
                "带宽未披露的线路不计单位带宽价格")
    if "units" in costs and costs["units"].fillna(0).astype(int).sum():
        notes = "、".join(n for n in costs.get("units_note", pd.Series(dtype=object)).dropna().unique())
        subtitle += f"\n按单位列出的接入线路{f'（{notes}）' if notes else ''}：每单位按1条假设计费用（每单位线路条数未披露）"
    base.title(ax, title, subtitle)
    return base.done(fig, source, demo)


def bandwidth_prices(prices: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Monthly fee of the same bandwidth from each carrier, side by side, with the price ratio.

    Args:
        prices: ``analysis.same_bandwidth_prices``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    base_title = f"{base.prefix(year)}同类型、同带宽线路的月费对比（万元/月）"
    fig, ax = base.figure(7.2, 4.6)
    if prices.empty or base.all_missing(prices["monthly_fee"]):
        return base.empty(fig, ax, base_title, "没有两家以上运营商提供同类型、同带宽线路且月费均已披露的记录", source, demo)

    groups = list(prices.groupby(["line_type", "bandwidth_mbps"], sort=False))
    labels, values, colors, group_of = [], [], [], []
    for gi, ((line_type, bw), g) in enumerate(groups):
        for _, r in g.iterrows():
            labels.append(f"{r['carrier']}\n{line_type} {base.plain(bw)}M")
            values.append(style.wan_value(r["monthly_fee"]))
            colors.append(_carrier_color(r["carrier"]))
            group_of.append(gi)
    bars = style.bar_with_undisclosed(ax, labels, values, colors, width=0.55)
    ax.set_ylabel("万元/月")

    headline = None
    top = ax.get_ylim()[1]
    for gi, ((line_type, bw), g) in enumerate(groups):
        idx = [i for i, k in enumerate(group_of) if k == gi and not math.isnan(values[i])]
        if len(idx) < 2:
            continue
        hi = max(idx, key=lambda i: values[i])
        lo = min(idx, key=lambda i: values[i])
        ratio = g["ratio_to_cheapest"].max()
        if base.missing(ratio) or values[hi] == values[lo]:
            continue
        ratio_text = f"{round_half_up(ratio, 1):f}倍"
        dear, cheap = g.loc[g["monthly_fee"].idxmax(), "carrier"], g.loc[g["monthly_fee"].idxmin(), "carrier"]
        half = bars[lo].get_width() / 2
        x_hi = bars[hi].get_x() + bars[hi].get_width() / 2
        x_lo = bars[lo].get_x() + half
        # The dear bar's height carried over to the cheap one, and the gap between them.
        ax.plot([x_hi + half, x_lo + half], [values[hi]] * 2, color=base.WARNING_COLOR, lw=1, ls="--", zorder=3)
        ax.annotate("", (x_lo, values[hi]), xytext=(x_lo, values[lo] + top * 0.08),
                    arrowprops={"arrowstyle": "<->", "color": base.WARNING_COLOR, "lw": 1.2})
        mid = (values[hi] + values[lo] + top * 0.08) / 2
        side = -1 if x_lo > x_hi else 1
        ax.annotate(ratio_text, (x_lo, mid), xytext=(side * 8, 4), textcoords="offset points",
                    ha="right" if side < 0 else "left", va="bottom", fontsize=18, color=base.WARNING_COLOR, gid="ratio")
        # two short lines on a white ground: with more bars the gap beside the arrow is narrow
        ax.annotate(f"{dear}月费\n÷ {cheap}月费", (x_lo, mid), xytext=(side * 8, -2), textcoords="offset points",
                    ha="right" if side < 0 else "left", va="top", fontsize=9, color=base.WARNING_COLOR,
                    multialignment="right" if side < 0 else "left", linespacing=1.3,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5})
        if headline is None:
            headline = f"同为{base.plain(bw)}M{line_type}，{dear}月费是{cheap}的{ratio_text}"
    ax.set_xlim(-0.6, len(labels) - 0.4)
    base.title(ax, f"{base.prefix(year)}{headline}" if headline else base_title,
               "柱上数字为每条线路的月费（万元/月）" if headline else None)
    return base.done(fig, source, demo)


def monthly_line_cost(monthly: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Line cost in each month, stacked by contract.

    Args:
        monthly: ``analysis.monthly_line_cost``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{base.prefix(year)}按月计费线路合同的月度费用（推算，万元）"
    fig, ax = base.figure(8.4, 5.2)
    if monthly.empty or base.all_missing(monthly["cost"]):
        return base.empty(fig, ax, title, "没有按月计费且月费已披露的线路合同", source, demo)
    frame = monthly.sort_values("month", kind="stable")
    names = {r["contract_id"]: f"{item_label(r.get('item_code'), r.get('item'))}（{r['vendor'] if isinstance(r['vendor'], str) else '供应商' + base.U}）"
             for _, r in frame.iterrows()}
    series = base.stacked(ax, frame, "month", "contract_id", "cost", base.month_label, names)
    base.legend_below(ax, series, 2, undisclosed=frame["cost"].isna().any())
    total = sum(Decimal(v) for v in frame["cost"] if not base.missing(v))
    base.title(ax, title, f"推算：合同应计月费 × 服务月数，不是支付记录；全年合计 {style.format_wan(total)} 万元（推算）")
    return base.done(fig, source, demo)


def _item_code(r: pd.Series) -> str:
    """A contract named by its budget item's number, not by a ledger number the data may have made up."""
    code = r.get("item_code")
    return code if isinstance(code, str) and code else (r.get("item") or f"项目{base.U}")


def yearly_line_cost(yearly: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Line cost per year since the oldest monthly contract, stacked by contract.

    Args:
        yearly: ``analysis.yearly_line_cost``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"按月计费线路合同的逐年费用（截至{base.prefix(year) or '本年'}，万元）"
    fig, ax = base.figure(8.4, 5.2)
    if yearly.empty or base.all_missing(yearly["cost"]):
        return base.empty(fig, ax, title, "没有按月计费且月费已披露的线路合同", source, demo)
    frame = yearly.sort_values("year", kind="stable")
    names = {r["contract_id"]: f"{r['vendor'] if isinstance(r['vendor'], str) else '供应商' + base.U}（{_item_code(r)}）"
             for _, r in frame.iterrows()}
    last = frame["year"].max()
    series = base.stacked(ax, frame, "year", "contract_id", "cost", lambda y: f"{y}年", names, estimated=lambda y: y < last)
    base.legend_below(ax, series, 2, undisclosed=frame["cost"].isna().any(), estimated=bool((frame["year"] < last).any()))
    base.title(ax, title, f"{last}年以前各年按合同现行月费推算，并非实际支付；起租日期未披露的合同只计入{last}年")
    return base.done(fig, source, demo)


def line_count(count: dict, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Lines in the inventory against the 保障网络线路数量 target and the reported actual.

    Args:
        count: ``analysis.line_count_vs_target``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    target, lines, reported = count.get("target_value"), count.get("lines"), count.get("reported")
    units = count.get("units") or 0
    target_text = count.get("target_text") or (
        base.U if base.missing(target) else f"{base.OPERATORS.get(count.get('target_op'), '')}{base.plain(target)}条")
    listed = f"{lines if not base.missing(lines) else base.U}条" + (f"及{units}个单位的接入线路" if units else "")
    title = f"{base.prefix(year)}保障网络线路数量：清单{listed}，目标{target_text}"
    fig, ax = base.figure(7.2, 4.5)
    if base.missing(target) and base.missing(reported) and not lines and not units:
        return base.empty(fig, ax, title, "线路清单、目标值与实际完成值均未披露", source, demo)
    # With rows counted in organisations the inventory's number of lines is not known: no bar.
    inventory = math.nan if units or not lines else float(lines)
    inventory_label = f"线路清单合计\n{lines}条＋{units}个单位" if units else "线路清单合计"
    labels = [f"绩效目标\n{target_text}", inventory_label, "报告的实际完成值"]
    values = [math.nan if base.missing(v) else float(v) for v in (target, inventory, reported)]
    colors = ["#999999", "#0072B2", "#009E73"]
    style.bar_with_undisclosed(ax, labels, values, colors, width=0.55, fmt=lambda v: f"{base.plain(round(v))}条")
    ax.set_ylabel("条")
    if not base.missing(target):
        ax.axhline(float(target), color=base.REFERENCE_COLOR, lw=1, ls="--", zorder=3)
    notes = []
    if units:
        notes.append(f"{units}个单位的接入线路条数未披露，清单线路总数不详，不能与目标比较")
    if base.missing(reported):
        notes.append("实际完成值未披露" + ("：清单条数不等于报告的完成值" if not units else ""))
    base.title(ax, title, "；".join(notes) or None)
    return base.done(fig, source, demo)

"""The report's charts: one function per chart, analysis frames in, a finished Figure out.

Every function is pure (no file I/O, inputs untouched), takes a frame or dict from
:mod:`qdanalysis.analyse.analyses`, draws through :mod:`qdanalysis.present.style` and returns the figure
after :func:`qdanalysis.present.style.finish`. Money arrives in 元 and is drawn in 万元. A value the
data does not disclose is drawn as a hatched 未披露 bar, never as zero; when a chart has
nothing disclosed at all it shows a 未披露 panel that says what is missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from qdanalysis.analyse import analyses
from qdanalysis.domain import BASIS_WORDS, NOT_ADJUSTED
from qdanalysis.fmt import signed_pct, signed_points
from qdanalysis.money import is_missing, round_half_up, to_decimal
from qdanalysis.present import style

__all__ = [
    "bandwidth_prices", "budget_execution", "category_spending", "disclosed_spend", "indicators",
    "line_costs", "line_count", "monthly_line_cost", "renewals", "sms_departments", "sms_monthly",
    "trend", "yearly_line_cost", "category_trend", "line_cost_trend", "unit_price_trend", "sms_trend",
    "chain_trend",
]

U = style.UNDISCLOSED_LABEL

# Okabe-Ito order (yellow left out) for series that are not budget categories.
SERIES_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
CARRIER_COLORS: dict[str, str] = {"中国联通": "#0072B2", "中国电信": "#009E73"}
MIXED_COLOR = "#7F7F7F"
MET_COLOR = "#009E73"
WARNING_COLOR = "#D55E00"
REFERENCE_COLOR = "#555555"
SUBTITLE_FONTSIZE = 9.5
_LABEL_BOX = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
OPERATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": ""}


# --- helpers ---------------------------------------------------------------------------------


def _prefix(year: int | None) -> str:
    return "" if year is None else f"{year}年"


def _title(ax: Axes, title: str, subtitle: str | None = None) -> None:
    """Title on the left; an optional grey subtitle between it and the axes."""
    if not subtitle:
        ax.set_title(title, loc="left", pad=10)
        return
    lines = subtitle.count("\n") + 1
    ax.set_title(title, loc="left", pad=10 + lines * SUBTITLE_FONTSIZE * 1.35)
    ax.annotate(subtitle, (0, 1), xycoords="axes fraction", xytext=(0, 6), textcoords="offset points",
                ha="left", va="bottom", fontsize=SUBTITLE_FONTSIZE, color=style.NOTE_COLOR, gid="subtitle")


def _figure(width: float = 8, height: float = 4.5) -> tuple[Figure, Axes]:
    return style.new_figure(width, height)


def _undisclosed_panel(ax: Axes, message: str) -> None:
    """Turn a fresh axes into a hatched 未披露 box that says what is missing (the title stays)."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.add_patch(Rectangle((0.06, 0.12), 0.88, 0.76, facecolor=style.UNDISCLOSED_FACECOLOR,
                           edgecolor=style.UNDISCLOSED_EDGECOLOR, hatch=style.UNDISCLOSED_HATCH,
                           linewidth=0.8, alpha=0.6, gid="undisclosed-panel"))
    box = {"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": style.UNDISCLOSED_EDGECOLOR}
    ax.text(0.5, 0.5, f"{U}\n{message}", ha="center", va="center", fontsize=11, color=style.TEXT_COLOR,
            linespacing=1.6, bbox=box, gid="undisclosed-message")


def _done(fig: Figure, source: str, demo: bool) -> Figure:
    return style.finish(fig, source=source, demo=demo)


def _empty(fig: Figure, ax: Axes, title: str, message: str, source: str, demo: bool) -> Figure:
    """A chart whose data is not disclosed: the title and a hatched 未披露 panel saying what is missing."""
    _title(ax, title)
    _undisclosed_panel(ax, message)
    return _done(fig, source, demo)


def _pct(ratio: float, places: int = 0) -> str:
    return f"{round_half_up(ratio * 100, places):f}%"


def _two_lines(label: str, width: int) -> str:
    """At most two wrapped lines of ``label``; what does not fit ends in …"""
    lines = _wrap(label, width).split("\n")
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _plain(value: Any) -> str:
    """A number without trailing zeros: Decimal('0.0650') -> '0.065', 600.00 -> '600'."""
    d = to_decimal(value).normalize()
    return f"{d.quantize(Decimal(1)) if d == d.to_integral() else d:f}"


def _wan_count(count: Any) -> str:
    """A count in 万 with at most two decimals: 6000000 -> '600', 523400 -> '52.34'."""
    return _plain(round_half_up(to_decimal(count) / 10000, 2))


def _sequence_fmt(texts: Iterable[str]) -> Callable[[float], str]:
    """A value-label formatter that returns ``texts`` in turn.

    ``style.value_labels`` formats the disclosed bars once each, in bar order, so the
    texts are given for the disclosed bars only.
    """
    it = iter(texts)
    return lambda _value: next(it)


def _wan_values(values: Iterable[Any]) -> list[float]:
    return [style.wan_value(v) for v in values]


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-/%]*|.")
_NO_LINE_START = "、，。：；）)》”"


def _wrap(label: str, width: int) -> str:
    """Break a label into balanced lines of about ``width`` Chinese characters.

    Unlike ``style.wrap_label`` a Latin word or number (UPS, Radware, 1000M) is never
    split, counts about half a character per letter, and no line starts with 、 or ）.
    """
    tokens = _TOKEN.findall(label)
    size = [len(t) * 0.55 if t.isascii() else 1.0 for t in tokens]
    total = sum(size)
    if total <= width:
        return label
    n_lines = math.ceil(total / width)
    for limit in (total / n_lines * 1.08, float(width)):
        lines, line, used = [], "", 0.0
        for token, w in zip(tokens, size, strict=True):
            if line and used + w > limit and token not in _NO_LINE_START:
                cut = max(line.rfind("、"), line.rfind("，")) + 1
                cut = cut if len(line) - 3 <= cut < len(line) else len(line)  # break after a nearby 、
                while cut > 1 and line[cut - 1] in "（(《“":  # an opening bracket starts the next line
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
                used = sum(len(t) * 0.55 if t.isascii() else 1.0 for t in _TOKEN.findall(line))
            line += token
            used += w
        lines.append(line)
        if len(lines) <= n_lines:
            break
    return "\n".join(lines)


def _all_missing(values: Iterable[Any]) -> bool:
    return all(is_missing(v) for v in values)


def _bar_height(n: int, per_bar: float = 0.42, extra: float = 1.9) -> float:
    return max(4.5, per_bar * n + extra)


def _legend_patches(items: Sequence[tuple[str, str]], undisclosed: bool) -> list[Patch]:
    handles = [Patch(facecolor=color, label=label) for label, color in items]
    if undisclosed:
        handles.append(Patch(facecolor=style.UNDISCLOSED_FACECOLOR, edgecolor=style.UNDISCLOSED_EDGECOLOR,
                             hatch=style.UNDISCLOSED_HATCH, label=U))
    return handles


def _hatch(bar: Rectangle) -> None:
    bar.set_gid("undisclosed")
    bar.set_facecolor(style.UNDISCLOSED_FACECOLOR)
    bar.set_edgecolor(style.UNDISCLOSED_EDGECOLOR)
    bar.set_hatch(style.UNDISCLOSED_HATCH)
    bar.set_linewidth(0.8)


# --- budget ----------------------------------------------------------------------------------


def category_spending(cat: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Budget per category, with the 未披露 remainder as a hatched bar of its amount.

    Args:
        cat: ``analysis.spending_by_category`` (the 合计 row goes into the subtitle).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}专项业务费预算按类别分布（万元）"
    rows = cat[cat["category"] != analyses.TOTAL]
    total = cat[cat["category"] == analyses.TOTAL]
    fig, ax = _figure(8, _bar_height(len(rows), 0.62, 1.8))
    if rows.empty or (_all_missing(rows["budget"]) and (total.empty or is_missing(total["budget"].iloc[0]))):
        return _empty(fig, ax, title, "各类别及合计均无预算数", source, demo)

    labels, values, heights, colors, texts = [], [], {}, [], []
    for _, r in rows.iterrows():
        disclosed = bool(r["disclosed"])
        share = "" if is_missing(r["share"]) else f"（占{_pct(r['share'], 1)}）"
        if disclosed:
            label = f"{_wrap(str(r['category']), 9)}\n（{r['items_disclosed']}/{r['items']}项列明预算数）"
            value = style.wan_value(r["budget"])
            if not math.isnan(value):
                texts.append(style.format_wan(r["budget"]) + share)
        else:
            label = f"未逐项列明（推算）\n（{r['items']}项未列明预算数）"
            value = math.nan
            if not is_missing(r["budget"]):
                heights[label] = style.wan_value(r["budget"])
        labels.append(label)
        values.append(value)
        colors.append(style.CATEGORY_PALETTE.get(r["category"], style.UNDISCLOSED_FACECOLOR))

    style.bar_with_undisclosed(ax, labels, values, colors, undisclosed_heights=heights, horizontal=True,
                               fmt=_sequence_fmt(texts))
    for t in ax.texts:  # the remainder is derived (total minus what is listed), with its share
        if t.get_gid() == "undisclosed-label" and t.get_text() != U:
            rest = rows.loc[~rows["disclosed"].astype(bool)]
            share = rest["share"].iloc[0] if len(rest) else None
            amount = style.format_wan(rest["budget"].iloc[0]) if len(rest) else t.get_text()
            t.set_text(f"{amount}（推算" + ("" if is_missing(share) else f"，占{_pct(share, 1)}") + "）")
    _widen_for_labels(ax, 1.45)

    subtitle = None
    if not total.empty:
        t = total.iloc[0]
        parts = [f"预算合计 {style.format_wan(t['budget'])} 万元，共{t['items']}项，其中{t['items_disclosed']}项列明预算数"]
        if (~rows["disclosed"].astype(bool)).any():
            parts.append("未列明预算数的项目按预算合计减已列明数计，用斜线标示")
        subtitle = "\n".join(parts)
    _title(ax, title, subtitle)
    return _done(fig, source, demo)


def _flat(text: str) -> str:
    """A note that goes inside brackets: its own brackets become a comma (预算数（约数） -> 预算数，约数)."""
    return str(text).replace("（", "，").replace("）", "")


def _widen_for_labels(ax: Axes, factor: float) -> None:
    """Extend the value axis so end-of-bar labels with notes stay inside the axes."""
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, lo + (hi - lo) * factor)


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
    base = adjusted if not is_missing(adjusted) else budget
    if is_missing(rate) and not is_missing(executed) and not is_missing(base) and Decimal(base):
        rate = Decimal(executed) / Decimal(base)
    rate_text = U if is_missing(rate) else _pct(rate, 2)
    title = f"{_prefix(year)}专项业务费预算执行情况：执行率 {rate_text}"
    fig, ax = _figure(7.2, 4.5)
    if is_missing(budget) and is_missing(executed):
        return _empty(fig, ax, title, "预算数与执行数均未披露", source, demo)

    not_adjusted = is_missing(adjusted) and totals.get("adjustment") == NOT_ADJUSTED
    bars = [("年初预算数", budget, "#0072B2"), ("调整后预算数", adjusted, "#56B4E9"), ("实际执行数", executed, "#E69F00")]
    if not_adjusted:  # no bar of 未披露 for a budget that was not adjusted
        bars = [bars[0], bars[2]]
    labels, values, colors = [b[0] for b in bars], _wan_values([b[1] for b in bars]), [b[2] for b in bars]
    style.bar_with_undisclosed(ax, labels, values, colors, width=0.55)
    subtitle = "执行率 = 实际执行数 ÷ " + ("调整后预算数" if not is_missing(adjusted) else
                                      "年初预算数（预算未调整）" if not_adjusted else "年初预算数（调整后预算数未披露）")
    if not is_missing(executed) and not is_missing(base):
        subtitle += f"；结余 {style.format_wan(Decimal(base) - Decimal(executed))} 万元"
    _title(ax, title, subtitle)
    return _done(fig, source, demo)


def disclosed_spend(spend: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """How much of the executed total the data itemises: a composition strip, then each item.

    Args:
        spend: ``analysis.disclosed_spend`` (items, then 已列明合计 and 未逐项列明).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}支出逐项列明情况（万元）"
    items = spend[spend["code"].notna()] if "code" in spend else spend.iloc[0:0]
    disclosed_row = spend[spend["item"] == analyses.ITEMISED]
    rest_row = spend[spend["item"] == analyses.UNITEMISED]
    disclosed = None if disclosed_row.empty else disclosed_row["amount"].iloc[0]
    rest = None if rest_row.empty else rest_row["amount"].iloc[0]

    if items.empty or _all_missing(items["amount"]):
        fig, ax = _figure()
        _title(ax, title)
        extra = "" if is_missing(rest) else f"\n执行数中 {style.format_wan(rest)} 万元未逐项列明"
        _undisclosed_panel(ax, "没有任何项目列明本年支付额或预算数" + extra)
        return _done(fig, source, demo)

    n = len(items) + 1
    fig, ax = _figure(8.4, _bar_height(n, 0.5, 3.2))
    ax.remove()
    ax_strip, ax_items = fig.subplots(2, 1, height_ratios=[1.0, max(4.0, n * 0.5)])

    # Strip: the executed total split into itemised categories and the undisclosed rest.
    left = 0.0
    by_cat = items.groupby("category", sort=False)["amount"].apply(lambda s: sum(_wan_values(s.dropna())))
    for category, value in by_cat.items():
        ax_strip.barh(0, value, left=left, color=style.CATEGORY_PALETTE.get(category, MIXED_COLOR), height=0.6,
                      linewidth=0.6, edgecolor="white", zorder=2)
        left += value
    if not is_missing(rest) and style.wan_value(rest) > 0:
        bar = ax_strip.barh(0, style.wan_value(rest), left=left, height=0.6, zorder=2)[0]
        _hatch(bar)
        ax_strip.text(left + style.wan_value(rest) / 2, 0, f"未逐项列明 {style.format_wan(rest)}", ha="center",
                      va="center", fontsize=9.5, color=style.TEXT_COLOR, gid="undisclosed-label", bbox=_LABEL_BOX)
    if not is_missing(disclosed):
        ax_strip.text(left / 2, 0, f"已列明 {style.format_wan(disclosed)}", ha="center", va="center",
                      fontsize=9.5, color=style.TEXT_COLOR, bbox=_LABEL_BOX)
    end = left + (0 if is_missing(rest) else max(style.wan_value(rest), 0))
    ax_strip.set_xlim(0, end * 1.001 or 1)
    ax_strip.set_ylim(-0.5, 0.5)
    ax_strip.set_axis_off()

    labels = [_wrap(f"{r['code']} {r['item']}", 14) for _, r in items.iterrows()]
    colors = [style.CATEGORY_PALETTE.get(c, MIXED_COLOR) for c in items["category"]]
    texts = [f"{style.format_wan(a)}（{_flat(b)}）" for a, b in zip(items["amount"], items["basis"]) if not is_missing(a)]
    style.bar_with_undisclosed(ax_items, labels, _wan_values(items["amount"]), colors, horizontal=True,
                               fmt=_sequence_fmt(texts))
    _widen_for_labels(ax_items, 1.35)
    ax_items.tick_params(axis="y", labelsize=9)
    cats = [c for c in style.CATEGORY_ORDER if c in set(items["category"])]
    ax_items.legend(handles=_legend_patches([(c, style.CATEGORY_PALETTE[c]) for c in cats], False),
                    loc="lower right", fontsize=8.5, frameon=True, framealpha=0.95, edgecolor="#DDDDDD")

    parts = []
    if not is_missing(disclosed) and not is_missing(rest):
        total = Decimal(disclosed) + Decimal(rest)
        parts.append(f"执行数 {style.format_wan(total)} 万元：已列明 {style.format_wan(disclosed)}"
                     f"（{_pct(Decimal(disclosed) / total, 1) if total else U}），未逐项列明 {style.format_wan(rest)}（推算：执行数减已列明）")
    parts.append("逐项金额取本年支付额，无支付记录的取预算数（括号内注明口径）")
    _title(ax_strip, title, "\n".join(parts))
    return _done(fig, source, demo)


# --- network lines ---------------------------------------------------------------------------


def _carrier_color(carrier: Any) -> str:
    return CARRIER_COLORS.get(carrier, MIXED_COLOR) if isinstance(carrier, str) else MIXED_COLOR


def line_costs(costs: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Annual cost of each carrier and line type, with the cost per Mbps where the bandwidth is known.

    Args:
        costs: ``analysis.line_costs``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}网络线路年费用（按运营商、线路类型，万元）"
    fig, ax = _figure(8, _bar_height(len(costs), 0.75, 1.8))
    if costs.empty or _all_missing(costs["annual_cost"]):
        return _empty(fig, ax, title, "线路清单中没有列明月费的线路", source, demo)

    labels, texts = [], []
    for _, r in costs.iterrows():
        units = int(r["units"]) if "units" in r and not is_missing(r["units"]) else 0
        lines = 0 if is_missing(r["lines"]) else int(r["lines"])
        bw = "" if is_missing(r["bandwidth_mbps"]) else f" × {_plain(r['bandwidth_mbps'] / max(lines + units, 1))}M"
        counted = "＋".join([f"{lines}条"] * bool(lines or not units) + [f"{units}个单位"] * bool(units))
        labels.append(f"{_wrap(str(r['carrier']), 10)}\n{_wrap(str(r['line_type']), 10)}\n{counted}{bw}")
        if not is_missing(r["annual_cost"]):
            per = "" if is_missing(r["cost_per_mbps_month"]) else f"；{_plain(round_half_up(r['cost_per_mbps_month'], 2))}元/Mbps·月"
            texts.append(f"{style.format_wan(r['annual_cost'])}（月费{style.format_wan(r['monthly_cost'])}{per}）")
    colors = [_carrier_color(c) for c in costs["carrier"]]
    style.bar_with_undisclosed(ax, labels, _wan_values(costs["annual_cost"]), colors, horizontal=True,
                               fmt=_sequence_fmt(texts), width=0.55)
    _widen_for_labels(ax, 1.55)
    total = [v for v in costs["annual_cost"] if not is_missing(v)]
    subtitle = f"已列明年费用合计 {style.format_wan(sum(Decimal(v) for v in total))} 万元；带宽未披露的线路不计单位带宽价格"
    if "units" in costs and costs["units"].fillna(0).astype(int).sum():
        subtitle += "\n按单位列出的接入线路：每单位按1条计费用（每单位线路条数未披露）"
    _title(ax, title, subtitle)
    return _done(fig, source, demo)


def bandwidth_prices(prices: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Monthly fee of the same bandwidth from each carrier, side by side, with the price ratio.

    Args:
        prices: ``analysis.same_bandwidth_prices``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    base_title = f"{_prefix(year)}同类型、同带宽线路的月费对比（万元/月）"
    fig, ax = _figure(7.2, 4.6)
    if prices.empty or _all_missing(prices["monthly_fee"]):
        return _empty(fig, ax, base_title, "没有两家以上运营商提供同类型、同带宽线路且月费均已披露的记录", source, demo)

    groups = list(prices.groupby(["line_type", "bandwidth_mbps"], sort=False))
    labels, values, colors, group_of = [], [], [], []
    for gi, ((line_type, bw), g) in enumerate(groups):
        for _, r in g.iterrows():
            labels.append(f"{r['carrier']}\n{line_type} {_plain(bw)}M")
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
        if is_missing(ratio) or values[hi] == values[lo]:
            continue
        ratio_text = f"{round_half_up(ratio, 1):f}倍"
        dear, cheap = g.loc[g["monthly_fee"].idxmax(), "carrier"], g.loc[g["monthly_fee"].idxmin(), "carrier"]
        half = bars[lo].get_width() / 2
        x_hi = bars[hi].get_x() + bars[hi].get_width() / 2
        x_lo = bars[lo].get_x() + half
        # The dear bar's height carried over to the cheap one, and the gap between them.
        ax.plot([x_hi + half, x_lo + half], [values[hi]] * 2, color=WARNING_COLOR, lw=1, ls="--", zorder=3)
        ax.annotate("", (x_lo, values[hi]), xytext=(x_lo, values[lo] + top * 0.08),
                    arrowprops={"arrowstyle": "<->", "color": WARNING_COLOR, "lw": 1.2})
        mid = (values[hi] + values[lo] + top * 0.08) / 2
        side = -1 if x_lo > x_hi else 1
        ax.annotate(ratio_text, (x_lo, mid), xytext=(side * 8, 4), textcoords="offset points",
                    ha="right" if side < 0 else "left", va="bottom", fontsize=18, color=WARNING_COLOR, gid="ratio")
        # two short lines on a white ground: with more bars the gap beside the arrow is narrow
        ax.annotate(f"{dear}月费\n÷ {cheap}月费", (x_lo, mid), xytext=(side * 8, -2), textcoords="offset points",
                    ha="right" if side < 0 else "left", va="top", fontsize=9, color=WARNING_COLOR,
                    multialignment="right" if side < 0 else "left", linespacing=1.3,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5})
        if headline is None:
            headline = f"同为{_plain(bw)}M{line_type}，{dear}月费是{cheap}的{ratio_text}"
    ax.set_xlim(-0.6, len(labels) - 0.4)
    _title(ax, f"{_prefix(year)}{headline}" if headline else base_title,
           "柱上数字为每条线路的月费（万元/月）" if headline else None)
    return _done(fig, source, demo)


def _month_label(month: Any) -> str:
    return f"{pd.Timestamp(month).month}月"


#: How a figure derived by the workbook (推算), not stated by the data, is drawn: paler, dotted.
ESTIMATE_ALPHA, ESTIMATE_HATCH, ESTIMATE_LABEL = 0.45, "...", "推算（按现行月费，非实际支付）"


def _stacked(ax: Axes, frame: pd.DataFrame, x_col: str, series_col: str, value_col: str,
             x_labels: Callable[[Any], str], series_labels: dict[Any, str],
             estimated: Callable[[Any], bool] | None = None,
             estimated_series: Callable[[Any], bool] | None = None) -> list[tuple[Patch, str]]:
    """Stacked bars of ``value_col`` (元) per ``x_col``, one colour per series; NA -> hatched stub;
    the bars of an ``x`` for which ``estimated(x)`` holds, and every bar of a series for which
    ``estimated_series(series)`` holds, are drawn as 推算 (paler, dotted).

    Returns the legend entries: each series in its own colour, whatever its first bar looks like
    (absent in that period, or 推算)."""
    legend = []
    xs = list(dict.fromkeys(frame[x_col]))
    series = list(dict.fromkeys(frame[series_col]))
    table = {(r[x_col], r[series_col]): r[value_col] for _, r in frame.iterrows()}
    known = [style.wan_value(v) for v in frame[value_col] if not is_missing(v)]
    totals_known = [sum(style.wan_value(table[(x, s)]) for s in series if (x, s) in table and not is_missing(table[(x, s)]))
                    for x in xs]
    stub = (max(totals_known) if known else 1.0) * 0.05
    bottoms = [0.0] * len(xs)
    has_na = [False] * len(xs)
    for si, s in enumerate(series):
        color = SERIES_COLORS[si % len(SERIES_COLORS)]
        heights, na = [], []
        for xi, x in enumerate(xs):
            v = table.get((x, s))
            if (x, s) not in table:
                heights.append(0.0)
                na.append(False)
            elif is_missing(v):
                heights.append(stub)
                na.append(True)
                has_na[xi] = True
            else:
                heights.append(style.wan_value(v))
                na.append(False)
        bars = ax.bar(range(len(xs)), heights, bottom=bottoms, color=color, width=0.68, zorder=2, linewidth=0)
        if estimated_series is not None and estimated_series(s):
            legend.append((Patch(facecolor=color, alpha=ESTIMATE_ALPHA, hatch=ESTIMATE_HATCH, edgecolor=color,
                                 linewidth=0), series_labels.get(s, str(s))))
        else:
            legend.append((Patch(facecolor=color, linewidth=0), series_labels.get(s, str(s))))
        for x, bar, is_na, h in zip(xs, bars, na, heights, strict=True):
            if is_na:
                _hatch(bar)
            elif h == 0:
                bar.set_visible(False)  # series absent in this period: no bar, not a zero bar
            elif (estimated is not None and estimated(x)) or (estimated_series is not None and estimated_series(s)):
                bar.set_alpha(ESTIMATE_ALPHA)
                bar.set_hatch(ESTIMATE_HATCH)
                bar.set_edgecolor(color)
                bar.set_gid("estimated")
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    any_known = [any((x, s) in table and not is_missing(table[(x, s)]) for s in series) for x in xs]
    for xi, (total, top, na) in enumerate(zip(totals_known, bottoms, has_na, strict=True)):
        # nothing known in this period: 未披露, not 0.00+未披露
        text = U if not any_known[xi] else style.format_number(total) + (f"+{U}" if na else "")
        ax.annotate(text, (xi, top), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=8.5, color=style.TEXT_COLOR, gid="total-label")
    ax.set_xticks(range(len(xs)), labels=[x_labels(x) for x in xs])
    ax.set_ylim(0, max(bottoms + [1.0]) * 1.16)
    ax.set_ylabel(style.UNIT_WAN)
    ax.grid(axis="x", visible=False)
    return legend


def _legend_below(ax: Axes, series: list[tuple[Patch, str]], ncol: int = 2, undisclosed: bool = False,
                  estimated: bool = False) -> None:
    handles, labels = [h for h, _ in series], [lab for _, lab in series]
    if undisclosed:
        handles += _legend_patches([], True)
        labels += [U]
    if estimated:
        handles.append(Patch(facecolor="white", edgecolor=style.TEXT_COLOR, hatch=ESTIMATE_HATCH, linewidth=0.6))
        labels.append(ESTIMATE_LABEL)
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=ncol, frameon=False,
              fontsize=8.5, handlelength=1.2, columnspacing=1.5)


def monthly_line_cost(monthly: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Line cost in each month, stacked by contract.

    Args:
        monthly: ``analysis.monthly_line_cost``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}按月计费线路合同的月度费用（万元）"
    fig, ax = _figure(8.4, 5.2)
    if monthly.empty or _all_missing(monthly["cost"]):
        return _empty(fig, ax, title, "没有按月计费且月费已披露的线路合同", source, demo)
    frame = monthly.sort_values("month", kind="stable")
    names = {r["contract_id"]: f"{analyses.item_label(r.get('item_code'), r.get('item'))}（{r['vendor'] if isinstance(r['vendor'], str) else '供应商' + U}）"
             for _, r in frame.iterrows()}
    series = _stacked(ax, frame, "month", "contract_id", "cost", _month_label, names)
    _legend_below(ax, series, 2, undisclosed=frame["cost"].isna().any())
    total = sum(Decimal(v) for v in frame["cost"] if not is_missing(v))
    _title(ax, title, f"合同应计月费 × 服务月数；全年合计 {style.format_wan(total)} 万元")
    return _done(fig, source, demo)


def _item_code(r: pd.Series) -> str:
    """A contract named by its budget item's number, not by a ledger number the data may have made up."""
    code = r.get("item_code")
    return code if isinstance(code, str) and code else (r.get("item") or f"项目{U}")


def yearly_line_cost(yearly: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Line cost per year since the oldest monthly contract, stacked by contract.

    Args:
        yearly: ``analysis.yearly_line_cost``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"按月计费线路合同的逐年费用（截至{_prefix(year) or '本年'}，万元）"
    fig, ax = _figure(8.4, 5.2)
    if yearly.empty or _all_missing(yearly["cost"]):
        return _empty(fig, ax, title, "没有按月计费且月费已披露的线路合同", source, demo)
    frame = yearly.sort_values("year", kind="stable")
    names = {r["contract_id"]: f"{r['vendor'] if isinstance(r['vendor'], str) else '供应商' + U}（{_item_code(r)}）"
             for _, r in frame.iterrows()}
    last = frame["year"].max()
    series = _stacked(ax, frame, "year", "contract_id", "cost", lambda y: f"{y}年", names, estimated=lambda y: y < last)
    _legend_below(ax, series, 2, undisclosed=frame["cost"].isna().any(), estimated=bool((frame["year"] < last).any()))
    _title(ax, title, f"{last}年以前各年按合同现行月费推算，并非实际支付；起租日期未披露的合同只计入{last}年")
    return _done(fig, source, demo)


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
        U if is_missing(target) else f"{OPERATORS.get(count.get('target_op'), '')}{_plain(target)}条")
    listed = f"{lines if not is_missing(lines) else U}条" + (f"及{units}个单位的接入线路" if units else "")
    title = f"{_prefix(year)}保障网络线路数量：清单{listed}，目标{target_text}"
    fig, ax = _figure(7.2, 4.5)
    if is_missing(target) and is_missing(reported) and not lines and not units:
        return _empty(fig, ax, title, "线路清单、目标值与实际完成值均未披露", source, demo)
    # With rows counted in organisations the inventory's number of lines is not known: no bar.
    inventory = math.nan if units or not lines else float(lines)
    inventory_label = f"线路清单合计\n{lines}条＋{units}个单位" if units else "线路清单合计"
    labels = [f"绩效目标\n{target_text}", inventory_label, "报告的实际完成值"]
    values = [math.nan if is_missing(v) else float(v) for v in (target, inventory, reported)]
    colors = ["#999999", "#0072B2", "#009E73"]
    style.bar_with_undisclosed(ax, labels, values, colors, width=0.55, fmt=lambda v: f"{_plain(round(v))}条")
    ax.set_ylabel("条")
    if not is_missing(target):
        ax.axhline(float(target), color=REFERENCE_COLOR, lw=1, ls="--", zorder=3)
    notes = []
    if units:
        notes.append(f"{units}个单位的接入线路条数未披露，清单线路总数不详，不能与目标比较")
    if is_missing(reported):
        notes.append("实际完成值未披露" + ("：清单条数不等于报告的完成值" if not units else ""))
    _title(ax, title, "；".join(notes) or None)
    return _done(fig, source, demo)


# --- SMS -------------------------------------------------------------------------------------


def _target_lines(target: dict) -> list[str]:
    if not target or is_missing(target.get("target_count")):
        return []
    op = OPERATORS.get(target.get("target_op"), "≥")
    lines = [f"绩效目标：保障短信{op}{_wan_count(target['target_count'])}万条"]
    if not is_missing(target.get("unit_price")) and not is_missing(target.get("implied")):
        lines.append(f"按单价 {_plain(target['unit_price'])} 元/条折算：{_wan_count(target['target_count'])}万条 × "
                     f"{_plain(target['unit_price'])}元 = {style.format_wan(target['implied'])} 万元")
    return lines


def sms_monthly(monthly: pd.DataFrame, target: dict, *, source: str, demo: bool = False,
                year: int | None = None) -> Figure:
    """Messages per month (万条) against the count target and the money the target implies.

    Args:
        monthly: ``analysis.sms_monthly``.
        target: ``analysis.sms_target_money``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}金宏短信平台月度发送量（万条）"
    fig, ax = _figure(8, 4.8)
    target_lines = _target_lines(target)
    if monthly.empty:
        return _empty(fig, ax, title, "\n".join(["各月发送条数与结算金额均未披露", *target_lines]), source, demo)

    frame = monthly.sort_values("month", kind="stable")
    counts = [math.nan if is_missing(c) else int(c) / 10000 for c in frame["count"]]
    texts = [_wan_count(c) for c in frame["count"] if not is_missing(c)]
    style.bar_with_undisclosed(ax, [_month_label(m) for m in frame["month"]], counts, ["#0072B2"] * len(counts),
                               fmt=_sequence_fmt(texts))
    ax.set_ylabel("万条")
    box = {"boxstyle": "round,pad=0.5", "facecolor": "#FFF7EC", "edgecolor": "#E69F00", "linewidth": 0.9}

    if _all_missing(frame["count"]):
        ax.set_yticks([])
        ax.set_ylabel("")
        ax.set_ylim(0, ax.get_ylim()[1] * 8)
        note = ["各月发送条数未披露，无法核对目标完成情况", *target_lines]
        if target_lines[1:]:
            note.append("即：仅为“完成”数量目标，本项至少需支出上述金额")
        ax.text(0.5, 0.55, "\n".join(note), transform=ax.transAxes, ha="center", va="center", fontsize=10,
                linespacing=1.7, color=style.TEXT_COLOR, bbox=box, gid="target-note")
        _title(ax, title, "斜线柱表示该月条数未披露（柱高无数值含义）")
        return _done(fig, source, demo)

    known_counts = [int(c) for c in frame["count"] if not is_missing(c)]
    known_amounts = [Decimal(a) for a in frame["amount"] if not is_missing(a)]
    parts = [f"已披露 {len(known_counts)}/{len(frame)} 个月，合计 {_wan_count(sum(known_counts))} 万条"]
    if known_amounts:
        parts[0] += f"、{style.format_wan(sum(known_amounts))} 万元"
    if target and not is_missing(target.get("target_count")):
        tc = target["target_count"]
        parts[0] += f"，为目标的 {_pct(sum(known_counts) / tc)}"
        ax.axhline(tc / 12 / 10000, color=WARNING_COLOR, lw=1.1, ls="--", zorder=3)
        ax.annotate(f"月均目标 {_wan_count(tc / 12)}万条", (1, tc / 12 / 10000), xycoords=("axes fraction", "data"),
                    xytext=(-2, 3), textcoords="offset points", ha="right", va="bottom", fontsize=8.5,
                    color=WARNING_COLOR)
        ax.set_ylim(0, max(ax.get_ylim()[1], tc / 12 / 10000 * 1.2))
    parts += target_lines
    _title(ax, title, "\n".join(parts))
    return _done(fig, source, demo)


def sms_departments(depts: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None,
                    top: int = 15) -> Figure:
    """Messages per department (万条), largest first; the tail is merged into 其他.

    Args:
        depts: ``analysis.sms_by_department``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
        top: departments shown one by one.
    """
    title = f"{_prefix(year)}各部门金宏短信发送量（万条）"
    if depts.empty or _all_missing(depts["count"]):
        fig, ax = _figure()
        return _empty(fig, ax, title, "数据未按部门列示短信发送条数", source, demo)
    frame = depts.sort_values("count", ascending=False, na_position="last", kind="stable")
    shown = frame.head(top)
    rest = frame.iloc[top:]
    rows = [(r["department"], r["count"], r["amount"]) for _, r in shown.iterrows()]
    if len(rest):
        counts = [int(c) for c in rest["count"] if not is_missing(c)]
        amounts = [Decimal(a) for a in rest["amount"] if not is_missing(a)]
        rows.append((f"其他{len(rest)}个部门", sum(counts) if counts else None, sum(amounts) if amounts else None))
    fig, ax = _figure(8, _bar_height(len(rows), 0.4, 1.9))
    labels = [_wrap(str(d), 12) for d, _, _ in rows]
    values = [math.nan if is_missing(c) else int(c) / 10000 for _, c, _ in rows]
    texts = [_wan_count(c) + ("" if is_missing(a) else f"（{style.format_wan(a)}万元）") for _, c, a in rows
             if not is_missing(c)]
    style.bar_with_undisclosed(ax, labels, values, ["#0072B2"] * len(rows), horizontal=True,
                               fmt=_sequence_fmt(texts))
    ax.set_xlabel("万条")
    _widen_for_labels(ax, 1.25)
    total = sum(int(c) for c in depts["count"] if not is_missing(c))
    _title(ax, title, f"{len(depts)}个部门，已披露合计 {_wan_count(total)} 万条")
    return _done(fig, source, demo)


# --- renewals ----------------------------------------------------------------------------------


def renewals(chains: pd.DataFrame, summary: pd.DataFrame, *, source: str, demo: bool = False,
             year: int | None = None) -> Figure:
    """Annual amount at each link of every renewed contract chain, with compound growth.

    Args:
        chains: ``analysis.renewal_chains``; chains of one contract are left out.
        summary: ``analysis.renewal_summary`` of those chains (growth and vendor per chain).
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}续签合同各期年度金额（万元）"
    sizes = chains.groupby("chain", sort=False).size() if len(chains) else pd.Series(dtype=int)
    renewed = [c for c, n in sizes.items() if n > 1]
    if not renewed:
        fig, ax = _figure()
        return _empty(fig, ax, title, "合同台账中没有记录续签关系的合同", source, demo)

    data = chains[chains["chain"].isin(renewed)]
    summary = summary.set_index("chain")
    ncols = min(3, len(renewed))
    nrows = math.ceil(len(renewed) / ncols)
    fig, header = _figure(8.4 if ncols > 1 else 6.0, 1.4 + 3.4 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.35] + [3.0] * nrows)
    header = fig.add_subplot(grid[0, :])  # holds the title and the legend, above the chains' titles
    header.set_axis_off()
    axes = [fig.add_subplot(grid[1 + i // ncols, i % ncols]) for i in range(nrows * ncols)]
    for ax, chain in zip(axes, renewed, strict=False):
        g = data[data["chain"] == chain].sort_values("step")
        texts = []
        for _, r in g.iterrows():
            if not is_missing(r["annual_cost"]):
                growth = "" if is_missing(r["growth"]) else f"\n{signed_pct(r['growth'], 1)}"
                texts.append(style.format_wan(r["annual_cost"]) + growth)
        colors = [SERIES_COLORS[0] if bool(c) else SERIES_COLORS[1] for c in g["competitive"]]
        style.bar_with_undisclosed(ax, [str(i) for i in range(len(g))], _wan_values(g["annual_cost"]), colors,
                                   fmt=_sequence_fmt(texts), width=0.6)
        # Tick labels set here: the style's automatic wrapping cuts two-line labels mid-word.
        ax.set_xticks(range(len(g)), labels=[_link_label(r) for _, r in g.iterrows()], fontsize=8.5)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.set_ylabel(style.UNIT_WAN if ax.get_subplotspec().is_first_col() else "")
        if not ax.get_subplotspec().is_first_col():
            ax.tick_params(axis="y", labelleft=False)
        s = summary.loc[chain]
        if not is_missing(s["cagr"]):
            costed = g.dropna(subset=["annual_cost", "signed"])  # the links the growth is measured on
            first, last = costed["signed"].iloc[[0, -1]]
            growth = f"{first.year}—{last.year}年年均增长 {signed_pct(s['cagr'], 1)}"
        elif g["annual_cost"].isna().any():
            growth = f"年均增长无法计算：续签金额{U}"
        else:
            growth = f"年均增长无法计算：签订年份{U}"
        vendor = s["vendor"] if isinstance(s["vendor"], str) else f"供应商{U}"
        ax.set_title(f"{_wrap(str(s['item']), 15)}\n{vendor}\n{growth}", loc="left", fontsize=9.5,
                     pad=6, linespacing=1.35)
    top = max(ax.get_ylim()[1] for ax in axes[: len(renewed)])
    for ax in axes[: len(renewed)]:
        ax.set_ylim(0, top * 1.1)  # every chain on one scale
    for ax in axes[len(renewed):]:
        ax.set_axis_off()
    handles = _legend_patches([("竞争性采购", SERIES_COLORS[0]), ("续签或其他方式", SERIES_COLORS[1])],
                              data["annual_cost"].isna().any())
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=8.5, frameon=False,
                  borderaxespad=0, handlelength=1.6)
    _title(header, title)
    return _done(fig, source, demo)


def _link_label(r: pd.Series) -> str:
    when = f"{r['signed'].year}年" if not is_missing(r["signed"]) else f"签订{U}"
    how = r["procurement"] if isinstance(r["procurement"], str) and r["procurement"] else f"方式{U}"
    return f"{when}\n{how}"


# --- indicators --------------------------------------------------------------------------------


def indicators(status: pd.DataFrame, *, source: str, demo: bool = False, year: int | None = None) -> Figure:
    """Achievement of each performance indicator against 100%; 未完成 in the warning colour.

    Args:
        status: ``analysis.indicator_status``.
        source: 数据来源 text.
        demo: mark as 示例数据.
        year: budget year for the title.
    """
    title = f"{_prefix(year)}绩效指标完成情况（完成率 = 实际值 ÷ 目标值）"
    fig, ax = _figure(8.4, _bar_height(len(status), 0.5, 2.2))
    if status.empty:
        return _empty(fig, ax, title, "没有绩效指标数据", source, demo)

    labels, values, colors, texts = [], [], [], []
    for _, r in status.iterrows():
        labels.append(f"{_wrap(str(r['name']), 12)}（{r['target_text']}）")
        ach = r["achievement"]
        values.append(math.nan if is_missing(ach) else float(ach) * 100)
        colors.append(WARNING_COLOR if r["status"] in (analyses.STATUS_NOT_MET, analyses.STATUS_MISMATCH) else MET_COLOR)
        if not is_missing(ach):
            actual = f"（{r['actual_text']}）" if isinstance(r["actual_text"], str) else ""
            texts.append(f"{_pct(ach)}{actual}" + ("，未完成" if r["status"] == analyses.STATUS_NOT_MET else ""))
    style.bar_with_undisclosed(ax, labels, values, colors, horizontal=True, fmt=_sequence_fmt(texts), width=0.58)
    ax.set_xlabel("完成率（%）")
    lo, hi = ax.get_xlim()
    ax.set_xlim(0, max(hi, 100) * 1.3)
    ax.axvline(100, color=REFERENCE_COLOR, lw=1.1, ls="--", zorder=3)
    ax.annotate("目标 100%", (100, 0), xycoords=("data", "axes fraction"), xytext=(3, 3), textcoords="offset points",
                fontsize=8.5, color=REFERENCE_COLOR, ha="left", va="bottom")
    ax.tick_params(axis="y", labelsize=9)
    for t in ax.texts:  # labels stay legible where they cross the 100% line
        t.set_bbox(_LABEL_BOX)
        t.set_zorder(4)
    # A status known only in words (no ratio) is not 未披露: say which it is.
    unlabelled = [t for t in ax.texts if t.get_gid() == "undisclosed-label"]
    hatched = [p for p in ax.patches if p.get_gid() == "undisclosed"]
    for i, (t, (_, r)) in enumerate(zip(unlabelled, status[status["achievement"].isna()].iterrows(), strict=False)):
        if r["status"] != analyses.STATUS_UNKNOWN:
            if i < len(hatched):  # known, only not as a ratio: not drawn as 未披露
                hatched[i].set_visible(False)
                hatched[i].set_gid("known-without-ratio")
            said = r.get("comparison") if isinstance(r.get("comparison"), str) else None
            t.set_text(f"{r['status']}：{said}" if said and r["actual_text"] else f"{r['status']}（无量化实际值）")
            t.set_color(WARNING_COLOR if r["status"] in (analyses.STATUS_NOT_MET, analyses.STATUS_MISMATCH) else MET_COLOR)
    handles = _legend_patches([("已完成", MET_COLOR), ("未完成", WARNING_COLOR)], status["achievement"].isna().any())
    handles.append(Line2D([], [], color=REFERENCE_COLOR, ls="--", lw=1.1, label="目标值"))
    ax.legend(handles=handles, loc="lower right", fontsize=8.5, frameon=True, framealpha=0.95, edgecolor="#DDDDDD")
    counts = status["status"].value_counts()
    mismatch = counts.get(analyses.STATUS_MISMATCH, 0)
    subtitle = (f"共{len(status)}项：已完成{counts.get(analyses.STATUS_MET, 0)}项，未完成{counts.get(analyses.STATUS_NOT_MET, 0)}项，"
                + (f"口径不一致{mismatch}项，" if mismatch else "")
                + f"实际值未披露{counts.get(analyses.STATUS_UNKNOWN, 0)}项；“≤”类指标只判断是否超过上限")
    _title(ax, title, subtitle)
    return _done(fig, source, demo)


# --- several years -----------------------------------------------------------------------------


def trend(trends: pd.DataFrame, column: str, title: str, *, source: str, demo: bool = False,
          money: bool = True, percent: bool = False) -> Figure:
    """One measure over the years as bars; a year without a figure is a hatched 未披露 bar.

    Args:
        trends: one row per year, with a ``year`` column and ``column``.
        column: the measure to draw.
        title: chart title (Chinese, with the unit when ``money`` is False).
        source: 数据来源 text.
        demo: mark as 示例数据.
        money: ``column`` is in 元 and is drawn in 万元; else drawn as is.
        percent: ``column`` is a ratio, drawn and labelled as a percentage (money must be False).
    """
    fig, ax = _figure(8, 4.5)
    if trends.empty or column not in trends or _all_missing(trends[column]):
        return _empty(fig, ax, title, "所列各年均无该项数据", source, demo)
    frame = trends.sort_values("year", kind="stable")
    scale = 100 if percent else 1
    values = _wan_values(frame[column]) if money else [math.nan if is_missing(v) else float(v) * scale
                                                       for v in frame[column]]
    if money:
        fmt = style.format_number
    elif percent:
        fmt = lambda v: f"{style.format_number(v, 2)}%"  # noqa: E731
    else:
        fmt = lambda v: _plain(round_half_up(v, 2))  # noqa: E731
    style.bar_with_undisclosed(ax, [f"{y}年" for y in frame["year"]], values, [SERIES_COLORS[0]] * len(values),
                               fmt=fmt, width=0.6)
    if not money:
        ax.set_ylabel("%" if percent else "")
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    known = [(y, v) for y, v in zip(frame["year"], values, strict=True) if not math.isnan(v)]
    subtitle = None
    if percent and len(known) >= 2 and known[-1][0] > known[0][0]:
        # a share changes by percentage points, not by a growth rate
        (y0, v0), (y1, v1) = known[0], known[-1]
        subtitle = f"{y0}—{y1}年由{style.format_number(v0, 2)}%变为{style.format_number(v1, 2)}%（{signed_points(v1 - v0)}）"
    elif len(known) >= 2 and known[0][1] > 0 and known[-1][0] > known[0][0]:
        (y0, v0), (y1, v1) = known[0], known[-1]
        subtitle = f"{y0}—{y1}年年均增长 {signed_pct((v1 / v0) ** (1 / (y1 - y0)) - 1, 1)}"
    n_missing = len(values) - len(known)
    if n_missing:
        subtitle = (subtitle + "；" if subtitle else "") + f"{n_missing}个年度未披露（斜线柱，柱高无数值含义）"
    _title(ax, title, subtitle)
    return _done(fig, source, demo)


# --- across years ---------------------------------------------------------------------------------


def _years(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values if not is_missing(v)})


def category_trend(categories: pd.DataFrame, *, source: str, demo: bool = False, column: str = "executed") -> Figure:
    """Executed amount (or budget) per category and year, stacked; the 未逐项列明 remainder drawn as 推算.

    Args:
        categories: ``trends.category_trend`` (one row per year and category).
        source: 数据来源 text.
        demo: mark as 示例数据.
        column: ``executed``, or ``budget`` where no year states executed amounts by category.
    """
    word = BASIS_WORDS[column][0]
    title = f"历年分类{word}（万元）"
    fig, ax = _figure(8.4, 5.4)
    if categories.empty or _all_missing(categories[column]):
        return _empty(fig, ax, title, f"所列各年均未按类别披露{word}", source, demo)
    frame = categories.sort_values("year", kind="stable")
    remainder = {c for c, d in zip(frame["category"], frame["disclosed"]) if not bool(d)}
    labels = {c: (f"{c}（推算）" if c in remainder else str(c)) for c in frame["category"]}
    series = _stacked(ax, frame, "year", "category", column, lambda y: f"{y}年", labels,
                      estimated_series=lambda c: c in remainder)
    _legend_below(ax, series, 3, undisclosed=frame[column].isna().any())
    years = _years(frame["year"])
    notes = []
    for category, g in frame.groupby("category", sort=False):
        first = int(g["year"].min())
        if first > years[0]:
            notes.append(f"「{category}」{first}年起设立")
    _title(ax, title, "；".join(notes) if notes else f"柱顶数字为当年各类{word}之和")
    return _done(fig, source, demo)


def line_cost_trend(lines: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """Annual line cost per year, stacked by carrier and line type.

    Args:
        lines: ``trends.line_trend``.
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年线路年费用（按运营商和线路类型，万元）"
    fig, ax = _figure(8.4, 5.4)
    if lines.empty or _all_missing(lines["annual_cost"]):
        return _empty(fig, ax, title, "所列各年均未披露线路月费", source, demo)
    frame = lines.assign(series=lines["carrier"].fillna(f"运营商{U}") + "·" + lines["line_type"].fillna(f"类型{U}"))
    frame = frame.sort_values(["year", "carrier", "line_type"], kind="stable")
    series = _stacked(ax, frame, "year", "series", "annual_cost", lambda y: f"{y}年", {})
    _legend_below(ax, series, 2, undisclosed=frame["annual_cost"].isna().any())
    _title(ax, title, "月费 × 线路数 × 当年在用月数（据各年度线路清单）")
    return _done(fig, source, demo)


def unit_price_trend(lines: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """Price per Mbps per month of each carrier across years, one panel per line type (推算: 月费 ÷ 带宽).

    Args:
        lines: ``trends.line_trend``.
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年每Mbps月费（元/Mbps/月，推算：月费÷带宽）"
    known = lines.dropna(subset=["cost_per_mbps_month"]) if len(lines) else lines
    types = [t for t, g in known.groupby("line_type", sort=False) if g["year"].nunique() >= 2] if len(known) else []
    if not types:
        fig, ax = _figure()
        return _empty(fig, ax, title, "没有两个以上年度均披露月费和带宽的线路类型", source, demo)
    ncols = min(3, len(types))
    nrows = math.ceil(len(types) / ncols)
    fig, header = _figure(8.4, 1.2 + 3.1 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.3] + [3.0] * nrows)
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    years = _years(known["year"])
    carriers = list(dict.fromkeys(known["carrier"].dropna()))
    for i, line_type in enumerate(types):
        ax = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        g = known[known["line_type"] == line_type]
        for ci, (carrier, gc) in enumerate(g.groupby("carrier", sort=False)):
            gc = gc.sort_values("year")
            color = CARRIER_COLORS.get(carrier, SERIES_COLORS[(ci + 2) % len(SERIES_COLORS)])
            xs, ys = [int(y) for y in gc["year"]], [float(v) for v in gc["cost_per_mbps_month"]]
            ax.plot(xs, ys, color=color, ls="--", lw=1.6, marker="o", ms=4.5, zorder=3, gid="estimated")
            for x, y, where in ((xs[0], ys[0], "first"), (xs[-1], ys[-1], "last")):
                if where == "first" and len(xs) == 1:
                    continue
                ax.annotate(style.format_number(y, 2), (x, y), xytext=(0, 5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=8, color=color)
        ax.set_xticks(years, labels=[f"{y}" for y in years], fontsize=8.5)
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.18)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.set_ylabel("元/Mbps/月" if i % ncols == 0 else "")
        ax.set_title(_wrap(str(line_type), 14), loc="left", fontsize=9.5, pad=4)
    handles = [Line2D([], [], color=CARRIER_COLORS.get(c, SERIES_COLORS[(i + 2) % len(SERIES_COLORS)]), ls="--",
                      marker="o", ms=4.5, label=c) for i, c in enumerate(carriers)]
    handles.append(Line2D([], [], color=style.TEXT_COLOR, ls="--", label="虚线：推算值（月费÷带宽）"))
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=8.5, frameon=False,
                  borderaxespad=0, handlelength=2.2)
    _title(header, title)
    return _done(fig, source, demo)


def sms_trend(sms: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """Messages per year against the quantity target, and the cost with its price per message.

    Args:
        sms: ``trends.sms_trend``.
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年金宏短信发送量与费用"
    if sms.empty or (_all_missing(sms["count"]) and _all_missing(sms["amount"])):
        fig, ax = _figure()
        return _empty(fig, ax, title, "所列各年均未披露短信条数和费用", source, demo)
    frame = sms.sort_values("year", kind="stable")
    labels = [f"{y}年" for y in frame["year"]]
    fig, header = _figure(8.4, 5.0)
    header.remove()
    grid = fig.add_gridspec(2, 2, height_ratios=[0.25, 3.0])
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    left, right = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    counts = [math.nan if is_missing(c) else int(c) / 10000 for c in frame["count"]]
    colors = [WARNING_COLOR if m is False else MET_COLOR if m is True else SERIES_COLORS[0]
              for m in [None if is_missing(v) else bool(v) for v in frame["met"]]]
    style.bar_with_undisclosed(left, labels, counts, colors, width=0.6, fmt=lambda _v: "")  # labelled below
    left.set_xticks(range(len(labels)), labels=labels)
    targets = [math.nan if is_missing(t) else int(t) / 10000 for t in frame["target"]]
    if not all(math.isnan(t) for t in targets):
        left.plot(range(len(labels)), targets, ls="none", marker="_", ms=26, mew=2.2, color=style.TEXT_COLOR,
                  zorder=4, gid="target")
    for x, (count, target) in enumerate(zip(counts, targets, strict=True)):
        if not math.isnan(count):  # above the bar, and above the target mark where it is the higher
            top = count if math.isnan(target) else max(count, target)
            left.annotate(style.format_number(count, 1), (x, top), xytext=(0, 4), textcoords="offset points",
                          ha="center", va="bottom", fontsize=8.5, color=style.TEXT_COLOR, gid="value-label")
    left.set_ylim(0, max([v for v in counts + targets if not math.isnan(v)] + [1]) * 1.2)
    left.set_ylabel("万条")
    left.set_title("发送量（万条）与数量目标", loc="left", fontsize=9.5)
    amounts = _wan_values(frame["amount"])
    prices = [f"\n{U}" if is_missing(p) else f"\n{style.format_number(p, 4)}" for p in frame["unit_price"]]
    style.bar_with_undisclosed(right, labels, amounts, [SERIES_COLORS[0]] * len(labels), width=0.6)
    right.set_xticks(range(len(labels)), labels=[f"{lab}{p}" for lab, p in zip(labels, prices, strict=True)])
    right.set_ylim(0, right.get_ylim()[1] * 1.15)
    right.set_ylabel(style.UNIT_WAN)
    right.set_title("费用（万元）；横轴下为单价（元/条，推算：费用÷条数）", loc="left", fontsize=9.5)
    for ax in (left, right):
        ax.tick_params(axis="both", labelsize=8.5)
    handles = [Patch(facecolor=MET_COLOR, label="达到数量目标"), Patch(facecolor=WARNING_COLOR, label="未达到数量目标"),
               Line2D([], [], ls="none", marker="_", ms=14, mew=2.2, color=style.TEXT_COLOR, label="数量目标值")]
    if frame["amount"].isna().any() or frame["count"].isna().any():
        handles += _legend_patches([], True)
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=8.5, frameon=False,
                  borderaxespad=0)
    _title(header, title)
    return _done(fig, source, demo)


#: How a contract of a chain is marked: renewed without competition, procured competitively, re-procured.
RENEWED_MARKER, COMPETITIVE_MARKER, RETENDER_MARKER = "o", "D", "^"


def chain_trend(chains: pd.DataFrame, table: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """One panel per item: each renewal chain's annual amount across years, renewals and re-tenders marked.

    Args:
        chains: ``trends.chain_history`` (one row per contract).
        table: ``trends.chain_table`` (growth per chain).
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年续签合同年度金额（万元）"
    linked = table[(table["renewals"] > 0) & (table["links"] > 1)] if len(table) else table
    if chains.empty or linked.empty:
        fig, ax = _figure()
        return _empty(fig, ax, title, "各年度合同台账中没有由两份以上合同组成的续签链（按年或按月计费）", source, demo)
    items = list(dict.fromkeys(linked["item_code"]))
    ncols = min(3, len(items))
    nrows = math.ceil(len(items) / ncols)
    fig, header = _figure(8.4, 1.3 + 3.0 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.3] + [3.0] * nrows)
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    by_chain = table.set_index("chain")
    # the change of a re-procured contract against the chain it follows, as the chain table measures it
    at_retender = {f: c for f, c in zip(table["followed_by"], table["retender_after"]) if isinstance(f, str)}
    for i, code in enumerate(items):
        ax = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        g = chains[chains["item_code"] == code]
        notes = []
        for ci, (chain, gc) in enumerate(g.groupby("chain", sort=False)):
            gc = gc.dropna(subset=["year"]).sort_values("step")
            color = SERIES_COLORS[ci % len(SERIES_COLORS)]
            xs = [int(y) for y in gc["year"]]
            ys = [math.nan if is_missing(v) else style.wan_value(v) for v in gc["annual_cost"]]
            estimated = bool(gc["estimated"].any())
            ax.plot(xs, ys, color=color, lw=1.5, ls="--" if estimated else "-", zorder=2,
                    gid="estimated" if estimated else "stated")
            for x, y, r in zip(xs, ys, gc.itertuples(), strict=True):
                if math.isnan(y):  # a contract whose amount is not disclosed: marked on the axis, never as 0
                    ax.plot([x], [0], marker="x", ms=6, mew=1.6, color=style.UNDISCLOSED_EDGECOLOR, clip_on=False,
                            zorder=4, gid="undisclosed")
                    ax.annotate(U, (x, 0), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                                fontsize=7.5, color=style.NOTE_COLOR, gid="undisclosed-label")
                    continue
                marker = RETENDER_MARKER if r.retender else RENEWED_MARKER if r.renewed else COMPETITIVE_MARKER
                face = WARNING_COLOR if r.retender else color if not r.renewed else "white"
                ax.plot([x], [y], marker=marker, ms=5.5, color=color, mfc=face, mec=color, zorder=3)
                change = r.growth if r.renewed else at_retender.get(r.contract_id) if r.retender else None
                if not is_missing(change):
                    ax.annotate(signed_pct(change, 1), (x, y), xytext=(0, 5), textcoords="offset points",
                                ha="center", va="bottom", fontsize=7.5, color=WARNING_COLOR if r.retender else color)
            s = by_chain.loc[chain]
            if s["renewals"] > 0 and not is_missing(s["growth"]):
                # Kept byte-identical (issue 22): the float growth 0.03249999999999997 is 3.25% exactly,
                # which money.to_decimal and 四舍五入 make +3.3%; its shortest repr keeps the +3.2% shown so far.
                notes.append(f"{int(s['first_year']) % 100:02d}—{int(s['last_year']) % 100:02d}年均"
                             f"{signed_pct(Decimal(repr(float(s['growth']))), 1)}")
        years = _years(g["year"])
        ax.set_xticks(years, labels=[f"{y % 100:02d}" for y in years], fontsize=8)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.25)
        ax.tick_params(axis="y", labelsize=8)
        name = g["item"].dropna().iloc[0] if g["item"].notna().any() else ""
        ax.set_title(f"{_two_lines(analyses.item_label(code, name), 12)}\n{'，'.join(notes[:2]) or '年均增长无法计算'}",
                     loc="left", fontsize=8, pad=4, linespacing=1.25)
    handles = [
        Line2D([], [], ls="none", marker=COMPETITIVE_MARKER, ms=6, color=style.TEXT_COLOR, label="竞争性采购"),
        Line2D([], [], ls="none", marker=RENEWED_MARKER, ms=6, color=style.TEXT_COLOR, mfc="white", label="续签（标注增幅）"),
        Line2D([], [], ls="none", marker=RETENDER_MARKER, ms=6, color=style.TEXT_COLOR, mfc=WARNING_COLOR,
               label="重新采购（标注较前一合同增幅）"),
        Line2D([], [], color=style.TEXT_COLOR, ls="--", label="虚线：按月费×12推算"),
    ]
    if chains.loc[chains["item_code"].isin(items), "annual_cost"].isna().any():
        handles.append(Line2D([], [], ls="none", marker="x", ms=6, mew=1.6, color=style.UNDISCLOSED_EDGECOLOR,
                              label=f"金额{U}"))
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=8.5, frameon=False,
                  borderaxespad=0)
    _title(header, title, "横轴为年份（后两位）；每条线为一条续签链，新的一条线表示重新采购后的合同")
    return _done(fig, source, demo)

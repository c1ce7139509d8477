"""The multi-year report's charts: one measure over the years, categories, lines, SMS and renewal chains."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from qdanalysis.analyse.linking import item_label
from qdanalysis.analyse.trend_coverage import ABSENT, NOT_PROVIDED
from qdanalysis.analyse.trends import UNIT_PRICE, chain_items, measure_state
from qdanalysis.domain import BASIS_WORDS
from qdanalysis.fmt import signed_pct, signed_points
from qdanalysis.money import round_half_up
from qdanalysis.present import style
from qdanalysis.present.charts import base


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
    fig, ax = base.figure(8, 4.5)
    if trends.empty or column not in trends or base.all_missing(trends[column]):
        return base.empty(fig, ax, title, "所列各年均无该项数据", source, demo)
    frame = trends.sort_values("year", kind="stable")
    scale = 100 if percent else 1
    values = base.wan_values(frame[column]) if money else [math.nan if base.missing(v) else float(v) * scale
                                                           for v in frame[column]]
    if money:
        fmt = style.format_number
    elif percent:
        fmt = lambda v: f"{style.format_number(v, 2)}%"  # noqa: E731
    else:
        fmt = lambda v: base.plain(round_half_up(v, 2))  # noqa: E731
    bars = style.bar_with_undisclosed(ax, [f"{y}年" for y in frame["year"]], values,
                                      [base.SERIES_COLORS[0]] * len(values), fmt=fmt, width=0.6)
    _not_provided(ax, bars, frame, column)
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
    base.title(ax, title, subtitle)
    return base.done(fig, source, demo)


#: Shades of each carrier's colour (:data:`base.CARRIER_COLORS` first), one per line type in name order.
CARRIER_SHADES: dict[str, tuple[str, ...]] = {"中国联通": ("#0072B2", "#56B4E9", "#A6D4F2", "#1B4F72"),
                                              "中国电信": ("#009E73", "#5CC9A7", "#A8E3CF", "#0B5345")}
#: Colours of the vendors that are not carriers, in name order (neither carrier's colour among them).
#: (the warning colour of a re-procurement is left out too).
VENDOR_COLORS = ("#E69F00", "#CC79A7", "#8C564B", "#6B6ECF", "#7F7F7F", "#BCBD22", "#17BECF", "#843C39", "#9467BD",
                 "#E377C2", "#393B79", "#B5CF6B")
#: Panel text: readable when the 8.4-inch figure is printed at A4 text width (about 8 pt on paper).
PANEL_FONTSIZE, PANEL_TITLE_FONTSIZE, LEGEND_FONTSIZE = 10, 10.5, 10


def vendor_colors(vendors: Iterable[Any]) -> dict[Any, str]:
    """A fixed colour per vendor: each carrier its colour in every chart, the others by name order."""
    names = sorted({str(v) for v in vendors if not base.missing(v)})
    others = [n for n in names if n not in base.CARRIER_COLORS]
    colors = {n: VENDOR_COLORS[i % len(VENDOR_COLORS)] for i, n in enumerate(others)}
    colors.update({n: base.CARRIER_COLORS[n] for n in names if n in base.CARRIER_COLORS})
    return colors


def line_colors(pairs: Iterable[tuple[Any, Any]]) -> dict[tuple[Any, Any], str]:
    """A fixed colour per carrier and line type: the carrier's shades, one per line type in name order (so a
    line type appearing in one year does not move the others' colours)."""
    pairs = sorted({(str(c), str(t)) for c, t in pairs})
    out, other = {}, 0
    for carrier in dict.fromkeys(c for c, _ in pairs):
        shades = CARRIER_SHADES.get(carrier)
        for i, (_, line_type) in enumerate(p for p in pairs if p[0] == carrier):
            if shades:
                out[(carrier, line_type)] = shades[i % len(shades)]
            else:
                out[(carrier, line_type)] = VENDOR_COLORS[other % len(VENDOR_COLORS)]
                other += 1
    return out


def _not_provided(ax, bars, frame: pd.DataFrame, column: str) -> None:
    """A year whose input is absent (an empty ledger) says 未提供 on its hatched bar, not 未披露."""
    if "coverage" not in frame:
        return
    absent = {i for i, (_, r) in enumerate(frame.iterrows()) if measure_state(r, column)[0] == ABSENT}
    for text in ax.texts:
        if text.get_gid() == "undisclosed-label":
            x = text.xy[0]
            i = min(range(len(bars)), key=lambda k: abs(bars[k].get_x() + bars[k].get_width() / 2 - x))
            if i in absent:
                text.set_text(NOT_PROVIDED)


def _years(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values if not base.missing(v)})


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
    fig, ax = base.figure(8.4, 5.4)
    if categories.empty or base.all_missing(categories[column]):
        return base.empty(fig, ax, title, f"所列各年均未按类别披露{word}", source, demo)
    frame = categories.sort_values("year", kind="stable")
    # a category whose figure no item states is inside the year's 未逐项列明 remainder (推算: total − itemised):
    # drawn again as a 未披露 stub on top, the stack would exceed the stated total
    covered = {int(y) for y, d, v in zip(frame["year"], frame["disclosed"], frame[column]) if not bool(d) and not base.missing(v)}
    frame = frame[~(frame["year"].astype(int).isin(covered) & frame[column].isna() & frame["disclosed"].astype(bool))]
    remainder = {c for c, d in zip(frame["category"], frame["disclosed"]) if not bool(d)}
    labels = {c: (f"{c}（推算）" if c in remainder else str(c)) for c in frame["category"]}
    series = base.stacked(ax, frame, "year", "category", column, lambda y: f"{y}年", labels,
                          estimated_series=lambda c: c in remainder)
    base.legend_below(ax, series, 3, undisclosed=frame[column].isna().any())
    years = _years(frame["year"])
    notes = []
    for category, g in frame.groupby("category", sort=False):
        first = int(g["year"].min())
        if first > years[0] and category not in remainder:  # the 推算 remainder is no category set up
            notes.append(f"「{category}」{first}年起设立")
    base.title(ax, title, "；".join(notes) if notes else f"柱顶数字为当年各类{word}之和")
    return base.done(fig, source, demo)


def line_cost_trend(lines: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """Annual line cost per year, stacked by carrier and line type.

    Args:
        lines: ``trends.line_trend``.
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年线路年费用（按运营商和线路类型，万元）"
    fig, ax = base.figure(8.4, 5.4)
    if lines.empty or base.all_missing(lines["annual_cost"]):
        return base.empty(fig, ax, title, "所列各年均未披露线路月费", source, demo)
    frame = lines.assign(series=lines["carrier"].fillna(f"运营商{base.U}") + "·" + lines["line_type"].fillna(f"类型{base.U}"))
    frame = frame.sort_values(["year", "carrier", "line_type"], kind="stable")
    colors = {f"{c}·{t}": color for (c, t), color in line_colors(
        zip(frame["carrier"].fillna(f"运营商{base.U}"), frame["line_type"].fillna(f"类型{base.U}"))).items()}
    series = base.stacked(ax, frame, "year", "series", "annual_cost", lambda y: f"{y}年", {}, colors=colors)
    base.legend_below(ax, series, 2, undisclosed=frame["annual_cost"].isna().any())
    ended = "source" in frame and (frame["source"].notna() & (frame["source"] != "年末线路清单")).any()
    base.title(ax, title, "月费 × 线路数 × 当年在用月数（据各年度线路清单" + ("；年内终止的线路据合同服务期）" if ended else "）"))
    return base.done(fig, source, demo)


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
        fig, ax = base.figure()
        return base.empty(fig, ax, title, "没有两个以上年度均披露月费和带宽的线路类型", source, demo)
    ncols = min(3, len(types))
    nrows = math.ceil(len(types) / ncols)
    fig, header = base.figure(8.4, 1.2 + 3.1 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.3] + [3.0] * nrows)
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    years = _years(lines["year"])
    carriers = list(dict.fromkeys(known["carrier"].dropna()))
    colors = vendor_colors(carriers)
    labels: list[list[Any]] = []
    for i, line_type in enumerate(types):
        ax = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        labels.append([])
        g = known[known["line_type"] == line_type]
        for carrier, gc in g.groupby("carrier", sort=False):
            price = {int(y): float(v) for y, v in zip(gc["year"], gc["cost_per_mbps_month"])}
            color = colors[carrier]
            # every year of the report on the axis: a year without a price breaks the line (NaN), never joined over
            ys = [price.get(y, math.nan) for y in years]
            ax.plot(years, ys, color=color, ls="--", lw=1.6, marker="o", ms=4.5, zorder=3, gid="estimated")
            xs = sorted(price)
            for x, where in ((xs[0], "first"), (xs[-1], "last")):
                if where == "first" and len(xs) == 1:
                    continue
                labels[-1].append(ax.annotate(style.format_number(price[x], 2), (x, price[x]), xytext=(0, 5),
                                              textcoords="offset points", ha="center", va="bottom",
                                              fontsize=PANEL_FONTSIZE, color=color, gid="price-label"))
        ax.set_xticks(years, labels=[f"{y % 100:02d}" for y in years], fontsize=PANEL_FONTSIZE)
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.22)
        ax.tick_params(axis="y", labelsize=PANEL_FONTSIZE)
        ax.set_ylabel("元/Mbps/月" if i % ncols == 0 else "", fontsize=PANEL_FONTSIZE)
        ax.set_title(base.wrap(str(line_type), 12), loc="left", fontsize=PANEL_TITLE_FONTSIZE, pad=4)
    handles = [Line2D([], [], color=colors[c], ls="--", marker="o", ms=4.5, label=c) for c in carriers]
    handles.append(Line2D([], [], color=style.TEXT_COLOR, ls="--", label="虚线：推算值（月费÷带宽）；断开处该年未披露"))
    header.legend(handles=handles, loc="center left", ncol=len(handles), fontsize=LEGEND_FONTSIZE, frameon=False,
                  borderaxespad=0, handlelength=2.2)
    base.title(header, title)
    fig = base.done(fig, source, demo)
    for panel in labels:  # once laid out: two carriers at one price (48.25) stand above and below their point
        base.separate_labels(panel)
    return fig


def sms_trend(sms: pd.DataFrame, *, source: str, demo: bool = False) -> Figure:
    """Messages per year against the quantity target, and the cost with its price per message.

    Args:
        sms: ``trends.sms_trend``.
        source: 数据来源 text.
        demo: mark as 示例数据.
    """
    title = "历年金宏短信发送量与费用"
    if sms.empty or (base.all_missing(sms["count"]) and base.all_missing(sms["amount"])):
        fig, ax = base.figure()
        return base.empty(fig, ax, title, "所列各年均未披露短信条数和费用", source, demo)
    frame = sms.sort_values("year", kind="stable")
    labels = [f"{y}年" for y in frame["year"]]
    fig, header = base.figure(8.4, 5.0)
    header.remove()
    grid = fig.add_gridspec(2, 2, height_ratios=[0.25, 3.0])
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    left, right = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    counts = [math.nan if base.missing(c) else int(c) / 10000 for c in frame["count"]]
    # one colour whatever the target: messages are billed per message, so more than the target is no success
    style.bar_with_undisclosed(left, labels, counts, [base.SERIES_COLORS[0]] * len(labels), width=0.6,
                               fmt=lambda _v: "")  # labelled below
    left.set_xticks(range(len(labels)), labels=labels)
    targets = [math.nan if base.missing(t) else int(t) / 10000 for t in frame["target"]]
    if not all(math.isnan(t) for t in targets):
        left.plot(range(len(labels)), targets, ls="none", marker="_", ms=26, mew=2.2, color=style.TEXT_COLOR,
                  zorder=4, gid="target")
    count_partial = _states(frame, "count_state")
    for x, (count, target) in enumerate(zip(counts, targets, strict=True)):
        if not math.isnan(count):  # above the bar, and above the target mark where it is the higher
            top = count if math.isnan(target) else max(count, target)
            text = style.format_number(count, 1) + (f"\n+{base.U}" if count_partial[x] else "")
            left.annotate(text, (x, top), xytext=(0, 4), textcoords="offset points",
                          ha="center", va="bottom", fontsize=PANEL_FONTSIZE, color=style.TEXT_COLOR, gid="value-label")
    left.set_ylim(0, max([v for v in counts + targets if not math.isnan(v)] + [1]) * 1.2)
    left.set_ylabel("万条")
    left.set_title("发送量（万条）与数量目标", loc="left", fontsize=PANEL_TITLE_FONTSIZE)
    amounts = base.wan_values(frame["amount"])
    prices = [f"\n{base.U}" if base.missing(p) else f"\n{style.format_number(p, 4)}" for p in frame["unit_price"]]
    amount_partial = _states(frame, "amount_state")
    bars = style.bar_with_undisclosed(right, labels, amounts, [base.SERIES_COLORS[0]] * len(labels), width=0.6,
                                      fmt=lambda _v: "")
    for x, (bar, value) in enumerate(zip(bars, amounts, strict=True)):
        if not math.isnan(value):  # a partial sum says so, as 表1 does
            right.annotate(style.format_number(value) + (f"\n+{base.U}" if amount_partial[x] else ""),
                           (x, bar.get_height()), xytext=(0, 3), textcoords="offset points", ha="center",
                           va="bottom", fontsize=PANEL_FONTSIZE, color=style.TEXT_COLOR, gid="value-label")
    right.set_xticks(range(len(labels)), labels=[f"{lab}{p}" for lab, p in zip(labels, prices, strict=True)])
    right.set_ylim(0, right.get_ylim()[1] * 1.15)
    right.set_ylabel(style.UNIT_WAN)
    right.set_title("费用（万元）；横轴下为单价（元/条，推算）", loc="left", fontsize=PANEL_TITLE_FONTSIZE)
    for ax in (left, right):
        ax.tick_params(axis="both", labelsize=PANEL_FONTSIZE)
    handles = [Patch(facecolor=base.SERIES_COLORS[0], label="发送量、费用"),
               Line2D([], [], ls="none", marker="_", ms=14, mew=2.2, color=style.TEXT_COLOR,
                      label="数量目标值（按条计费：超出目标即多付费用）")]
    if any(count_partial) or any(amount_partial):
        handles.append(Patch(facecolor="white", edgecolor="white", label=f"+{base.U}：已披露部分之和"))
    if frame["amount"].isna().any() or frame["count"].isna().any():
        handles += base.legend_patches([], True)
    header.legend(handles=handles, loc="center left", ncol=min(len(handles), 3), fontsize=LEGEND_FONTSIZE - 1,
                  frameon=False, borderaxespad=0)
    base.title(header, title)
    return base.done(fig, source, demo)


def _states(frame: pd.DataFrame, column: str) -> list[bool]:
    """Whether each year's figure is a partial sum (``trends.sms_trend``'s state columns)."""
    if column not in frame:
        return [False] * len(frame)
    return [s == "partial" for s in frame[column]]


#: How a contract of a chain is marked: renewed without competition, procured competitively, re-procured, and a
#: first contract procured without competition (单一来源 and the like), as its 采购方式 says.
RENEWED_MARKER, COMPETITIVE_MARKER, RETENDER_MARKER, NONCOMPETITIVE_MARKER = "o", "D", "^", "s"


def contract_marker(r: Any) -> tuple[str, str]:
    """The marker of a chain's contract and its legend word, from its 采购方式 (``r``: a row of
    ``trends.chain_history``): a re-procurement, a renewal, a competitive or a non-competitive procurement."""
    if r.retender:
        return RETENDER_MARKER, "重新采购"
    if r.renewed:
        return RENEWED_MARKER, "续签"
    if r.competitive:
        return COMPETITIVE_MARKER, "竞争性采购"
    return NONCOMPETITIVE_MARKER, "非竞争性采购"


def chain_trend(chains: pd.DataFrame, table: pd.DataFrame, *, source: str, demo: bool = False,
                items: list[str] | None = None, part: tuple[int, int] | None = None) -> Figure:
    """One panel per item: each renewal chain's annual amount across years, renewals and re-tenders marked.

    Args:
        chains: ``trends.chain_history`` (one row per contract).
        table: ``trends.chain_table`` (growth per chain).
        source: 数据来源 text.
        demo: mark as 示例数据.
        items: the items to draw (a part of :func:`~qdanalysis.analyse.trends.chain_items`); None: every item
            with a chain.
        part: (n, of) when the chains are drawn as several figures: the title says which one this is.
    """
    title = "历年续签合同年度金额（万元）" + (f"（{part[0]}/{part[1]}）" if part and part[1] > 1 else "")
    every = chain_items(table)
    if chains.empty or not every:
        fig, ax = base.figure()
        return base.empty(fig, ax, title, "各年度合同台账中没有由两份以上合同组成的续签链（按年或按月计费）", source, demo)
    items = [i for i in every if items is None or i in items]
    ncols = min(3, len(items))
    nrows = math.ceil(len(items) / ncols)
    # colours from every item's vendors, so that a vendor keeps its colour in each of the figures
    colors = vendor_colors(chains.loc[chains["item_code"].isin(every), "vendor"])
    legend_rows = math.ceil((6 + len(colors)) / 3)  # the markers, the dashed line, 未披露, each vendor
    fig, header = base.figure(8.4, 1.0 + 0.27 * legend_rows + 3.4 * nrows)
    header.remove()
    grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[0.27 * legend_rows] + [3.4] * nrows)
    header = fig.add_subplot(grid[0, :])
    header.set_axis_off()
    by_chain = table.set_index("chain")
    shown_vendors: list[str] = []
    # the change of a re-procured contract against the chain it follows, as the chain table measures it
    at_retender = {f: c for f, c in zip(table["followed_by"], table["retender_after"]) if isinstance(f, str)}
    labels: list[list[Any]] = []
    for i, code in enumerate(items):
        ax = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        labels.append([])
        g = chains[chains["item_code"] == code]
        notes = []
        for chain, gc in g.groupby("chain", sort=False):
            gc = gc.dropna(subset=["year"]).sort_values("step")
            vendor = gc["vendor"].dropna().iloc[-1] if gc["vendor"].notna().any() else None
            color = colors.get(str(vendor), style.TEXT_COLOR) if vendor is not None else style.TEXT_COLOR
            if vendor is not None and str(vendor) not in shown_vendors:
                shown_vendors.append(str(vendor))
            xs = [int(y) for y in gc["year"]]
            ys = [math.nan if base.missing(v) else style.wan_value(v) for v in gc["annual_cost"]]
            estimated = bool(gc["estimated"].any())
            ax.plot(xs, ys, color=color, lw=1.5, ls="--" if estimated else "-", zorder=2,
                    gid="estimated" if estimated else "stated")
            for x, y, r in zip(xs, ys, gc.itertuples(), strict=True):
                if math.isnan(y):  # a contract whose amount is not disclosed: marked on the axis, never as 0
                    ax.plot([x], [0], marker="x", ms=6, mew=1.6, color=style.UNDISCLOSED_EDGECOLOR, clip_on=False,
                            zorder=4, gid="undisclosed")
                    labels[-1].append(ax.annotate(base.U, (x, 0), xytext=(0, 6), textcoords="offset points",
                                                  ha="center", va="bottom", fontsize=PANEL_FONTSIZE - 1,
                                                  color=style.NOTE_COLOR, gid="undisclosed-label"))
                    continue
                marker, _ = contract_marker(r)
                face = base.WARNING_COLOR if r.retender else "white" if r.renewed or marker == NONCOMPETITIVE_MARKER \
                    else color
                ax.plot([x], [y], marker=marker, ms=6, color=color, mfc=face, mec=color, zorder=3, gid=f"marker-{marker}")
                change = r.growth if r.renewed else at_retender.get(r.contract_id) if r.retender else None
                if not base.missing(change):
                    labels[-1].append(_change_label(ax, x, y, change, unit=r.renewed and r.basis == UNIT_PRICE,
                                                    color=base.WARNING_COLOR if r.retender else color))
            s = by_chain.loc[chain]
            if s["renewals"] > 0 and not base.missing(s["growth"]):
                what = "单价" if s.get("basis") == UNIT_PRICE else ""
                notes.append((f"{int(s['first_year']) % 100:02d}—{int(s['last_year']) % 100:02d}", vendor,
                              f"{what}年均{signed_pct(s['growth'], 1)}"))
        years = _years(g["year"])
        ax.set_xticks(years, labels=[f"{y % 100:02d}" for y in years], fontsize=PANEL_FONTSIZE)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.3)
        ax.tick_params(axis="y", labelsize=PANEL_FONTSIZE)
        name = g["item"].dropna().iloc[0] if g["item"].notna().any() else ""
        ax.set_title(f"{base.two_lines(item_label(code, name), 11)}\n{_chain_notes(notes[:2]) or '年均增长无法计算'}",
                     loc="left", fontsize=PANEL_FONTSIZE, pad=4, linespacing=1.25)
    handles = [
        Line2D([], [], ls="none", marker=COMPETITIVE_MARKER, ms=6, color=style.TEXT_COLOR, label="竞争性采购"),
        Line2D([], [], ls="none", marker=NONCOMPETITIVE_MARKER, ms=6, color=style.TEXT_COLOR, mfc="white",
               label="单一来源等非竞争性采购"),
        Line2D([], [], ls="none", marker=RENEWED_MARKER, ms=6, color=style.TEXT_COLOR, mfc="white",
               label="续签（点上方：年度金额增幅；点下方：单价增幅）"),
        Line2D([], [], ls="none", marker=RETENDER_MARKER, ms=6, color=style.TEXT_COLOR, mfc=base.WARNING_COLOR,
               label="重新采购（标注较前一合同年度金额的增幅）"),
        Line2D([], [], color=style.TEXT_COLOR, ls="--", label="虚线：按月费×12推算"),
    ]
    handles += [Line2D([], [], color=colors[v], lw=2.5, label=v) for v in shown_vendors]
    if chains.loc[chains["item_code"].isin(items), "annual_cost"].isna().any():
        handles.append(Line2D([], [], ls="none", marker="x", ms=6, mew=1.6, color=style.UNDISCLOSED_EDGECOLOR,
                              label=f"金额{base.U}"))
    header.legend(handles=handles, loc="center left", ncol=3, fontsize=LEGEND_FONTSIZE - 1.5, frameon=False,
                  borderaxespad=0)
    base.title(header, title, "横轴为年份（后两位）；每条线为一条续签链，颜色为供应商（各图一致），新的一条线表示重新采购后的合同")
    fig = base.done(fig, source, demo)
    for panel in labels:  # once laid out, so that the overlap is measured as printed
        base.separate_labels(panel)
    return fig


def _change_label(ax, x: float, y: float, change: float, *, unit: bool, color: str):
    """The change at a contract: of the annual amount, above its point; of the unit price (a chain billed by
    unit, whose points are still annual amounts), below it and named 单价, so that neither is read as the other."""
    if unit:
        return ax.annotate(f"单价\n{signed_pct(change, 1)}", (x, y), xytext=(0, -6), textcoords="offset points",
                           ha="center", va="top", fontsize=PANEL_FONTSIZE - 1.5, color=color, linespacing=1.0,
                           gid="unit-price-change")
    return ax.annotate(signed_pct(change, 1), (x, y), xytext=(0, 5), textcoords="offset points", ha="center",
                       va="bottom", fontsize=PANEL_FONTSIZE - 1, color=color, gid="amount-change")


def _chain_notes(notes: list[tuple[str, Any, str]]) -> str:
    """A panel's chains, one line each (``19—22单价年均-7.6%``); chains over the same years are told apart by
    their vendor (``19—22联通：单价年均+0.0%``)."""
    spans = [span for span, _, _ in notes]
    lines = []
    for span, vendor, text in notes:
        who = "" if spans.count(span) == 1 or base.missing(vendor) else f"{_short_vendor(vendor)}："
        lines.append(f"{span}{who}{text}")
    return "\n".join(lines)


def _short_vendor(vendor: Any) -> str:
    """A vendor's name short enough for a panel title: 中国联通 → 联通; others to their first six characters."""
    name = str(vendor)
    return name.removeprefix("中国") if name in base.CARRIER_COLORS else name[:6]

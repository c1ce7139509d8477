"""What every chart shares: figure, title and subtitle, the 未披露 panel and hatch, colours, labels, numbers.

The chart modules draw through :mod:`qdanalysis.present.style` and these helpers, so that a value the
data does not disclose looks the same in every chart: a hatched 未披露 bar (never zero), or a 未披露
panel that says what is missing when a chart has nothing disclosed at all.
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
from matplotlib.patches import Patch, Rectangle

from qdanalysis.money import WAN, is_missing, round_half_up, to_decimal
from qdanalysis.present import style

U = style.UNDISCLOSED_LABEL

# Okabe-Ito order (yellow left out) for series that are not budget categories.
SERIES_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
CARRIER_COLORS: dict[str, str] = {"中国联通": "#0072B2", "中国电信": "#009E73"}
MIXED_COLOR = "#7F7F7F"
MET_COLOR = "#009E73"
WARNING_COLOR = "#D55E00"
REFERENCE_COLOR = "#555555"
SUBTITLE_FONTSIZE = 9.5
LABEL_BOX = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
OPERATORS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": ""}


def missing(value: Any) -> bool:
    """Whether ``value`` is missing (None, NaN, pd.NA, NaT), that is not disclosed."""
    return is_missing(value)


def prefix(year: int | None) -> str:
    """``2020年`` before a title, or nothing without a year."""
    return "" if year is None else f"{year}年"


def title(ax: Axes, title: str, subtitle: str | None = None) -> None:
    """Title on the left; an optional grey subtitle between it and the axes."""
    if not subtitle:
        ax.set_title(title, loc="left", pad=10)
        return
    lines = subtitle.count("\n") + 1
    ax.set_title(title, loc="left", pad=10 + lines * SUBTITLE_FONTSIZE * 1.35)
    ax.annotate(subtitle, (0, 1), xycoords="axes fraction", xytext=(0, 6), textcoords="offset points",
                ha="left", va="bottom", fontsize=SUBTITLE_FONTSIZE, color=style.NOTE_COLOR, gid="subtitle")


def figure(width: float = 8, height: float = 4.5) -> tuple[Figure, Axes]:
    """A new figure in the report style, with its one axes."""
    return style.new_figure(width, height)


def undisclosed_panel(ax: Axes, message: str) -> None:
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


def done(fig: Figure, source: str, demo: bool) -> Figure:
    """The finished figure: source line, and the 示例数据 badge for demo data."""
    return style.finish(fig, source=source, demo=demo)


def empty(fig: Figure, ax: Axes, heading: str, message: str, source: str, demo: bool) -> Figure:
    """A chart whose data is not disclosed: the title and a hatched 未披露 panel saying what is missing."""
    title(ax, heading)
    undisclosed_panel(ax, message)
    return done(fig, source, demo)


def pct(ratio: float, places: int = 0) -> str:
    """A ratio as a percentage, rounded half up: 0.9827 -> '98.27%' with two places."""
    return f"{round_half_up(ratio * 100, places):f}%"


def two_lines(label: str, width: int) -> str:
    """At most two wrapped lines of ``label``; what does not fit ends in …"""
    lines = wrap(label, width).split("\n")
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def plain(value: Any) -> str:
    """A number without trailing zeros: Decimal('0.0650') -> '0.065', 600.00 -> '600'."""
    d = to_decimal(value).normalize()
    return f"{d.quantize(Decimal(1)) if d == d.to_integral() else d:f}"


def wan_count(count: Any) -> str:
    """A count in 万 with at most two decimals: 6000000 -> '600', 523400 -> '52.34'."""
    return plain(round_half_up(to_decimal(count) / WAN, 2))


def sequence_fmt(texts: Iterable[str]) -> Callable[[float], str]:
    """A value-label formatter that returns ``texts`` in turn.

    ``style.value_labels`` formats the disclosed bars once each, in bar order, so the
    texts are given for the disclosed bars only.
    """
    it = iter(texts)
    return lambda _value: next(it)


def wan_values(values: Iterable[Any]) -> list[float]:
    """Amounts in 元 as bar heights in 万元 (NaN where not disclosed)."""
    return [style.wan_value(v) for v in values]


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-/%]*|.")
_NO_LINE_START = "、，。：；）)》”"


def wrap(label: str, width: int) -> str:
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


def all_missing(values: Iterable[Any]) -> bool:
    """Whether no value is disclosed."""
    return all(missing(v) for v in values)


def bar_height(n: int, per_bar: float = 0.42, extra: float = 1.9) -> float:
    """The height of a figure of ``n`` horizontal bars, never below the standard 4.5 inches."""
    return max(4.5, per_bar * n + extra)


def legend_patches(items: Sequence[tuple[str, str]], undisclosed: bool) -> list[Patch]:
    """Legend entries of (label, colour), and the hatched 未披露 entry when ``undisclosed``."""
    handles = [Patch(facecolor=color, label=label) for label, color in items]
    if undisclosed:
        handles.append(Patch(facecolor=style.UNDISCLOSED_FACECOLOR, edgecolor=style.UNDISCLOSED_EDGECOLOR,
                             hatch=style.UNDISCLOSED_HATCH, label=U))
    return handles


def hatch(bar: Rectangle) -> None:
    """Draw ``bar`` as a 未披露 bar: hatched, grey, marked with the ``undisclosed`` gid."""
    bar.set_gid("undisclosed")
    bar.set_facecolor(style.UNDISCLOSED_FACECOLOR)
    bar.set_edgecolor(style.UNDISCLOSED_EDGECOLOR)
    bar.set_hatch(style.UNDISCLOSED_HATCH)
    bar.set_linewidth(0.8)


def widen_for_labels(ax: Axes, factor: float) -> None:
    """Extend the value axis so end-of-bar labels with notes stay inside the axes."""
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, lo + (hi - lo) * factor)


#: How far (in label heights) a label may be moved from its point to clear another, above or below.
LABEL_STEPS = 4


def separate_labels(labels: Sequence[Any], pad: float = 1.0) -> None:
    """Move point labels (annotations offset from their point) that overlap an earlier one.

    Each label, in order, keeps its place when it is clear of the labels placed before it; else it
    goes to the other side of its point (below a label set above it), else further from the point
    in steps of its own height, the nearer side first. Call it once the figure is laid out: the
    overlap is measured on the page. Two labels at one point (two carriers at 48.25) so stand
    one above and one below it, each next to its own point, neither over the other.

    Args:
        labels: the annotations of one axes, in order of precedence (the first never moves).
        pad: pixels kept clear between two labels.
    """
    if not labels:
        return
    fig = labels[0].figure
    renderer = fig.canvas.get_renderer()
    placed = []

    def clear(text) -> bool:
        box = text.get_window_extent(renderer).padded(pad)
        return not any(box.overlaps(other) for other in placed)

    for text in labels:
        if not clear(text):
            dx, dy = text.xyann
            va = text.get_va()
            flipped = {"bottom": "top", "top": "bottom"}.get(va, va)
            height = text.get_window_extent(renderer).height * 72 / fig.dpi + pad
            tries = [(-dy, flipped)]
            for k in range(1, LABEL_STEPS + 1):
                step = math.copysign(k * height, dy or 1)
                tries += [(dy + step, va), (-dy - step, flipped)]
            for new_dy, new_va in tries:
                text.xyann = (dx, new_dy)
                text.set_va(new_va)
                if clear(text):
                    break
            else:  # nowhere clear within reach: back where it was drawn
                text.xyann = (dx, dy)
                text.set_va(va)
        placed.append(text.get_window_extent(renderer))


def month_label(month: Any) -> str:
    """A month as the axis shows it: ``3月``."""
    return f"{pd.Timestamp(month).month}月"


#: How a figure derived by the workbook (推算), not stated by the data, is drawn: paler, dotted.
ESTIMATE_ALPHA, ESTIMATE_HATCH, ESTIMATE_LABEL = 0.45, "...", "推算（按现行月费，非实际支付）"


def stacked(ax: Axes, frame: pd.DataFrame, x_col: str, series_col: str, value_col: str,
            x_labels: Callable[[Any], str], series_labels: dict[Any, str],
            estimated: Callable[[Any], bool] | None = None,
            estimated_series: Callable[[Any], bool] | None = None,
            colors: dict[Any, str] | None = None) -> list[tuple[Patch, str]]:
    """Stacked bars of ``value_col`` (元) per ``x_col``, one colour per series; NA -> hatched stub;
    the bars of an ``x`` for which ``estimated(x)`` holds, and every bar of a series for which
    ``estimated_series(series)`` holds, are drawn as 推算 (paler, dotted). ``colors`` fixes a series' colour
    (the same carrier in the same colour in every chart), else the series take :data:`SERIES_COLORS` in order.

    Returns the legend entries: each series in its own colour, whatever its first bar looks like
    (absent in that period, or 推算)."""
    legend = []
    xs = list(dict.fromkeys(frame[x_col]))
    series = list(dict.fromkeys(frame[series_col]))
    table = {(r[x_col], r[series_col]): r[value_col] for _, r in frame.iterrows()}
    known = [style.wan_value(v) for v in frame[value_col] if not missing(v)]
    totals_known = [sum(style.wan_value(table[(x, s)]) for s in series if (x, s) in table and not missing(table[(x, s)]))
                    for x in xs]
    stub = (max(totals_known) if known else 1.0) * 0.05
    bottoms = [0.0] * len(xs)
    has_na = [False] * len(xs)
    for si, s in enumerate(series):
        color = (colors or {}).get(s) or SERIES_COLORS[si % len(SERIES_COLORS)]
        heights, na = [], []
        for xi, x in enumerate(xs):
            v = table.get((x, s))
            if (x, s) not in table:
                heights.append(0.0)
                na.append(False)
            elif missing(v):
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
                hatch(bar)
            elif h == 0:
                bar.set_visible(False)  # series absent in this period: no bar, not a zero bar
            elif (estimated is not None and estimated(x)) or (estimated_series is not None and estimated_series(s)):
                bar.set_alpha(ESTIMATE_ALPHA)
                bar.set_hatch(ESTIMATE_HATCH)
                bar.set_edgecolor(color)
                bar.set_gid("estimated")
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    any_known = [any((x, s) in table and not missing(table[(x, s)]) for s in series) for x in xs]
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


def legend_below(ax: Axes, series: list[tuple[Patch, str]], ncol: int = 2, undisclosed: bool = False,
                 estimated: bool = False) -> None:
    """A legend under the axes: the series, then 未披露 and 推算 entries when asked for."""
    handles, labels = [h for h, _ in series], [lab for _, lab in series]
    if undisclosed:
        handles += legend_patches([], True)
        labels += [U]
    if estimated:
        handles.append(Patch(facecolor="white", edgecolor=style.TEXT_COLOR, hatch=ESTIMATE_HATCH, linewidth=0.6))
        labels.append(ESTIMATE_LABEL)
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=ncol, frameon=False,
              fontsize=8.5, handlelength=1.2, columnspacing=1.5)

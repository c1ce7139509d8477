"""Chart style shared by every chart: CJK font, category colours, 万元 labels, notes.

Every chart in the report is drawn through these helpers so that fonts, colours, units
and the treatment of undisclosed amounts are the same everywhere.
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from qdanalysis.domain import DEMO_LABEL as _DEMO
from qdanalysis.domain import UNDISCLOSED as _UNDISCLOSED
from qdanalysis.fmt import format_number, format_wan  # noqa: F401 (re-exported)
from qdanalysis.money import WAN, is_missing, to_decimal
from qdanalysis.present.webfont import cjk_font_path  # the charts and the HTML report share the font

# --- labels and colours -------------------------------------------------------------

CATEGORY_ORDER: tuple[str, ...] = (
    "关键设备维护服务费",
    "网络线路及安全保障",
    "电子认证数字证书及服务费",
    "大数据产业规划评估等费用",
    "宣传、培训、咨询、评估费等",
)

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and
# in greyscale print; yellow is left out because it vanishes on white paper.
CATEGORY_PALETTE: dict[str, str] = {
    "关键设备维护服务费": "#0072B2",
    "网络线路及安全保障": "#E69F00",
    "电子认证数字证书及服务费": "#009E73",
    "大数据产业规划评估等费用": "#D55E00",
    "宣传、培训、咨询、评估费等": "#CC79A7",
}

UNDISCLOSED_LABEL = _UNDISCLOSED
DEMO_LABEL = _DEMO
SOURCE_PREFIX = "数据来源："
UNIT_WAN = "万元"

UNDISCLOSED_FACECOLOR = "#EDEDED"
UNDISCLOSED_EDGECOLOR = "#8C8C8C"
UNDISCLOSED_HATCH = "///"

TEXT_COLOR = "#333333"
NOTE_COLOR = "#6E6E6E"
DEMO_COLOR = "#B23B00"

# 8 x 4.5 in at 120 dpi is 960 x 540 px: sharp in a report column, 60-120 KB as PNG.
DPI = 120
NOTE_FONTSIZE = 8.5
DEMO_FONTSIZE = 9.5

_family: str | None = None
_theme_applied = False

# Space (figure fraction) that notes and badges reserve, per figure, for re-layout.
_reserved: weakref.WeakKeyDictionary[Figure, dict[str, float]] = weakref.WeakKeyDictionary()


# --- fonts ----------------------------------------------------------------------------


def use_cjk_font() -> str:
    """Register the bundled Chinese font and make it matplotlib's first sans-serif.

    Idempotent and cheap after the first call: the font is added to the in-memory
    font list once, and no font cache is rebuilt.

    Returns:
        The font family name ("Noto Sans SC").
    """
    global _family
    if _family is None:
        path = str(cjk_font_path())
        known = [e for e in font_manager.fontManager.ttflist if e.fname == path]
        if not known:
            font_manager.fontManager.addfont(path)
            known = [e for e in font_manager.fontManager.ttflist if e.fname == path]
        _family = known[0].name
    others = [f for f in mpl.rcParams["font.sans-serif"] if f != _family]
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["font.sans-serif"] = [_family, *others]
    mpl.rcParams["axes.unicode_minus"] = False
    return _family


def apply_theme() -> str:
    """Apply the report theme (seaborn whitegrid) with the Chinese font on top.

    ``sns.set_theme`` resets rcParams, so the font is registered again afterwards.

    Returns:
        The font family name.
    """
    import seaborn as sns  # seaborn is slow to import; only needed here

    global _theme_applied
    _theme_applied = True
    family = use_cjk_font()
    sns.set_theme(
        style="whitegrid",
        font=family,
        rc={
            "axes.unicode_minus": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#BBBBBB",
            "axes.titlesize": 13,
            "axes.titlelocation": "left",
            "axes.labelcolor": TEXT_COLOR,
            "grid.color": "#E5E5E5",
            "text.color": TEXT_COLOR,
            "xtick.color": TEXT_COLOR,
            "ytick.color": TEXT_COLOR,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
        },
    )
    return use_cjk_font()


# --- numbers --------------------------------------------------------------------------


def wan_value(yuan: Any) -> float:
    """Convert 元 to 万元 for drawing; None, NaN and pd.NA become NaN."""
    if is_missing(yuan):
        return math.nan
    return float(to_decimal(yuan) / WAN)


# --- figures --------------------------------------------------------------------------


def new_figure(width: float = 8, height: float = 4.5, *, dpi: int = DPI) -> tuple[Figure, Axes]:
    """A figure with one axes, sized for the HTML report.

    Applies the report theme the first time (later calls keep any rcParams the
    notebook changed) and the Chinese font every time.
    """
    if not _theme_applied:
        apply_theme()
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(width, height), dpi=dpi, facecolor="white")
    return fig, ax


def _relayout(fig: Figure) -> None:
    """Fit the axes into the space left free by source notes and badges."""
    space = _reserved.get(fig, {})
    rect = (0.0, space.get("bottom", 0.0), 1.0, 1.0 - space.get("top", 0.0))
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=rect)
    else:
        with _bboxes_measured_once(fig):
            fig.tight_layout(rect=rect)
        if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
            # tight_layout leaves a placeholder engine behind, for which savefig lays the figure out once more
            # (a whole draw without pixels) before drawing it: nothing is left to lay out, the pixels are the same
            fig.set_layout_engine(None)


@contextlib.contextmanager
def _bboxes_measured_once(fig: Figure) -> Iterator[None]:
    """While the figure is laid out, each axes' tight bounding box is measured once and then reused.

    ``tight_layout`` with a ``rect`` measures every axes twice (once for the margins, once more within the
    rect) while nothing on the figure moves in between, and measuring (every tick label and title laid out
    as text) is most of its time: the second measure is the first's result, so the layout, and the figure's
    pixels, are the same.
    """
    axes = [(ax, ax.__dict__.get("get_tightbbox")) for ax in fig.axes]  # an axes' own measure is put back after
    for ax, _ in axes:
        measure, seen = ax.get_tightbbox, {}

        def once(renderer=None, *args, _measure=measure, _seen=seen, **kwargs):
            key = (id(renderer), args, tuple(sorted(kwargs.items())))
            if key not in _seen:
                _seen[key] = _measure(renderer, *args, **kwargs)
            return _seen[key]

        ax.get_tightbbox = once
    try:
        yield
    finally:
        for ax, own in axes:
            if own is None:
                ax.__dict__.pop("get_tightbbox", None)
            else:
                ax.get_tightbbox = own


def _line_height(fig: Figure, fontsize: float) -> float:
    """Height of one text line as a fraction of the figure height."""
    return fontsize * 1.45 / 72 / fig.get_figheight()


def _wrap(fig: Figure, text: str, fontsize: float, width_fraction: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width_fraction`` of the figure."""
    renderer = fig.canvas.get_renderer()
    prop = font_manager.FontProperties(size=fontsize)
    limit = width_fraction * fig.bbox.width

    def fits(s: str) -> bool:
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0] <= limit

    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        rest = paragraph
        # Each line is the longest prefix that fits (at least one character), found by
        # bisection: measuring a CJK string costs about 1 ms, so not one per character.
        while len(rest) > 1 and not fits(rest):
            lo, hi = 1, len(rest) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                lo, hi = (mid, hi) if fits(rest[:mid]) else (lo, mid - 1)
            lines.append(rest[:lo])
            rest = rest[lo + 1:] if rest[lo].isspace() else rest[lo:]  # a space at the break is dropped
        lines.append(rest)
    return lines


def add_source_note(fig: Figure, text: str, *, relayout: bool = True) -> Text:
    """Write ``数据来源：text`` in small grey type under the axes.

    The axes are laid out again above the note, so it never covers tick labels
    (``relayout=False`` leaves that to the caller, which lays out once at the end).

    Returns:
        The note's Text artist.
    """
    use_cjk_font()
    body = text if text.startswith(SOURCE_PREFIX) else SOURCE_PREFIX + text
    lines = _wrap(fig, body, NOTE_FONTSIZE, 0.97)
    margin = 0.012
    note = fig.text(
        0.012,
        margin,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=NOTE_FONTSIZE,
        color=NOTE_COLOR,
        gid="source-note",
    )
    _reserved.setdefault(fig, {})["bottom"] = margin + len(lines) * _line_height(fig, NOTE_FONTSIZE) + 0.01
    if relayout:
        _relayout(fig)
    return note


def mark_demo(fig: Figure, *, relayout: bool = True) -> Text:
    """Put a 示例数据 badge in the top-right corner: the figure shows no real data.

    Returns:
        The badge's Text artist.
    """
    use_cjk_font()
    badge = fig.text(
        0.992,
        0.985,
        DEMO_LABEL,
        ha="right",
        va="top",
        fontsize=DEMO_FONTSIZE,
        color=DEMO_COLOR,
        gid="demo-badge",
        bbox={"boxstyle": "round,pad=0.35", "facecolor": "#FFF1E6", "edgecolor": DEMO_COLOR, "linewidth": 0.9},
    )
    _reserved.setdefault(fig, {})["top"] = _line_height(fig, DEMO_FONTSIZE) + 0.012
    if relayout:
        _relayout(fig)
    return badge


def finish(fig: Figure, *, source: str | None = None, demo: bool = False) -> Figure:
    """Lay the figure out and add the source note and the demo badge.

    Args:
        fig: the chart.
        source: where the numbers come from, written as ``数据来源：...`` under the axes.
        demo: mark the chart as 示例数据 (numbers are not real).

    Returns:
        The same figure, for display as a cell's last expression.
    """
    if source:
        add_source_note(fig, source, relayout=False)
    if demo:
        mark_demo(fig, relayout=False)
    _relayout(fig)  # once, around the space the note and the badge take
    return fig


# --- bars -----------------------------------------------------------------------------


def _bar_orientation(bars: Sequence[Rectangle]) -> str:
    orientation = getattr(bars, "orientation", None)
    return orientation if orientation in ("vertical", "horizontal") else "vertical"


def value_labels(
    ax: Axes,
    bars: Sequence[Rectangle],
    fmt: str | Callable[[float], str] = format_number,
    *,
    padding: float = 3,
    fontsize: float = 9,
) -> list[Text]:
    """Write each bar's value at its end; undisclosed (hatched) bars are skipped.

    Args:
        ax: the axes holding the bars.
        bars: a BarContainer (or list of its rectangles).
        fmt: a format string such as ``"{:.2f}"`` or a callable value -> text.

    Returns:
        The label artists, in bar order.
    """
    use_cjk_font()
    formatter = fmt.format if isinstance(fmt, str) else fmt
    horizontal = _bar_orientation(bars) == "horizontal"
    texts: list[Text] = []
    for bar in bars:
        if bar.get_gid() == "undisclosed":
            continue
        value = bar.get_width() if horizontal else bar.get_height()
        x = bar.get_x() + (bar.get_width() if horizontal else bar.get_width() / 2)
        y = bar.get_y() + (bar.get_height() / 2 if horizontal else bar.get_height())
        sign = -1 if value < 0 else 1
        texts.append(
            ax.annotate(
                formatter(value),
                (x, y),
                xytext=(sign * padding, 0) if horizontal else (0, sign * padding),
                textcoords="offset points",
                ha=("left" if sign > 0 else "right") if horizontal else "center",
                va="center" if horizontal else ("bottom" if sign > 0 else "top"),
                fontsize=fontsize,
                color=TEXT_COLOR,
            )
        )
    return texts


def wrap_label(label: str, width: int) -> str:
    """Break a Chinese label into lines of about ``width`` characters.

    Lines have similar lengths, and a break moves to just after a nearby 、 or ，. Lines the
    label already has are wrapped one by one.
    """
    if "\n" in label:
        return "\n".join(wrap_label(part, width) for part in label.split("\n"))
    if width < 1 or len(label) <= width:
        return label
    n_lines = math.ceil(len(label) / width)
    step = math.ceil(len(label) / n_lines)
    lines: list[str] = []
    start = 0
    while len(label) - start > step:
        cut = start + step
        nearby = [i + 1 for i in range(cut - 2, cut + 2) if start < i < len(label) - 1 and label[i] in "、，,"]
        if nearby:
            cut = min(nearby, key=lambda i: abs(i - (start + step)))
        lines.append(label[start:cut])
        start = cut
    lines.append(label[start:])
    return "\n".join(lines)


def _undisclosed_height(
    undisclosed_heights: Mapping[str, float] | Sequence[float | None] | None, index: int, label: str
) -> float | None:
    if undisclosed_heights is None:
        return None
    if isinstance(undisclosed_heights, Mapping):
        height = undisclosed_heights.get(label)
    else:
        height = undisclosed_heights[index] if index < len(undisclosed_heights) else None
    return None if is_missing(height) or float(height) <= 0 else float(height)


def bar_with_undisclosed(
    ax: Axes,
    labels: Sequence[str],
    values_wan: Sequence[Any],
    colors: Sequence[str] | Mapping[str, str] | None = None,
    *,
    undisclosed_heights: Mapping[str, float] | Sequence[float | None] | None = None,
    horizontal: bool = False,
    stub_fraction: float = 0.06,
    fmt: str | Callable[[float], str] = format_number,
    width: float = 0.62,
) -> BarContainer:
    """Bars in 万元 where a missing value is a hatched grey 未披露 bar, never a zero.

    Args:
        ax: target axes.
        labels: one label per bar (categories, years...).
        values_wan: amounts in 万元; None/NaN/pd.NA means the amount was not disclosed.
        colors: per-bar colours, or a label -> colour mapping; default CATEGORY_PALETTE,
            then grey.
        undisclosed_heights: height to draw for an undisclosed bar (for example the
            remaining undisclosed total), by label or by position. Without one, the bar
            is a short stub whose height carries no meaning.
        horizontal: draw horizontal bars (better for long Chinese labels).
        stub_fraction: stub height as a fraction of the largest drawn value.
        fmt: format of the value labels on disclosed bars.
        width: bar thickness.

    Returns:
        The BarContainer; undisclosed bars have gid ``"undisclosed"``.
    """
    use_cjk_font()
    if len(labels) != len(values_wan):
        raise ValueError(f"labels 与 values_wan 长度不同：{len(labels)} != {len(values_wan)}")
    missing = [is_missing(v) for v in values_wan]
    known = [float(v) for v, m in zip(values_wan, missing, strict=True) if not m]
    stated = [_undisclosed_height(undisclosed_heights, i, lab) for i, lab in enumerate(labels)]
    scale = max([abs(v) for v in known] + [h for h in stated if h is not None] + [0.0]) or 1.0
    heights: list[float] = []
    for value, value_missing, height in zip(values_wan, missing, stated, strict=True):
        if not value_missing:
            heights.append(float(value))
        else:
            heights.append(height if height is not None else scale * stub_fraction)

    if colors is None:
        colors = CATEGORY_PALETTE
    if isinstance(colors, Mapping):
        face = [colors.get(lab, "#7F7F7F") for lab in labels]
    else:
        face = list(colors)

    positions = range(len(labels))
    if horizontal:
        bars = ax.barh(positions, heights, height=width, color=face, zorder=2)
        ax.set_yticks(list(positions), labels=list(labels))
        ax.invert_yaxis()  # first label on top, as a table reads
    else:
        bars = ax.bar(positions, heights, width=width, color=face, zorder=2)
        # Long Chinese category names would run into each other: wrap to the slot width.
        slot_pt = ax.get_position().width * ax.figure.get_figwidth() * 72 / max(len(labels), 1)
        tick_size = font_manager.FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points()
        chars = max(2, int(slot_pt * 0.9 / tick_size))
        ax.set_xticks(list(positions), labels=[wrap_label(str(lab), chars) for lab in labels])

    for bar, bar_missing, height in zip(bars, missing, stated, strict=True):
        bar.set_linewidth(0)
        if not bar_missing:
            continue
        bar.set_gid("undisclosed")
        bar.set_facecolor(UNDISCLOSED_FACECOLOR)
        bar.set_edgecolor(UNDISCLOSED_EDGECOLOR)
        bar.set_hatch(UNDISCLOSED_HATCH)
        bar.set_hatchcolor(UNDISCLOSED_EDGECOLOR)
        bar.set_linewidth(0.8)
        text = UNDISCLOSED_LABEL if height is None else f"{UNDISCLOSED_LABEL} {format_number(height)}"
        end_x = bar.get_x() + (bar.get_width() if horizontal else bar.get_width() / 2)
        end_y = bar.get_y() + (bar.get_height() / 2 if horizontal else bar.get_height())
        ax.annotate(
            text,
            (end_x, end_y),
            xytext=(3, 0) if horizontal else (0, 3),
            textcoords="offset points",
            ha="left" if horizontal else "center",
            va="center" if horizontal else "bottom",
            fontsize=9,
            color=NOTE_COLOR,
            gid="undisclosed-label",
        )

    value_labels(ax, bars, fmt)
    # Headroom so the labels at the bar ends stay inside the axes.
    top = max(heights + [0.0]) * 1.15 or 1.0
    bottom = min(heights + [0.0]) * 1.15
    if horizontal:
        ax.set_xlim(bottom, top)
        ax.set_xlabel(UNIT_WAN)
        ax.grid(axis="y", visible=False)
    else:
        ax.set_ylim(bottom, top)
        ax.set_ylabel(UNIT_WAN)
        ax.grid(axis="x", visible=False)
    return bars

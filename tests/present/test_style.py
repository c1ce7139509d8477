"""Tests for qdanalysis.present.style: Chinese font, 未披露 bars, 万元 formatting, notes."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import textwrap
import warnings
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from qdanalysis.present import style

SAMPLE_PNG = Path("/tmp/style_sample.png")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _resolved_font() -> Path:
    family = matplotlib.rcParams["font.sans-serif"][0]
    return Path(font_manager.findfont(FontProperties(family=family), fallback_to_default=False))


def _glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    messages = [str(w.message) for w in caught]
    return [m for m in messages if "missing from font" in m or "Glyph" in m]


def _sample_chart(horizontal: bool = False):
    fig, ax = style.new_figure()
    bars = style.bar_with_undisclosed(
        ax,
        list(style.CATEGORY_ORDER),
        [924.68, math.nan, 61.2, None, 35.5],
        undisclosed_heights={style.CATEGORY_ORDER[3]: 120.0},
        horizontal=horizontal,
    )
    ax.set_title("2020年专项业务费各类别支出（万元）")
    style.finish(fig, source="青岛市大数据发展管理局2020年度部门决算公开表", demo=True)
    return fig, ax, bars


def test_use_cjk_font_makes_noto_sans_sc_the_first_sans_serif():
    family = style.use_cjk_font()

    assert family == "Noto Sans SC"
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert _resolved_font() == style.cjk_font_path()
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_use_cjk_font_is_idempotent():
    style.use_cjk_font()
    entries = len(font_manager.fontManager.ttflist)
    style.use_cjk_font()

    assert len(font_manager.fontManager.ttflist) == entries
    assert matplotlib.rcParams["font.sans-serif"].count("Noto Sans SC") == 1


def test_font_survives_apply_theme():
    style.apply_theme()

    assert _resolved_font() == style.cjk_font_path()
    assert matplotlib.rcParams["axes.unicode_minus"] is False


@pytest.mark.slow
@pytest.mark.parametrize("horizontal", [False, True])
def test_chinese_chart_renders_without_glyph_warnings(horizontal):
    style.apply_theme()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax, _ = _sample_chart(horizontal)
        ax.set_xlabel("类别")
        fig.savefig(io.BytesIO(), format="png")

    assert _glyph_warnings(caught) == []


@pytest.mark.slow
def test_sample_png_is_written_at_report_size():
    style.apply_theme()
    fig, _, _ = _sample_chart()
    fig.savefig(SAMPLE_PNG)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")

    assert 40_000 < len(buffer.getvalue()) < 140_000


@pytest.mark.slow
def test_one_call_to_apply_theme_gives_a_plain_pyplot_chart_the_chinese_font():
    """What a notebook user does (notebooks/0.1-explore-year): apply_theme() once, then plain pyplot.

    In a fresh interpreter with matplotlib's own defaults, where no helper of this module has set the
    font yet; the same chart drawn before the call shows that the count sees missing glyphs.
    """
    code = textwrap.dedent("""
        import io, warnings
        import matplotlib
        matplotlib.use("Agg")
        matplotlib.rcdefaults()
        import matplotlib.pyplot as plt
        from qdanalysis.present import style

        def missing_glyphs():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fig, ax = plt.subplots()
                ax.barh(["关键设备维护服务费", "网络线路及安全保障"], [213.5, 253.42])
                ax.set_title("各类别预算数（万元）")
                fig.savefig(io.BytesIO(), format="png")
            return len([w for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)])

        before = missing_glyphs()
        style.apply_theme()
        print(before, missing_glyphs())
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert before > 0 and after == 0


def test_undisclosed_value_is_a_hatched_bar_labelled_weipilu_never_zero():
    fig, ax = style.new_figure()
    bars = style.bar_with_undisclosed(ax, ["甲", "乙", "丙"], [10.0, math.nan, 5.0])

    undisclosed = [p for p in ax.patches if p.get_gid() == "undisclosed"]
    assert len(undisclosed) == 1
    assert undisclosed[0].get_hatch() == style.UNDISCLOSED_HATCH
    assert all(p.get_height() > 0 for p in ax.patches)
    assert len(bars) == 3
    texts = [t.get_text() for t in ax.texts]
    assert style.UNDISCLOSED_LABEL in texts
    assert "10.00" in texts and "5.00" in texts
    assert not any(t in ("0.00", "nan", "NaN") for t in texts)


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, Decimal("NaN")])
def test_every_kind_of_missing_value_is_undisclosed(missing):
    fig, ax = style.new_figure()
    style.bar_with_undisclosed(ax, ["甲", "乙"], [3.0, missing], horizontal=True)

    assert [p.get_gid() for p in ax.patches] == [None, "undisclosed"]
    assert all(p.get_width() > 0 for p in ax.patches)


def test_undisclosed_bar_takes_the_stated_height():
    fig, ax = style.new_figure()
    style.bar_with_undisclosed(ax, ["甲", "乙"], [10.0, None], undisclosed_heights=[None, 4.0])

    assert ax.patches[1].get_height() == pytest.approx(4.0)
    assert any(t.get_text().startswith(style.UNDISCLOSED_LABEL) and "4.00" in t.get_text() for t in ax.texts)


def test_bar_colours_follow_the_category_palette():
    fig, ax = style.new_figure()
    style.bar_with_undisclosed(ax, list(style.CATEGORY_ORDER), [1, 2, 3, 4, 5])

    got = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert got == [style.CATEGORY_PALETTE[c].lower() for c in style.CATEGORY_ORDER]


def test_palette_has_one_distinct_colour_per_category():
    assert list(style.CATEGORY_PALETTE) == list(style.CATEGORY_ORDER)
    assert len(set(style.CATEGORY_PALETTE.values())) == 5


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [
        (9246800, "924.68"),
        (11398.5, "1.14"),
        (Decimal("11250"), "1.13"),  # half-up, not banker's rounding (which gives 1.12)
        (10050.0, "1.01"),  # a float that binary rounding would push down
        (Decimal("-11250"), "-1.13"),
        (0, "0.00"),
        ("9246800", "924.68"),
        (None, "未披露"),
        (math.nan, "未披露"),
        (pd.NA, "未披露"),
    ],
)
def test_format_wan_rounds_half_up(yuan, expected):
    assert style.format_wan(yuan) == expected


def test_wan_converts_yuan_and_keeps_missing_as_nan():
    assert style.wan_value(Decimal("9246800")) == pytest.approx(924.68)
    assert style.wan_value(11398.5) == pytest.approx(1.13985)
    assert math.isnan(style.wan_value(None))
    assert math.isnan(style.wan_value(pd.NA))


@pytest.mark.parametrize(
    ("label", "width", "expected"),
    [
        ("网络线路及安全保障", 20, "网络线路及安全保障"),
        ("宣传、培训、咨询、评估费等", 7, "宣传、培训、\n咨询、评估费等"),
        ("关键设备维护服务费", 5, "关键设备维\n护服务费"),
        ("线路清单合计\n3条＋92个单位", 8, "线路清单合计\n3条＋92个单位"),  # its own lines are kept
        ("绩效目标\n关键设备维护服务费", 5, "绩效目标\n关键设备维\n护服务费"),
    ],
)
def test_wrap_label(label, width, expected):
    assert style.wrap_label(label, width) == expected


def test_mark_demo_puts_a_demo_text_on_the_figure():
    fig, _ = style.new_figure()
    style.mark_demo(fig)

    assert any(style.DEMO_LABEL in t.get_text() for t in fig.texts)


def test_source_note_sits_below_the_tick_labels():
    fig, ax = style.new_figure()
    style.bar_with_undisclosed(ax, list(style.CATEGORY_ORDER), [1, 2, None, 4, 5])
    note = style.add_source_note(fig, "部门决算公开表")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()

    assert note.get_text().startswith("数据来源：部门决算公开表")
    assert note.get_window_extent(renderer).y1 < ax.get_tightbbox(renderer).y0


def test_finish_without_demo_adds_no_badge():
    fig, _ = style.new_figure()
    style.finish(fig, source="数据来源：示意")

    texts = [t.get_text() for t in fig.texts]
    assert texts == ["数据来源：示意"]


def test_a_layout_measures_each_axes_once_and_is_not_redone_in_savefig_the_same_pixels():
    import io

    def drawn(once: bool) -> tuple[bytes, tuple, int]:
        fig, ax = style.new_figure(6, 3)
        ax.bar(["关键设备维护服务费", "网络线路及安全保障"], [213.5, 700.0])
        ax.set_title("2020年各类别预算")
        calls = []
        measure = ax.get_tightbbox
        ax.get_tightbbox = lambda *a, **k: calls.append(1) or measure(*a, **k)  # counts what the layout measures
        style.add_source_note(fig, "预算执行表", relayout=False)
        if once:
            style._relayout(fig)
            assert fig.get_layout_engine() is None  # savefig does not lay it out again
        else:
            fig.tight_layout(rect=(0.0, style._reserved[fig]["bottom"], 1.0, 1.0))
            assert fig.get_layout_engine() is not None  # matplotlib's placeholder: laid out again in savefig
        del ax.get_tightbbox
        params = fig.subplotpars
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return buf.getvalue(), (params.left, params.bottom, params.right, params.top), len(calls)

    png, params, measured = drawn(once=True)
    twice_png, twice_params, twice_measured = drawn(once=False)
    assert (measured, twice_measured) == (1, 2)
    assert params == twice_params and png == twice_png

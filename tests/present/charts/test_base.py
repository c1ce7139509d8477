"""What every chart shares: 未披露 panels and hatched bars, wrapped labels, numbers in 万, stacked bars."""

from __future__ import annotations

from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest
from chart_checks import texts

from qdanalysis.present.charts import base


@pytest.mark.parametrize("value, is_missing", [(None, True), (float("nan"), True), (pd.NA, True), (pd.NaT, True),
                                               (Decimal("NaN"), True), (0, False), ("未披露", False)])
def test_missing_means_not_disclosed_never_zero(value, is_missing):
    assert base.missing(value) is is_missing


def test_numbers_and_labels_as_the_charts_write_them():
    assert base.prefix(2020) == "2020年" and base.prefix(None) == ""
    assert base.pct(0.9827, 2) == "98.27%" and base.pct(0.515) == "52%"
    assert base.plain(Decimal("0.0650")) == "0.065" and base.plain(600.00) == "600"
    assert base.wan_count(6_000_000) == "600" and base.wan_count(523_400) == "52.34"
    assert base.month_label("2020-03-01") == "3月"
    fmt = base.sequence_fmt(["甲", "乙"])
    assert [fmt(1.0), fmt(2.0)] == ["甲", "乙"]
    assert base.wan_values([Decimal(12345), None])[0] == pytest.approx(1.2345)
    assert base.all_missing([None, float("nan")]) and not base.all_missing([None, 0])
    assert base.bar_height(2) == 4.5 and base.bar_height(20) == pytest.approx(0.42 * 20 + 1.9)


def test_labels_wrap_between_words_never_inside_a_latin_word_or_before_punctuation():
    assert base.wrap("短标签", 8) == "短标签"
    wrapped = base.wrap("网络设备、Radware负载均衡、网闸等设备的维保及配件", 8)
    assert "Radware" in wrapped.replace("\n", "") and all(not line.startswith(("、", "）")) for line in wrapped.split("\n"))
    assert len(wrapped.split("\n")) >= 2 and wrapped.replace("\n", "") == "网络设备、Radware负载均衡、网闸等设备的维保及配件"
    two = base.two_lines("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", 8)
    assert len(two.split("\n")) == 2 and two.endswith("…")


def test_an_empty_chart_is_its_title_and_a_panel_saying_what_is_missing():
    fig, ax = base.figure()
    base.empty(fig, ax, "2020年短信月度", "各月发送条数", source="《表》「短信结算」表", demo=True)
    assert ax.get_title(loc="left") == "2020年短信月度"
    assert [p.get_gid() for p in ax.patches] == ["undisclosed-panel"]
    shown = texts(fig)
    assert "未披露\n各月发送条数" in shown and any("《表》「短信结算」表" in t for t in shown)
    assert any("示例数据" in t for t in shown)


def test_a_subtitle_sits_between_the_title_and_the_axes():
    fig, ax = base.figure()
    base.title(ax, "标题", "说明第一行\n说明第二行")
    [note] = [t for t in ax.texts if t.get_gid() == "subtitle"]
    assert note.get_text() == "说明第一行\n说明第二行" and ax.get_title(loc="left") == "标题"


def test_a_hatched_bar_is_grey_and_marked_undisclosed():
    _, ax = base.figure()
    [bar] = ax.bar([0], [1.0])
    base.hatch(bar)
    assert bar.get_gid() == "undisclosed" and bar.get_hatch() == base.style.UNDISCLOSED_HATCH
    labels = [p.get_label() for p in base.legend_patches([("电信", "#009E73")], undisclosed=True)]
    assert labels == ["电信", "未披露"]


def test_stacked_bars_hatch_what_is_not_disclosed_and_total_what_is():
    frame = pd.DataFrame({"year": [2019, 2019, 2020, 2020, 2021], "s": ["甲", "乙", "甲", "乙", "甲"],
                          "cost": [Decimal(10000), Decimal(20000), None, Decimal(5000), None]})
    _, ax = base.figure()
    legend = base.stacked(ax, frame, "year", "s", "cost", lambda y: f"{y}年", {"甲": "甲类"},
                          estimated=lambda y: y == 2019)
    assert [label for _, label in legend] == ["甲类", "乙"]
    totals = [t.get_text() for t in ax.texts if t.get_gid() == "total-label"]
    assert totals == ["3.00", "0.50+未披露", "未披露"]
    gids = [p.get_gid() for p in ax.patches]
    assert gids.count("undisclosed") == 2 and gids.count("estimated") == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019年", "2020年", "2021年"]
    base.legend_below(ax, legend, undisclosed=True, estimated=True)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["甲类", "乙", "未披露", base.ESTIMATE_LABEL]


def test_labels_that_overlap_are_moved_apart_and_a_clear_one_stays():
    import matplotlib.pyplot as plt

    fig, ax = base.figure(4, 3)
    ax.plot([2018, 2022], [48.25, 37.14])
    ax.set_xlim(2017.5, 2022.5)
    ax.set_ylim(0, 60)

    def label(x, y):
        return ax.annotate(f"{y:.2f}", (x, y), xytext=(0, 5), textcoords="offset points", ha="center", va="bottom")

    first, same, alone = label(2018, 48.25), label(2018, 48.25), label(2022, 37.14)
    renderer = fig.canvas.get_renderer()
    assert first.get_window_extent(renderer).overlaps(same.get_window_extent(renderer))  # drawn one over the other
    base.separate_labels([first, same, alone])
    assert first.xyann == (0, 5) and alone.xyann == (0, 5)  # the first and a clear label do not move
    assert same.xyann == (0, -5) and same.get_va() == "top"  # the other side of its point
    boxes = [t.get_window_extent(renderer) for t in (first, same, alone)]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plt.close(fig)

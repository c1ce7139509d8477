"""Tests for qdanalysis.present.charts.trends: one measure over the years, and the multi-year charts drawn
from the demo's years (the ``analyses`` fixture of tests/conftest.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from chart_checks import (
    SOURCE,
    assert_hatched,
    assert_undisclosed_panel,
    joined,
    texts,
    titles,
    trends_frame,
)

from qdanalysis.analyse import trends as T
from qdanalysis.present import style
from qdanalysis.present.charts import base
from qdanalysis.present.charts import trends as trend_charts
from qdanalysis.read.schema import MONEY


def test_trend_money_draws_the_undisclosed_year_hatched():
    fig = trend_charts.trend(trends_frame(), "executed", "专项业务费执行数（万元）", source=SOURCE, demo=True)

    assert titles(fig) == "专项业务费执行数（万元）"
    assert_hatched(fig, 1)
    body = texts(fig)
    assert "800.00" in body and "924.68" in body
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2016年", "2017年", "2018年", "2019年", "2020年"]
    assert "示例数据" in body
    assert "2016—2020年年均增长 +3.7%" in joined(fig)


def test_trend_count_is_not_in_wan():
    fig = trend_charts.trend(trends_frame(), "lines", "保障网络线路数量（条）", source=SOURCE, money=False)

    body = texts(fig)
    assert "95" in body and "70" in body
    assert fig.axes[0].get_ylabel() != style.UNIT_WAN
    assert_hatched(fig, 1)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"year": pd.Series([], dtype="int64"), "executed": pd.array([], dtype=MONEY)}),
    pd.DataFrame({"year": [2019, 2020], "executed": pd.array([None, None], dtype=MONEY)}),
])
def test_trend_empty_or_all_na_is_an_undisclosed_panel(frame):
    fig = trend_charts.trend(frame, "executed", "专项业务费执行数（万元）", source=SOURCE)

    assert_undisclosed_panel(fig)


@pytest.mark.slow
def test_trend_charts_draw_without_warnings(analyses, recwarn):

    from qdanalysis.present.charts import base
    from qdanalysis.present.charts import trends as trend_charts

    lines = T.line_trend(analyses)
    chains = T.chain_history(T.contract_history(analyses))
    figs = [trend_charts.category_trend(T.category_trend(analyses), source="s", demo=True),
            trend_charts.line_cost_trend(lines, source="s", demo=True),
            trend_charts.unit_price_trend(lines, source="s", demo=True),
            trend_charts.sms_trend(T.sms_trend(analyses), source="s", demo=True),
            trend_charts.chain_trend(chains, T.chain_table(chains), source="s", demo=True)]
    assert [str(w.message) for w in recwarn] == []  # a warning would print into the finished report
    # 推算 is drawn distinctly: per-Mbps prices and monthly-based chains as dashed lines
    up = figs[2]
    assert {line.get_linestyle() for ax in up.axes for line in ax.get_lines() if line.get_gid() == "estimated"} == {"--"}
    chain_lines = [line for ax in figs[4].axes for line in ax.get_lines() if line.get_gid() in ("estimated", "stated")]
    assert {line.get_linestyle() for line in chain_lines if line.get_gid() == "estimated"} == {"--"}
    assert {line.get_linestyle() for line in chain_lines if line.get_gid() == "stated"} == {"-"}
    # the SMS target is drawn; every year's volume in one colour: more messages than the target is no success
    sms_ax = figs[3].axes[1]
    target = next(line for line in sms_ax.get_lines() if line.get_gid() == "target")
    assert list(target.get_ydata()) == [500.0, 550.0, 600.0, 650.0, 700.0]
    assert {matplotlib_hex(b.get_facecolor()) for b in sms_ax.patches} == {base.SERIES_COLORS[0].lower()}
    legend = [t.get_text() for t in figs[3].axes[0].get_legend().get_texts()]
    assert "达到数量目标" not in legend and "数量目标值（按条计费：超出目标即多付费用）" in legend
    # the 2.1 联通 chain began single-source (采购方式 单一来源): a hollow square, not the competitive diamond
    chain_axes = figs[4].axes
    first_21 = [line for ax in chain_axes for line in ax.get_lines() if line.get_gid() == "marker-s"]
    assert len(first_21) >= 1
    # colours fixed per carrier: 联通 the same blue in the per-Mbps panels and the chain panels
    unicom = {matplotlib_hex(line.get_color()) for ax in up.axes for line in ax.get_lines()
              if line.get_gid() == "estimated" and line.get_label() != "_nolegend_"}
    assert base.CARRIER_COLORS["中国联通"].lower() in unicom
    plt.close("all")


def matplotlib_hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba).lower()


def test_share_trend_speaks_in_points():

    from qdanalysis.present.charts import trends as trend_charts

    m = pd.DataFrame({"year": [2018, 2022], "recurring_share": [0.7437, 0.7226]})
    fig = trend_charts.trend(m, "recurring_share", "刚性支出占预算比例（%）", source="s", money=False, percent=True)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert "2018—2022年由74.37%变为72.26%（-2.11个百分点）" in texts
    assert not any("年均增长" in t for t in texts)
    plt.close("all")


def test_category_stack_adds_up_to_the_stated_total():
    """A category no item of which states its budget is inside 未逐项列明（推算）: no 未披露 stub on top of it."""
    from decimal import Decimal

    cats = pd.DataFrame({"year": [2021] * 3, "category": ["甲", "乙", "未逐项列明"], "items": [1, 1, 1],
                         "budget": pd.array([Decimal("200000"), None, Decimal("741000")], dtype=object),
                         "executed": [None, None, None], "disclosed": [True, True, False]})
    fig = trend_charts.category_trend(cats, source="s", column="budget")
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "total-label"]
    assert labels == ["94.10"]  # 20 + 74.1: the stated total, not 94.10+未披露 on a taller bar
    top = max(p.get_y() + p.get_height() for p in fig.axes[0].patches if p.get_visible())
    assert top == pytest.approx(94.10)
    plt.close(fig)


def test_fixed_colours_per_carrier_and_vendor():
    from qdanalysis.present.charts import trends as trend_charts

    some = trend_charts.vendor_colors(["中国电信", "乙公司", "甲公司"])
    more = trend_charts.vendor_colors(["中国电信", "乙公司", "甲公司", "中国联通"])
    assert some["中国电信"] == more["中国电信"] == base.CARRIER_COLORS["中国电信"]
    assert some["甲公司"] == more["甲公司"] and some["乙公司"] != some["甲公司"]
    shades = trend_charts.line_colors([("中国联通", "互联网出口"), ("中国联通", "单位接入"), ("中国电信", "互联网出口")])
    assert shades[("中国联通", "互联网出口")] == base.CARRIER_COLORS["中国联通"]
    assert shades[("中国电信", "互联网出口")] == base.CARRIER_COLORS["中国电信"]


def test_per_mbps_line_breaks_at_an_undisclosed_year(blanked_analyses):
    """2019's 联通 单位接入 月租 is blank: its dashed line is not drawn through 2019."""
    import math

    from qdanalysis.present.charts import trends as trend_charts

    fig = trend_charts.unit_price_trend(T.line_trend(blanked_analyses), source="s")
    panel = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("单位接入"))
    unicom = next(line for line in panel.get_lines() if matplotlib_hex(line.get_color()) == base.CARRIER_COLORS["中国联通"].lower())
    ys = dict(zip(unicom.get_xdata(), unicom.get_ydata()))
    assert math.isnan(ys[2019]) and ys[2018] == pytest.approx(48.25) and ys[2020] == pytest.approx(47.1)
    plt.close(fig)


def test_the_remainder_is_never_said_to_be_set_up(blanked_analyses):
    fig = trend_charts.category_trend(T.category_trend(blanked_analyses), source="s")
    subtitle = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "subtitle")
    assert subtitle == "「数据安全保障」2021年起设立"
    plt.close(fig)


def test_a_year_without_a_ledger_is_not_provided_on_the_chart(analyses):
    """An empty ledger: the 刚性 share's bar is hatched and says 未提供, never 0.00%."""
    from dataclasses import replace

    a = analyses[2]
    empty = replace(a, data=replace(a.data, frames={**a.data.frames, "contracts": a.data.contracts.iloc[0:0]}))
    measures = T.trend_table([analyses[1], empty, analyses[3]])
    fig = trend_charts.trend(measures, "recurring_share", "刚性", source="s", money=False, percent=True)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "undisclosed-label"]
    assert labels == ["未提供"]
    plt.close(fig)


def _overlapping(fig, gids) -> list[tuple[str, str]]:
    """Pairs of point labels (by gid) of one panel whose boxes overlap on the page."""
    renderer = fig.canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        labels = [t for t in ax.texts if t.get_gid() in gids]
        boxes = [t.get_window_extent(renderer) for t in labels]
        pairs += [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
                  for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    return pairs


def test_per_mbps_labels_do_not_overlap(analyses):
    # 2018 单位接入: 联通 and 电信 both 48.25 — one label above the point, the other below, neither over the other
    fig = trend_charts.unit_price_trend(T.line_trend(analyses), source="s", demo=True)
    assert _overlapping(fig, {"price-label"}) == []
    at_4825 = [t for ax in fig.axes for t in ax.texts if t.get_text() == "48.25"]
    assert len(at_4825) == 2 and sorted(t.get_va() for t in at_4825) == ["bottom", "top"]
    plt.close(fig)


def test_chain_unit_price_changes_are_named_and_set_apart_from_the_amounts(analyses):
    # 2.2 is billed per line and month: its points are annual amounts, its renewal changes unit prices
    chains = T.chain_history(T.contract_history(analyses))
    fig = trend_charts.chain_trend(chains, T.chain_table(chains), source="s", demo=True)
    panel = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("2.2"))
    unit = [t for t in panel.texts if t.get_gid() == "unit-price-change"]
    assert len(unit) == 6 and all(t.get_text().startswith("单价\n") for t in unit)
    assert all(t.xyann[1] < 0 and t.get_va() == "top" for t in unit)  # below the annual-amount points
    assert sorted(t.get_text() for t in unit).count("单价\n+0.0%") == 3  # 联通: 942 a line throughout
    amounts = [t for ax in fig.axes for t in ax.texts if t.get_gid() == "amount-change"]
    assert amounts and all(t.xyann[1] > 0 and not t.get_text().startswith("单价") for t in amounts)
    # the two chains of 2.2 run over the same years: the title says which carrier each growth is
    title = panel.get_title(loc="left")
    assert "19—22电信：单价年均-7.6%" in title and "19—22联通：单价年均+0.0%" in title
    assert _overlapping(fig, {"unit-price-change", "amount-change", "undisclosed-label"}) == []
    plt.close(fig)


@pytest.mark.slow  # the chains drawn twice
def test_a_part_of_the_chains_draws_its_items_in_the_colours_of_the_whole(analyses):
    chains = T.chain_history(T.contract_history(analyses))
    table = T.chain_table(chains)
    whole = trend_charts.chain_trend(chains, table, source="s", demo=True)
    part = trend_charts.chain_trend(chains, table, source="s", demo=True, items=["2.1", "2.2"], part=(2, 3))

    def colours(fig):
        return {(ax.get_title(loc="left").split(" ")[0], line.get_color()) for ax in fig.axes for line in ax.get_lines()
                if line.get_gid() in ("estimated", "stated")}

    shown = colours(part)
    assert {code for code, _ in shown} == {"2.1", "2.2"}
    assert shown <= colours(whole)  # a vendor keeps its colour in every figure
    assert part.axes[0].get_title(loc="left") == "历年续签合同年度金额（万元）（2/3）"
    plt.close(whole)
    plt.close(part)

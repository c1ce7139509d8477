"""Tests for qdanalysis.present.charts.indicators: each indicator's achievement against 100%."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
from chart_checks import (
    SOURCE,
    assert_hatched,
    assert_undisclosed_panel,
    bars,
    texts,
    titles,
)

from qdanalysis.analyse import indicator_status as A
from qdanalysis.present.charts import base
from qdanalysis.present.charts import indicators as indicator_charts


def test_indicators_2020(y2020):
    status = A.indicator_status(y2020.indicators)
    fig = indicator_charts.indicators(status, source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年绩效指标完成情况")
    body = texts(fig)
    assert "51%（5.1万路），未完成" in body
    assert "160%（4.8万路）" not in body  # 条 against 路: no ratio is drawn
    assert "口径不一致：指标值以“条”计，实际完成值以“路”计，口径不一致；按数值为目标值的160%，不能据此判断是否完成" in body
    assert "已完成：实际924.68万元，未超过上限941万元" in body and "102%（924.68万元）" not in body
    assert_hatched(fig, 8)
    ax = fig.axes[0]
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())
    colours = {matplotlib.colors.to_hex(b.get_facecolor()) for b in bars(fig) if b.get_gid() != "undisclosed"}
    assert colours == {base.WARNING_COLOR.lower()}  # the one ratio drawn is 51%, not met


def test_indicators_status_known_without_ratio_is_said_in_words():
    status = pd.DataFrame({"level1": ["效益指标"], "level2": ["可持续影响指标"], "name": ["运行维护制度健全性"],
                           "target_text": ["健全"], "actual_text": [None], "status": ["未完成"],
                           "achievement": pd.array([None], dtype="Float64")})
    fig = indicator_charts.indicators(status, source=SOURCE)

    assert "未完成（无量化实际值）" in texts(fig)
    assert_hatched(fig, 0)  # the status is known: nothing is drawn as 未披露


def test_a_ceiling_indicator_is_said_in_words(y2020):
    fig = indicator_charts.indicators(A.indicator_status(y2020.indicators), source=SOURCE, year=2020)
    assert "已完成：实际924.68万元，未超过上限941万元" in texts(fig)
    assert not any("101.8%" in t or "101.76%" in t for t in texts(fig))


def test_indicators_empty_is_an_undisclosed_panel():
    fig = indicator_charts.indicators(A.indicator_status(pd.DataFrame(columns=[
        "level1", "level2", "name", "target_text", "actual_text", "met", "actual_value", "target_value",
        "target_op"])), source=SOURCE)

    assert_undisclosed_panel(fig)

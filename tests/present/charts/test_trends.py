"""Tests for qdanalysis.present.charts.trends: one measure over the years (the other multi-year charts
are drawn from the demo's years in test_trends.py)."""

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

from qdanalysis.present import style
from qdanalysis.present.charts import trends as trend_charts
from qdanalysis.read.schema import MONEY


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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

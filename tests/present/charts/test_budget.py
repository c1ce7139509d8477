"""Tests for qdanalysis.present.charts.budget: the budget against its execution, the itemised spending."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from chart_checks import (
    SOURCE,
    assert_hatched,
    assert_undisclosed_panel,
    joined,
    texts,
    titles,
    undisclosed,
)

from qdanalysis.analyse import spending as A
from qdanalysis.present.charts import budget as budget_charts


def test_budget_execution_2020(y2020):
    fig = budget_charts.budget_execution(y2020.totals, source=SOURCE, year=2020)

    assert titles(fig) == "2020年专项业务费预算执行情况：执行率 98.27%"
    body = texts(fig)
    assert "941.00" in body and "924.68" in body
    assert_hatched(fig, 1)  # the adjusted budget is not disclosed
    assert "结余 16.32 万元" in joined(fig)


def test_budget_execution_without_figures_is_an_undisclosed_panel():
    fig = budget_charts.budget_execution({"budget": None, "adjusted_budget": None, "executed": None}, source=SOURCE)

    assert "执行率 未披露" in titles(fig)
    assert_undisclosed_panel(fig)


@pytest.mark.slow
def test_disclosed_spend_2020(y2020):
    fig = budget_charts.disclosed_spend(A.disclosed_spend(y2020.budget, y2020.contracts, y2020.totals), source=SOURCE,
                                        year=2020)

    assert "2020年支出逐项列明情况" in titles(fig)
    body = joined(fig)
    assert "未逐项列明 401.37" in body and "已列明 523.31" in body
    assert "14.45（本年支付，金额载明，支付年度未载明）" in body and "90.00（预算数，约数）" in body
    assert "66.70（合同金额，2019年8月10日采购）" in body and "1.14（推算：22.797×5%）" in body  # as the source states them
    assert "（56.6%）" in body
    assert_hatched(fig, 1)
    assert undisclosed(fig)[0].get_width() == pytest.approx(401.37015)

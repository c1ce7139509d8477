"""Tests for qdanalysis.present.charts.payments: monthly bars, the cumulative rate against 序时进度."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from decimal import Decimal

from analysis_inputs import budget, payments
from chart_checks import SOURCE, joined, titles

from qdanalysis.analyse.payments import analyse_payments
from qdanalysis.present.charts.payments import payment_progress

LEDGER = payments(("2020-03-31", "A1", "机房维护", "甲公司", None, Decimal("250000")),
                  ("2020-12-28", "A1", "机房维护", "甲公司", None, Decimal("750000")))
BUDGET = budget(("A1", "甲", "机房维护", Decimal("1000000"), Decimal("1000000")))


def lines_of(fig):
    return {line.get_gid(): line for ax in fig.axes for line in ax.get_lines()}


def test_cumulative_rate_against_the_schedule():
    monthly = analyse_payments(LEDGER, BUDGET, BUDGET.iloc[:0], {"budget": Decimal("1000000")}, 2020).monthly
    fig = payment_progress(monthly, source=SOURCE, year=2020)
    assert titles(fig).startswith("2020年支付进度")
    lines = lines_of(fig)
    assert list(lines["schedule"].get_ydata()) == [0, 0.25, 0.5, 0.75, 1.0]
    assert list(lines["cumulative-rate"].get_ydata())[2] == 0.25 and list(lines["cumulative-rate"].get_ydata())[11] == 1.0
    assert "25.0%" in joined(fig) and "100.0%" in joined(fig)


def test_no_budget_total_only_the_bars():
    monthly = analyse_payments(LEDGER, BUDGET, BUDGET.iloc[:0], {"budget": None}, 2020).monthly
    fig = payment_progress(monthly, source=SOURCE, year=2020)
    assert "cumulative-rate" not in lines_of(fig) and "预算合计未披露，无法计算累计执行率" in joined(fig)

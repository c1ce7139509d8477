"""Tests for qdanalysis.present.charts.economic: executed per 支出经济分类, 未披露 hatched, never zero."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from decimal import Decimal

from chart_checks import SOURCE, joined, titles, undisclosed

from qdanalysis.analyse.economic import spending_by_economic
from qdanalysis.present.charts.economic import economic_spending
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget_system import ECONOMIC_DTYPES


def table(executed_b):
    rows = [("A", "30213 维修（护）费", "790000"), ("B", "31002 办公设备购置", executed_b)]
    return spending_by_economic(frame([{"code": c, "item": c, "economic": e, "budget": Decimal(1),
                                        "adjusted_budget": None, "executed": None if x is None else Decimal(x)}
                                       for c, e, x in rows], ECONOMIC_DTYPES))


def test_amounts_and_shares_in_wan():
    fig = economic_spending(table("210000"), source=SOURCE, year=2021)
    assert titles(fig).startswith("2021年专项业务费执行数按支出经济分类分布（万元）")
    body = joined(fig)
    assert "79.00（79.0%）" in body and "21.00（21.0%）" in body and "执行数合计 100.00 万元" in body


def test_an_undisclosed_class_is_hatched_not_zero():
    fig = economic_spending(table(None), source=SOURCE, year=2021)
    assert len(undisclosed(fig)) == 1 and "执行数合计" not in joined(fig)

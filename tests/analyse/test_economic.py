"""Spending by 支出经济分类: exact sums per class, 未披露 kept, a 合计 row."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.economic import TOTAL, spending_by_economic
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget_system import ECONOMIC_DTYPES


def rows(*specs):
    return frame([{"code": c, "item": c, "economic": e, "budget": Decimal(b), "adjusted_budget": None,
                   "executed": None if x is None else Decimal(x)} for c, e, b, x in specs], ECONOMIC_DTYPES)


def test_sums_per_class_largest_first_then_total():
    out = spending_by_economic(rows(("A", "30213 维修（护）费", "800000", "790000.01"),
                                    ("A", "31002 办公设备购置", "200000", "95000"),
                                    ("B", "30213 维修（护）费", "1000000", "970000")))
    assert list(out["economic"]) == ["30213 维修（护）费", "31002 办公设备购置", TOTAL]
    assert out["executed"].iloc[0] == Decimal("1760000.01")
    assert list(out["items"]) == [2, 1, 2]
    assert out["executed"].iloc[2] == Decimal("1855000.01")
    assert round(out["execution_rate"].iloc[1], 4) == 0.475
    assert round(out["share"].iloc[1], 4) == round(95000 / 1855000.01, 4)


def test_a_blank_figure_makes_the_class_undisclosed_not_smaller():
    out = spending_by_economic(rows(("A", "30213 维修（护）费", "1", "1"), ("B", "30213 维修（护）费", "1", None)))
    assert out["executed"].iloc[0] is None and out["executed"].iloc[1] is None


def test_no_class_no_rows():
    assert spending_by_economic(pd.DataFrame()).empty

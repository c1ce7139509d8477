"""Tests for qdanalysis.present.charts.categories: the budget per category."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from chart_checks import (
    SOURCE,
    assert_hatched,
    joined,
    titles,
    undisclosed,
)

from qdanalysis.analyse import spending as A
from qdanalysis.present.charts import categories as category_charts


def test_category_spending_2020(y2020):
    fig = category_charts.category_spending(A.spending_by_category(y2020.budget, y2020.totals), source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年专项业务费预算按类别分布")
    # categories 4 and 5 have no figure at all, and the 20 unitemised items make up 433.28
    assert_hatched(fig, 3)
    body = joined(fig)
    assert "433.28（推算，占46.0%）" in body and "未披露 433.28" not in body  # derived, not undisclosed
    assert "213.50（占22.7%）" in body and "253.42" in body and "40.80" in body
    assert "941.00" in body
    assert max(b.get_width() for b in undisclosed(fig)) == pytest.approx(433.28)

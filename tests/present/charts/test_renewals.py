"""Tests for qdanalysis.present.charts.renewals: each renewed chain's amounts and growth."""

from __future__ import annotations

from decimal import Decimal

import matplotlib
import pytest

matplotlib.use("Agg")

import pandas as pd
from chart_checks import (
    SOURCE,
    assert_hatched,
    assert_undisclosed_panel,
    contracts_raw,
    joined,
    renewals_chart,
    texts,
    titles,
)

from qdanalysis.read.schema import MONEY


@pytest.mark.slow
def test_renewals_2020_marks_the_undisclosed_renewal_amounts(y2020):
    fig = renewals_chart(y2020.contracts, source=SOURCE, year=2020)

    assert "2020年续签合同各期年度金额" in titles(fig)
    assert_hatched(fig, 2)  # HT-2020-1.1 and HT-2020-1.2: renewed, amount not disclosed
    body = texts(fig)
    assert "66.70" in body and "72.80" in body
    assert sum("续签金额未披露" in t for t in body) == 2


@pytest.mark.slow
def test_renewals_with_growth():
    fig = renewals_chart(contracts_raw(), source=SOURCE)

    body = joined(fig)
    # 50 -> 55 -> 60.5 over 2016-2020: +10% a step, 4.9% a year; 80 -> 96 over 2017-2020: 6.3% a year
    assert "2016—2020年年均增长 +4.9%" in body
    assert "2017—2020年年均增长 +6.3%" in body
    assert "55.00\n+10.0%" in body and "96.00\n+20.0%" in body
    assert_hatched(fig, 1)  # C-2020
    assert "数字证书" not in body  # a single contract is no renewal chain


def test_renewals_empty_is_an_undisclosed_panel():
    fig = renewals_chart(contracts_raw().iloc[0:0], source=SOURCE)

    assert_undisclosed_panel(fig)


def test_renewal_growth_names_the_years_it_is_measured_on():
    raw = contracts_raw()
    raw = raw[raw["contract_id"].str.startswith("A")].copy()
    raw["annual_cost"] = pd.array([Decimal("500000"), Decimal("550000"), None], dtype=MONEY)
    fig = renewals_chart(raw, source=SOURCE)

    assert "2016—2018年年均增长 +4.9%" in joined(fig)
    assert_hatched(fig, 1)

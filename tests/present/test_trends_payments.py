"""The trends report's 支付进度: December and Q4 shares by year; a year without a ledger says 未提供."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from qdanalysis.present.trends_payments import NOT_PROVIDED, blocks, payment_shares


def test_shares_by_year_and_the_rush_year_named(analyses, years_report):
    report = years_report(analyses)
    shares = payment_shares(report)
    assert list(shares["year"]) == [2018, 2019, 2020, 2021, 2022]
    assert [round(s, 2) for s in shares["december_share"]] == [0.25, 0.25, 0.25, 0.70, 0.25]
    out = blocks(report)
    assert out[0].text.startswith("提供支付明细的5个年度中，12月支付占全年比例最高的是2021年（70.00%）")


def test_a_year_without_a_ledger_is_not_provided_never_zero(analyses, years_report):
    without = [replace(analyses[0], payments=None), *analyses[1:]]
    shares = payment_shares(years_report(without))
    assert shares["ledger"].iloc[0] == NOT_PROVIDED and pd.isna(shares["december_share"].iloc[0])


def test_no_ledger_in_any_year_no_section(analyses, years_report):
    none = [replace(a, payments=None) for a in analyses]
    assert blocks(years_report(none)) == []

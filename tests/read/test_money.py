"""The ``.qd`` accessor (qdanalysis.read.money): exact sums that keep 未披露, and a float view in 万元 for exploring.

The money rules it is built on are tested in tests/test_money.py.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis


def test_a_group_with_nothing_disclosed_stays_undisclosed():
    b = qdanalysis.load_year(2020).budget
    plain = b.groupby("category")["budget"].sum()
    assert plain["大数据产业规划评估等费用"] == 0  # what pandas alone says, against the rule
    sums = b.qd.sum(by="category")
    assert pd.isna(sums.loc["大数据产业规划评估等费用", "budget"])
    assert sums.loc["关键设备维护服务费", "budget"] == Decimal("2135000.00")  # exact, in 元
    assert list(sums.index) == list(dict.fromkeys(b["category"]))  # the sheet's order
    assert b.qd.total("budget") == Decimal("5077200.00") and b.qd.total("executed") is None
    assert b.qd.sum()["budget"] == Decimal("5077200.00") and b.qd.sum()["executed"] is None


def test_a_float_view_in_wan_for_exploring():
    b = qdanalysis.load_year(2020).budget
    view = b.qd.wan()
    row = view.set_index("code")
    assert row.loc["1.1", "budget"] == 66.7 and math.isnan(row.loc["1.4", "budget"])
    assert b["budget"].dtype != view["budget"].dtype and view["budget"].dtype == "float64"
    described = b.qd.describe()
    assert described.loc["count", "budget"] == 9 and round(described.loc["max", "budget"], 2) == 100.68


@pytest.mark.slow
def test_the_view_for_exploring_has_no_bookkeeping_and_the_sheets_headers_are_at_hand():
    b = qdanalysis.load_year(2020).budget
    view = b.qd.wan()
    assert "src_row" in b.columns and not {"src_file", "src_sheet", "src_row"} & set(view.columns)
    assert "src_row" not in b.qd.describe().columns
    headers = b.qd.headers()
    assert (headers["budget"], headers["executed"], headers["category"]) == ("预算数", "执行数", "类别")
    assert headers["src_row"] == "src_row"  # no sheet has it
    assert list(view.qd.zh().columns)[:4] == [headers[c] for c in list(view.columns)[:4]]
    lines = qdanalysis.load_year(2020).lines
    assert lines.qd.headers()["carrier"] == "运营商"

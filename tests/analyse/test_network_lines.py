"""Network lines: costs, prices, the months a line or a contract is in service, on inline tables and the 2020 data."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from analysis_inputs import budget, contracts

import qdanalysis
from qdanalysis.analyse import network_lines as A
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.lines import LINE_DTYPES

D = Decimal


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


def test_line_prices_2020(y2020):
    costs = A.line_costs(y2020.lines).set_index(["carrier", "line_type"])
    assert costs.loc[("中国联通", "互联网出口"), "cost_per_mbps_month"] == 76.0
    assert costs.loc[("中国联通、中国电信", "单位接入（主、副线路）"), "annual_cost"] == D("1039968.00")
    prices = A.same_bandwidth_prices(y2020.lines)
    assert list(prices["carrier"]) == ["中国联通", "中国电信"]
    assert round(prices["ratio_to_cheapest"].iloc[0], 1) == 9.6
    # 推算: (76,000 − 7,900 元/月) × 12 = 817,200 元 a year more than the cheapest; the cheapest's own gap is 0
    assert list(prices["annual_gap"]) == [D("817200.00"), D("0.00")]


def test_monthly_contract_accrues_within_its_service_period():
    c = contracts(
        ("L1", "2.1", "专线", "联通", "2014-01-01", None, "月", D(76000), None, "续签", None, D(912000), None, None, None),
        ("L2", "2.3", "省专网", "联通", "2020-06-01", None, "月", D(11700), None, None, None, D(140400), None,
         "2020-06-15", "2020-09-30"),
        ("L3", "2.2", "接入", "联通", None, None, "月", D(942), 92, None, None, None, None, None, None),
    )
    m = A.monthly_line_cost(c, 2020)
    per = m.groupby("contract_id")["month"].apply(lambda s: [x.month for x in s])
    assert per["L1"] == list(range(1, 13))
    assert per["L2"] == [6, 7, 8, 9]
    assert set(m[m["contract_id"] == "L3"]["cost"]) == {D("86664.00")}  # 942 × 92
    y = A.yearly_line_cost(c, 2020)
    assert y["year"].min() == 2014 and y[y["contract_id"] == "L2"]["months"].tolist() == [4]


def test_lines_empty_frames_do_not_fail():
    empty = frame([], LINE_DTYPES)
    assert A.line_costs(empty).empty and A.same_bandwidth_prices(empty).empty


def test_replaced_line_contract_counts_only_its_months():
    from qdanalysis.analyse.checks import budget_vs_contracts

    b = budget(("2.3", "网络", "省专网", D(140400 - 70200 + 60000), None))
    c = contracts(
        ("OLD", "2.3", "省专网", "电信", "2015-01-01", None, "月", D(10000), None, None, None, None, None,
         "2015-01-01", "2020-06-30"),
        ("NEW", "2.3", "省专网", "联通", "2020-07-01", None, "月", D(11700), None, None, None, None, None,
         "2020-07-01", None),
    )
    [row] = budget_vs_contracts(b, c, 2020)
    assert row["computed"] == D(6 * 10000 + 6 * 11700) and row["status"] == "一致"
    assert row["formula"] == "1万元/月×6 + 1.17万元/月×6"


def test_a_line_and_its_contract_count_the_same_months():
    """A line in service from March costs ten months of 2020, as its contract does: one rule."""
    from qdanalysis.analyse import checks

    b = budget(("2.3", "网络", "专网", D(117000), None))
    ln = frame([{"unit": "甲", "carrier": "中国联通", "line_type": "专网", "bandwidth_mbps": 100.0, "count": 1,
                 "count_unit": "条", "monthly_fee": D(11700), "start": pd.Timestamp("2020-03-01"), "item_code": "2.3"}],
               LINE_DTYPES)
    c = contracts(("C1", "2.3", "专网", "中国联通", "2020-03-01", None, "月", D(11700), None, None, None, None, None,
                   "2020-03-01", None))
    assert A.line_costs(ln, 2020)["annual_cost"].iloc[0] == D(117000)
    assert A.months_in_service(ln.iloc[0], 2020) == A.months_in_service(c.iloc[0], 2020) == 10
    [by_lines] = checks.budget_vs_lines(b, ln, 2020)
    assert by_lines["computed"] == D(117000) and by_lines["formula"] == "1条×11700.00元×10"
    chk = checks.cross_checks(b, c, ln, {"budget": D(117000), "executed": None, "adjusted_budget": None}, 2020)
    assert "不一致" not in set(chk["status"])


def test_the_line_count_says_what_the_organisations_counted_are(y2020):
    """2.2's 92 are the 2018 count of organisations (数量说明): every text using the count can say so."""
    count = A.line_count_vs_target(y2020.lines, y2020.indicators)
    assert (count["lines"], count["units"], count["units_note"]) == (3, 92, "2018年外联网单位数")
    assert A.line_count_vs_target(y2020.lines.drop(columns="count_note"), y2020.indicators)["units_note"] is None


def test_line_costs_say_what_the_organisations_counted_are(y2020):
    costs = A.line_costs(y2020.lines).set_index("carrier")
    assert costs.loc["中国联通、中国电信", "units_note"] == "2018年外联网单位数"
    assert costs.drop("中国联通、中国电信")["units_note"].isna().all()

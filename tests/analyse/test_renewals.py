"""Renewal chains, what they cost since the last competition, and the recurring share, on inline ledgers and the 2020 data."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from analysis_inputs import contracts

import qdanalysis
from qdanalysis.analyse import renewals as A

D = Decimal


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


def test_renewal_chains_by_link_and_by_item_vendor():
    c = contracts(
        ("A1", "1.1", "机房", "甲", "2017-01-01", D(100), "年", None, None, "公开招标", None, D(100), None, None, None),
        ("A2", "1.1", "机房", "甲", "2018-01-01", D(110), "年", None, None, "续签", "A1", D(110), None, None, None),
        ("A3", "1.1", "机房", "甲", "2019-01-01", D(121), "年", None, None, "续签", "A2", D(121), None, None, None),
        ("B1", "2.1", "专线", "乙", "2016-01-01", D(50), "年", None, None, "单一来源", None, D(50), None, None, None),
        ("B2", "2.1", "专线", "乙", "2018-01-01", D(60), "年", None, None, "单一来源", None, D(60), None, None, None),
    )
    chains = A.renewal_chains(c)
    a = chains[chains["chain"] == "A1"]
    assert list(a["contract_id"]) == ["A1", "A2", "A3"]
    assert [round(g, 4) if not pd.isna(g) else None for g in a["growth"]] == [None, 0.1, 0.1]
    b = chains[chains["contract_id"].isin(["B1", "B2"])]
    assert b["chain"].nunique() == 1  # same item and vendor, no link
    s = A.renewal_summary(chains, 2020).set_index("chain")
    assert round(s.loc["A1", "cagr"], 4) == 0.1
    # one rule for the years: 2017—2020 are 4 budget years, and the estimate counts the same 4
    assert s.loc["A1", "years"] == 4 and s.loc["A1", "spent_since"] == D(121) * 4
    assert not s.loc["B1", "competition_on_record"] and s.loc["B1", "years"] == 5  # 2016—2020


def test_renewal_estimates_only_for_open_recurring_contracts():
    c = contracts(
        # renewed in 2020 at an amount not disclosed: the old price is not assumed
        ("R1", "1.1", "机房", None, "2019-08-10", D(667000), "年", None, None, None, None, D(667000), None, None, None),
        ("R2", "1.1", "机房", None, "2020-01-01", None, "年", None, None, "续签", "R1", None, None, None, None),
        # one year of service that ended in April 2020: 28.9万 for the term, not per year
        ("T1", "1.3", "维保", "浪潮", "2019-04-01", D(289000), "年", None, None, "招标", None, D(289000), D(144500),
         "2019-04-03", "2020-04-03"),
        # a single purchase: never annualised, not a renewal chain
        ("U1", "1.7", "蓄电池", None, "2019-01-01", D(227970), "一次性", None, None, "招标", None, D(227970), D(11398.5),
         None, None),
        ("L1", "2.1", "专线", "联通", "2014-01-01", None, "月", None, None, "续签", None, D(912000), None, None, None),
    )
    s = A.renewal_summary(A.renewal_chains(c), 2020).set_index("chain")
    assert "U1" not in s.index
    assert pd.isna(s.loc["R1", "spent_since"]) and s.loc["R1", "years"] == 2
    # a term that ended in April 2020, renewed by nothing: its 2020 payment is a tail payment, like U1's retention
    assert "T1" not in s.index
    assert s.loc["L1", "years"] == 7 and s.loc["L1", "spent_since"] == D(912000) * 7  # 2014—2020


def test_a_monthly_contract_counts_its_months_from_its_start():
    """2.3: contract from 2019年6月 at 1.17万元/月: 7 months of 2019 (8.19, as 图9 has it) + 12 of 2020 = 22.23."""
    c = contracts(
        ("P1", "2.3", "专网", "联通", "2019-06-01", None, "月", None, None, None, None, D(140400), None, None, None),
        ("Y1", "3.1", "证书", None, "2018-01-01", D(408000), "年", None, None, "公开招标", None, D(408000), None, None,
         None),
    )
    s = A.renewal_summary(A.renewal_chains(c), 2020).set_index("chain")
    assert s.loc["P1", "years"] == 2 and s.loc["P1", "spent_since"] == D("222300.00")  # 11700 × 19
    assert s.loc["Y1", "spent_since"] == D(408000) * 3


def test_the_2020_period_estimate_agrees_with_the_yearly_line_cost(y2020):
    from qdanalysis.analyse.engine import analyse

    a = analyse(y2020)
    s = a.renewals.set_index("item")
    yearly = a.yearly_lines[a.yearly_lines["item_code"] == "2.3"]
    assert list(yearly["cost"]) == [D("81900.00"), D("140400.00")]  # 2019: 8.19, 2020: 14.04
    assert s.loc["部门接入省电子政务专网线路租用费", "spent_since"] == sum(yearly["cost"]) == D("222300.00")
    assert "网络设备、Radware负载均衡、网闸等设备的维保及配件" not in s.index  # ended 2020-04-03: not running


def test_recurring_share_2020(y2020):
    r = A.recurring_share(y2020.budget, y2020.contracts, y2020.totals, 2020)
    assert r["recurring"] == D("5077200.00") and f"{r['share']:.2%}" == "53.96%"
    assert "1.7" not in r["items"]  # a one-off payment is not recurring
    # 1.3's only contract ended on 2020-04-03 and nothing renews it: the 14.45 is a tail payment, not recurring
    assert "1.3" not in r["items"] and r["items_ended"] == ["1.3"] and r["items_undisclosed"] == ["2.7"]
    assert "1.3" in A.recurring_share(y2020.budget, y2020.contracts, y2020.totals)["items"]  # without the year: as before


def test_renewal_costs_say_whether_they_are_stated_or_derived(y2020):
    """A monthly contract's yearly cost is derived (月费×12, 推算); a yearly contract states its amount."""
    from qdanalysis.analyse.engine import analyse

    s = analyse(y2020).renewals.set_index("item")
    assert s.loc["市直单位网络接入费", "cost_basis"] == "推算：月费×12"
    assert s.loc["数字证书购置和更新服务费", "cost_basis"] == "合同年度金额"
    assert s.loc["电子政务机房UPS等关键设备维护服务费", "cost_basis"] == "续签金额未披露"

"""Trends across years: the figures and the checks the trends report rests on (the findings of the rules across
years are tested in tests/analyse/rules/test_across_years.py)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from qdanalysis.analyse import trends as T
from qdanalysis.fmt import pct


def test_year_on_year_amounts_in_percent_shares_in_points():
    m = pd.DataFrame({"year": [2020, 2021], "budget": [Decimal(100), Decimal(110)], "executed": [Decimal(90), None],
                      "line_annual_cost": [None, None], "sms_count": [10, 12], "sms_amount": [None, None],
                      "execution_rate": [0.90, 0.95], "itemised_share": [0.5, 0.5], "recurring_share": [0.40, 0.37]})
    yoy = T.year_on_year(m).iloc[0]
    assert (yoy["year"], yoy["previous"]) == (2021, 2020)
    assert yoy["budget"] == pytest.approx(0.10) and yoy["sms_count"] == pytest.approx(0.20)
    assert pd.isna(yoy["executed"])  # 未披露 in 2021: no change claimed
    assert yoy["execution_rate"] == pytest.approx(5.0) and yoy["recurring_share"] == pytest.approx(-3.0)


def test_category_changes_mark_the_new_and_the_faster_category(analyses):
    changes = T.category_changes(T.category_trend(analyses), T.trend_table(analyses)).set_index("category")
    new = changes.loc["数据安全保障"]
    assert bool(new["new"]) and new["first_year"] == 2021
    faster = changes[changes["faster"] & ~changes["new"]]
    assert list(faster.index) == ["大数据产业规划评估等费用"]
    row = faster.iloc[0]
    assert row["growth"] - row["total_growth"] > T.FASTER_MARGIN
    # the change of the two shares as printed (12.72% − 10.10%), not of the unrounded shares (+2.61)
    assert (pct(row["first_share"]), pct(row["last_share"]), row["share_change"]) == ("10.10%", "12.72%", 2.62)


def test_unit_price_per_mbps_falls_for_telecom_not_unicom(analyses):
    prices = T.unit_price_trend(T.line_trend(analyses)).set_index(["carrier", "line_type"])
    telecom = prices.loc[("中国电信", "单位接入（主、副线路）")]
    unicom = prices.loc[("中国联通", "单位接入（主、副线路）")]
    assert telecom["fell_years"] == 4 and telecom["steps"] == 4  # 965 → 942 (tender) and three cuts
    assert unicom["fell_years"] == 1 and unicom["last"] == pytest.approx(942 / 20)
    switch = T.carrier_switches(T.line_trend(analyses))
    assert switch == [{"line_type": "省电子政务专网", "year": 2019, "before": ["中国电信"], "after": ["中国联通"]}]


def test_sms_against_a_rising_target(analyses):
    sms = T.sms_trend(analyses).set_index("year")
    assert list(sms["target"]) == [5_000_000, 5_500_000, 6_000_000, 6_500_000, 7_000_000]
    for year, r in sms.iterrows():
        assert r["unit_price"] == pytest.approx(float(r["amount"]) / r["count"])
        assert bool(r["met"]) == (r["count"] >= r["target"])
    assert not sms["met"].all() and sms["met"].any()


def test_chains_mark_renewals_growth_and_the_cheaper_retender(analyses):
    history = T.contract_history(analyses)
    chains = T.chain_history(history)
    table = T.chain_table(chains).set_index("chain")
    first = table.loc["SL-2018-1.1"]
    assert (first["first_year"], first["last_year"], first["renewals"]) == (2018, 2020, 2)
    assert all(0.05 <= g <= 0.08 for g in first["growths"])
    assert 0.05 <= first["growth"] <= 0.08
    assert -0.20 <= first["retender_after"] <= -0.12  # re-tendered in 2021 at 80-88% of the 2020 price
    retender = chains[chains["contract_id"] == "SL-2021-1.1"].iloc[0]
    assert bool(retender["retender"]) and retender["procurement"] == "公开招标"
    assert table.loc["SL-2018-1.6", "renewals_in_a_row"] == 4
    # the two carriers' access chains are parallel: each is followed by its own carrier's re-tender
    assert table.loc["SL-2018-2.2-LT", "retender_after"] == pytest.approx(942 / 965 - 1, abs=0.02)
    assert bool(chains.loc[chains["contract_id"] == "SL-2019-2.2-LT", "estimated"].iloc[0])


def test_no_finding_across_a_single_year(analyses):
    assert T.trend_findings(analyses[:1]) == []
    assert T.consistency_checks(analyses[:1]).empty


def test_the_overall_change_passes_over_a_year_that_does_not_state_the_measure():
    measures = pd.DataFrame({"year": [2018, 2019, 2020, 2021], "budget": [Decimal("100"), None, Decimal("121"), None]})
    change = T.overall_change(measures, "budget")
    assert (change["first_year"], change["first"], change["last_year"], change["last"]) == (2018, Decimal("100"), 2020, Decimal("121"))
    assert change["growth"] == pytest.approx(0.10)  # 100 -> 121 over two years: +10% a year
    assert T.overall_change(measures.iloc[:2], "budget") is None  # one year states it: nothing to compare
    assert T.overall_change(measures, "sms_count") is None  # a measure the table does not have


def test_changes_between_years_of_different_coverage_are_withheld(blanked_analyses):
    measures = T.trend_table(blanked_analyses)
    yoy = T.year_on_year(measures).set_index("year")
    assert pd.isna(yoy.loc[2019, "line_annual_cost"]) and pd.isna(yoy.loc[2020, "line_annual_cost"])
    assert yoy.loc[2019, "withheld"] == {"line_annual_cost": "口径不同"}
    assert yoy.loc[2019, "notes"] == ["线路年费用：2019年为部分数，2018年为完整数，口径不同，不计算变化"]
    assert pd.isna(yoy.loc[2021, "sms_amount"]) and yoy.loc[2021, "sms_count"] == pytest.approx(6362419 / 6299118 - 1)
    overall = T.overall_change(measures, "line_annual_cost")
    assert overall["skipped"] == [2019] and (overall["first_year"], overall["last_year"]) == (2018, 2022)
    sms = T.sms_trend(blanked_analyses).set_index("year")
    assert sms.loc[2021, "amount_state"] == "partial" and pd.isna(sms.loc[2021, "unit_price"])
    assert not sms.loc[2021, "met"]  # 6,362,419 against 6,500,000, as the indicator sheet states it


def test_the_2019_lines_include_the_line_ended_in_may(analyses):
    measures = T.trend_table(analyses).set_index("year")
    assert measures.loc[2019, "line_annual_cost"] == Decimal("2110844.00")
    yoy = T.year_on_year(T.trend_table(analyses)).set_index("year")
    assert yoy.loc[2020, "line_annual_cost"] == pytest.approx(2077823.52 / 2110844 - 1)  # a fall, not +0.82%


def test_an_empty_ledger_is_not_provided_and_its_change_withheld(analyses):
    from dataclasses import replace

    a = analyses[2]
    empty = replace(a, data=replace(a.data, frames={**a.data.frames, "contracts": a.data.contracts.iloc[0:0]}))
    measures = T.trend_table([analyses[1], empty, analyses[3]]).set_index("year")
    assert pd.isna(measures.loc[2020, "recurring_share"]) and pd.isna(measures.loc[2020, "contracts"])
    assert measures.loc[2020, "coverage"]["recurring_share"] == ("absent", "合同台账未提供")
    yoy = T.year_on_year(measures.reset_index()).set_index("year")
    assert yoy.loc[2020, "withheld"] == {"recurring_share": "未提供"} and pd.isna(yoy.loc[2021, "recurring_share"])
    assert "刚性支出占比：2020年为合同台账未提供，2019年为完整数，不计算变化" in yoy.loc[2020, "notes"]


def test_a_chain_billed_by_unit_grows_by_its_unit_price_not_its_line_count(analyses):
    """2.2 联通: 942元 a line and month throughout, 52 → 54 lines; 2.2 电信: 942 → 742.71元."""
    from qdanalysis.analyse.trend_checks import consistency_checks

    history = T.contract_history(analyses)
    table = T.chain_table(T.chain_history(history)).set_index("chain")
    unicom, telecom = table.loc["SL-2019-2.2-LT"], table.loc["SL-2019-2.2-DX"]
    assert (unicom["basis"], unicom["growth"], unicom["growths"]) == ("单价", 0.0, [0.0, 0.0, 0.0])
    assert (unicom["first_quantity"], unicom["last_quantity"]) == (52, 54)
    assert telecom["growth"] == pytest.approx((742.71 / 942) ** (1 / 3) - 1)
    assert table.loc["SL-2018-1.6", "basis"] == "年度金额"  # billed by year: the annual amount
    found = [f for f in T.analyse_trends(analyses).findings if f.code.startswith("T01")]
    unicom_text = next(f.summary for f in found if "SL-2019-2.2-LT" in f.summary)
    assert "单价保持942.00元不变，年度金额的变化来自数量由52增至54" in unicom_text and "年均" not in unicom_text
    checks = consistency_checks(analyses)
    renewals = checks[checks["check"] == "续签关系可追溯"]["detail"].iloc[0]
    assert renewals.startswith("42份续签合同（每份合同计一次）")  # 42 contracts, not 46 contract-years

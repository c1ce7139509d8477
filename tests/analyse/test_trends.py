"""Trends across years: the figures, the findings and the checks the trends report rests on."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from qdanalysis.analyse import trends as T


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
    assert row["share_change"] == pytest.approx((row["last_share"] - row["first_share"]) * 100)


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


def test_findings_across_years(analyses):
    found = {f.code.split("-")[0]: [] for f in T.trend_findings(analyses)}
    for f in T.trend_findings(analyses):
        found[f.code.split("-")[0]].append(f)
    assert sorted(found) == ["T01", "T02", "T03", "T04"]
    chains = [f.figures["chain"] for f in found["T01"]]
    assert "SL-2018-1.6" in chains and "SL-2018-1.1" not in chains  # 1.1 was re-tendered after two renewals
    t01 = next(f for f in found["T01"] if f.figures["chain"] == "SL-2018-1.6")
    assert "连续续签4次" in t01.summary and "27.50万元" in t01.summary
    t02 = found["T02"][0]
    assert t02.figures["carrier"] == "中国联通" and t02.figures["other"] == "中国电信"
    assert "中国联通保持47.10元不变" in t02.summary and "推算" in t02.summary
    assert t02.figures["extra"] > 0
    assert "大数据产业规划评估等费用" in found["T03"][0].summary and "个百分点" in found["T03"][0].summary
    t04 = found["T04"][0]
    assert "「系统正常运行率」目标值每年均为≥95%" in t04.summary
    assert "保障金宏短信数量" not in t04.figures["indicators"]  # its target rises every year


def test_no_finding_across_a_single_year(analyses):
    assert T.trend_findings(analyses[:1]) == []
    assert T.consistency_checks(analyses[:1]).empty

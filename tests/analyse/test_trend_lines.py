"""Lines across years (qdanalysis.analyse.trend_lines) on the demo: a line is costed for its months in service."""

from __future__ import annotations

from decimal import Decimal

from qdanalysis.analyse.trend_lines import carrier_switches, line_trend, unit_price_trend


def test_the_line_ended_in_may_is_a_2019_line_from_its_contract(analyses):
    lines = line_trend(analyses)
    ended = lines[lines["source"] != "年末线路清单"]
    assert list(zip(ended["year"], ended["carrier"], ended["line_type"])) == [(2019, "中国电信", "省电子政务专网")]
    assert ended["annual_cost"].iloc[0] == Decimal("50000.00")
    assert lines.loc[lines["year"] == 2019, "annual_cost"].sum() == Decimal("2110844.00")
    # the carriers at the year's end: 电信 → 联通 in 2019, not 电信+联通
    assert carrier_switches(lines) == [{"line_type": "省电子政务专网", "year": 2019, "before": ["中国电信"],
                                        "after": ["中国联通"]}]
    # an ended line without a bandwidth has no price per Mbps: the 2018 price of 电信's line stays alone
    prices = unit_price_trend(lines).set_index(["carrier", "line_type"])
    assert prices.loc[("中国电信", "省电子政务专网"), "steps"] == 0

"""One year of demo tables, built without I/O: totals that add up, SMS near its target, links to earlier years."""

from __future__ import annotations

import pytest

from qdanalysis.demo.programme import BUDGET_TOTAL_RANGE, DEFAULT_SEED, SMS_PRICE, DemoProfile, fen
from qdanalysis.demo.year import build_demo, sms_target


@pytest.fixture(scope="module")
def demo():
    return build_demo([2019, 2020, 2021])


def test_the_sms_target_rises_by_half_a_million_a_year():
    assert [sms_target(y) for y in (2019, 2020, 2021)] == [5_500_000, 6_000_000, 6_500_000]


def test_the_same_seed_gives_the_same_tables_another_seed_others(demo):
    again = build_demo([2019, 2020, 2021], DEFAULT_SEED)
    assert again[2020].budget == demo[2020].budget and again[2021].contracts == demo[2021].contracts
    assert build_demo([2019, 2020, 2021], DEFAULT_SEED + 1)[2020].budget != demo[2020].budget


def test_totals_are_the_sums_of_the_items_to_the_fen(demo):
    for year, data in demo.items():
        assert data.total_budget == sum(r["budget"] for r in data.budget if r.get("budget") is not None), year
        assert data.total_executed == sum(r["executed"] for r in data.budget if r.get("executed") is not None), year
        assert data.total_budget.as_tuple().exponent == -2


def test_sms_rows_are_count_times_price_and_near_the_target(demo):
    rows = demo[2020].sms
    assert len(rows) == 12 * len({r["department"] for r in rows})
    assert all(r["amount"] == fen(r["count"] * SMS_PRICE) for r in rows)
    assert 0.92 * sms_target(2020) <= demo[2020].sms_count <= 1.12 * sms_target(2020)


def test_a_renewal_links_to_a_contract_of_an_earlier_year(demo):
    earlier = {r["contract_id"] for r in demo[2019].contracts}
    renewals = [r for r in demo[2020].contracts if r.get("renews")]
    assert renewals and all(r["renews"] in earlier | {c["contract_id"] for c in demo[2020].contracts} for r in renewals)


def test_a_smaller_profile_has_only_its_categories(demo):
    small = build_demo([2020], profile=DemoProfile(categories=("1", "2", "5")))
    assert {r["code"].split(".")[0] for r in small[2020].budget} == {"1", "2", "5"}
    low, high = BUDGET_TOTAL_RANGE
    assert low <= small[2020].total_budget <= high  # the items without a contract take the rest


def test_no_year_is_refused():
    with pytest.raises(ValueError, match="years must name at least one year"):
        build_demo([])

"""The demo's contracts: their months and yearly cost, renewals that follow each other, re-tenders."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from qdanalysis.demo.contracts import AccessChain, AnnualChain, DemoContract, standing_contracts
from qdanalysis.demo.programme import ACCESS_TENDER_YEAR, ANNUAL_CHAINS


def contract(**fields) -> DemoContract:
    base = dict(contract_id="SL-2020-2.1", item_code="2.1", vendor="中国联通", signed=dt.date(2020, 3, 1),
                start=dt.date(2020, 3, 1), end=None, billing="月", unit_price=Decimal("76000"), quantity=None)
    return DemoContract(**{**base, **fields})


def test_a_contract_is_active_and_counts_the_months_it_covers_in_a_year():
    c = contract(end=dt.date(2021, 6, 30))
    assert [c.active(y) for y in (2019, 2020, 2021, 2022)] == [False, True, True, False]
    assert (c.months_in(2020), c.months_in(2021), c.months_in(2022)) == (10, 6, 0)


def test_the_yearly_cost_by_billing():
    assert contract().annual_cost() == Decimal("912000.00")
    assert contract(quantity=3, unit_price=Decimal("942")).annual_cost() == Decimal("33912.00")
    assert contract(billing="年", amount=Decimal("450000")).annual_cost() == Decimal("450000")
    assert contract(billing="条", unit_price=Decimal("0.065")).annual_cost() is None


def test_standing_contracts_are_renewed_one_after_the_other_until_the_last_year():
    standing = standing_contracts(random.Random(7), 2022)
    unicom = [c for c in standing if c.contract_id.endswith("-LT")]
    assert [c.contract_id for c in unicom] == ["SL-2014-2.1-LT", "SL-2019-2.1-LT", "SL-2022-2.1-LT"]
    for prev, nxt in zip(unicom, unicom[1:]):
        assert nxt.start == prev.end + dt.timedelta(days=1) and nxt.renews == prev.contract_id
        assert nxt.procurement == "续签" and nxt.since == unicom[0].start
    assert all(c.signed <= c.start + dt.timedelta(days=45) for c in standing)
    old, new = [c for c in standing if c.item_code == "2.3"][:2]
    assert old.vendor == "中国电信" and old.end == dt.date(2019, 5, 31) and new.start == dt.date(2019, 6, 1)


def test_a_yearly_chain_is_renewed_with_growth_and_re_tendered_on_its_schedule():
    spec = ANNUAL_CHAINS[0]
    chain = AnnualChain(spec, 2018)
    rng = random.Random(3)
    contracts = [chain.next(rng, y) for y in range(2018, 2024)]
    assert [c.contract_id for c in contracts] == [f"SL-{y}-{spec[0]}" for y in range(2018, 2024)]
    for prev, c in zip(contracts, contracts[1:]):
        if c.procurement == "续签":
            assert c.renews == prev.contract_id and c.amount >= prev.amount and c.note.startswith(f"续签{prev.contract_id}")
        else:
            assert c.procurement == "公开招标" and c.renews is None and c.note == f"重新公开招标（上一合同{prev.contract_id}）"
    assert {c.procurement for c in contracts[1:]} >= {"续签"}
    assert all(c.billing == "年" and c.start == dt.date(c.start.year, 1, 1) for c in contracts)


def test_access_lines_are_tendered_once_then_telecom_lowers_its_price_and_unicom_keeps_it():
    chain = AccessChain(2018)
    rng = random.Random(5)
    years = {y: {c.vendor: c for c in chain.next(rng, y)} for y in range(2018, 2023)}
    tender = years[ACCESS_TENDER_YEAR]
    assert {c.procurement for c in tender.values()} == {"公开招标"}
    assert tender["中国联通"].unit_price == tender["中国电信"].unit_price
    assert years[2022]["中国联通"].unit_price == tender["中国联通"].unit_price
    assert years[2022]["中国电信"].unit_price < years[2021]["中国电信"].unit_price < tender["中国电信"].unit_price
    for y, pair in years.items():
        units = sum(c.quantity for c in pair.values())
        assert 85 <= units <= 95 and pair["中国联通"].quantity == round(units * 0.6), y

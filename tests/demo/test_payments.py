"""The demo's payment ledger: each item's 执行数 paid to the fen, a December rush in 2021, one other payee in 2022."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.demo.payments import NO_CONTRACT_PAYEE, OTHER_PAYEE, OTHER_PAYEE_YEAR, RUSH_YEAR
from qdanalysis.demo.year import build_demo


@pytest.fixture(scope="module")
def years():
    return build_demo()


def test_payments_sum_to_each_items_executed(years):
    for data in years.values():
        paid: dict[str, Decimal] = {}
        for p in data.payments:
            paid[p["item_code"]] = paid.get(p["item_code"], Decimal(0)) + p["amount"]
            assert p["date"].year == data.year
        assert paid == {i["code"]: i["executed"] for i in data.budget if i["executed"]}


def test_the_rush_year_pays_most_in_late_december(years):
    for year, data in years.items():
        total = sum(p["amount"] for p in data.payments)
        late = sum(p["amount"] for p in data.payments if p["date"].month == 12 and p["date"].day >= 21)
        assert (late / total > Decimal("0.6")) == (year == RUSH_YEAR)


def test_one_payee_differs_from_its_contract_only_in_its_year(years):
    for year, data in years.items():
        vendor = {c["contract_id"]: c["vendor"] for c in data.contracts}
        others = {p["payee"] for p in data.payments if p["contract_id"] and p["payee"] != vendor[p["contract_id"]]}
        assert others == ({OTHER_PAYEE} if year == OTHER_PAYEE_YEAR else set())
        free = {p["payee"] for p in data.payments if not p["contract_id"]}
        assert free <= {NO_CONTRACT_PAYEE}


def test_the_other_tables_are_unchanged_by_the_ledger(years):
    # the ledger draws from its own stream: the totals are those the seed gave before the ledger existed
    assert {y: (str(d.total_budget), str(d.total_executed)) for y, d in years.items()} == {
        2018: ("9186800.00", "8848027.35"), 2019: ("9151200.00", "8937346.49"), 2020: ("9295900.00", "9036553.63"),
        2021: ("9757200.00", "9376294.27"), 2022: ("9441000.00", "9201859.92")}

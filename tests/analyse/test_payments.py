"""What the ledger shows about 过程: execution against 序时进度, the December rush, per item and per contract."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pandas as pd
from analysis_inputs import budget, contracts, payments
from limited_runs import room_after

from qdanalysis.analyse.payments import AGREES, DIFFERS, EXECUTED_UNDISCLOSED, NOT_IN_BUDGET, analyse_payments

BUDGET = budget(("A1", "甲", "机房维护", Decimal("1000000"), Decimal("884000")),
                ("A2", "甲", "网络维护", Decimal("1000000"), Decimal("970000")),
                ("B1", "乙", "数据采集", Decimal("1000000"), None))
CONTRACTS = contracts(("HT-1", "A1", "机房维护", "甲公司", "2020-01-05", Decimal("800000"), "年", None, None, None, None,
                       None, None, "2020-01-01", "2020-12-31"),
                      ("HT-2", "B1", "数据采集", "乙公司", "2020-03-01", Decimal("1900000"), "年", None, None, None, None,
                       None, None, "2020-07-01", "2021-06-30"))
LEDGER = payments(("2020-03-31", "A1", "机房维护", "甲公司", "HT-1", Decimal("200000")),
                  ("2020-12-28", "A1", "机房维护", "丙公司", "HT-1", Decimal("685000.01")),
                  ("2020-12-10", "A2", "网络维护", "丁公司", None, Decimal("970000")),
                  ("2020-06-30", "B1", "数据采集", "乙公司", "HT-2", Decimal("950000")),
                  ("2020-11-02", None, "不在预算中", "戊公司", None, Decimal("1")))
TOTALS = {"budget": Decimal("3000000"), "adjusted_budget": None}


def result():
    return analyse_payments(LEDGER, BUDGET, CONTRACTS, TOTALS, 2020)


def test_no_ledger_no_analysis():
    assert analyse_payments(LEDGER.iloc[:0], BUDGET, CONTRACTS, TOTALS, 2020) is None


def test_monthly_and_cumulative_against_the_schedule():
    r = result()
    assert r.total == Decimal("2805001.01") and r.count == 5
    assert r.monthly["paid"].iloc[11] == Decimal("1655000.01")
    assert r.monthly["cumulative"].iloc[5] == Decimal("1150000.00")
    assert round(r.monthly["rate"].iloc[5], 6) == round(1150000 / 3000000, 6)
    assert list(r.quarters["schedule"]) == [0.25, 0.5, 0.75, 1.0]
    assert round(r.quarters["gap"].iloc[2], 4) == round(1150000 / 3000000 - 0.75, 4)


def test_december_last_ten_days_and_fourth_quarter_shares():
    r = result()
    assert round(r.december_share, 6) == round(1655000.01 / 2805001.01, 6)
    assert round(r.last_days_share, 6) == round(685000.01 / 2805001.01, 6)
    assert round(r.q4_share, 6) == round(1655001.01 / 2805001.01, 6)


def test_no_budget_total_no_rate():
    r = analyse_payments(LEDGER, BUDGET, CONTRACTS, {"budget": None}, 2020)
    assert r.base is None and r.monthly["rate"].isna().all() and r.december_share is not None


def test_per_item_agreement_both_figures_or_why_not():
    items = result().items.set_index("item")
    assert items.loc["机房维护", "status"] == DIFFERS and items.loc["机房维护", "difference"] == Decimal("-1000.01")
    assert items.loc["网络维护", "status"] == AGREES
    assert items.loc["数据采集", "status"] == EXECUTED_UNDISCLOSED
    assert items.loc["不在预算中", "status"] == NOT_IN_BUDGET


def test_per_contract_paid_against_the_year_and_payees():
    c = result().contracts.set_index("contract_id")
    assert c.loc["HT-1", "excess"] == Decimal("85000.01") and not c.loc["HT-1", "derived"]
    assert c.loc["HT-1", "payee_differs"] and c.loc["HT-1", "payees"] == "甲公司、丙公司"
    # HT-2, billed by the year, runs 2020-07-01..2021-06-30: 6 of its months fall in 2020 (推算)
    assert c.loc["HT-2", "in_year"] == Decimal("950000.00") and c.loc["HT-2", "excess"] == Decimal(0)
    assert c.loc["HT-2", "derived"] and not c.loc["HT-2", "payee_differs"]


def test_payments_without_a_contract_by_item_and_payee():
    free = result().no_contract
    assert list(free["payee"]) == ["丁公司", "戊公司"] and free["paid"].iloc[0] == Decimal("970000")


def test_inputs_are_not_changed():
    before = LEDGER.copy()
    result()
    pd.testing.assert_frame_equal(LEDGER, before)


def test_checks_show_agreement_or_both_figures():
    from qdanalysis.analyse.payments import payment_checks

    checks = payment_checks(result()).set_index("check")
    assert checks.loc["A1 机房维护：支付明细合计与执行数", "status"] == "不一致"
    assert checks.loc["A1 机房维护：支付明细合计与执行数", "detail"] == "支付明细合计88.50万元，执行数88.40万元"
    assert checks.loc["A2 网络维护：支付明细合计与执行数", "status"] == "一致"
    assert checks.loc["B1 数据采集：支付明细合计与执行数", "status"] == "未披露"
    assert "在预算执行表中找不到" in checks.loc["不在预算中：支付明细合计与执行数", "detail"]
    assert payment_checks(None).empty


def test_a_payment_without_contract_number_goes_to_the_one_contract_of_its_item_and_payee():
    ledger = payments(("2020-05-05", "B1", "数据采集", "乙公司", None, Decimal("100")),
                      ("2020-05-06", "A1", "机房维护", "甲公司", "HT-1", Decimal("1")))
    r = analyse_payments(ledger, BUDGET, CONTRACTS, TOTALS, 2020)
    c = r.contracts.set_index("contract_id")
    assert c.loc["HT-2", "paid"] == Decimal("100") and c.loc["HT-2", "linked_by"] == "项目和收款人"
    assert c.loc["HT-1", "linked_by"] == "合同编号" and r.no_contract.empty


def figures(analysis) -> str:
    """Every figure of an analysis, as text (to compare one made in another process)."""
    return repr([(f.name, value.to_dict("list") if isinstance(value, pd.DataFrame) else value)
                 for f in dataclasses.fields(analysis) for value in [getattr(analysis, f.name)]])


_INPUTS_OFF_THE_DEFAULT_POOL = f"""
import sys
sys.path[:0] = [{str(Path(__file__).parents[1])!r}, {str(Path(__file__).parent)!r}]
default = pa.default_memory_pool()
pa.set_memory_pool(pa.system_memory_pool())  # the inputs (pandas' Arrow columns) take nothing from the default pool
import test_payments
pa.set_memory_pool(default)
"""


def test_the_analysis_leaves_the_room_it_found_under_an_address_space_limit(tmp_path):
    # pyarrow's default pool (mimalloc) reserves 1 GiB of address space at its first allocation: under a limit
    # (ulimit -v, some Airflow workers) what is loaded or read after the analysis would find no room.
    shown, grown, room = room_after(_INPUTS_OFF_THE_DEFAULT_POOL, "test_payments.result()", cwd=tmp_path,
                                    show="test_payments.figures(value)")
    assert shown == figures(result())
    assert room, f"the analysis grew the address space by {grown >> 20} MiB"

"""Rules on the payment ledger (过程): each finds only what the ledger shows, with its figures and rows."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from analysis_inputs import budget, contracts, payments

from qdanalysis.analyse.payments import analyse_payments
from qdanalysis.analyse.rules import payments as R
from qdanalysis.analyse.rules.registry import RULES

BUDGET = budget(("A1", "甲", "机房维护", Decimal("1000000"), Decimal("885000")),
                ("A2", "甲", "网络维护", Decimal("2000000"), Decimal("1200000")))
CONTRACTS = contracts(
    ("HT-1", "A1", "机房维护", "甲公司", "2020-01-05", Decimal("800000"), "年", None, None, None, None, None, None,
     "2020-01-01", "2020-12-31"),
    ("HT-3", "A2", "网络维护", "丙公司", "2020-01-05", Decimal("2400000"), "年", None, None, None, None, None, None,
     "2020-07-01", "2021-06-30"))


def evidence(*rows):
    ledger = payments(*rows)
    return SimpleNamespace(data=SimpleNamespace(frames={"payments": ledger}),
                           payments=analyse_payments(ledger, BUDGET, CONTRACTS, {"budget": Decimal("3000000")}, 2020))


RUSH = evidence(("2020-03-31", "A1", "机房维护", "甲公司", "HT-1", Decimal("200000")),
                ("2020-12-28", "A1", "机房维护", "乙公司", "HT-1", Decimal("685000")),
                ("2020-12-30", "A2", "网络维护", "丁公司", None, Decimal("1200000")))
EVEN = evidence(*((f"2020-{m:02d}-15", "A1", "机房维护", "甲公司", "HT-1", Decimal("60000")) for m in range(1, 13)))


def test_registered_as_process_rules():
    for rule in (R.YEAR_END_RUSH, R.PAID_BEYOND_CONTRACT, R.PAYEE_NOT_VENDOR, R.LARGE_WITHOUT_CONTRACT):
        assert rule in RULES and rule.dimension == "过程" and not rule.across_years


def test_year_end_rush_with_its_shares():
    [f] = R.YEAR_END_RUSH.apply(RUSH)
    assert (f.code, f.title, f.severity) == ("F21", "年底集中支付", "高")
    assert f.summary.startswith("支付明细显示，全年支付208.50万元（3笔）中，12月支付188.50万元，占90.41%；"
                                "其中12月21日至31日支付占全年的90.41%，第四季度支付占90.41%；截至9月末累计支付占预算的6.67%，低于序时进度75%")
    assert list(f.rows["src_row"].isna()) == [True, True] and list(f.rows["table"]) == ["支付明细"] * 2


def test_even_pace_is_no_rush_and_no_ledger_no_finding():
    assert R.YEAR_END_RUSH.apply(EVEN) == []
    none = SimpleNamespace(data=SimpleNamespace(frames={}), payments=None)
    assert all(rule.apply(none) == [] for rule in (R.YEAR_END_RUSH, R.PAID_BEYOND_CONTRACT, R.PAYEE_NOT_VENDOR,
                                                    R.LARGE_WITHOUT_CONTRACT))


def test_paid_beyond_contract():
    [f] = R.PAID_BEYOND_CONTRACT.apply(RUSH)
    assert f.summary == "合同HT-1（机房维护）本年支付88.50万元，合同本年金额80.00万元，超出8.50万元"
    assert f.severity == "高" and f.figures["excess"] == Decimal("85000")


def test_beyond_a_pro_rated_amount_is_derived_and_medium():
    e = evidence(("2020-12-01", "A2", "网络维护", "丙公司", "HT-3", Decimal("1300000")))
    [f] = R.PAID_BEYOND_CONTRACT.apply(e)
    assert f.severity == "中" and "（推算：按本年服务月数折算）" in f.summary and f.figures["derived"] == 1


def test_payee_not_vendor_names_the_other_payee():
    [f] = R.PAYEE_NOT_VENDOR.apply(RUSH)
    assert f.summary == "合同HT-1（机房维护）的供应商为甲公司，支付明细中的收款人为甲公司、乙公司，其中乙公司不是合同供应商"
    assert len(f.rows) == 1 and f.rows["payee"].iloc[0] == "乙公司"


def test_large_payment_without_contract_cites_the_threshold():
    [f] = R.LARGE_WITHOUT_CONTRACT.apply(RUSH)
    assert f.summary.startswith("网络维护向丁公司支付1笔共120.00万元，均未对应合同台账中的合同（阈值100.00万元，参照国办发")
    assert "须按本地现行政府采购限额标准核对" in f.summary
    assert R.large_without_contract(RUSH, threshold=Decimal("1200000.01")) is None


def test_the_params_file_threshold_changes_what_is_found():
    """120万元 without a contract lies between 100万元 (the default) and 150万元 (a local limit set in the file)."""
    local = SimpleNamespace(**vars(RUSH), no_contract_threshold=Decimal("1500000"))
    assert R.LARGE_WITHOUT_CONTRACT.apply(local) == []
    lower = SimpleNamespace(**vars(RUSH), no_contract_threshold=Decimal("500000"))
    [f] = R.LARGE_WITHOUT_CONTRACT.apply(lower)
    assert f.summary == ("网络维护向丁公司支付1笔共120.00万元，均未对应合同台账中的合同"
                         "（阈值50.00万元，按参数文件 no_contract_threshold 设定）")
    assert f.figures["threshold"] == Decimal("500000") and "国办发" not in f.summary

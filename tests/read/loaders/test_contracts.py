"""Contract ledger loader."""

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError

HEAD = ["合同号", "项目", "中标供应商", "签约日期", "服务起始日期", "服务截止日期", "金额", "计价方式", "单价", "采购方式",
        "原合同编号", "服务范围"]


def test_ledger_variations(workbook):
    rows = [
        ["合同台账"],
        ["单位：元"],
        HEAD,
        ["A-1", "机房维护", "甲公司", "2019年8月10日", "2019/8/10", "2020-08-09", "667,000", "按年", None, "公开招标", None, "UPS巡检；空调维护"],
        ["A-2", "机房维护", "甲公司", "2020.08", None, None, "70万元", "年", None, "续签", "A-1", "UPS巡检"],
        ["L-1", "专线", "联通", 2014, None, None, None, "月", "7.6万元/月", "续签", None, None],
        ["S-1", "短信", "移动", "2017年", None, None, None, None, "0.065元/条", None, None, None],
        ["U-1", "电池", "乙公司", 43707, None, None, "22.797万元", "一次性", None, "招标", None, None],
    ]
    c = qdanalysis.load_contracts(workbook({"合同台账": rows})).set_index("contract_id")
    assert c.loc["A-1", "amount"] == Decimal("667000.00") and c.loc["A-1", "annual_cost"] == Decimal("667000.00")
    assert c.loc["A-1", "signed"] == pd.Timestamp("2019-08-10") and c.loc["A-1", "end"] == pd.Timestamp("2020-08-09")
    assert c.loc["A-2", "amount"] == Decimal("700000.00") and c.loc["A-2", "renews"] == "A-1"
    assert (c.loc["A-2", "signed"], c.loc["A-2", "signed_precision"]) == (pd.Timestamp("2020-08-01"), "month")
    assert c.loc["L-1", "billing"] == "月" and c.loc["L-1", "annual_cost"] == Decimal("912000.00")
    assert c.loc["L-1", "signed_precision"] == "year"
    assert c.loc["S-1", "billing"] == "条" and pd.isna(c.loc["S-1", "annual_cost"])  # depends on volume
    assert c.loc["S-1", "unit_price"] == Decimal("0.0650")
    assert c.loc["U-1", "signed"] == pd.Timestamp("2019-08-30") and pd.isna(c.loc["U-1", "annual_cost"])  # a single payment has no yearly cost


@pytest.mark.parametrize(
    "billing, amount, price, quantity, expected",
    [("月", None, "76000", None, "912000.00"), ("月", None, "942", 92, "1039968.00"), ("年", "667000", None, None, "667000.00"),
     ("一次性", "227970", None, None, None), ("条", None, "0.065", None, None), (None, "1000", None, None, None),
     ("年", None, "0.0125", 3, "0.04"), ("年", None, "0.0135", 3, "0.04"), ("月", None, "0.0001", 50, "0.06"),
     ("月", None, "0.0001", 125, "0.15"), ("月", "942元/月", None, 2, "22608.00"), ("年", "100", "5", 3, "100.00")],
)
def test_annual_cost(workbook, billing, amount, price, quantity, expected):
    # 0.0125 × 3 = 0.0375 and 0.0135 × 3 = 0.0405 round to 0.04; 0.0001 × 50 × 12 = 0.06;
    # 0.0001 × 125 × 12 = 0.15: prices keep 0.0001 元, the annual cost is rounded to the fen.
    rows = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "计费方式", "单价", "数量"],
            ["A-1", "机房", "甲", "2019-01-01", amount, billing, price, quantity]]
    c = qdanalysis.load_contracts(workbook({"合同台账": rows}))
    got = c.loc[0, "annual_cost"]
    assert (None if pd.isna(got) else got) == (None if expected is None else Decimal(expected))


def test_annual_cost_rounds_half_to_even_at_the_fen(workbook):
    # 0.0005 × 1 × 12 = 0.006 -> 0.01; 0.0005 × 5 × 12 = 0.03; 0.0125 -> 0.01; 0.0175 -> 0.02;
    # the halves: 0.0150 -> 0.02 and 0.0250 -> 0.02 (to even, as Decimal.quantize does)
    rows = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "计费方式", "单价", "数量"],
            ["A", "x", "y", "2019-01-01", "月", "0.0005", 1], ["B", "x", "y", "2019-01-01", "月", "0.0005", 5],
            ["C", "x", "y", "2019-01-01", "年", "0.0125", None], ["D", "x", "y", "2019-01-01", "年", "0.0175", None],
            ["E", "x", "y", "2019-01-01", "年", "0.015", None], ["F", "x", "y", "2019-01-01", "年", "0.025", None]]
    c = qdanalysis.load_contracts(workbook({"合同台账": rows})).set_index("contract_id")["annual_cost"]
    assert [str(v) for v in c] == ["0.01", "0.03", "0.01", "0.02", "0.02", "0.02"]


def test_refusals_all_in_one_run(workbook):
    rows = [
        ["单位：万元"],
        ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "计费方式", "单价", "服务开始", "服务结束"],
        ["A-1", "机房", "甲", "2019-02-30", 1, "年", None, None, None],
        ["A-1", "机房", "甲", "2019-01-01", "一百", "每周", None, None, None],
        [None, None, "甲", "2019-01-01", 1, "年", None, "2020-01-01", "2019-01-01"],
        ["B-1", "线路", "乙", "2019-01-01", None, "年", "7.6万元/月", None, None],
    ]
    err = pytest.raises(ValidationError, qdanalysis.load_contracts, workbook({"合同台账": rows})).value
    got = [(p.row, p.column.split("(")[0], p.message) for p in err.problems]
    assert (3, "签订日期", "日期「2019-02-30」不存在") in got
    assert any(r == 4 and c == "合同编号" and "重复" in m for r, c, m in got)
    assert any(r == 4 and c == "合同金额" and "一百" in m for r, c, m in got)
    assert any(r == 4 and c == "计费方式" and "每周" in m for r, c, m in got)
    assert any(r == 5 and c == "合同编号" and "缺少" in m for r, c, m in got)
    assert any(r == 5 and c == "项目名称" for r, c, m in got)
    assert any(r == 5 and c == "服务结束" and "早于" in m for r, c, m in got)
    assert any(r == 6 and c == "计费方式" and "矛盾" in m for r, c, m in got)
    # row by row, as a reader goes down the sheet: a row's cells first, then its own checks
    assert [r for r, _, _ in got] == sorted(r for r, _, _ in got)
    assert [c for r, c, _ in got if r == 4] == ["合同金额", "合同编号", "计费方式"]


def test_amount_or_price_column_required(workbook):
    rows = [["合同编号", "项目名称", "供应商", "签订日期"], ["A", "x", "y", "2019-01-01"]]
    err = pytest.raises(ValidationError, qdanalysis.load_contracts, workbook({"合同台账": rows})).value
    [p] = err.problems
    assert p.row == 1 and "合同金额" in p.message and "单价" in p.hint


def test_garbage_collection_is_paused_while_loading_and_restored_after(workbook, monkeypatch):
    import gc

    from qdanalysis.read import columns as _columns

    seen = []
    real = _columns.read_columns
    monkeypatch.setattr("qdanalysis.read.loaders.contracts.read_columns",
                        lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    bad = [["合同编号", "项目名称", "供应商", "签订日期", "合同金额"], ["A", "x", "y", "2019-02-30", "1元"]]
    pytest.raises(ValidationError, qdanalysis.load_contracts, workbook({"合同台账": bad}))
    assert seen == [False] and gc.isenabled()  # paused inside, back on after a refusal
    gc.disable()
    try:
        qdanalysis.load_contracts(workbook({"合同台账": bad[:1] + [["A", "x", "y", "2019-02-01", "1元"]]}))
        assert not gc.isenabled()  # a caller's own pause is left alone
    finally:
        gc.enable()


def test_an_amount_written_per_message_is_the_unit_price(workbook):
    rows = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "计费方式"],
            ["S-1", "短信", "移动", "2019-01-01", "0.07元/条", "条"]]
    c = qdanalysis.load_contracts(workbook({"合同台账": rows}))
    assert pd.isna(c.loc[0, "amount"]) and c.loc[0, "unit_price"] == Decimal("0.0700")
    assert c.loc[0, "unit_price_per"] == "条" and pd.isna(c.loc[0, "annual_cost"])


def test_paid_in_year_per_month_is_refused(workbook):
    rows = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "计费方式", "本年支付"],
            ["A-1", "机房", "甲", "2019-01-01", 667000, "年", "5万元/月"]]
    [p] = pytest.raises(ValidationError, qdanalysis.load_contracts, workbook({"合同台账": rows})).value.problems
    assert (p.row, p.column) == (3, "本年支付(G列)")
    assert p.message == "本年支付应为全年金额，「5万元/月」是每月的金额，不能当作全年金额"


def test_a_contract_number_repeated_in_another_sheet_names_the_first_row(workbook):
    header = ["合同编号", "项目名称", "供应商", "签订日期", "合同金额（万元）", "计费方式"]
    first = [header, ["A-1", "机房", "甲", "2019-01-01", 1, "年"], ["A-2", "机房", "甲", "2019-01-01", 1, "年"]]
    second = [header, ["B-1", "线路", "乙", "2019-01-01", 1, "年"], ["A-2", "线路", "乙", "2019-01-01", 1, "年"]]
    err = pytest.raises(ValidationError, qdanalysis.load_contracts, workbook({"合同台账": first, "合同台账2": second})).value
    [p] = err.problems
    assert (p.sheet, p.row, p.message) == ("合同台账2", 3, "合同编号「A-2」重复（第一次在第3行）")


def test_an_annual_cost_beyond_64_bits_is_exact_and_one_beyond_18_digits_is_refused(workbook):
    # 1,000,000,000,000 元 a month × 100 × 12 = 1.2×10^19 units of 0.0001 元, beyond 64-bit integers: exact all the
    # same. × 1,000 is 1.2×10^18 fen, more than 18 digits: refused, naming the row. The small one beside them as ever.
    rows = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "计费方式", "单价", "数量"],
            ["A", "x", "y", "2019-01-01", "月", "1000000000000", 100], ["B", "x", "y", "2019-01-01", "月", "0.0125", 3],
            ["C", "x", "y", "2019-01-01", "月", "1000000000000", 1000]]
    with pytest.raises(ValidationError) as err:
        qdanalysis.load_contracts(workbook({"合同台账": rows}))
    [problem] = err.value.problems
    assert (problem.row, problem.message) == (5, "单价×数量得出的年度费用过大（超过18位数字）")
    del rows[4]
    c = qdanalysis.load_contracts(workbook({"合同台账": rows})).set_index("contract_id")["annual_cost"]
    assert [str(v) for v in c] == ["1200000000000000.00", "0.45"]


def test_the_annual_costs_computed_at_once_are_those_of_the_row_by_row_rule(monkeypatch):
    import numpy as np

    from qdanalysis.read.columns import MoneyColumn
    from qdanalysis.read.loaders import contracts

    rng = np.random.default_rng(28)
    n = 5000
    price, amount = MoneyColumn(n, -4), MoneyColumn(n, -2)
    price.units[:] = rng.integers(-10**6, 10**6, n) * rng.choice([1, 50, 25, 10**6], n)  # halves of a fen, negatives
    amount.units[:] = rng.integers(0, 10**9, n)
    price.valid[:], amount.valid[:] = rng.random(n) < 0.9, rng.random(n) < 0.5
    billing = rng.choice(np.array(["月", "年", "条", "一次性", None], dtype=object), n).tolist()
    quantity = [None if q < 0 else int(q) for q in rng.integers(-3, 200, n)]
    at_once = contracts._annual_cost(billing, amount, price, quantity, None, 0)
    monkeypatch.setattr(contracts, "_priced_at_once", lambda *args: False)
    row_by_row = contracts._annual_cost(billing, amount, price, quantity, None, 0)
    assert at_once.equals(row_by_row) and (~at_once.isna()).sum() > 1500

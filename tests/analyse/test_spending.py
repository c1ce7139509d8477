"""Spending by category and the spending the data itemises, on tiny inline tables and on the 2020 data."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from analysis_inputs import budget, contracts

import qdanalysis
from qdanalysis.analyse import spending as A

D = Decimal


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


def test_spending_by_category_keeps_undisclosed_apart():
    b = budget(("1", "甲", "a", D(100), None), ("2", "甲", "b", None, None), ("3", "乙", "c", None, None))
    before = b.copy()
    out = A.spending_by_category(b, {"budget": D(1000), "executed": D(900), "adjusted_budget": None}).set_index("category")
    pd.testing.assert_frame_equal(b, before)  # inputs untouched
    assert out.loc["甲", "budget"] == D(100) and out.loc["甲", "items_disclosed"] == 1
    assert pd.isna(out.loc["乙", "budget"])  # nothing disclosed is NA, not zero
    assert out.loc["未逐项列明", "budget"] == D(900) and out.loc["未逐项列明", "items"] == 2
    assert out.loc["合计", "budget"] == D(1000) and out.loc["合计", "execution_rate"] == 0.9
    assert pd.isna(out.loc["未逐项列明", "execution_rate"])
    assert out.loc["甲", "share"] == 0.1


def test_2020_categories(y2020):
    out = A.spending_by_category(y2020.budget, y2020.totals).set_index("category")
    assert out.loc["关键设备维护服务费", "budget"] == D("2135000.00")
    assert out.loc["网络线路及安全保障", "budget"] == D("2534200.00")
    assert out.loc["未逐项列明", "budget"] == D("4332800.00")
    assert f"{out.loc['合计', 'execution_rate']:.2%}" == "98.27%"
    # no item states an executed figure: only the total row carries it, not the 未披露 row of 20 items
    assert pd.isna(out.loc["未逐项列明", "executed"]) and out.loc["合计", "executed"] == D("9246800.00")
    assert out.loc["未逐项列明", "items"] == 20


def test_undisclosed_execution_is_the_part_items_do_not_state():
    b = budget(("1", "甲", "a", D(100), None), ("2", "乙", "b", D(200), None))
    b.loc[0, "executed"] = D(80)
    out = A.spending_by_category(b, {"budget": D(300), "executed": D(250), "adjusted_budget": None})
    out = out.set_index("category")
    assert out.loc["未逐项列明", "executed"] == D(170)  # 250 stated, 80 itemised


def test_disclosed_spend_2020(y2020):
    out = A.disclosed_spend(y2020.budget, y2020.contracts, y2020.totals).set_index("item")
    assert out.loc["已列明合计", "amount"] == D("5233098.50")  # about 523.3万元 (FACTS)
    assert out.loc["未逐项列明", "amount"] == D("4013701.50")  # about 401.4万元
    basis = out.set_index("code")["basis"]
    assert basis["1.3"] == "本年支付（金额载明，支付年度未载明）"  # the ledger's note: 记为本年支付
    assert basis["1.7"] == "推算：22.797×5%"  # the ledger writes it as 22.797×5%=1.13985万元
    assert basis["1.2"] == "合同金额（2019年9月公开招标）" and basis["2.1"] == "预算数"


def test_disclosed_spend_prefers_the_executed_figure():
    b = budget(("1", "甲", "a", D(100), D(90)), ("2", "甲", "b", D(50), None))
    c = contracts(("C", "2", "b", "乙", "2020-01-01", D(50), "年", None, None, None, None, D(50), D(20), None, None))
    out = A.disclosed_spend(b, c, {"executed": D(110)}).set_index("item")
    assert (out.loc["a", "amount"], out.loc["a", "basis"]) == (D(90), "执行数")
    assert (out.loc["b", "amount"], out.loc["b", "basis"]) == (D(20), "本年支付")
    assert out.loc["未逐项列明", "amount"] == D(0)

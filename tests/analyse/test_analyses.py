"""Analyses on tiny inline frames with known answers, and on the 2020 data."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse import analyses as A
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget import BUDGET_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES
from qdanalysis.read.loaders.lines import LINE_DTYPES
from qdanalysis.read.loaders.sms import SMS_DTYPES

D = Decimal


def budget(*rows):
    return frame([dict(zip(("code", "category", "item", "budget", "executed"), r)) for r in rows], BUDGET_DTYPES)


def contracts(*rows):
    keys = ("contract_id", "item_code", "item", "vendor", "signed", "amount", "billing", "unit_price", "quantity",
            "procurement", "renews", "annual_cost", "paid_in_year", "start", "end")
    out = []
    for r in rows:
        row = dict(zip(keys, r))
        for k in ("signed", "start", "end"):
            row[k] = pd.Timestamp(row[k]) if row.get(k) else None
        row["unit_price_per"] = row["billing"] if row.get("unit_price") is not None else None
        out.append(row)
    return frame(out, CONTRACT_DTYPES)


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
    assert out.set_index("code").loc["1.3", "basis"] == "本年支付"


def test_line_prices_2020(y2020):
    costs = A.line_costs(y2020.lines).set_index(["carrier", "line_type"])
    assert costs.loc[("中国联通", "互联网出口"), "cost_per_mbps_month"] == 76.0
    assert costs.loc[("中国联通、中国电信", "单位接入（主、副线路）"), "annual_cost"] == D("1039968.00")
    prices = A.same_bandwidth_prices(y2020.lines)
    assert list(prices["carrier"]) == ["中国联通", "中国电信"]
    assert round(prices["ratio_to_cheapest"].iloc[0], 1) == 9.6


def test_monthly_contract_accrues_within_its_service_period():
    c = contracts(
        ("L1", "2.1", "专线", "联通", "2014-01-01", None, "月", D(76000), None, "续签", None, D(912000), None, None, None),
        ("L2", "2.3", "省专网", "联通", "2020-06-01", None, "月", D(11700), None, None, None, D(140400), None,
         "2020-06-15", "2020-09-30"),
        ("L3", "2.2", "接入", "联通", None, None, "月", D(942), 92, None, None, None, None, None, None),
    )
    m = A.monthly_line_cost(c, 2020)
    per = m.groupby("contract_id")["month"].apply(lambda s: [x.month for x in s])
    assert per["L1"] == list(range(1, 13))
    assert per["L2"] == [6, 7, 8, 9]
    assert set(m[m["contract_id"] == "L3"]["cost"]) == {D("86664.00")}  # 942 × 92
    y = A.yearly_line_cost(c, 2020)
    assert y["year"].min() == 2014 and y[y["contract_id"] == "L2"]["months"].tolist() == [4]


def test_renewal_chains_by_link_and_by_item_vendor():
    c = contracts(
        ("A1", "1.1", "机房", "甲", "2017-01-01", D(100), "年", None, None, "公开招标", None, D(100), None, None, None),
        ("A2", "1.1", "机房", "甲", "2018-01-01", D(110), "年", None, None, "续签", "A1", D(110), None, None, None),
        ("A3", "1.1", "机房", "甲", "2019-01-01", D(121), "年", None, None, "续签", "A2", D(121), None, None, None),
        ("B1", "2.1", "专线", "乙", "2016-01-01", D(50), "年", None, None, "单一来源", None, D(50), None, None, None),
        ("B2", "2.1", "专线", "乙", "2018-01-01", D(60), "年", None, None, "单一来源", None, D(60), None, None, None),
    )
    chains = A.renewal_chains(c)
    a = chains[chains["chain"] == "A1"]
    assert list(a["contract_id"]) == ["A1", "A2", "A3"]
    assert [round(g, 4) if not pd.isna(g) else None for g in a["growth"]] == [None, 0.1, 0.1]
    b = chains[chains["contract_id"].isin(["B1", "B2"])]
    assert b["chain"].nunique() == 1  # same item and vendor, no link
    s = A.renewal_summary(chains, 2020).set_index("chain")
    assert round(s.loc["A1", "cagr"], 4) == 0.1
    # one rule for the years: 2017—2020 are 4 budget years, and the estimate counts the same 4
    assert s.loc["A1", "years"] == 4 and s.loc["A1", "spent_since"] == D(121) * 4
    assert not s.loc["B1", "competition_on_record"] and s.loc["B1", "years"] == 5  # 2016—2020


def test_renewal_estimates_only_for_open_recurring_contracts():
    c = contracts(
        # renewed in 2020 at an amount not disclosed: the old price is not assumed
        ("R1", "1.1", "机房", None, "2019-08-10", D(667000), "年", None, None, None, None, D(667000), None, None, None),
        ("R2", "1.1", "机房", None, "2020-01-01", None, "年", None, None, "续签", "R1", None, None, None, None),
        # one year of service that ended in April 2020: 28.9万 for the term, not per year
        ("T1", "1.3", "维保", "浪潮", "2019-04-01", D(289000), "年", None, None, "招标", None, D(289000), D(144500),
         "2019-04-03", "2020-04-03"),
        # a single purchase: never annualised, not a renewal chain
        ("U1", "1.7", "蓄电池", None, "2019-01-01", D(227970), "一次性", None, None, "招标", None, D(227970), D(11398.5),
         None, None),
        ("L1", "2.1", "专线", "联通", "2014-01-01", None, "月", None, None, "续签", None, D(912000), None, None, None),
    )
    s = A.renewal_summary(A.renewal_chains(c), 2020).set_index("chain")
    assert "U1" not in s.index
    assert pd.isna(s.loc["R1", "spent_since"]) and s.loc["R1", "years"] == 2
    assert pd.isna(s.loc["T1", "spent_since"])
    assert s.loc["L1", "years"] == 7 and s.loc["L1", "spent_since"] == D(912000) * 7  # 2014—2020


def test_sms_monthly_and_target_money():
    sms = frame([
        {"month": pd.Timestamp(2020, 1, 1), "department": "办公厅", "count": 1000, "unit_price": D("0.065"), "amount": None},
        {"month": pd.Timestamp(2020, 1, 1), "department": "财政局", "count": 3, "unit_price": D("0.065"), "amount": None},
        {"month": pd.Timestamp(2020, 2, 1), "department": "办公厅", "count": None, "unit_price": D("0.065"), "amount": None},
    ], SMS_DTYPES)
    m = A.sms_monthly(sms)
    assert m["count"].tolist()[0] == 1003 and m["amount"].iloc[0] == D("65.20")  # 65.195 rounds half up
    assert pd.isna(m["count"].iloc[1]) and m["amount_basis"].iloc[1] == "未披露"
    d = A.sms_by_department(sms)
    assert d["department"].tolist() == ["办公厅", "财政局"] and d["months_disclosed"].tolist() == [1, 1]
    ind = pd.DataFrame({"name": ["金宏短信到达率", "保障金宏短信数量"], "target_value": [98.0, 6_000_000.0],
                        "target_op": [">=", ">="], "target_unit": ["%", "条"]})
    assert A.sms_target_money(sms, ind)["implied"] == D("390000.00")  # the count, not the rate listed first
    rate = A.sms_target_money(sms, ind.iloc[[0]])  # a rate target is not a number of messages
    assert rate["implied"] is None and rate["target_count"] is None and rate["unit_price"] == D("0.065")


def test_indicator_status_2020(y2020):
    s = A.indicator_status(y2020.indicators).set_index("name")
    assert s.loc["整合视频监控数量", "status"] == "未完成" and s.loc["整合视频监控数量", "achievement"] == 0.51
    assert pd.isna(s.loc["视频资源共享数量", "achievement"]) and s.loc["视频资源共享数量", "status"] == "口径不一致"
    assert (s["status"] == "未披露").sum() == 8
    # a ceiling (≤941万元) is met or not: no "完成比例 101.76%", the comparison in words
    assert pd.isna(s.loc["采购成本", "achievement"])
    assert s.loc["采购成本", "comparison"] == "实际924.68万元，未超过上限941万元"
    assert s.loc["整合视频监控数量", "comparison"] == "实际5.1万路，为目标值的51%"
    assert s.loc["系统正常运行率", "comparison"] == "完成值未披露"


def test_recurring_share_2020(y2020):
    r = A.recurring_share(y2020.budget, y2020.contracts, y2020.totals)
    assert r["recurring"] == D("5077200.00") and f"{r['share']:.2%}" == "53.96%"
    assert "1.7" not in r["items"]  # a one-off payment is not recurring


def test_lines_empty_frames_do_not_fail():
    empty = frame([], LINE_DTYPES)
    assert A.line_costs(empty).empty and A.same_bandwidth_prices(empty).empty


def test_replaced_line_contract_counts_only_its_months():
    from qdanalysis.analyse.checks import budget_vs_contracts

    b = budget(("2.3", "网络", "省专网", D(140400 - 70200 + 60000), None))
    c = contracts(
        ("OLD", "2.3", "省专网", "电信", "2015-01-01", None, "月", D(10000), None, None, None, None, None,
         "2015-01-01", "2020-06-30"),
        ("NEW", "2.3", "省专网", "联通", "2020-07-01", None, "月", D(11700), None, None, None, None, None,
         "2020-07-01", None),
    )
    [row] = budget_vs_contracts(b, c, 2020)
    assert row["computed"] == D(6 * 10000 + 6 * 11700) and row["status"] == "一致"
    assert row["formula"] == "1万元/月×6 + 1.17万元/月×6"


def test_disclosed_spend_prefers_the_executed_figure():
    b = budget(("1", "甲", "a", D(100), D(90)), ("2", "甲", "b", D(50), None))
    c = contracts(("C", "2", "b", "乙", "2020-01-01", D(50), "年", None, None, None, None, D(50), D(20), None, None))
    out = A.disclosed_spend(b, c, {"executed": D(110)}).set_index("item")
    assert (out.loc["a", "amount"], out.loc["a", "basis"]) == (D(90), "执行数")
    assert (out.loc["b", "amount"], out.loc["b", "basis"]) == (D(20), "本年支付")
    assert out.loc["未逐项列明", "amount"] == D(0)


def test_link_items_by_code_else_by_name():
    b = budget(("2.1", "网络", "专线", D(100), None), ("2.2", "网络", "接入", D(90), None))
    ln = frame([{"unit": "甲", "carrier": "中国联通", "item_code": "2.1", "item": None},
                {"unit": "乙", "carrier": "中国电信", "item_code": None, "item": "接入"},
                {"unit": "丙", "carrier": "中国电信", "item_code": None, "item": "不在预算中"}], LINE_DTYPES)
    before = ln.copy()
    linked = A.link_items(b, ln)
    pd.testing.assert_frame_equal(ln, before)  # a new frame; the input is unchanged
    assert linked["item_code"].tolist() == ["2.1", "2.2", None]
    coded = A.link_items(b, linked.iloc[:2])
    assert coded is not linked and coded["item_code"].tolist() == ["2.1", "2.2"]
    bare = budget((None, "网络", "专线", D(100), None))
    assert A.item_keys(bare)["code"].tolist() == ["专线"]  # no code: the name is the key
    assert A.link_items(bare, ln.iloc[[1]].assign(item="专线"))["item_code"].tolist() == ["专线"]


def test_a_line_and_its_contract_count_the_same_months():
    """A line in service from March costs ten months of 2020, as its contract does: one rule."""
    from qdanalysis.analyse import checks

    b = budget(("2.3", "网络", "专网", D(117000), None))
    ln = frame([{"unit": "甲", "carrier": "中国联通", "line_type": "专网", "bandwidth_mbps": 100.0, "count": 1,
                 "count_unit": "条", "monthly_fee": D(11700), "start": pd.Timestamp("2020-03-01"), "item_code": "2.3"}],
               LINE_DTYPES)
    c = contracts(("C1", "2.3", "专网", "中国联通", "2020-03-01", None, "月", D(11700), None, None, None, None, None,
                   "2020-03-01", None))
    assert A.line_costs(ln, 2020)["annual_cost"].iloc[0] == D(117000)
    assert A.months_in_service(ln.iloc[0], 2020) == A.months_in_service(c.iloc[0], 2020) == 10
    [by_lines] = checks.budget_vs_lines(b, ln, 2020)
    assert by_lines["computed"] == D(117000) and by_lines["formula"] == "1条×11700.00元×10"
    chk = checks.cross_checks(b, c, ln, {"budget": D(117000), "executed": None, "adjusted_budget": None}, 2020)
    assert "不一致" not in set(chk["status"])


def test_renewal_costs_say_whether_they_are_stated_or_derived(y2020):
    """A monthly contract's yearly cost is derived (月费×12, 推算); a yearly contract states its amount."""
    from qdanalysis.analyse.year import analyse

    s = analyse(y2020).renewals.set_index("item")
    assert s.loc["市直单位网络接入费", "cost_basis"] == "推算：月费×12"
    assert s.loc["数字证书购置和更新服务费", "cost_basis"] == "合同年度金额"
    assert s.loc["电子政务机房UPS等关键设备维护服务费", "cost_basis"] == "续签金额未披露"

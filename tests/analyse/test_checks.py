"""Cross-checks between the tables of one year: what agrees to the fen, what does not and by how much."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd

from qdanalysis.analyse import checks
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget import BUDGET_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES
from qdanalysis.read.loaders.lines import LINE_DTYPES


def budget(*rows):
    return frame([dict(zip(("code", "category", "item", "budget", "executed"), r)) for r in rows], BUDGET_DTYPES)


def contracts(*rows):
    keys = ("contract_id", "item_code", "item", "vendor", "billing", "unit_price", "quantity", "amount", "paid_in_year",
            "start", "end")
    out = []
    for r in rows:
        row = dict(zip(keys, r))
        for k in ("start", "end"):
            row[k] = pd.Timestamp(row[k]) if row.get(k) else None
        row["unit_price_per"] = row["billing"] if row.get("unit_price") is not None else None
        out.append(row)
    return frame(out, CONTRACT_DTYPES)


def lines(*rows):
    keys = ("unit", "carrier", "count", "monthly_fee", "item_code", "count_unit")
    return frame([dict(zip(keys, r)) for r in rows], LINE_DTYPES)


def test_monthly_contracts_against_the_budget_agree_to_two_fen():
    b = budget(("2.1", "网络", "专线", D("120000.02"), None))
    c = contracts(("C1", "2.1", "专线", "联通", "月", D(10000), None, None, None, None, None))
    [row] = checks.budget_vs_contracts(b, c, 2020)
    assert (row["check"], row["formula"]) == ("2.1 专线：合同月费×服务月数与预算数", "1万元/月×12")
    assert (row["computed"], row["stated"], row["status"]) == (D("120000.00"), D("120000.02"), "一致")


def test_a_disagreement_says_by_how_much_and_how_many_lines_the_budget_buys():
    b = budget(("2.2", "网络", "接入", D(900000), None))
    c = contracts(("C1", "2.2", "接入", "电信", "月", D(1000), 100, None, None, None, None))
    [row] = checks.budget_vs_contracts(b, c, 2020)
    assert row["status"] == "不一致" and row["difference"] == D(-300000) and round(row["relative"], 3) == -0.25
    assert row["formula"] == "0.1万元/月×100条×12"  # a price of 1000元 or more is written in 万元
    assert row["detail"] == ("推算：按合同月费计，年费用120.00万元；预算表列90.00万元，较推算数少30.00万元（-25.0%）；"
                             "按同一单价，预算表数约合75条线路（推算所用数量为100条）")
    # lines counted as lines, in the year: no caveat; a budget above the 推算 is 多
    [more] = checks.budget_vs_contracts(budget(("2.2", "网络", "接入", D(1500000), None)), c, 2020)
    assert more["detail"] == ("推算：按合同月费计，年费用120.00万元；预算表列150.00万元，较推算数多30.00万元（+25.0%）；"
                              "按同一单价，预算表数约合125条线路（推算所用数量为100条）")
    assert checks.warnings_from(pd.DataFrame([row])) == [f"{row['check']}：{row['detail']}"]


def test_items_billed_otherwise_or_without_a_monthly_price_are_not_computed():
    b = budget(("2.1", "网络", "专线", D(120000), None), ("2.2", "网络", "接入", D(1), None))
    c = contracts(("C1", "2.1", "专线", "联通", "月", D(10000), None, None, None, None, None),
                  ("C2", "2.1", "专线", "联通", "年", D(1), None, None, None, None, None),
                  ("C3", "2.2", "接入", "电信", "月", None, None, None, None, None, None))
    assert checks.budget_vs_contracts(b, c, 2020) == []


def test_lines_are_costed_by_count_fee_and_months_and_an_undisclosed_budget_is_not_compared():
    b = budget(("2.3", "网络", "专网", None, None))
    ln = lines(("甲", "联通", 2, D(5000), "2.3", "条"), ("乙", "电信", 1, D(1000), "2.3", "条"))
    [row] = checks.budget_vs_lines(b, ln)
    assert row["formula"] == "2条×5000.00元×12 + 1条×1000.00元×12" and row["computed"] == D("132000.00")
    assert (row["stated"], row["status"], row["difference"]) == (None, "未披露", None)


def test_a_line_without_its_fee_leaves_the_cost_undisclosed():
    b = budget(("2.3", "网络", "专网", D(1), None))
    [row] = checks.budget_vs_lines(b, lines(("甲", "联通", 2, None, "2.3", "条")))
    assert row["computed"] is None and row["status"] == "未披露"


def test_payments_are_shown_as_a_share_of_their_contract_never_as_a_disagreement():
    c = contracts(("C1", "1.7", "尾款", "某公司", "一次性", None, None, D(289000), D(144500), None, None))
    [row] = checks.payments_vs_contracts(c)
    assert (row["formula"], row["status"], row["detail"]) == ("14.45万元 ÷ 28.9万元", "—", "本年支付为合同金额的50.00%")


def test_the_execution_rate_of_the_total_row():
    [row] = checks.totals_check({"budget": D(9410000), "executed": D(9246800), "execution_rate": 0.98266})
    assert (row["formula"], row["detail"]) == ("924.68万元 ÷ 941.00万元", "执行率98.27%")
    assert checks.totals_check({"budget": D(1), "executed": None}) == []


def test_cross_checks_keep_one_row_for_an_item_the_contracts_and_the_lines_cost_alike():
    b = budget(("2.1", "网络", "专线", D(120000), None))
    c = contracts(("C1", "2.1", "专线", "联通", "月", D(10000), None, None, None, None, None))
    ln = lines(("甲", "联通", 1, D(10000), "2.1", "条"))
    out = checks.cross_checks(b, c, ln, {"budget": None, "executed": None}, 2020)
    assert list(out.columns) == checks.CHECK_COLUMNS
    assert list(out["check"]) == ["2.1 专线：合同月费×服务月数与预算数"]


def test_the_2020_checks_and_their_one_warning(analysis2020):
    assert list(analysis2020.checks["status"]) == ["—", "一致", "不一致", "一致", "—", "—"]
    [warning] = checks.warnings_from(analysis2020.checks)
    assert warning.startswith("2.2 市直单位网络接入费：合同月费×服务月数与预算数：推算：按合同月费计，年费用104.00万元；"
                              "预算表列约90.00万元")


def test_organisations_counted_as_one_line_each_are_an_assumption_and_their_count_says_what_it_is():
    """2.2: the 92 units are the 2018 count of organisations (数量说明), each costed as one line by assumption."""
    b = budget(("2.2", "网络", "接入", D(900000), None))
    c = contracts(("C1", "2.2", "接入", "电信", "月", D(942), 92, None, None, None, None)).assign(
        quantity_unit="单位", count_note="2018年外联网单位数")
    [row] = checks.budget_vs_contracts(b, c, 2020)
    assert row["detail"].endswith("按同一单价，预算表数约合80条线路。推算所用数量为2018年外联网单位数92个，每单位按1条线路计系假设"
                                  "（每单位线路条数未披露），并非2020年实有线路数；本项核对只说明预算表数与所列单价、数量不相印证，"
                                  "不能说明预算不足")
    # a count of the budget year is not said to be of another year
    [row] = checks.budget_vs_contracts(b, c.assign(count_note="2020年外联网单位数"), 2020)
    assert "并非" not in row["detail"] and "推算所用数量为2020年外联网单位数92个，每单位按1条线路计系假设" in row["detail"]
    [row] = checks.budget_vs_contracts(b, c.assign(count_note=None), 2020)
    assert row["detail"].endswith("约合80条线路。推算所用数量为92个单位，每单位按1条线路计系假设（每单位线路条数未披露）；"
                                  "本项核对只说明预算表数与所列单价、数量不相印证，不能说明预算不足")
    [row] = checks.budget_vs_contracts(budget(("2.2", "网络", "接入", D(1200000), None)), c, 2020)
    assert row["detail"].endswith("不能说明预算偏多") and "较推算数多" in row["detail"]
    # lines (not organisations) counted in another year: no assumption, but not the year's lines either
    lines_2018 = c.assign(quantity_unit=None, count_note="2018年线路数")
    [row] = checks.budget_vs_contracts(b, lines_2018, 2020)
    assert row["detail"].endswith("约合80条线路。推算所用数量为2018年线路数92条，并非2020年实有线路数；"
                                  "本项核对只说明预算表数与所列单价、数量不相印证，不能说明预算不足")


def test_the_2020_unit_access_check_says_the_count_is_of_2018(analysis2020):
    row = analysis2020.checks.set_index("check").loc["2.2 市直单位网络接入费：合同月费×服务月数与预算数"]
    assert row["detail"] == (
        "推算：按合同月费计，年费用104.00万元；预算表列约90.00万元，较推算数少14.00万元（-13.5%）；按同一单"
        "价，预算表数约合80条线路。推算所用数量为2018年外联网单位数92个，每单位按1条线路计系假设（每单位线路条数未披露），并非2020年实有"
        "线路数；本项核对只说明预算表数与所列单价、数量不相印证，不能说明预算不足")

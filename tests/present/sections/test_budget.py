"""二、预算执行: the execution rate against the right base, what the items list, and the 推算 remainder."""

from __future__ import annotations

from decimal import Decimal

from chart_checks import texts
from section_checks import context, figures, paragraphs, shape

from qdanalysis.present.sections import budget


def test_2020_execution_and_what_the_items_list(ctx2020):
    blocks = budget.blocks(ctx2020)
    assert shape(blocks) == ["p", "chart:budget_execution", "p", "chart:disclosed_spend", "table:逐项支出"]
    first, second = paragraphs(blocks)
    assert first == ("截至2020年末，项目实际执行924.68万元，预算执行率98.27%（执行数 ÷ 预算数）；调整后预算数未披露。"
                     "分项目执行数未提供，本报告按项目总额分析预算执行情况。")
    assert second.startswith("各项目已列明的金额（依次取项目执行数、合同本年支付额、列明的年度预算数）合计523.31万元，"
                             "相当于执行数的56.59%；其余401.37万元（推算：执行数减已列明的金额）未逐项列明。")
    assert figures(blocks) == [("401.37万元", "推算", "执行数减已列明的金额")]


def test_table_2_says_what_each_amount_is_as_the_source_states_it(ctx2020):
    table = budget.blocks(ctx2020)[-1]
    basis = dict(zip(table.frame["code"], table.frame["basis"]))
    assert basis["1.1"] == "合同金额（2019年8月10日采购）"  # 66.70: the 2019-08-10 procurement's yearly fee
    assert basis["1.2"] == "合同金额（2019年9月公开招标）"  # 72.80: the 2019-09 tender's contract amount
    assert basis["1.3"] == "本年支付（金额载明，支付年度未载明）"  # 付尾款14.45万元, year not stated
    assert basis["1.7"] == "推算：22.797×5%"  # the 5% retention, computed
    assert basis["2.3"] == "预算数" and basis["2.2"] == "预算数（约数）"
    assert "不是本年实际支付" in table.layout.note


def test_the_rate_is_taken_on_the_adjusted_budget_when_there_is_one(analysis2020):
    totals = {**analysis2020.data.totals, "adjusted_budget": Decimal("9500000.00")}
    first = paragraphs(budget.blocks(context(analysis2020, data={"totals": totals})))[0]
    assert "（执行数 ÷ 调整后预算数）；调整后预算950.00万元。" in first


def test_a_budget_never_adjusted_says_so(analysis2020):
    totals = {**analysis2020.data.totals, "adjustment": "未调整"}
    first = paragraphs(budget.blocks(context(analysis2020, data={"totals": totals})))[0]
    assert "（执行数 ÷ 预算数）；预算未调整。" in first and "未披露" not in first


def test_items_that_state_their_execution_are_counted(analysis2020):
    first = paragraphs(budget.blocks(context(analysis2020, headline={"items_executed": 3})))[0]
    assert first.endswith("3个项目给出了执行数。")


def test_the_execution_chart_is_drawn_from_the_totals_with_its_source(ctx2020):
    import matplotlib.pyplot as plt

    chart = budget.blocks(ctx2020)[1]
    fig = chart.draw()
    try:
        assert any("《2020年专项业务费》工作簿的预算执行表" in t for t in texts(fig))
    finally:
        plt.close(fig)


def test_the_sheets_are_the_spend_table_and_the_budget_detail_with_its_total(ctx2020):
    spend, detail = budget.sheets(ctx2020)
    assert (spend.key, spend.shown, len(spend.frame)) == ("逐项支出", True, 13)
    assert (detail.key, detail.shown, len(detail.frame), detail.layout.detail) == ("预算明细", False, 29, True)
    assert detail.total == {"code": "合计", "budget": Decimal("9410000.00"), "adjusted_budget": None,
                            "executed": Decimal("9246800.00")}
    assert budget.SECTION.title == "预算执行" and budget.SECTION.dimension == ""

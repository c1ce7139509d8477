"""支付进度: only for a year with a ledger; its shares, rates against 序时进度, cross-check and contracts."""

from __future__ import annotations

from decimal import Decimal

from analysis_inputs import budget, contracts, payments
from section_checks import context, paragraphs, shape

from qdanalysis.analyse.payments import analyse_payments
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.sections import payments as section

BUDGET = budget(("A1", "甲", "机房维护", Decimal("1000000"), Decimal("885000")),
                ("A2", "甲", "网络维护", Decimal("1000000"), Decimal("900000")))
CONTRACTS = contracts(("HT-1", "A1", "机房维护", "甲公司", "2020-01-05", Decimal("800000"), "年", None, None, None,
                       None, None, None, "2020-07-01", "2021-06-30"))
LEDGER = payments(("2020-03-31", "A1", "机房维护", "甲公司", "HT-1", Decimal("200000")),
                  ("2020-12-28", "A1", "机房维护", "乙公司", "HT-1", Decimal("685000")),
                  ("2020-06-10", "A2", "网络维护", "丁公司", None, Decimal("970000")))


def analysed(base=Decimal("2000000")):
    return analyse_payments(LEDGER, BUDGET, CONTRACTS, {"budget": base}, 2020)


def test_2020_without_a_ledger_shows_no_section(ctx2020, analysis2020):
    assert analysis2020.payments is None
    assert section.blocks(ctx2020) == [] and section.sheets(ctx2020) == []
    assert "payments" not in AnnualReport(analysis2020).headings()


def test_a_year_with_a_ledger(analysis2020):
    ctx = context(analysis2020, payments=analysed())
    blocks = section.blocks(ctx)
    assert shape(blocks) == ["p", "p", "chart:payment_progress", "table:支付进度", "p", "table:支付与执行数核对", "p",
                             "table:按合同支付", "table:无合同支付"]
    text = paragraphs(blocks)
    assert text[0] == "支付明细列示全年支付3笔，合计185.50万元。12月支付占全年的36.93%，其中12月21日至31日支付占36.93%；第四季度支付占36.93%。"
    assert text[1] == ("按预算200.00万元计，各季度末累计执行率依次为10.00%、58.50%、58.50%、92.75%，"
                       "序时进度为25.00%、50.00%、75.00%、100.00%。")
    assert text[2] == "按项目汇总支付明细，与预算执行表的执行数核对：一致1个项目，不一致1个项目（不一致的两个数均列于下表）。"
    assert text[3].startswith("本年只有部分月份在服务期内的合同（1份），合同本年金额为推算数：年度金额×本年服务月数÷12")
    contracts_table = next(b for b in blocks if getattr(b, "key", "") == "按合同支付")
    assert list(contracts_table.frame["basis"]) == ["推算（按本年服务月数折算）"]
    assert [t.key for t in section.sheets(ctx)] == ["支付进度", "月度支付", "支付与执行数核对", "按合同支付", "无合同支付"]


def test_without_a_budget_total_no_rate_is_guessed(analysis2020):
    blocks = section.blocks(context(analysis2020, payments=analysed(base=None)))
    assert paragraphs(blocks)[1] == "预算合计未披露，无法按序时进度计算各季度末的累计执行率。"

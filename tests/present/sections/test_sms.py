"""五、金宏短信: what the settlement states, 条数×单价 as 推算, and what a quantity target costs."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from section_checks import context, figures, paragraphs, shape

from qdanalysis.present.sections import sms


def test_2020_states_the_price_and_what_the_target_implies_without_a_chart(ctx2020):
    blocks = sms.blocks(ctx2020)
    assert shape(blocks) == ["p", "p"]  # twelve 未披露 months: a sentence, not a chart
    assert paragraphs(blocks) == [
        "短信结算表给出单价0.065元/条，未给出各月发送条数和结算金额（12个月均未披露）。",
        "该服务按0.065元/条据实结算，完成数量目标“≥600万条”对应支出不低于39.00万元（推算：目标条数×单价）；"
        "以发送量下限为目标，易导致无效发送、增加财政支出。"]
    assert figures(blocks) == [("39.00万元", "推算", "目标条数×单价")]


def test_a_year_without_the_settlement_sheet_says_so(analysis2020):
    blocks = sms.blocks(context(analysis2020, frames={"sms": analysis2020.data.sms.iloc[0:0]}))
    assert shape(blocks) == ["note"] and paragraphs(blocks) == ["本年度未提供短信结算表。"]


def _months(basis: str) -> pd.DataFrame:
    return pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"]),
                         "count": [1000, 3, None], "amount": [Decimal("65.00"), Decimal("0.20"), None],
                         "amount_basis": [basis, basis, None]})


def _counted(analysis2020, basis: str):
    depts = pd.DataFrame({"department": ["办公厅"], "count": [1003], "amount": [Decimal("65.20")], "months_disclosed": [2]})
    return context(analysis2020, sms_monthly=_months(basis), sms_departments=depts,
                   sms_target={**analysis2020.sms_target, "implied": None},
                   headline={"sms_count": 1003, "sms_amount": Decimal("65.20")})


def test_settled_amounts_are_stated(analysis2020):
    blocks = sms.blocks(_counted(analysis2020, "结算金额"))
    assert shape(blocks) == ["p", "chart:sms_monthly", "chart:sms_departments", "table:各部门短信"]
    assert paragraphs(blocks) == ["全年发送1,003条，结算金额0.01万元（2个月有数据）。"]
    assert figures(blocks) == []


def test_amounts_computed_from_counts_are_derived(analysis2020):
    blocks = sms.blocks(_counted(analysis2020, "条数×单价"))
    assert paragraphs(blocks) == ["全年发送1,003条，按条数×单价测算的金额0.01万元（2个月有数据）。"]
    assert figures(blocks) == [("0.01万元", "推算", "条数×单价")]


def test_2020_has_no_sms_sheets_no_departments_and_twelve_undisclosed_months(ctx2020):
    assert sms.sheets(ctx2020) == []
    assert sms.SECTION.dimension == "产出"


def test_the_sheets_are_the_departments_and_the_months_as_detail_where_the_year_has_them(analysis2020):
    depts, monthly = sms.sheets(_counted(analysis2020, "结算金额"))
    assert [(t.key, t.shown) for t in (depts, monthly)] == [("各部门短信", True), ("短信月度", False)]
    assert len(monthly.frame) == 3 and monthly.layout.detail

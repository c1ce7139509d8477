"""A year's measure is whole, partial or 未提供; lines are costed for their months in service (issue 29)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse import trend_coverage as C


def _year(analyses, year):
    return next(a for a in analyses if a.year == year)


def test_a_line_that_ended_in_the_year_is_costed_for_its_months(analyses):
    a2019 = _year(analyses, 2019)
    ended = C.ended_lines(a2019.data)
    assert list(ended["carrier"]) == ["中国电信"] and list(ended["line_type"]) == ["省电子政务专网"]
    assert ended["annual_cost"].iloc[0] == Decimal("50000.00")  # 120,000 a year, January to May
    assert ended["source"].iloc[0] == ("合同SL-2016-2.3服务期至2019年5月31日，计2019年5个月（月费按合同金额÷12推算）"
                                       "；支付明细本年支付该合同5.00万元")  # the payment ledger agrees: 4 × 12,500
    cost = C.line_cost(a2019)
    assert (cost.value, cost.state) == (Decimal("2110844.00"), C.WHOLE)  # 211.08万, not the list's 206.08万
    assert "5.00万元" in cost.note
    assert C.ended_lines(_year(analyses, 2020).data).empty  # a line in service all year is the list's


def test_a_blank_monthly_fee_makes_the_line_cost_partial(blanked_analyses):
    cost = C.line_cost(_year(blanked_analyses, 2019))
    assert cost.state == C.PARTIAL and cost.value == Decimal("1523036.00")  # 211.08 − 58.78 (联通单位接入)
    assert cost.note.startswith("线路清单5行中1行未披露月租或数量（中国联通单位接入（主、副线路））")


def test_one_departments_blank_months_do_not_drop_the_months(analyses, blanked_analyses):
    count, amount = C.sms_measures(_year(blanked_analyses, 2021))
    full_count, full_amount = C.sms_measures(_year(analyses, 2021))
    assert (full_count.value, full_amount.value, full_count.state) == (6362419, Decimal("413557.45"), C.WHOLE)
    # the count is the indicator sheet's; the settlement's stated rows are named beside it
    assert (count.value, count.state) == (6362419, C.WHOLE)
    assert "取自绩效指标表「保障金宏短信数量」实际完成值" in count.note and "已披露各行合计6,061,393条" in count.note
    # the cost keeps every other department's November and December: 413,557.45 − 8,453.06 − 11,113.64
    assert (amount.value, amount.state) == (Decimal("393990.75"), C.PARTIAL)
    assert amount.note == "结算表72行中2行未披露金额（办公厅2021年11月、12月）"


def test_without_the_indicator_figure_the_count_is_partial(blanked_analyses):
    a = _year(blanked_analyses, 2021)
    bare = replace(a, data=replace(a.data, frames={**a.data.frames, "indicators": a.data.indicators.iloc[0:0]}))
    count, _ = C.sms_measures(bare)
    assert (count.value, count.state) == (6061393, C.PARTIAL)


def test_an_empty_ledger_is_not_provided_not_zero(analyses):
    a = _year(analyses, 2020)
    empty = replace(a, data=replace(a.data, frames={**a.data.frames, "contracts": a.data.contracts.iloc[0:0]}))
    share = C.recurring(empty)
    assert (share.value, share.state, share.note) == (None, C.ABSENT, "合同台账未提供")
    assert C.coverage_text(share.state, share.note) == "合同台账未提供"


def test_coverage_text_names_each_state():
    assert [C.coverage_text(s, "x") for s in (C.WHOLE, C.PARTIAL)] == ["完整数", "部分数"]
    assert isinstance(C.ended_lines(type("D", (), {"lines": pd.DataFrame(), "contracts": pd.DataFrame(),
                                                   "year": 2020})()), pd.DataFrame)

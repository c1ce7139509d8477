"""The trends report's 预算安排参考 (the budget official's page): what each part says on the demo."""

from __future__ import annotations

import pytest

from qdanalysis.present import trends_budget
from qdanalysis.present.blocks import Paragraph, Table


@pytest.fixture(scope="module")
def text(analyses, years_report, blocks_text):
    return blocks_text(trends_budget.blocks(years_report(analyses)))


def test_re_tenders_and_renewals(text):
    assert "重新采购降价的17次降幅为0.27%至14.58%；上涨的为2.3（SL-2016-2.3→SL-2019-2.3，+17.00%）。" in text
    assert "续签,42,24,15,3,-8.65%,+1.80%,+7.02%" in text


def test_baseline_and_what_renewing_or_re_tendering_makes_of_it(text):
    assert "2023年16个刚性支出项目的基线约为679.34万元" in text and "527.98万元的合同于2022年底到期" in text
    assert ",合计,677.53,,679.34," in text


def test_recurring_narrative_corrects_the_annual_finding(text):
    assert "刚性支出金额由2018年的683.27万元变为2022年的682.22万元，年均-0.04%" in text
    assert "2021年占比较上年-4.90个百分点，同年新设“数据安全保障”（63.44万元）" in text
    assert "2018—2022年各年的年度分析提出的“刚性支出占比大，挤压新增项目”（规则F03）" in text and "多年度数据未予支持" in text
    assert "（系统建议，待评价组确认）" in text


def test_like_for_like_balances_and_items(text):
    assert "2021年预算总额较上年+4.96%；剔除当年新设的“数据安全保障”（63.44万元）后，可比口径变化为-1.86%。" in text
    assert "撤销类别" not in text and "剔除新设类别后" in text  # no category ended on the demo: no empty column
    assert "数据安全保障,—,—,—,7.08,1.54" in text and "合计,33.88,21.39,25.93,38.09,23.91" in text
    assert "6.1,政务数据安全风险评估,—,—,—,31.97,20.89" in text
    assert "所列年度均未评分" in text  # the fixture's years are unscored


def test_one_year_cannot_be_compared(analyses, years_report):
    out = trends_budget.blocks(years_report(analyses[:1]))
    assert "需要两个以上年度的数据" in out[0].text


def test_a_partial_recurring_year_is_said_undisclosed(analyses, years_report):
    from dataclasses import replace

    last = analyses[-1]
    years = [*analyses[:-1], replace(last, recurring={**last.recurring, "items_undisclosed": ["1.1"]})]
    said = " ".join(b.text for b in trends_budget.blocks(years_report(years)) if isinstance(b, Paragraph))
    assert "2022年部分刚性支出项目的预算数未披露，刚性支出金额未披露，不参与比较。" in said
    assert "由2018年的683.27万元变为2021年的678.86万元" in said


def test_a_year_passed_over_is_named_not_called_last_year(analyses, years_report):
    years = [analyses[1], analyses[3]]  # 2019 and 2021: 2020 refused
    said = "\n".join(b.text if isinstance(b, Paragraph) else b.text_frame().to_csv(index=False)
                     for b in trends_budget.blocks(years_report(years)) if isinstance(b, (Paragraph, Table)))
    assert "2021年预算总额较2019年+6.62%" in said and "2021年（较2019年）" in said
    assert "2021年占比较2019年" in said and "较上年" not in said

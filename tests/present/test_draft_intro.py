"""The draft's parts 一 and 二 in its own words: contents from the budget's quotes, 实施单位, 资金来源, 10号文 texts."""

from __future__ import annotations

import pandas as pd
from section_checks import paragraphs, placeholders, variant

from qdanalysis.present import draft_intro as intro


def test_each_item_with_what_its_source_quotes_by_category(analysis2020):
    texts = paragraphs(intro.contents(analysis2020))
    assert texts[0] == "主要内容及实施情况。根据预算执行表，项目包括5大类、29个明细项目，各项目内容按该表“来源”列摘录如下。"
    assert texts[1] == "（1）关键设备维护服务费（10个项目）"
    assert texts[2] == "1.1 电子政务机房UPS等关键设备维护服务费：根据2019年8月10日的采购结果，年度项目维护服务费66.7万元，2020年续签合同。"
    assert "1.4 网络、网闸、行为审计等设备及配件的维保服务。" in texts  # the quote only repeats the name
    assert len(texts) == 1 + 5 + 29


def test_a_quote_without_its_section_reference():
    assert intro._quote("一（一）2（1）⑤：每年进行维保服务。", "EMC系统维保") == "每年进行维保服务"
    assert intro._quote("一（一）2（4）②：青岛市智慧城市建设情况评估", "青岛市智慧城市建设情况评估") == ""
    assert intro._quote(None, "x") == ""


def test_unit_and_funds_from_the_project_sheet(analysis2020):
    assert paragraphs(intro.unit(analysis2020)) == ["主管部门：青岛市大数据发展管理局；实施单位：青岛市大数据发展管理局。"]
    assert paragraphs(intro.funds(analysis2020)) == ["资金来源：2020年预算941.00万元，均为当年财政拨款。"]


def test_without_the_rows_the_team_is_asked_for_what_is_missing(analysis2020):
    bare = variant(analysis2020, frames={"project": pd.DataFrame({"field": ["项目名称"], "text": ["某项目"]})})
    assert placeholders(intro.unit(bare)) == ["主管部门", "实施单位"]
    assert placeholders(intro.funds(bare)) == ["资金来源（当年财政拨款、上年结转资金、其他资金）"]
    other = variant(analysis2020, frames={"project": pd.DataFrame({"field": ["资金来源"], "text": ["财政拨款800万元，自有资金141万元"]})})
    assert paragraphs(intro.funds(other)) == ["资金来源：财政拨款800万元，自有资金141万元。"]  # the sheet's words


def test_the_purpose_is_the_teams_or_the_standard_text_said_to_be_standard(analysis2020):
    purpose, principles, note = paragraphs(intro.purpose(analysis2020, "某项目"))
    assert purpose.startswith("评价目的：通过对某项目2020年度资金的决策、过程、产出和效益进行评价")
    assert principles.startswith("评价原则：遵循科学公正、统筹兼顾、激励约束、公开透明的原则")
    assert note == "注：以上评价目的和评价原则为依据财预〔2020〕10号的通用表述。"
    own = variant(analysis2020, frames={"project": pd.DataFrame({"field": ["评价目的"], "text": ["为2022年预算提供依据。"]})})
    purpose, _, note = paragraphs(intro.purpose(own, "某项目"))
    assert purpose == "评价目的：为2022年预算提供依据。" and note == "注：以上评价原则为依据财预〔2020〕10号的通用表述。"


def test_the_methods_say_what_was_compared_and_offer_the_rest(analysis2020):
    [text] = paragraphs(intro.methods(analysis2020))
    assert text.startswith("评价方法：数据分析采用比较法，逐项比较预算执行数与预算数；绩效指标实际完成值与指标值；"
                           "同类型、同带宽线路不同运营商的月租；按合同单价和数量测算的费用与预算数。")
    assert "续签合同" not in text  # the 2020 renewals' amounts are not disclosed: nothing was compared
    [what] = placeholders(intro.methods(analysis2020))
    assert all(m in what for m in intro.METHODS)

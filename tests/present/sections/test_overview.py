"""一、项目概况: background and goal from the 项目信息 sheet (or placeholders), the budget and its composition."""

from __future__ import annotations

import pandas as pd
from section_checks import context, figures, paragraphs, placeholders, shape

from qdanalysis.present.sections import overview


def test_2020_states_background_goal_and_the_budget_in_one_paragraph(ctx2020):
    blocks = overview.blocks(ctx2020)
    assert shape(blocks) == ["p", "p", "p", "table:项目构成"]
    assert [b.key for b in blocks[:3]] == ["background", "goal", "budget"]
    background, goal, budget = paragraphs(blocks)
    assert background.startswith("项目背景：青岛市大数据发展管理局专项业务费是为了完成该局特定的行政工作任务")
    assert goal.startswith("总体目标：通过保障电子政务基础平台政务机房UPS等关键设备的正常运行")
    assert budget == ("2020年项目预算941.00万元，共5大类、29个明细项目。其中9个项目列明了预算数，合计507.72万元"
                      "（占预算总额53.96%）；其余20个项目未列明预算数，合计433.28万元（推算：预算总额减已列明数）。")
    assert figures(blocks) == [("433.28万元", "推算", "预算总额减已列明数")]  # a remainder, not a stated sum


def test_the_composition_lists_the_categories_without_the_remainder_and_total_rows(ctx2020):
    table = overview.composition(ctx2020)
    assert list(table.frame["category"]) == ["关键设备维护服务费", "网络线路及安全保障", "电子认证数字证书及服务费",
                                             "大数据产业规划评估等费用", "宣传、培训、咨询、评估费等"]
    assert list(table.text_frame().columns) == ["类别", "项目数", "列明预算数的项目", "已列明预算（万元）"]
    assert [(t.key, t.shown) for t in overview.sheets(ctx2020)] == [("项目构成", True), ("项目信息", False)]


def test_without_the_project_sheet_each_field_is_a_placeholder(analysis2020):
    empty = analysis2020.data.project.iloc[0:0]
    blocks = overview.project(context(analysis2020, frames={"project": empty}))
    assert [(b.key, b.style) for b in blocks] == [("background", "warning"), ("goal", "warning")]
    assert placeholders(blocks) == ["项目背景", "总体目标"]  # what is missing, not how to use the tool
    assert paragraphs(blocks)[0] == "项目背景：【待评价组填写：项目背景】"


def test_a_field_without_text_is_a_placeholder_too(analysis2020):
    project = pd.DataFrame({"field": ["项目背景", "总体目标"], "text": ["背景文字", None]})
    background, goal = overview.project(context(analysis2020, frames={"project": project}))
    assert background.text == "项目背景：背景文字" and background.style == "p"
    assert goal.style == "warning" and "【待评价组填写：总体目标" in goal.text


def test_when_every_item_states_its_budget_the_paragraph_says_so(analysis2020):
    n = len(analysis2020.data.budget)
    blocks = overview.blocks(context(analysis2020, headline={"items_budgeted": n}))
    assert paragraphs(blocks)[2] == "2020年项目预算941.00万元，共5大类、29个明细项目。全部29个项目均列明了预算数。"


def test_the_source_of_the_money_is_read_from_the_project_sheet(analysis2020):
    project = analysis2020.data.project
    assert overview.project_info(project)["资金来源"] == "均为财政拨款"  # 一（一）3
    assert overview.all_fiscal(project)
    assert not overview.all_fiscal(project[project["field"] != "资金来源"])
    assert not overview.all_fiscal(pd.DataFrame({"field": ["资金来源"], "text": ["财政拨款600万元，其他资金341万元"]}))

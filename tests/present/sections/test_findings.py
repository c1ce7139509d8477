"""十、主要问题与建议: the problems grouped 决策/过程/产出/效益, numbered, each recommendation once."""

from __future__ import annotations

import re

from section_checks import context, paragraphs, shape

from qdanalysis.present.blocks import Paragraph
from qdanalysis.present.sections import findings


def test_2020_counts_the_problems_by_severity(ctx2020):
    first = paragraphs(findings.blocks(ctx2020))[0]
    assert first == ("根据数据识别出12个问题（高5个、中6个、低1个），按决策、过程、产出、效益分列如下。"
                     "每条均列出依据的数字和来源行；数据未披露之处不作推断。")


def test_groups_in_the_order_of_the_four_dimensions_with_the_problems_numbered_across_them(ctx2020):
    texts = paragraphs(findings.blocks(ctx2020))
    assert [t for t in texts if t.startswith("（")] == ["（一）决策类", "（二）过程类", "（三）产出类", "（四）效益类"]
    numbers = [int(m.group(1)) for t in texts if (m := re.match(r"(\d+)\. ", t))]
    assert numbers == list(range(1, 13))
    assert texts[2].startswith("1. 产出指标未覆盖主要支出项目（高，规则F01）：")


def test_a_high_severity_problem_is_a_warning_and_its_number_and_title_are_bold(ctx2020):
    blocks = [b for b in findings.blocks(ctx2020) if isinstance(b, Paragraph) and re.match(r"\d+\. ", b.text)]
    assert [b.style for b in blocks] == ["warning", "warning", "p", "p", "p", "p", "p", "p", "p", "warning", "warning",
                                         "warning"]
    assert [p.text for p in blocks[0].parts if p.bold] == ["1. 产出指标未覆盖主要支出项目"]


def test_one_recommendation_answers_every_problem_of_its_theme(ctx2020):
    advice = [t for t in paragraphs(findings.blocks(ctx2020)) if t.startswith("建议")]
    assert len(advice) == len(set(advice)) == 11  # 12 problems, F05-1 and F05-2 share one
    assert "建议（针对第2、5条）：项目单位在下一合同期前开展市场询价和绩效评估，按规定组织竞争性采购，依据评估结果和同类服务市场价格确定合同金额。" in advice


def test_no_problem_is_said_in_one_sentence(analysis2020):
    blocks = findings.blocks(context(analysis2020, findings=[]))
    assert shape(blocks) == ["p"] and paragraphs(blocks) == ["数据未显示需要列出的问题。"]


def test_the_excel_sheet_lists_every_problem_and_is_not_shown_in_the_report(ctx2020):
    [sheet] = findings.sheets(ctx2020)
    assert (sheet.key, sheet.shown, len(sheet.frame)) == ("主要问题", False, 12)
    assert sheet.layout.caption == "主要问题与建议"

"""十、主要问题与建议: the data's and the team's problems grouped 决策/过程/产出/效益, numbered together, each with
its origin and the team's decision, each recommendation once."""

from __future__ import annotations

import re

import pytest
from section_checks import context, paragraphs, shape
from team_record import AMENDED_ADVICE, AMENDED_TEXT, AMENDED_TITLE, REJECT_REASON, recorded_root

import qdanalysis
from qdanalysis.present.blocks import Paragraph, Placeholder
from qdanalysis.present.sections import findings
from qdanalysis.present.sections.base import Context
from qdanalysis.present.sections.followup import ABSENT


def test_2020_counts_the_problems_by_severity(ctx2020):
    first = paragraphs(findings.blocks(ctx2020))[0]
    assert first == ("共列出12个问题，其中数据分析发现12个（高5个、中6个、低1个），按决策、过程、产出、效益分列并统一编号。"
                     "数据分析发现的问题中有12个尚待评价组确认，标为“系统发现，待评价组确认”。"
                     "数据分析发现的问题均列出依据的数字和来源行；数据未披露之处不作推断。")


def test_groups_in_the_order_of_the_four_dimensions_with_the_problems_numbered_across_them(ctx2020):
    texts = paragraphs(findings.blocks(ctx2020))
    assert [t for t in texts if t.startswith("（")] == ["（一）决策类", "（二）过程类", "（三）产出类", "（四）效益类"]
    numbers = [int(m.group(1)) for t in texts if (m := re.match(r"(\d+)\. ", t))]
    assert numbers == list(range(1, 13))
    assert texts[2].startswith("1. 产出指标未覆盖主要支出项目（数据分析，高；系统发现，待评价组确认，编号F01）：")


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
    assert shape(blocks) == ["p", "note"]  # and the one sentence of a year without a year before (整改情况)
    assert paragraphs(blocks) == ["数据未显示需要列出的问题。", ABSENT]


def test_the_excel_sheet_lists_every_problem_and_is_not_shown_in_the_report(ctx2020):
    [sheet] = findings.sheets(ctx2020)
    assert (sheet.key, sheet.shown, len(sheet.frame)) == ("主要问题", False, 12)
    assert sheet.layout.caption == "主要问题与建议"


@pytest.fixture(scope="module")
def team2020(tmp_path_factory) -> Context:
    """2020 with the team's record: two fieldwork findings, F04 修改, F05-3 不采纳, F06 采纳."""
    return Context(qdanalysis.analyse_year(2020, recorded_root(tmp_path_factory.mktemp("raw"))))


def test_the_teams_findings_are_counted_and_numbered_with_the_datas(team2020):
    texts = paragraphs(findings.blocks(team2020))
    assert texts[0] == ("共列出13个问题，其中数据分析发现11个（高5个、中6个），评价组核查发现2个，按决策、过程、产出、效益分列"
                        "并统一编号。数据分析发现的问题中有9个尚待评价组确认，标为“系统发现，待评价组确认”。评价组不采纳的系统发现1个，"
                        "列于本节末尾，不列入问题。数据分析发现的问题均列出依据的数字和来源行；数据未披露之处不作推断。")
    numbered = [t for t in texts if re.match(r"\d+\. ", t)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, 14))
    # 决策 ends with the team's problem (no severity: after the graded ones); 过程 has the data's 高 then the team's
    assert numbered[8] == ("9. 立项程序欠规范（评价组核查）：专项业务费项目大部分为延续性项目，项目事前未经过必要的可行性研究、专家论证、"
                           "风险评估、绩效评估、集体决策。（依据：座谈记录（2021年5月20日）、项目立项资料）")
    assert numbered[9].startswith("10. 同带宽线路价格差异较大，需核实服务内容及定价依据（数据分析，高；评价组已确认）：")
    assert numbered[10].startswith("11. 未制定专项业务费资金管理办法（评价组核查）：")


def test_an_amended_finding_shows_the_teams_words_and_says_so(team2020):
    texts = paragraphs(findings.blocks(team2020))
    assert f"4. {AMENDED_TITLE}（数据分析，中；评价组修改，以下为评价组的表述）：{AMENDED_TEXT}" in texts
    assert f"建议（针对第4条）：{AMENDED_ADVICE}" in texts
    assert not any("不同项目的服务内容重叠" in t for t in texts)


def test_a_rejected_finding_leaves_the_problems_and_is_listed_with_its_reason(team2020):
    texts = paragraphs(findings.blocks(team2020))
    assert texts[-3:] == ["评价组不采纳的系统发现（不列入问题）",
                          f"合同续签金额未披露（编号F05-3）：不采纳。理由：{REJECT_REASON}", ABSENT]
    assert not any(re.match(r"\d+\. 合同续签金额未披露", t) for t in texts)


def test_a_team_finding_without_its_text_shows_what_is_missing(team2020):
    from dataclasses import replace

    [team] = [f for f in team2020.analysis.findings if f.code == "H01"]
    ctx = context(team2020.analysis, findings=[replace(team, summary="", basis="")], rejected=[])
    [problem] = [b for b in findings.blocks(ctx) if isinstance(b, Paragraph) and b.text.startswith("1. ")]
    assert [p.text for p in problem.parts if isinstance(p, Placeholder)] == ["【待评价组填写：“立项程序欠规范”的具体情况】"]


def test_the_excel_sheets_say_the_origin_and_the_decision_and_list_the_rejected(team2020):
    main_sheet, rejected = findings.sheets(team2020)
    frame = main_sheet.frame
    assert list(frame.columns) == ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议", "来源", "评价组处理"]
    rows = frame.set_index("编号")
    assert rows.loc["H01", ["序号", "来源", "严重程度", "评价组处理"]].tolist() == [9, "评价组核查", "未定级",
                                                                             "评价组核查（张三，2021-05-20）"]
    assert rows.loc["F04", ["问题", "评价组处理"]].tolist() == [AMENDED_TITLE, "评价组修改（张三，2021-05-22）"]
    assert rows.loc["F01", "评价组处理"] == "系统发现，待评价组确认" and "F05-3" not in rows.index
    assert (rejected.key, rejected.shown) == ("未采纳发现", False)
    assert rejected.frame.to_dict("records")[0]["不采纳理由"] == REJECT_REASON

"""The 上年评价发现问题整改情况 section: one sentence without a year before; else each problem with its status."""

from __future__ import annotations

from dataclasses import replace

from qdanalysis.analyse.followup import FROM_SHEET, FollowUp, FollowUpItem, PriorProblem, Unread
from qdanalysis.errors import Problem
from qdanalysis.present.blocks import plain_text
from qdanalysis.present.sections.base import Context
from qdanalysis.present.sections.followup import ABSENT, blocks, items_frame, sheets


def _followup() -> FollowUp:
    fixed = FollowUpItem(PriorProblem("3", "F02", "数量指标设在按量计费的服务上", "决策", "中", "数据分析"), "已整改",
                         "本年数据分析未再发现此问题（同一规则F02本年未发现问题）", "已整改")
    team = FollowUpItem(PriorProblem("11", "F09", "绩效目标未完成", "产出", "高", "数据分析"), "未整改", "本年仍发现此问题。",
                        "部分整改", decided=True, measures="平台扩容", proof="验收报告", by="张三，2021-05-20")
    open_ = FollowUpItem(PriorProblem("12", "H01", "立项程序欠规范", "决策", "", "评价组核查"), "",
                         "评价组核查发现的问题，数据分析无法判断，待评价组核实", "待核实")
    return FollowUp(2020, "上年数据", (fixed, team, open_), ("某不采纳的发现",))


def test_a_year_without_a_year_before_gets_one_sentence_and_no_section(ctx2020):
    from qdanalysis.present.report import AnnualReport
    from qdanalysis.present.sections import findings

    assert blocks(ctx2020) == [] and sheets(ctx2020) == []
    assert "followup" not in AnnualReport(ctx2020.analysis).headings()  # the 2020 report keeps its numbering
    assert plain_text(findings.blocks(ctx2020)[-1:]) == ABSENT
    assert ABSENT == "未提供上年度评价的资料（上年度数据文件夹、上年主要问题表或整改情况记录），本报告不列示上年评价发现问题的整改情况。"
    with_year_before = Context(replace(ctx2020.analysis, followup=_followup()))
    assert ABSENT not in plain_text(findings.blocks(with_year_before))


def test_each_problem_shows_its_status_and_whose_it_is(ctx2020):
    ctx = Context(replace(ctx2020.analysis, followup=_followup()))
    text = plain_text(blocks(ctx))
    assert text.startswith("据上年数据分析及评价组的处理记录，2020年评价发现问题3个（数据分析发现2个、评价组核查发现1个），"
                           "整改情况为：已整改1个、部分整改1个、待核实1个。")
    assert "上年评价组不采纳的系统发现1个，不列入整改跟踪。" in text
    assert "第11条“绩效目标未完成”：评价组认定为部分整改，数据分析的系统建议为未整改，二者不一致，以评价组认定为准。" in text
    frame = items_frame(ctx.analysis.followup)
    assert list(frame["whose"]) == ["系统建议，待评价组确认", "评价组核实（张三，2021-05-20）", "数据无法判断，待评价组核实"]
    assert frame["measures"].iloc[1] == "平台扩容；佐证：验收报告"
    assert [t.key for t in sheets(ctx)] == ["上年问题整改情况"]


def test_a_refused_year_before_is_said_with_its_first_problem_and_what_the_section_uses_instead(ctx2020):
    from qdanalysis.present.report import AnnualReport
    from qdanalysis.present.sections import findings

    unread = Unread(2020, Problem("/x/data/raw/2020/2020年专项业务费.xlsx", "预算执行", 9, "执行数", "执行数「abc」不是数字"),
                    3, "qdanalysis validate --year 2020")
    head = ("2020年度的数据文件夹存在，但其数据未能读取，不能据以列示上年问题（首个问题在《2020年专项业务费.xlsx》「预算执行」表"
            "第9行“执行数”列：执行数「abc」不是数字；共3处问题，全部问题请运行 qdanalysis validate --year 2020 查看）。")
    sheet = replace(_followup(), source=FROM_SHEET, unread=unread)
    text = plain_text(blocks(Context(replace(ctx2020.analysis, followup=sheet))))
    assert text.startswith(head + "本节改据本年度文件夹中的“上年主要问题”表（上年报告导出表）列示。\n"
                                  "据本年度文件夹中的“上年主要问题”表（上年报告导出表），2020年评价发现问题3个")

    nothing = Context(replace(ctx2020.analysis, followup=FollowUp(2020, "", (), unread=unread)))
    assert plain_text(blocks(nothing)) == head + (
        "本年度文件夹中也没有“上年主要问题”表或“整改情况”记录，上年评价发现问题的整改情况无法列示，本报告不列示任何上年问题；"
        "改正上年数据，或在本年度文件夹中提供上述表格之一，重新生成报告后即可列示。")
    assert sheets(nothing) == [] and "followup" in AnnualReport(nothing.analysis).headings()
    assert ABSENT not in plain_text(findings.blocks(nothing))  # the section says it, not the one sentence of no year

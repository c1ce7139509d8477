"""The 绩效自评表 sheet: the year's score laid out as the MoF form, from the analysis alone."""

from __future__ import annotations

from dataclasses import replace

from openpyxl import Workbook
from section_checks import variant

from qdanalysis.present.self_evaluation import SHEET_NAME, write_self_evaluation


def rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def row_of(ws, label: str) -> list:
    return next(r for r in rows(ws) if label in r)


def test_an_unscored_year_has_no_form(analysis2020):
    wb = Workbook()
    assert write_self_evaluation(wb, replace(analysis2020, score=None)) is None
    assert wb.sheetnames == ["Sheet"]


def test_the_2020_form_head_and_funds(analysis2020):
    ws = write_self_evaluation(Workbook(), analysis2020)
    assert ws.title == SHEET_NAME and ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value == "（2020年度）"
    assert ws["B3"].value == "青岛市大数据发展管理局专项业务费" and ws["B4"].value == "青岛市大数据发展管理局"
    assert ws["G4"].value == "青岛市大数据发展管理局"  # 项目信息「实施单位」
    funds = row_of(ws, "年度资金总额")
    assert funds[3:9] == [941.0, "未披露", 924.68, 5.0, funds[7], 4.91]  # 98.27% of 5
    assert round(funds[7], 4) == 0.9827 and ws["H6"].number_format == "0.00%"
    # 项目信息「资金来源」：均为财政拨款 (一（一）3): the year's appropriation is the whole of the money
    assert row_of(ws, "其中：当年财政拨款")[3:6] == [941.0, "未披露", 924.68]
    assert row_of(ws, "上年结转资金")[3:6] == ["—", "—", "—"] and row_of(ws, "其他资金")[3:6] == ["—", "—", "—"]


def test_without_a_stated_source_of_the_money_the_sources_are_undisclosed(analysis2020):
    project = analysis2020.data.project
    ws = write_self_evaluation(Workbook(), variant(analysis2020, frames={"project": project[project["field"] != "资金来源"]}))
    assert row_of(ws, "其中：当年财政拨款")[3:6] == ["未披露", "未披露", "未披露"]  # never 0, never a guess
    assert row_of(ws, "上年结转资金")[3:6] == ["未披露", "未披露", "未披露"]


def test_each_indicator_but_the_execution_rate_with_what_lacks_evidence_said_so(analysis2020):
    ws = write_self_evaluation(Workbook(), analysis2020)
    names = [r[3] for r in rows(ws)[13:24]]
    # the form's indicators are the 绩效指标 sheet's; 决策 and 过程 stay on the 评分 sheet
    assert len(names) == 11 and "预算执行率" not in names and names[0] == "保障网络线路数量"
    assert "立项依据充分性" not in [r[3] for r in rows(ws)]
    video = row_of(ws, "整合视频监控数量")  # doubted: 待核实, not scored, "—" not 0, and why
    assert video[4:8] == ["≥10万", "5.1万路", 5.0, "—"]
    assert video[8].startswith("待核实，未计分：指标值“≥10万”没有计量单位")
    assert row_of(ws, "系统正常运行率")[5:8] == ["待补充佐证", 4.0, "—"]


def test_no_grade_is_given_that_the_evidence_cannot_carry(analysis2020):
    ws = write_self_evaluation(Workbook(), analysis2020)
    total = row_of(ws, "总分")
    # never "总分 4.91" alone; the 35 points of 决策 and 过程 (预算执行率 aside) are in the total, item by item on the 评分 sheet
    assert total[6:9] == [100.0, "暂不定级", "已确认的指标（5分）得4.91分；总分含决策、过程等评价指标35分，逐项见“评分”表"]
    assert row_of(ws, "等级")[6] == ("暂不定级（未确认的指标分值合计95分，超过满分的10%（本工具的定级阈值）；"
                                    "总分可能在4.91—99.91分之间，按系统建议计约22.16分（待评价人确认））")


def test_the_opinion_of_the_record_replaces_the_placeholder(analysis2020):
    score = replace(analysis2020.score, opinions={"整合视频监控数量": "整合进度滞后，已列入次年计划"})
    ws = write_self_evaluation(Workbook(), replace(analysis2020, score=score))
    assert row_of(ws, "整合视频监控数量")[8] == "整合进度滞后，已列入次年计划"


def test_a_budget_never_adjusted_has_its_budget_as_the_full_years_and_demo_data_says_so(analysis2020):
    totals = {**analysis2020.data.totals, "adjustment": "未调整"}
    ws = write_self_evaluation(Workbook(), variant(analysis2020, data={"totals": totals, "demo": True}))
    assert ws["A1"].value == "项目支出绩效自评表（示例数据，非真实数据）"
    assert row_of(ws, "年度资金总额")[3:6] == [941.0, 941.0, 924.68]


def test_the_form_prints_on_one_a4_page(analysis2020):
    ws = write_self_evaluation(Workbook(), analysis2020)
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToHeight == 1 and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$2"

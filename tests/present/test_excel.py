"""Excel export: Chinese headers, 万元 numbers with two decimals, frozen headers, formulas as text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook
from workbooks import make_workbook

from qdanalysis.fmt import display_width
from qdanalysis.paths import DATA_RAW
from qdanalysis.present.render.xlsx import FOOTER, MAX_WIDTH, PORTRAIT_WIDTH
from qdanalysis.present.sections.categories import CATEGORIES
from qdanalysis.read.xlsx import read_workbook
from qdanalysis.run.cli import main


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "2020年分析.xlsx"
    assert main(["export", "--year", "2020", str(out)]) == 0
    return out


def test_sheets_and_headers(exported):
    wb = load_workbook(exported)
    # the report's order: each section's numbered table (表1, 表2, ...), then its detail sheets
    # no sheet of nothing: 2020 has no departments' SMS, twelve 未披露 months and twelve equal months of line fees
    # 项目信息 and 评价记录, which the report names as the sources of its texts and scores, are in the export
    assert wb.sheetnames == ["说明", "绩效自评表", "项目构成", "项目信息", "逐项支出", "预算明细", "分类支出", "线路费用",
                             "同带宽价格", "合同续签", "绩效指标", "产出与成效", "评分", "评价记录", "主要问题", "数据局限",
                             "数据核对"]
    ws = wb["分类支出"]
    assert [c.value for c in ws[2]] == ["类别", "项目数", "已列明预算数（万元）", "调整后预算（万元）", "执行数（万元）", "执行率", "占预算比例"]
    assert ws.freeze_panes == "A3"
    total = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "合计"][0]
    assert total[2] == 941.0 and total[4] == 924.68
    row = [r for r in ws.iter_rows(min_row=3) if r[0].value == "合计"][0]
    assert row[2].number_format == "#,##0.00" and row[5].number_format == "0.00%"
    assert abs(row[5].value - 0.98265674814) < 1e-9
    assert [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "大数据产业规划评估等费用"][0][2] == "未披露"
    # the remainder is derived, and its items are already counted in their categories: the note under the table says so
    rest = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "未逐项列明"][0]
    assert rest[1] == 20 and rest[2] == 433.28
    notes = [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], str) and r[0].startswith("注：")]
    assert notes == [CATEGORIES.note] and "预算合计减各类已列明数推算" in notes[0] and "已分别计入" in notes[0]


def test_columns_fit_their_text_and_longer_text_wraps(exported):
    ws = load_workbook(exported)["预算明细"]
    name_width = ws.column_dimensions["C"].width
    longest = max(display_width(str(c.value)) for c in ws["C"][2:] if c.value)
    assert name_width == min(MAX_WIDTH, longest + 2) == MAX_WIDTH
    long_cells = [c for c in ws["C"][2:] if c.value and display_width(str(c.value)) > MAX_WIDTH - 1]
    assert long_cells and all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in long_cells)
    # the row is as tall as its lines: neither Excel nor LibreOffice fits it on opening the file
    assert all(ws.row_dimensions[c.row].height >= 30 for c in long_cells)


def test_findings_and_score_sheet(exported):
    wb = load_workbook(exported)
    rows = list(wb["主要问题"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # numbered as in the HTML report
    assert {"F01", "F02", "F04", "F06", "F08", "F09"} <= {r[1] for r in rows}
    categories = [r[4] for r in rows]
    assert categories == sorted(categories, key=["决策", "过程", "产出", "效益"].index)
    f06 = [r for r in rows if r[1] == "F06"][0]
    assert "9.6倍" in f06[5] and "81.72万元" in f06[5]
    # the 依据 names the input rows a reader can open: workbook, sheet, row
    assert f06[5].endswith("（来源：《2020年专项业务费》「线路清单」第4、5行）")
    # the same table numbers as the HTML report
    # 2020 has no department SMS table: 表5 is the renewals, the results 表7, the score 表8, as in the HTML
    assert wb["评分"]["A1"].value.startswith("表8 绩效评分") and wb["数据核对"]["A1"].value.startswith("表9 数据核对")
    assert wb["产出与成效"]["A1"].value.startswith("表7 产出与成效")
    assert wb["合同续签"]["A1"].value.startswith("表5 合同续签与成本") and wb["预算明细"]["A1"].value == "预算明细（金额单位：万元）"
    assert wb["分类支出"]["A1"].value.startswith("表3 分类支出") and wb["逐项支出"]["A1"].value.startswith("表2 ")
    score_rows = list(wb["评分"].iter_rows(min_row=3, values_only=True))
    # an unconfirmed total is never shown alone, and a group with nothing scored is "—", not 0
    assert score_rows[-1][0] == "合计" and score_rows[-1][7] == "暂不定级（已确认5分中得4.91分）"
    subtotals = [r[7] for r in score_rows if r[2] == "小计"]
    assert subtotals == ["—", 4.91, "—", "—"]
    heads = list(wb["评分"].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert heads[-2:] == ("系统建议（待评价人确认，不计分）", "评分要点")


@pytest.mark.slow
def test_the_project_sheet_and_the_evaluators_record(exported, tmp_path):
    wb = load_workbook(exported)
    info = {r[0]: r[1] for r in wb["项目信息"].iter_rows(min_row=3, values_only=True)}
    assert info["实施单位"] == "青岛市大数据发展管理局" and info["资金来源"] == "均为财政拨款"
    rows = list(wb["评价记录"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("一级指标", "三级指标", "分值", "评分方式", "实际完成值", "得分", "佐证材料", "评价意见", "评价人", "日期")
    assert [r[1] for r in rows[1:]][:3] == ["立项依据充分性", "立项程序规范性", "绩效目标合理性"]  # no record yet: the rows
    assert all(r[4] is None and r[5] is None for r in rows[1:])  # asked for, left empty for the team
    # a year with a record exports it as written
    root = tmp_path / "raw"
    shutil.copytree(DATA_RAW / "2020", root / "2020")
    make_workbook(root / "2020" / "评价组.xlsx", {"评价记录": [["评价记录"], ["三级指标", "实际完成值", "佐证材料", "评价人"],
                                                              ["系统正常运行率", "99.2%", "2020年运维月报", "张三"]]})
    out = tmp_path / "x.xlsx"
    assert main(["export", "--year", "2020", "--root", str(root), str(out)]) == 0
    rows = list(load_workbook(out)["评价记录"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[4], r[6], r[8]) for r in rows] == [("系统正常运行率", "99.2%", "2020年运维月报", "张三")]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"点我\")", "+86-532-1234", "-1+2", "@SUM(A1)"])
def test_formula_looking_text_is_written_as_text(tmp_path, name):
    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1", "甲", name, 10, 9],
            [None, "合计", None, 10, 9]]
    make_workbook(tmp_path / "raw" / "2021" / "a.xlsx", {"预算执行": rows})
    out = tmp_path / "out.xlsx"
    assert main(["export", "--year", "2021", "--root", str(tmp_path / "raw"), str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) for n in sheets)  # no formula anywhere
    wb = load_workbook(out)
    cell = [c for c in wb["预算明细"]["C"] if c.value == name][0]
    assert cell.data_type == "s" and cell.quotePrefix
    grid = {s.name: s for s in read_workbook(out)}["预算明细"]
    assert any(name in row for row in grid.rows)


@pytest.mark.slow
def test_export_refuses_data_raw(capsys):
    from qdanalysis.paths import DATA_RAW

    assert main(["export", "--year", "2020", str(DATA_RAW / "2020" / "导出.xlsx")]) != 0
    assert not (DATA_RAW / "2020" / "导出.xlsx").exists()


def _rows(ws):
    return [tuple(v for v in r) for r in ws.iter_rows(values_only=True)]


def test_the_self_evaluation_sheet_is_laid_out_as_the_mof_form(exported):
    ws = load_workbook(exported)["绩效自评表"]
    rows = _rows(ws)
    assert rows[0][0] == "项目支出绩效自评表" and rows[1][0] == "（2020年度）"
    assert rows[2][:2] == ("项目名称", "青岛市大数据发展管理局专项业务费")
    assert rows[3][:2] == ("主管部门", "青岛市大数据发展管理局") and rows[3][5] == "实施单位"
    assert rows[3][6] == "青岛市大数据发展管理局"  # 项目信息「实施单位」
    assert rows[4][3:9] == ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    assert rows[5][1] == "年度资金总额" and rows[5][3:9] == (941.0, "未披露", 924.68, 5, pytest.approx(0.98265675), 4.91)
    assert [r[1] for r in rows[6:9]] == ["其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert rows[6][3:6] == (941.0, "未披露", 924.68)  # 均为财政拨款 (一（一）3)
    assert all(r[3:6] == ("—",) * 3 for r in rows[7:9])
    goals = [r for r in rows if r[0] == "年度总体目标"][0]
    body = rows[rows.index(goals) + 1]
    assert body[1].startswith("通过保障电子政务基础平台") and body[5] == "【待评价组填写：年度总体目标实际完成情况】"
    head = [r for r in rows if r[0] == "绩效指标"][0]
    assert head[1:9] == ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    indicators = {r[3]: r for r in rows[rows.index(head) + 1:] if r[3]}
    assert len(indicators) == 11 and "预算执行率" not in indicators  # scored in 项目资金 above
    assert indicators["整合视频监控数量"][4:8] == ("≥10万", "5.1万路", 5, "—")  # 待核实: not scored
    assert indicators["系统正常运行率"][5:8] == ("待补充佐证", 4, "—")
    total = [r for r in rows if r[0] == "总分"][0]
    assert (total[6], total[7]) == (100, "暂不定级") and total[8].startswith("已确认的指标（5分）得4.91分；")
    grade = [r for r in rows if r[0] == "等级"][0]
    assert grade[6] == ("暂不定级（未确认的指标分值合计95分，超过满分的10%（本工具的定级阈值）；"
                        "总分可能在4.91—99.91分之间，按系统建议计约22.16分（待评价人确认））")
    assert (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToHeight) == (9, "portrait", 1)


def _numbers_and_text(ws, column: int) -> tuple[list, list]:
    cells = [row[column] for row in ws.iter_rows(min_row=3) if len(row) > column]
    return ([c for c in cells if isinstance(c.value, (int, float))], [c for c in cells if isinstance(c.value, str)])


def test_every_sheet_prints_on_a4_one_page_wide_with_its_name_and_page_in_the_footer(exported):
    from openpyxl.utils import get_column_letter

    wb = load_workbook(exported)
    for ws in wb:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.oddFooter.center.text == FOOTER == "&A　第 &P 页，共 &N 页"
        if ws.title == "绩效自评表":  # the MoF form keeps its own one-page portrait layout
            assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("portrait", 1, 1)
            continue
        width = sum(ws.column_dimensions[get_column_letter(j)].width or 8 for j in range(1, ws.max_column + 1))
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert setup.orientation == ("landscape" if width > PORTRAIT_WIDTH else "portrait"), ws.title
        if ws.title != "说明":
            assert ws.print_title_rows == "$1:$2", ws.title  # caption and header on every page
    assert wb["预算明细"].page_setup.orientation == "landscape" and wb["项目构成"].page_setup.orientation == "portrait"


def test_every_numeric_column_has_a_number_format_and_undisclosed_is_right_aligned(exported):
    wb = load_workbook(exported)
    for ws in wb:
        if ws.title == "绩效自评表":
            continue
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert cell.number_format != "General", f"{ws.title}!{cell.coordinate}"
    prices = wb["同带宽价格"]
    ratios, _ = _numbers_and_text(prices, 4)
    assert [(round(c.value, 2), c.number_format) for c in ratios] == [(9.62, '0.0"倍"'), (1.0, '0.0"倍"')]
    lines = wb["线路费用"]
    per_mbps, _ = _numbers_and_text(lines, 7)
    assert per_mbps and {c.number_format for c in per_mbps} == {"0.00"}
    budget = wb["预算明细"]
    amounts, undisclosed = _numbers_and_text(budget, 3)
    assert {c.number_format for c in amounts} == {"#,##0.00"}
    assert undisclosed and all(c.value == "未披露" and c.alignment.horizontal == "right" for c in undisclosed)
    names, _ = _numbers_and_text(budget, 2)
    assert not names  # text columns stay left-aligned text


@pytest.mark.slow
def test_numbered_sheets_carry_the_report_table_numbers_in_order(exported, analysis2020):
    from qdanalysis.present.report import AnnualReport

    wb = load_workbook(exported)
    numbers = [int(m.group(1)) for ws in wb if (m := re.match(r"表(\d+) ", str(ws["A1"].value)))]
    assert numbers == list(range(1, len(AnnualReport(analysis2020).numbers()) + 1)) == list(range(1, 10))


def test_detail_sheets_end_in_a_total_row(exported):
    wb = load_workbook(exported)
    budget = [r for r in wb["预算明细"].iter_rows(values_only=True)][-1]
    assert budget[0] == "合计" and (budget[3], budget[5]) == (941.0, 924.68)  # the stated totals, as in the report
    assert budget[4] == "未披露"  # 调整后预算数: not given, never 0
    assert wb["预算明细"][wb["预算明细"].max_row][0].font.b


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"), reason="LibreOffice not installed")
def test_the_printout_is_a4_and_short(exported, tmp_path):
    profile = tmp_path / "profile"  # a LibreOffice profile of its own: another soffice may be running
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(exported)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / exported.with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", "-l", "-1", pdf], check=True, capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    # 18 sheets on 24 pages in November 2026; 44 portrait pages, tables cut at the right edge, before
    assert len(wb_sheets := load_workbook(exported).sheetnames) <= len(sizes) <= 26, len(wb_sheets)
    assert {tuple(sorted(round(float(v)) for v in size)) for size in sizes} == {(595, 842)}  # A4, either way round
    text = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
    assert [int(n) for n in re.findall(r"第 (\d+) 页，共 \d+ 页", text)] == list(range(1, len(sizes) + 1))

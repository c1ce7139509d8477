"""The indicators loader: the 绩效指标 sheet, and the MoF 《项目支出绩效自评表》 read as the year's indicators
(its 资金 block a cross-check)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

import qdanalysis
from qdanalysis.errors import ValidationError
from qdanalysis.read.loaders.indicators import load_indicators, read_indicators
from qdanalysis.run.cli import main

BUDGET = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["运维", "机房运维", 60, 58], ["网络", "线路租用", 40, 37.5],
          ["合计", None, 100, 95.5]]


def form(*, funds_unit: str = "项目资金（万元）", executed=95.5, rate="95.50%", rows=None) -> list[list]:
    """A unit's 自评表 as bureaus send it: title rows, the project block, 资金, 总体目标, indicators, 总分, signatures."""
    indicators = rows if rows is not None else [
        [None, "产出指标", "数量指标", "保障网络线路数量", "≥80条", "85条", 20, 20, None],
        [None, None, None, "保障金宏短信数量", "≥600万条", "420万条", 20, 14, "部分部门改用政务微信通知，发送量下降"],
        [],  # a spacer row inside the merged 产出指标 cell
        [None, None, "质量指标", "系统正常运行率", "≥95%", "99%", 20, 20, None],
        [None, "效益指标", "社会效益指标", "视频资源共享数量", "≥3万条", "4.8万路", 20, 20, None],
        [None, "满意度指标", "服务对象满意度指标", "使用部门满意度", "≥85%", "92%", 10, 10, None],
    ]
    return [
        ["项目支出绩效自评表"],
        ["（2021年度）"],
        ["项目名称", "青岛市大数据局专项业务费"],
        ["主管部门", "青岛市大数据发展管理局", None, None, None, "实施单位", "青岛市大数据发展管理局"],
        [funds_unit, None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", None, 100, 100, executed, 10, rate, 9.55],
        [None, "其中：当年财政拨款", None, 100, 100, executed, "—", "—", "—"],
        [None, "上年结转资金", None, None, None, None, "—", "—", "—"],
        [None, "其他资金", None, None, None, None, "—", "—", "—"],
        ["年度总体目标", "预期目标", None, None, None, "实际完成情况"],
        [None, "保障电子政务基础平台正常运行", None, None, None, "已完成"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        *indicators,
        ["总分", None, None, None, None, None, 100, 93.55],
        ["填表人：张三", None, None, None, "联系电话：0532-00000000"],
    ]


#: 产出指标 merged down over its three indicators and the spacer, 数量指标 over two, the block labels down column A.
MERGES = ["A1:I1", "A2:I2", "A5:A9", "B6:C6", "B7:C7", "B8:C8", "B9:C9", "A10:A11", "A12:A18", "B13:B16", "C13:C14"]


@pytest.fixture(scope="module")
def exported_form(tmp_path_factory):
    """The 绩效自评表 sheet the Excel export writes for 2020, alone in a workbook."""
    folder = tmp_path_factory.mktemp("form")
    full = folder / "2020年分析.xlsx"
    assert main(["export", "--year", "2020", str(full)]) == 0
    wb = load_workbook(full)
    for name in wb.sheetnames:
        if name != "绩效自评表":
            del wb[name]
    out = folder / "2020年绩效自评表.xlsx"
    wb.save(out)
    return out


def test_exported_form_reads_as_indicators(exported_form):
    ind = load_indicators(exported_form).set_index("name")
    assert len(ind) == 11 and "预算执行率" not in ind.index
    video = ind.loc["整合视频监控数量"]
    assert (video["level1"], video["level2"], video["target_op"], video["target_value"]) == ("产出", "产出数量", ">=", 100000)
    assert (video["actual_text"], video["actual_value"], video["weight"]) == ("5.1万路", 51000, 5)
    # 待核实 in the export: not scored ("—"), so no score is read back, never 0
    assert pd.isna(video["self_score"]) and video["src_sheet"] == "绩效自评表" and video["src_row"] == 16
    assert video["deviation"].startswith("待核实，未计分：")
    lines = ind.loc["保障网络线路数量"]  # the export's 待补充佐证 is no figure: not stated, never 0
    assert pd.isna(lines["actual_text"]) and pd.isna(lines["self_score"]) and lines["target_text"] == "≥80条"
    assert ind.loc["运行维护制度健全性", "target_op"] == "is"


def test_form_with_merged_levels_spacer_rows_and_signatures(workbook):
    path = workbook({"2021年项目支出绩效自评表": form()}, merges={"2021年项目支出绩效自评表": MERGES})
    read = read_indicators(path)
    ind = read.indicators
    assert list(ind["name"]) == ["保障网络线路数量", "保障金宏短信数量", "系统正常运行率", "视频资源共享数量", "使用部门满意度"]
    assert list(ind["level1"]) == ["产出指标"] * 3 + ["效益指标", "满意度指标"]
    assert list(ind["level2"]) == ["数量指标", "数量指标", "质量指标", "社会效益指标", "服务对象满意度指标"]
    assert list(ind["src_row"]) == [13, 14, 16, 17, 18]
    assert [float(s) for s in ind["self_score"]] == [20, 14, 20, 20, 10]
    assert ind.loc[1, "deviation"] == "部分部门改用政务微信通知，发送量下降" and not bool(ind.loc[1, "met"])
    funds = read.funds.set_index("line")
    total = funds.loc["年度资金总额"]
    assert (total["budget"], total["executed"], total["unit"]) == (Decimal("1000000.00"), Decimal("955000.00"), "万元")
    assert (total["rate"], total["self_score"], total["weight"]) == (0.955, 9.55, 10)
    assert total["src_row"] == 6 and total["budget_where"] == "全年预算数(E列)" and total["rate_where"] == "执行率(H列)"
    assert pd.isna(funds.loc["上年结转资金", "budget"])  # blank: not disclosed, never 0


def test_form_in_yuan_and_unit_from_a_unit_line(workbook):
    rows = form(funds_unit="项目资金", executed=955000.12, rate=0.9550001)
    rows.insert(2, ["单位：元"])
    funds = read_indicators(workbook({"绩效自评表": rows})).funds.set_index("line")
    assert funds.loc["年度资金总额", "executed"] == Decimal("955000.12") and funds.loc["年度资金总额", "unit"] == "元"


def test_funds_block_without_a_unit_is_refused(workbook):
    path = workbook({"绩效自评表": form(funds_unit="项目资金")}, name="自评.xlsx")
    err = pytest.raises(ValidationError, load_indicators, path).value
    budget = [p for p in err.problems if p.column.startswith("全年预算数")]
    assert [(p.sheet, p.row, p.column) for p in budget] == [("绩效自评表", 6, "全年预算数(E列)"), ("绩效自评表", 7, "全年预算数(E列)")]
    p = budget[0]
    assert "无法判断金额单位" in p.message and "万元" in p.hint


def test_form_rate_that_is_not_a_number_is_refused(workbook):
    err = pytest.raises(ValidationError, load_indicators, workbook({"绩效自评表": form(rate="较高")})).value
    [p] = err.problems
    assert (p.row, p.column) == (6, "执行率(H列)") and "较高" in p.message and "95.50%" in p.hint


def year_folder(tmp_path, form_rows, merges=None, *, plain=None):
    """``<tmp>/2021/`` with the budget workbook and the unit's 自评表 (and a 绩效指标 sheet when ``plain``)."""
    from workbooks import make_workbook

    sheets = {"预算执行": BUDGET}
    if plain is not None:
        sheets["绩效指标"] = plain
    make_workbook(tmp_path / "2021" / "2021年专项业务费.xlsx", sheets)
    make_workbook(tmp_path / "2021" / "2021年绩效自评表.xlsx", {"项目支出绩效自评表": form_rows},
                  {"项目支出绩效自评表": merges or []})
    return tmp_path


@pytest.mark.slow
def test_validate_reads_the_form_as_indicators(tmp_path, capsys):
    root = year_folder(tmp_path, form(), MERGES)
    assert main(["validate", str(root / "2021")]) == 0
    out = capsys.readouterr().out
    assert "通过校验（预算执行2行，绩效指标5行）" in out
    assert "绩效指标取自《2021年绩效自评表.xlsx》「项目支出绩效自评表」（财政部项目支出绩效自评表格式）" in out
    assert "绩效指标" not in out.split("未提供（选填）：")[-1].splitlines()[0]


def test_funds_block_agrees_with_the_budget_sheet(tmp_path):
    from qdanalysis.run.pipeline import analysed_year as analyse_year

    a = analyse_year(2021, year_folder(tmp_path, form(), MERGES))
    rows = a.checks[a.checks["check"].str.startswith("绩效自评表")].set_index("check")
    assert list(rows["status"]) == ["一致", "一致", "一致", "一致"]
    assert rows.loc["绩效自评表资金栏：全年执行数与预算执行表执行数", "stated"] == Decimal("955000.00")
    assert "与预算执行表合计行一致" in rows.loc["绩效自评表资金栏：全年执行数与预算执行表执行数", "detail"]
    assert not a.warnings


def test_funds_block_that_disagrees_is_a_check_message(tmp_path):
    from qdanalysis.run.pipeline import analysed_year as analyse_year

    a = analyse_year(2021, year_folder(tmp_path, form(executed=95.3, rate="95.30%"), MERGES))
    executed = ("绩效自评表资金栏：全年执行数与预算执行表执行数：《2021年绩效自评表.xlsx》「项目支出绩效自评表」第6行"
                "全年执行数(F列)填报95.30万元，预算执行表合计行执行数为95.50万元，相差-0.20万元（自评表减预算执行表）")
    rate = ("绩效自评表资金栏：执行率与预算执行表执行数÷预算数：《2021年绩效自评表.xlsx》「项目支出绩效自评表」第6行"
            "执行率(H列)填报95.30%，按预算执行表合计行计算为95.50%（95.50万元÷100.00万元），相差-0.20个百分点")
    assert a.warnings == [executed, rate]


@pytest.mark.slow
def test_unit_self_scores_stand_beside_ours_labelled_as_the_units(tmp_path):
    from qdanalysis.analyse.scoring import display_sheet
    from qdanalysis.present.report import AnnualReport
    from qdanalysis.run.pipeline import analysed_year as analyse_year

    rows = form()
    rows[12][7] = None  # the unit left one 得分 blank: 未披露, never 0
    a = analyse_year(2021, year_folder(tmp_path, rows, MERGES))
    assert a.score.self_scores == {"预算执行率": 9.55, "保障网络线路数量": None, "保障金宏短信数量": 14.0,
                                   "系统正常运行率": 20.0, "视频资源共享数量": 20.0, "使用部门满意度": 10.0}
    sheet = display_sheet(a.score).set_index("三级指标")
    assert list(sheet.columns[sheet.columns.get_loc("得分"):][:2]) == ["得分", "单位自评得分（单位填报）"]
    assert sheet.loc["保障金宏短信数量", "单位自评得分（单位填报）"] == 14.0
    assert sheet.loc["保障网络线路数量", "单位自评得分（单位填报）"] == "未披露"
    assert sheet.loc["预算执行率", "单位自评得分（单位填报）"] == 9.55
    total = display_sheet(a.score).iloc[-1]
    assert total["一级指标"] == "合计" and total["单位自评得分（单位填报）"] == "未披露"
    # the evidence names the sheet the actual was read from, not a 绩效指标 sheet the year does not have
    evidence = dict(zip(a.score.sheet["name"], a.score.sheet["evidence"]))
    from qdanalysis.present.summary import score_line

    assert score_line(a).endswith("；单位自评合计 73.55 分（单位填报，不计入本评价；1 项未填写）")
    assert evidence["系统正常运行率"].startswith("项目支出绩效自评表表“实际完成值”")
    text = " ".join(b.text for b in AnnualReport(analyse_year(2021, str(tmp_path))).blocks("scoring") if hasattr(b, "parts"))
    assert ("单位自评得分取自《2021年绩效自评表.xlsx》「项目支出绩效自评表」，为单位填报，未经本评价核实，不计入本评价得分；"
            "6项中5项填有自评得分，合计73.55分（1项未填写，合计不含该项）") in text


@pytest.mark.slow
def test_export_and_draft_show_the_units_self_scores(tmp_path):
    from docx import Document

    root = year_folder(tmp_path / "data", form(), MERGES)
    out = tmp_path / "2021年分析.xlsx"
    assert main(["export", "--year", "2021", "--root", str(root), str(out)]) == 0
    ws = load_workbook(out)["评分"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if "三级指标" in r)
    column = header.index("单位自评得分（单位填报）")
    assert header[column - 1] == "得分"
    sms = next(r for r in rows if r[header.index("三级指标")] == "保障金宏短信数量")
    assert sms[column] == 14
    assert main(["draft", "--year", "2021", "--root", str(root), "--out", str(tmp_path / "reports")]) == 0
    [docx] = (tmp_path / "reports" / "2021").glob("*.docx")
    document = Document(docx)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "单位自评得分取自《2021年绩效自评表.xlsx》「项目支出绩效自评表」，为单位填报，未经本评价核实" in text
    assert any("单位自评得分（单位填报）" in [c.text for c in t.rows[0].cells] for t in document.tables)
    # 三、综合评价: the unit's own beside ours for each level-1 group
    groups = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:4] == [
        "一级指标", "分值", "已确认得分", "单位自评得分（单位填报）"])
    by_group = {r.cells[0].text: r.cells[3].text for r in groups.rows[1:]}
    # the evaluation's groups; the unit's form has no 决策 indicator, and its 满意度 is under 效益
    assert by_group == {"决策": "—", "过程": "9.55", "产出": "54", "效益": "30"}
    assert "表中“单位自评得分”为单位自评表填报，未经本评价核实，不计入本评价得分" in text


PLAIN = [["2021年绩效指标"], ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"],
         ["产出指标", "数量指标", "保障网络线路数量", ">=80条", "85条"],
         [None, None, "保障金宏短信数量", "≥600万条", None],
         [None, "质量指标", "系统正常运行率", "≥95%", "99%"],
         ["效益指标", "社会效益指标", "视频资源共享数量", "≥3万条", "4.8万路"],
         ["满意度指标", "服务对象满意度指标", "使用部门满意度", "≥85%", "92%"]]


@pytest.mark.slow
def test_both_layouts_agreeing_use_the_indicator_sheet_and_say_so(tmp_path, capsys):
    from qdanalysis.read.year import load_year

    root = year_folder(tmp_path, form(), MERGES, plain=PLAIN)
    assert main(["validate", str(root / "2021")]) == 0
    assert ("注：绩效指标取自《2021年专项业务费.xlsx》「绩效指标」；《2021年绩效自评表.xlsx》「项目支出绩效自评表」与之列有"
            "相同的指标，单位自评得分和偏差原因分析取自该表") in capsys.readouterr().out
    ind = load_year(2021, root).indicators.set_index("name")
    assert set(ind["src_sheet"]) == {"绩效指标"} and set(ind["self_src_sheet"]) == {"项目支出绩效自评表"}
    sms = ind.loc["保障金宏短信数量"]  # the actual and the weights only the form states are taken from it
    assert (sms["actual_text"], sms["weight"], sms["self_score"], sms["self_src_row"]) == ("420万条", 20, 14, 14)


def test_both_layouts_disagreeing_are_refused_naming_both_places(tmp_path, capsys):
    plain = [list(r) for r in PLAIN]
    plain[4][3] = "≥90%"
    plain.append(["满意度指标", "服务对象满意度指标", "投诉处理及时率", "100%", None])
    root = year_folder(tmp_path, form(), MERGES, plain=plain)
    assert main(["validate", str(root / "2021")]) == 1
    out = capsys.readouterr().out.splitlines()
    form_file, book = root / "2021" / "2021年绩效自评表.xlsx", root / "2021" / "2021年专项业务费.xlsx"
    assert out == [
        f"{form_file}:项目支出绩效自评表:16:年度指标值: 指标「系统正常运行率」在《2021年绩效自评表.xlsx》「项目支出绩效自评表」"
        "为「≥95%」，在《2021年专项业务费.xlsx》「绩效指标」第5行为「≥90%」，两表不一致"
        "（同一年度只能有一套绩效指标：请核对后把两表改为一致，或移出其中一张表）",
        f"{book}:绩效指标:8:三级指标: 《2021年专项业务费.xlsx》「绩效指标」第8行列有指标「投诉处理及时率」，"
        "《2021年绩效自评表.xlsx》「项目支出绩效自评表」没有该指标（同一年度只能有一套绩效指标：请在两表中列出相同的指标，或移出其中一张表）",
    ]


def test_a_group_with_an_unscored_indicator_shows_its_self_score_as_undisclosed():
    from types import SimpleNamespace

    import pandas as pd

    from qdanalysis.present.draft import _group_self_score

    result = SimpleNamespace(sheet=pd.DataFrame({"level1": ["产出指标", "产出指标", "效益指标"], "name": ["甲", "乙", "丙"]}),
                             self_scores={"甲": 8.5, "乙": None, "丙": 9.25})
    assert _group_self_score(result, "产出指标") == "未披露"  # 乙 left blank: never counted as 0
    assert _group_self_score(result, "效益指标") == "9.25"


def test_indicators(workbook):
    rows = [
        ["表1-1"],
        ["一级指标", "二级指标", "三级指标", "目标值", "完成值", "权重"],
        ["产出指标", "数量指标", "线路数量", "≥80条", "92条", 10],
        [None, None, "视频", "≥10万", "5.1万路", 10],
        [None, "时效指标", "响应时间", "≤2小时", "1.5小时", 5],
        ["效益指标", "可持续", "制度", "健全", "不健全", 5],
        [None, None, "应急", "健全", None, 5],
        [None, None, "满意度", "不低于95%", "96%", 5],
    ]
    ind = qdanalysis.load_indicators(workbook({"绩效指标": rows})).set_index("name")
    assert list(ind["level1"]) == ["产出指标"] * 3 + ["效益指标"] * 3
    assert ind.loc["响应时间", "level2"] == "时效指标" and ind.loc["制度", "level2"] == "可持续"
    assert ind.loc["线路数量", "met"] == True  # noqa: E712
    assert ind.loc["视频", "met"] == False and ind.loc["视频", "target_value"] == 100000  # noqa: E712
    assert ind.loc["响应时间", "met"] == True  # noqa: E712
    assert ind.loc["制度", "met"] == False  # noqa: E712
    assert pd.isna(ind.loc["应急", "met"])
    assert ind.loc["满意度", "met"] == True and ind.loc["满意度", "weight"] == 5  # noqa: E712


def test_unparseable_target_refused(workbook):
    rows = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出", "数量", "A", "较多"], ["产出", "数量", "B", None]]
    err = pytest.raises(ValidationError, qdanalysis.load_indicators, workbook({"绩效指标": rows})).value
    assert [(p.row, p.column) for p in err.problems] == [(2, "指标值(D列)"), (3, "指标值(D列)")]
    assert "较多" in err.problems[0].message and "≥80条" in err.problems[0].hint


def test_indicators_title_merged_down_into_level_one_is_refused(workbook):
    import zipfile

    rows = [["2020年绩效指标表"], [None], ["一级指标", "二级指标", "三级指标", "指标值"], [None, "数量", "A", "≥1条"]]
    path = workbook({"绩效指标": rows})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:A4"/></mergeCells>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [p] = pytest.raises(ValidationError, qdanalysis.load_indicators, path).value.problems
    assert (p.sheet, p.row, p.column) == ("绩效指标", 1, "一级指标(A列)")
    assert "合并单元格A1:A4从表头上方（第1行「2020年绩效指标表」）一直延伸到数据区域（第4行起）" in p.message

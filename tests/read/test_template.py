"""The input template: a sheet per declared table with its headers, and the record's rows for a scored year."""

from __future__ import annotations

from qdanalysis.run.cli import main


def test_template_round_trip(tmp_path, capsys):
    path = tmp_path / "模板.xlsx"
    assert main(["template", str(path)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", "预算执行", "合同台账", "线路清单", "短信结算", "绩效指标", "产出与成效", "项目信息",
                             "评价记录"]
    assert wb["评价记录"]["B4"].value is None  # no year: the record's rows are not known
    assert [c.value for c in wb["预算执行"][3]][:6] == ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数"]
    guide = [r for r in wb["填写说明"].iter_rows(values_only=True)]
    assert ("预算执行", "执行数", "必填", "实际支出、支出数、执行金额、实际执行", "截至年末的实际支出；未知留空") in guide
    # a user fills the template in: it loads as it is
    ws = wb["预算执行"]
    ws.append(["1.1", "关键设备维护服务费", "机房维护", 66.7, None, 60])
    ws.append([None, "合计", None, 66.7, None, 60])
    wb.save(path)
    from qdanalysis.read.loaders import read_budget

    sheet = read_budget(path)
    assert sheet.totals["budget"] == __import__("decimal").Decimal("667000.00")


def test_template_for_a_year_lists_its_scored_indicators(tmp_path, capsys):
    path = tmp_path / "2020模板.xlsx"
    assert main(["template", "--year", "2020", str(path)]) == 0
    out = capsys.readouterr().out
    assert "评价记录表已按评分表“青岛市大数据局专项业务费2020年绩效评分（自评表结构）”列出 12 个指标" in out
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["评价记录"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    assert rows[0][:4] == ("一级指标", "三级指标", "分值", "评分方式")
    assert rows[1][:4] == ("预算执行率", "预算执行率", 10, "由预算表计算，无需填写得分")
    assert ("效益指标", "运行维护制度健全性", 10, "填写 达成、部分达成 或 未达成（或直接填写得分）") == rows[10][:4]
    assert ("满意度指标", "使用部门满意度", 10, "填写得分（0—10）") == rows[12][:4]
    assert len(rows) == 13
    # filled in as an evaluator would, the sheet loads and scores
    ws.cell(row=14, column=7).value = "满意度问卷汇总（回收62份）"
    ws.cell(row=14, column=6).value = 8.5
    wb.save(path)
    from qdanalysis.read.loaders.texts import load_record

    record = load_record(path)
    assert list(record["name"])[-1] == "使用部门满意度" and str(record["score"].iloc[-1]) == "8.5"


def test_only_the_sheets_that_hold_money_carry_a_unit_line(tmp_path):
    from openpyxl import load_workbook

    from qdanalysis.read.template import write_template

    wb = load_workbook(write_template(tmp_path / "模板.xlsx", 2021))
    for title in ("预算执行", "合同台账", "线路清单", "短信结算"):
        assert any(c.value == "单位：万元" for c in wb[title]["A"][:3]), title
    for title in ("项目信息", "评价记录"):
        assert all(c.value != "单位：万元" for c in wb[title]["A"]), title
        assert wb[title]["A2"].value in ("事项", "一级指标", "三级指标"), title  # the header comes next

"""Every sheet no input table used is listed with why (qdanalysis.read.unused), by validate and summary."""

from __future__ import annotations

from workbooks import make_workbook

from qdanalysis.read.inputs import read_inputs
from qdanalysis.run.cli import main

BUDGET = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["运维", "机房运维", 60, 58], ["网络", "线路租用", 40, 37.5],
          ["合计", None, 100, 95.5]]
SUMMARY = [["2021年支出汇总"], ["类别", "项目", "金额（万元）", "占比"], ["运维", "机房运维", 58, "60%"], ["网络", "线路租用", 37.5, "40%"]]
NOTES = [["说明"], ["本工作簿由财务科整理，数据截至2021年12月31日。"]]


def year(tmp_path):
    make_workbook(tmp_path / "2021" / "2021年专项业务费.xlsx",
                  {"预算执行": BUDGET, "汇总": SUMMARY, "说明": NOTES, "Sheet3": []})
    return tmp_path


def test_each_unused_sheet_is_listed_with_why(tmp_path):
    found = read_inputs(year(tmp_path) / "2021", 2021)
    assert found.unused == [
        "《2021年专项业务费.xlsx》「汇总」像数据表但与任何输入表都不匹配：表头为「类别、项目、金额（万元）、占比」，未使用——"
        "请检查表头是否为「预算执行」表的表头（必填列：类别、项目名称、预算数、执行数；缺少：预算数、执行数）",
        "《2021年专项业务费.xlsx》「说明」不是数据表，未使用",
        "《2021年专项业务费.xlsx》「Sheet3」为空表，未使用",
    ]


def test_validate_and_summary_print_them(tmp_path, capsys):
    root = year(tmp_path)
    assert main(["validate", str(root / "2021")]) == 0
    out = capsys.readouterr().out
    assert "  未使用的工作表：《2021年专项业务费.xlsx》「Sheet3」为空表，未使用" in out
    assert main(["summary", "--year", "2021", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "  未使用的工作表：\n    - 《2021年专项业务费.xlsx》「汇总」像数据表但与任何输入表都不匹配" in out
    assert "    - 《2021年专项业务费.xlsx》「说明」不是数据表，未使用" in out


def test_a_used_sheet_is_not_listed(tmp_path):
    make_workbook(tmp_path / "a.xlsx", {"预算执行": BUDGET})
    assert read_inputs(tmp_path / "a.xlsx").unused == []

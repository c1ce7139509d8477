"""The one reader of the team's sheets: rows built, refused or left out, the example skipped, all problems at once."""

from __future__ import annotations

import pytest

from qdanalysis import ValidationError
from qdanalysis.read.loaders.team_sheet import read_team_sheet
from qdanalysis.read.schema import Column, team_sheet

SHEET = team_sheet("probe", "测试记录", ("测试记录",),
                   (Column("code", "编号", (), True, kind="code"), Column("level", "等级", ())),
                   "测试用。", evaluator="评价组成员", date_synonym="核查日期", example=("【示例】A1", "高", "", ""))
DTYPES = {"code": object, "level": object, "evaluator": object, "src_file": object, "src_sheet": object,
          "src_row": "Int64"}
HEADER = ["编号", "等级", "评价人", "日期"]


def build(row):
    code = row.text("code")
    if code is None:
        row.refuse("code", "缺少编号", "请填写编号")
    if code == "SKIP":
        return None
    level = row.word("level", "等级", ("高", "低"))
    row.once(code, "code", f"编号{code}", "已有", "只写一行")
    return {"code": code, "level": level, "evaluator": row.text("evaluator")}


def test_rows_are_built_with_their_provenance_and_the_example_and_left_out_rows_skipped(workbook):
    path = workbook({"测试记录": [HEADER, ["【示例】A1", "高", None, None], [" A2 ", "低", "张三", None],
                                  ["SKIP", None, None, None], ["A3", None, None, None]]})
    table = read_team_sheet(path, SHEET, DTYPES, build)
    assert list(table["code"]) == ["A2", "A3"] and list(table["level"]) == ["低", None]
    assert list(table["evaluator"]) == ["张三", None] and list(table["src_row"]) == [3, 5]
    assert set(table["src_sheet"]) == {"测试记录"}


def test_every_refused_row_is_one_problem_naming_its_row_and_column_raised_at_once(workbook):
    path = workbook({"测试记录": [HEADER, [None, "高", None, None], ["A1", "中", None, None],
                                  ["A2", "高", None, None], ["A2", "低", None, None]]})
    with pytest.raises(ValidationError) as err:
        read_team_sheet(path, SHEET, DTYPES, build)
    problems = [(p.sheet, p.row, p.message, p.hint) for p in err.value.problems]
    assert problems == [
        ("测试记录", 2, "缺少编号", "请填写编号"),
        ("测试记录", 3, "等级「中」无法识别", "等级只能填写：高、低"),
        ("测试记录", 5, "编号A2重复：《wb0》「测试记录」表第4行已有", "只写一行"),
    ]
    assert err.value.problems[0].column.startswith("编号")


def test_a_key_written_in_another_workbook_of_the_folder_is_a_repeat(tmp_path, workbook):
    workbook({"测试记录": [HEADER, ["A1", None, None, None]]}, name="a.xlsx")
    workbook({"测试记录": [HEADER, ["A1", None, None, None]]}, name="b.xlsx")
    with pytest.raises(ValidationError, match="编号A1重复：《a》「测试记录」表第2行已有"):
        read_team_sheet(tmp_path, SHEET, DTYPES, build)

"""Locating a table in a workbook: its header row, units, extra columns, where its rows end, what is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from workbooks import make_workbook

from qdanalysis.errors import MissingTableError, ValidationError
from qdanalysis.read.locate import Located, _data_rows, locate, sheets_used, take_columns
from qdanalysis.read.schema import BUDGET, SMS

ROWS = [["2021年专项业务费预算执行表"], ["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数", "经办人"],
        ["1.1", "运维", "机房维护", 60, 58, "张三"], [None, None, None, None, None, None],
        ["1.2", "运维", "网络维护", 40, 37, "李四"], ["注：执行数截至年末。"], ["9.9", "运维", "注释之后", 1, 1, None]]


def test_the_header_units_extras_and_rows_of_a_table(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": ROWS})
    [loc], _ = locate(path, BUDGET)
    assert (loc.sheet, loc.header_row, loc.sheet_unit) == ("预算执行", 3, "万元")
    assert loc.col_index["budget"] == 3 and loc.col_header["item"] == "项目名称"
    assert loc.where("budget") == "预算数(D列)" and loc.where("adjusted_budget") == "adjusted_budget"
    assert loc.extras == {"经办人": 5}
    assert [row for row, _ in loc.rows] == [4, 6]  # the blank row is skipped and the note ends the table


def test_a_table_is_found_by_its_header_in_a_sheet_named_otherwise(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"Sheet1": ROWS})
    [loc], _ = locate(path, BUDGET)
    assert loc.sheet == "Sheet1" and len(loc.rows) == 2


def test_a_sheet_named_for_the_table_without_a_required_column_says_which(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": [["类别", "项目名称", "执行数"], ["运维", "机房", 1]]})
    with pytest.raises(ValidationError) as err:
        locate(path, BUDGET)
    [problem] = err.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("预算执行", 1, "预算数")
    assert problem.message == "缺少必填列「预算数」" and problem.hint.startswith("请在表头行加入「预算数」列（也可写作：")


@pytest.mark.parametrize("written, column", [("预算书", "C"), ("预 算数", None), ("预算金 额", None), ("年初预箅", "C")])
def test_a_misspelt_header_is_suggested_as_the_column_it_looks_like(tmp_path, written, column):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": [["类别", "项目名称", written, "执行数"], ["运维", "机房", 1, 1]]})
    try:
        locate(path, BUDGET)
    except ValidationError as err:
        [problem] = err.problems
    else:
        assert column is None  # read as the column (spaces inside a header are forgiven)
        return
    assert column is not None, problem.message
    assert problem.message == f"缺少必填列「预算数」；表头中有「{written}」（{column}列），是否应为「预算数」？"
    assert problem.hint.startswith(f"如是，请把「{written}」改为「预算数」；否则请在表头行加入「预算数」列")


def test_an_unlike_header_is_not_suggested(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": [["类别", "项目名称", "备注", "执行数"], ["运维", "机房", 1, 1]]})
    with pytest.raises(ValidationError) as err:
        locate(path, BUDGET)
    assert err.value.problems[0].message == "缺少必填列「预算数」"


def test_a_sheet_named_for_the_table_without_a_header_says_what_it_should_hold(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": [["随便写的"], [1, 2]]})
    with pytest.raises(ValidationError, match="工作表「预算执行」中找不到「预算执行」的表头"):
        locate(path, BUDGET)


def test_a_table_found_nowhere_is_a_missing_table_unless_optional(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": ROWS})
    with pytest.raises(MissingTableError) as err:
        locate(path, SMS)
    assert (err.value.table, err.value.title) == ("sms", "短信结算")
    assert err.value.problems[0].message == "找不到「短信结算」表"
    found, collectors = locate(path, SMS, required=False)
    assert found == [] and [c.problems for c in collectors] == [[]]


def test_a_folder_without_workbooks_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="文件夹中没有工作簿"):
        locate(tmp_path, BUDGET)


def test_merged_category_cells_fill_the_rows_below(tmp_path):
    rows = [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["运维", "机房", 1, 1], [None, "网络", 2, 2]]
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": rows}, {"预算执行": ["A3:A4"]})
    [loc], _ = locate(path, BUDGET)
    assert [values[loc.col_index["category"]] for _, values in loc.rows] == ["运维", "运维"]


def test_the_sheets_tables_were_found_in_are_recorded(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"说明": [["本工作簿说明"]], "预算执行": ROWS})
    with sheets_used() as used:
        locate(path, BUDGET)
    assert list(used.values()) == ["预算执行"] and [sheet for _, sheet in used] == ["预算执行"]


def test_an_error_value_in_the_header_row_is_refused_not_read_as_a_missing_column(tmp_path):
    from qdanalysis.read.loaders.texts import load_results

    path = make_workbook(tmp_path / "a.xlsx", {"产出与成效": [["产出与成效"], ["名称", "数值", "#DIV/0!", "来源"],
                                                             ["单位数", "79", "个", "二（一）"]]})
    with pytest.raises(ValidationError) as e:
        load_results(path)
    [problem] = e.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("产出与成效", 2, "C")
    assert "表头单元格是错误值「#DIV/0!」" in problem.message


def test_every_file_of_a_folder_that_cannot_be_read_is_named_at_once(tmp_path):
    (tmp_path / "合同.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    (tmp_path / "空.xlsx").write_bytes(b"")
    (tmp_path / "预算.xlsx").write_text("类别,项目名称\n", encoding="utf-8")

    with pytest.raises(ValidationError) as err:
        locate(tmp_path, BUDGET)

    assert [(p.file.rsplit("/", 1)[-1], p.message.split("（")[0]) for p in err.value.problems] == [
        ("合同.xlsx", "文件已损坏或不完整"), ("空.xlsx", "文件为空"), ("预算.xlsx", "不是Excel工作簿")]


def _numbered(n: int) -> list[list]:
    return [[f"HT2020-{i:04d}", "运维", i] for i in range(n)]


@pytest.mark.parametrize(("change", "expected"), [
    ({}, list(range(4, 104))),  # a ledger's plain contract numbers: every row at once
    ({50: ["-", None, None]}, [r for r in range(4, 104) if r != 54]),  # a blank marker is a blank row
    ({50: ["-", "运维", 1]}, list(range(4, 104))),  # the first value is further right
    ({50: ["——", None, None]}, [r for r in range(4, 104) if r != 54]),
    ({50: [None, None, None]}, [r for r in range(4, 104) if r != 54]),
    ({50: [None, "运维", 1]}, list(range(4, 104))),  # the first value is further right
    ({50: ["HT1", "运维", 1]}, list(range(4, 104))),  # short, yet no blank marker
    ({50: [" HT2020-x ", "运维", 1]}, list(range(4, 104))),
    ({50: ["注：以上为2020年合同", None, None]}, list(range(4, 54))),  # a note ends the table
    ({50: ["填表人：张三", None, None]}, list(range(4, 54))),
    ({50: ["　注：全角空格之后", None, None]}, list(range(4, 54))),
    ({50: [dt.date(2020, 1, 1), "运维", 1]}, list(range(4, 104))),
    ({50: []}, [r for r in range(4, 104) if r != 54]),  # an empty row
])
def test_the_data_rows_of_a_long_table_end_at_a_note_and_skip_blank_rows(change, expected):
    body = _numbered(100)
    for i, row in change.items():
        body[i] = row
    rows = _data_rows(body, 4)
    assert [r for r, _ in rows] == expected
    assert all(values is body[r - 4] for r, values in rows)  # the sheet's own rows, not copies


def _located(rows) -> Located:
    return Located("a.xlsx", "合同台账", 1, {}, {}, {}, None, {}, rows=rows)


@pytest.mark.parametrize("rows", [
    [(2, ["a", 1, None]), (3, ["b", 2, "x"]), (5, ["c", 3, None])],  # one width: one run of cells, sliced
    [(2, ["a", 1]), (3, ["b", 2, "x", "y"]), (5, ["c"])],  # ragged
    [(2, ["a", 1, None, None]), (3, ["b", 2, "x", None]), (5, ["c", 3, None, "z"])],  # wider than asked
])
def test_the_columns_of_the_located_rows_are_taken_as_asked(rows):
    loc = _located(list(rows))
    row_nos, columns = take_columns(loc, [2, 0, 1])
    cell = {(r, j): v for r, values in rows for j, v in enumerate(values)}
    assert row_nos == [2, 3, 5] and loc.rows == []
    assert columns == [[cell.get((r, j)) for r in (2, 3, 5)] for j in (2, 0, 1)]


def test_no_rows_or_no_columns():
    assert take_columns(_located([]), [0, 3]) == ([], [[], []])
    assert take_columns(_located([(4, ["a"])]), []) == ([4], [])

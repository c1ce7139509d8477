"""Tests of qdanalysis.read.xlsx. Every file is built here, in tmp_path (tests/handmade_xlsx.py, the hostile
ones by tests/hostile_xlsx.py); nothing is committed. The files that would abort a reader's process are read in
a child process by tests/integration/test_reader_process.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from handmade_xlsx import (
    CONTENT_TYPES,
    DECL,
    MAIN_NS,
    SHEET_PART,
    SST_PART,
    assert_file_problem,
    build,
    located,
    long_sheet,
    refusal,
    sheet_with_dimension,
    sheet_xml,
    sst_xml,
)
from hostile_xlsx import (
    REFUSALS,
    make_billion_laughs,
    make_csv,
    make_declared_huge_entry,
    make_encrypted,
    make_truncated,
    make_xls,
)
from hypothesis import given
from hypothesis import strategies as st

from qdanalysis.errors import ValidationError, display_path
from qdanalysis.read import safety, xlsx
from qdanalysis.read.safety import limits, refs
from qdanalysis.read.xlsx import SheetData, column_letter, inspect_archive, read_workbook


@pytest.mark.slow
@pytest.mark.parametrize(("maker", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals(tmp_path, maker, words):
    path = maker(tmp_path / "报表.xlsx")
    assert_file_problem(refusal(path), path, *words)


def test_hints(tmp_path):
    enc = refusal(make_encrypted(tmp_path / "a.xlsx")).problems[0].hint
    assert "取消密码" in enc and "另存为 .xlsx" in enc
    assert "重新导出" in refusal(make_xls(tmp_path / "b.xls")).problems[0].hint
    assert "重新导出" in refusal(make_truncated(tmp_path / "c.xlsx")).problems[0].hint


@pytest.mark.parametrize("maker", [make_encrypted, make_csv, make_billion_laughs, make_declared_huge_entry])
def test_inspect_archive_refuses_before_reading(tmp_path, maker, monkeypatch):
    path = maker(tmp_path / "x.xlsx")

    def explode(*args, **kwargs):
        raise AssertionError("a reader was opened")

    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_path", explode)
    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_filelike", explode)
    with pytest.raises(ValidationError):
        inspect_archive(path)
    with pytest.raises(ValidationError):
        read_workbook(path)


# ---------------------------------------------------------------------------
# Far cells hidden from the quick extent
# ---------------------------------------------------------------------------


def test_far_cell_hidden_behind_cells_without_r(tmp_path):
    # No r attribute: calamine positions cells itself; the replay must follow it.
    cells = '<row r="1"><c><v>1</v></c></row><row r="1048576"><c><v>1</v></c>' + "<c><v>1</v></c>" * 20 + "</row>"
    path = build(tmp_path / "nor.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert "数据区域过大" in refusal(path).problems[0].message


def test_far_cell_hidden_behind_gt_in_attribute(tmp_path):
    cells = '<row r="1"><c r="A1"><v>1</v></c><c x=">" r="XFD1048576"><v>1</v></c></row>'
    path = build(tmp_path / "gt.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert "数据区域过大" in refusal(path).problems[0].message


def test_wide_cell_in_the_middle_of_a_long_sheet_is_read_in_place(tmp_path):
    cells = long_sheet(20_000, {10_001: '<row r="10001"><c r="AB10001"><v>7</v></c></row>'})
    path = build(tmp_path / "wide.xlsx", {SHEET_PART: sheet_xml(cells)})
    (sheet,) = read_workbook(path)
    assert len(sheet.rows) == 20_000 and len(sheet.rows[0]) == 28
    assert sheet.rows[10_000][27] == 7 and sheet.rows[10_000][0] is None
    assert sheet.rows[19_999][:2] == [20_000, 1]


# ---------------------------------------------------------------------------
# Valid workbooks
# ---------------------------------------------------------------------------


@pytest.fixture
def workbook_path(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目清单"
    ws["C5"] = "全角ＡＢＣ　１２３"  # full-width letters, ideographic space, digits
    ws["D5"] = 3.5
    ws["E5"] = 7
    ws["F5"] = "=D5*2"  # openpyxl stores no cached value
    ws["G5"] = "  两端空格  "
    ws["H5"] = "#DIV/0!"  # openpyxl writes this as an error cell (t="e")
    ws["C6"] = dt.datetime(2024, 1, 2, 3, 4, 5)
    ws["D6"] = dt.date(2024, 3, 4)
    ws["E6"] = dt.time(12, 30)
    ws["F6"] = dt.timedelta(hours=30)
    ws["G6"] = True
    ws["H6"] = -12345678901
    ws["C8"] = "合并单元格"
    ws.merge_cells("C8:E9")
    ws["C10"] = "尾行"  # keeps the merge inside the grid
    ws.merge_cells("J20:K30")  # wholly outside the data: dropped
    hidden = wb.create_sheet("隐藏页")
    hidden["B2"] = "x"
    hidden.sheet_state = "hidden"
    wb.create_sheet("空白页")
    path = tmp_path / "预算表.xlsx"
    wb.save(path)
    return path


def test_valid_workbook(workbook_path):
    sheets = read_workbook(workbook_path)
    assert [s.name for s in sheets] == ["项目清单", "隐藏页", "空白页"]
    main = sheets[0]
    assert isinstance(main, SheetData)
    assert main.file == display_path(workbook_path)
    rows = main.rows
    assert len(rows) == 10
    assert {len(r) for r in rows} == {8}  # A..H
    assert all(v is None for r in rows[:4] for v in r)  # leading empty rows kept
    assert all(r[0] is None and r[1] is None for r in rows)  # leading empty columns kept
    assert rows[4][2] == "全角ＡＢＣ　１２３"  # C5
    assert rows[4][3] == 3.5 and type(rows[4][3]) is float
    assert rows[4][4] == 7 and type(rows[4][4]) is int
    assert rows[4][5] is None  # formula without cached value: openpyxl writes <v></v>, listed as an error
    assert rows[4][6] == "  两端空格  "
    assert rows[4][7] is None and main.errors == [(4, 5, safety.UNCACHED_FORMULA), (4, 7, "#DIV/0!")]
    assert rows[5][2] == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert rows[5][3] == dt.date(2024, 3, 4) and type(rows[5][3]) is dt.date
    assert rows[5][4] == dt.time(12, 30)
    assert rows[5][5] == dt.timedelta(hours=30)
    assert rows[5][6] is True
    assert rows[5][7] == -12345678901 and type(rows[5][7]) is int
    assert rows[7][2] == "合并单元格"
    assert rows[8] == [None] * 8  # covered by the merge, empty
    assert rows[9][2] == "尾行"
    assert main.merged == [(7, 2, 8, 4)]
    assert sheets[1].rows == [[None, None], [None, "x"]]
    assert sheets[2].rows == [] and sheets[2].merged == []


def test_rows_map_to_excel_coordinates(tmp_path):
    wb = openpyxl.Workbook()
    for ref in ("C5", "B2", "AA100"):
        wb.active[ref] = ref
    path = tmp_path / "coords.xlsx"
    wb.save(path)
    rows = read_workbook(path)[0].rows
    assert rows[4][2] == "C5"
    assert rows[1][1] == "B2"
    assert rows[99][26] == "AA100"
    assert len(rows) == 100 and len(rows[0]) == 27


def test_formula_cached_value_is_read(tmp_path):
    cells = '<row r="2"><c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>'
    path = build(tmp_path / "f.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert read_workbook(path)[0].rows == [[None, None, None], [None, 2, "ab"]]


def test_cells_without_r_follow_calamine(tmp_path):
    cells = '<row><c t="s"><v>0</v></c><c><v>2</v></c></row><row><c><v>3</v></c><c r="E2"><v>4</v></c><c><v>5</v></c></row>'
    path = build(tmp_path / "nor.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert read_workbook(path)[0].rows == [["hello", 2, None, None, None, None], [3, None, None, None, 4, 5]]


@pytest.mark.parametrize("far", ['<c r="XFD1048576" s="1"/>', '<c r="XFD1048576" s="1"></c>'])
def test_far_empty_styled_cell_is_accepted(tmp_path, far):
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576">{far}</row>'
    path = build(tmp_path / "styled.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert read_workbook(path)[0].rows == [["hello"]]


def test_merges_are_clipped_to_the_grid(tmp_path):
    extra = '<mergeCells count="2"><mergeCell ref="A1:O1048576"/><mergeCell ref="C3:D4"/></mergeCells>'
    path = build(tmp_path / "m.xlsx", {SHEET_PART: sheet_xml(extra=extra)})
    assert read_workbook(path)[0].merged == [(0, 0, 0, 0)]


def test_extension_does_not_matter(tmp_path, workbook_path):
    renamed = tmp_path / "导出.xls"
    renamed.write_bytes(workbook_path.read_bytes())
    assert read_workbook(renamed)[0].rows[4][2] == "全角ＡＢＣ　１２３"


def test_inspect_archive_accepts_valid(workbook_path):
    assert inspect_archive(workbook_path) is None


def test_namespace_prefixed_parts(tmp_path):
    sheet = (
        DECL + f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="3"><x:c r="B3" t="s"><x:v>0</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    sst = DECL + f'<x:sst xmlns:x="{MAIN_NS}" count="1" uniqueCount="1"><x:si><x:t>前缀</x:t></x:si></x:sst>'
    path = build(tmp_path / "ns.xlsx", {SHEET_PART: sheet, SST_PART: sst})
    rows = read_workbook(path)[0].rows
    assert rows[2][1] == "前缀" and len(rows) == 3


def test_repeated_long_string_below_budget_is_accepted(tmp_path):
    # The quick bound (references x longest string) exceeds the budget, the exact count does not.
    rows = '<row r="1"><c r="A1" t="s"><v>1</v></c></row>' + "".join(
        f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(2, 4001)
    )
    path = build(tmp_path / "ok.xlsx", {SST_PART: sst_xml(["短", "y" * 30_000]), SHEET_PART: sheet_xml(rows)})
    rows = read_workbook(path)[0].rows
    assert rows[0] == ["y" * 30_000] and rows[3999] == ["短"] and len(rows) == 4000


def test_utf16_part_outside_xl_is_accepted(tmp_path):
    item = ('<?xml version="1.0" encoding="utf-16"?><ds:datastoreItem xmlns:ds="urn:x"/>').encode("utf-16")
    path = build(tmp_path / "custom.xlsx", {"customXml/item1.xml": item})
    assert read_workbook(path)[0].rows == [["hello"]]


def test_long_but_legal_string_is_accepted(tmp_path):
    path = build(tmp_path / "long.xlsx", {SST_PART: sst_xml(["长" * 32_000])})
    assert read_workbook(path)[0].rows == [["长" * 32_000]]


# ---------------------------------------------------------------------------
# Reader failures
# ---------------------------------------------------------------------------


def test_calamine_failure_falls_back_to_openpyxl(workbook_path, monkeypatch):
    def broken(*args, **kwargs):
        raise xlsx.python_calamine.CalamineError("simulated failure")

    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_path", broken)
    sheets = read_workbook(workbook_path)
    main = sheets[0]
    assert [s.name for s in sheets] == ["项目清单", "隐藏页", "空白页"]
    assert main.rows[4][2] == "全角ＡＢＣ　１２３"
    assert main.rows[4][4] == 7 and type(main.rows[4][4]) is int
    assert main.rows[5][3] == dt.date(2024, 3, 4) and type(main.rows[5][3]) is dt.date
    assert main.rows[5][2] == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert main.errors == [(4, 5, safety.UNCACHED_FORMULA), (4, 7, "#DIV/0!")] and main.rows[4][7] is None
    assert main.merged == [(7, 2, 8, 4)]
    assert sheets[2].rows == []


def test_both_readers_fail(tmp_path):
    # A shared-string index out of range: calamine raises CalamineError, openpyxl IndexError.
    path = build(tmp_path / "bad.xlsx", {SHEET_PART: sheet_xml('<row r="1"><c r="A1" t="s"><v>99</v></c></row>')})
    err = refusal(path)
    assert_file_problem(err, path, "无法读取工作簿", "Cell string index not found", "openpyxl")


def test_calamine_panic_is_caught(workbook_path, monkeypatch):
    PanicException = type("PanicException", (BaseException,), {})

    def panic(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_path", panic)
    assert read_workbook(workbook_path)[0].rows[4][2] == "全角ＡＢＣ　１２３"


# ---------------------------------------------------------------------------
# column_letter
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")]
)
def test_column_letter(index, letters):
    assert column_letter(index) == letters


def test_column_letter_negative():
    with pytest.raises(ValueError):
        column_letter(-1)


@given(st.integers(min_value=0, max_value=10**6))
def test_column_letter_roundtrip(index):
    letters = column_letter(index)
    assert letters.isalpha() and letters.isupper()
    assert refs.column_index(letters.encode()) == index


# ---------------------------------------------------------------------------
# Issue 17: ranges bounded, nothing read as something else
# ---------------------------------------------------------------------------

FALLBACK = '<c r="C1" t="zz"><v>5</v></c>'  # a cell type calamine refuses (openpyxl reads it)




@pytest.mark.parametrize(("element", "words"), [
    ('<mergeCells count="1"><mergeCell ref="A1:P1048576"/></mergeCells>', "合并单元格区域「A1:P1048576」过大"),
    ('<hyperlinks><hyperlink ref="A1:P1048576" location="A1"/></hyperlinks>', "超链接区域「A1:P1048576」过大"),
])
def test_huge_merged_or_hyperlink_range_is_refused_before_any_reader(tmp_path, element, words, monkeypatch):
    path = build(tmp_path / "大区域.xlsx", {SHEET_PART: sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', element)})
    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_path", lambda *a: pytest.fail("calamine opened"))
    sheet, row, column, message, hint = located(refusal(path))
    assert (sheet, row, column) == ("Sheet1", 1, "A列")
    assert words in message and "16777216个单元格，上限16000000个" in message
    assert "大区域.xlsx" in hint


@pytest.mark.parametrize("element", [
    '<conditionalFormatting sqref="A1:A2000000"><cfRule type="expression" priority="1"><formula>1</formula>'
    "</cfRule></conditionalFormatting>",
    '<dataValidations count="1"><dataValidation type="whole" sqref="B2 A1:XFE3"><formula1>1</formula1>'
    "</dataValidation></dataValidations>",
])
def test_a_range_beyond_the_sheet_is_refused(tmp_path, element):
    path = build(tmp_path / "越界.xlsx", {SHEET_PART: sheet_xml(extra=element)})
    sheet, _, _, message, _ = located(refusal(path))
    assert sheet == "Sheet1" and "超出了Excel工作表的范围" in message


def test_whole_sheet_formatting_and_validation_are_accepted(tmp_path):
    # Excel writes a rule applied to whole columns or the whole sheet this way; no reader
    # expands them, so they are not bounded by area (only their number is).
    extra = ('<conditionalFormatting sqref="A1:XFD1048576"><cfRule type="expression" priority="1"><formula>1'
             '</formula></cfRule></conditionalFormatting><dataValidations count="1"><dataValidation type="whole" '
             'sqref="A:A 3:3"><formula1>1</formula1></dataValidation></dataValidations>')
    path = build(tmp_path / "整表.xlsx", {SHEET_PART: sheet_xml(extra=extra)})
    assert read_workbook(path)[0].rows == [["hello"]]


def test_too_many_ranges_are_refused(tmp_path):
    sqref = " ".join(f"A{i}" for i in range(1, limits.MAX_RANGES + 2))
    extra = f'<dataValidations count="1"><dataValidation type="whole" sqref="{sqref}"></dataValidation></dataValidations>'
    path = build(tmp_path / "多.xlsx", {SHEET_PART: sheet_xml(extra=extra)})
    assert_file_problem(refusal(path), path, f"区域过多（{limits.MAX_RANGES + 1}个，上限{limits.MAX_RANGES}个）")



def test_fallback_reads_shared_strings_and_keeps_error_cells(tmp_path):
    cells = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>'
             '<row r="2"><c r="A2"><f>1+1</f><v></v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2"><v>1e400</v></c>'
             '<c r="D2"><v>3</v></c></row>')
    types = CONTENT_TYPES.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
                                  '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    path = build(tmp_path / "回退2.xlsx", {SHEET_PART: sheet_with_dimension(cells), "[Content_Types].xml": types})
    (sheet,) = read_workbook(path)
    assert sheet.rows == [["hello", 5, None, None], [None, None, None, 3]]
    assert sheet.errors == [(1, 0, safety.UNCACHED_FORMULA), (1, 1, "#N/A"), (1, 2, safety.NOT_A_NUMBER + "inf")]


@pytest.mark.parametrize("v", ["<v />", "<v></v>", "<v/>", ""])
def test_formula_with_an_empty_cached_value_is_listed_as_uncached(tmp_path, v):
    cells = f'<row r="2"><c r="B2"><f>1+1</f>{v}</c><c r="C2" t="str"><f>""</f><v></v></c><c r="D2"><v>1</v></c></row>'
    (sheet,) = read_workbook(build(tmp_path / "f.xlsx", {SHEET_PART: sheet_xml(cells)}))
    assert sheet.rows == [[None, None, None, None], [None, None, None, 1]]
    assert sheet.errors == [(1, 1, safety.UNCACHED_FORMULA)]  # an empty text result (C2) is a value


@pytest.mark.parametrize(("v", "text"), [("NaN", "nan"), ("-inf", "-inf"), ("Infinity", "inf"), ("1e400", "inf")])
def test_nan_and_infinity_are_error_cells(tmp_path, v, text):
    cells = f'<row r="3"><c r="A3"><v>2</v></c><c r="B3"><v>{v}</v></c></row>'
    (sheet,) = read_workbook(build(tmp_path / "n.xlsx", {SHEET_PART: sheet_xml(cells)}))
    assert sheet.rows == [[None], [None], [2]]  # B3 is no value: the empty column is trimmed
    assert sheet.errors == [(2, 1, safety.NOT_A_NUMBER + text)]


def test_error_cells_without_r_are_placed_as_calamine_places_them(tmp_path):
    cells = ('<row r="4"><c r="B4"><v>1</v></c><c t="e"><v>#REF!</v></c><c><f>1</f></c></row>'
             '<row><c t="e"><v>#N/A</v></c></row>')
    (sheet,) = read_workbook(build(tmp_path / "e.xlsx", {SHEET_PART: sheet_xml(cells)}))
    assert sheet.errors == [(3, 2, "#REF!"), (3, 3, safety.UNCACHED_FORMULA), (4, 0, "#N/A")]


@pytest.mark.parametrize(("cell", "words"), [
    ('<c r="B2" t="inlineStr"><v>66.7</v></c>', "单元格B2标为内嵌文本，却保存了数值「66.7」，读取时会被当作空白"),
    ('<c r="B2" t="inlineStr"><is><t>甲</t></is><v>5</v></c>', "单元格B2标为内嵌文本，却保存了数值「5」"),
    ('<c r="B2" t="s"><v>x</v></c>', "单元格B2的共享字符串编号「x」不是有效的编号，读取时会被当作另一段文字"),
    ('<c r="B2" t="s"><v>-1</v></c>', "共享字符串编号「-1」不是有效的编号"),
    ('<c r="B2" t="s"><v>100000000000000000000</v></c>', "共享字符串编号「100000000000000000000」不是有效的编号"),
    ('<c r="B2" t="s"><v> 0 </v></c>', "共享字符串编号「 0 」不是有效的编号"),
    ('<c r="B2" t="s"><v></v></c>', "单元格B2是共享字符串，却没有保存编号"),
    ('<c r="B2" t="zz"><v>5</v></c>', "单元格B2的类型「zz」不是Excel使用的类型"),
    ('<c r="B2" t="b"><v>7</v></c>', "单元格B2标为逻辑值（TRUE/FALSE），却保存了「7」"),
    ('<c r="A2"><v>1</v></c><c r=""><v>2</v></c>', "B2附近有一个单元格的位置「」无法识别"),
])
def test_cells_a_reader_would_misread_are_refused_with_their_place(tmp_path, cell, words):
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">{cell}</row>'
    path = build(tmp_path / "坏格.xlsx", {SHEET_PART: sheet_xml(cells)})
    sheet, row, column, message, hint = located(refusal(path))
    assert (sheet, row, column) == ("Sheet1", 2, "B列" if "A2" not in cell else "B列")
    assert words in message, message
    assert "坏格.xlsx" in hint and "另存为新的 .xlsx 文件" in hint


def test_shared_index_out_of_range_is_still_refused(tmp_path):
    path = build(tmp_path / "越.xlsx", {SHEET_PART: sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')})
    assert_file_problem(refusal(path), path, "无法读取工作簿")


@pytest.mark.parametrize("is_xml", [
    "<is><t>" + "长" * 40_000 + "</t></is>",
    "<is>" + "".join("<r><t>" + "字" * 100 + "</t></r>" for _ in range(400)) + "</is>",
])
def test_inline_strings_have_the_shared_string_length_bound(tmp_path, is_xml):
    cells = f'<row r="1"><c r="A1" t="inlineStr">{is_xml}</c></row>'
    path = build(tmp_path / "长.xlsx", {SHEET_PART: sheet_xml(cells)})
    assert_file_problem(refusal(path), path, "单元格文本长度超过Excel上限32767个字符（约40000个）")


def test_inline_string_at_the_bound_is_accepted(tmp_path):
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "长" * 32_767 + "</t></is></c></row>"
    (sheet,) = read_workbook(build(tmp_path / "长.xlsx", {SHEET_PART: sheet_xml(cells)}))
    assert sheet.rows == [["长" * 32_767]]


def test_a_chart_sheet_is_returned_with_its_kind(tmp_path):
    from openpyxl.chart import BarChart

    wb = openpyxl.Workbook()
    wb.active.title = "数据"
    wb.active.append([1, 2])
    chart = wb.create_chartsheet("预算执行")
    chart.add_chart(BarChart())
    path = tmp_path / "图表.xlsx"
    wb.save(path)
    sheets = read_workbook(path)
    assert [(s.name, s.kind, s.rows) for s in sheets] == [("数据", "worksheet", [[1, 2]]), ("预算执行", "chartsheet", [])]


def test_memory_running_out_is_a_refusal_naming_the_file(workbook_path, monkeypatch):
    def exhausted(*args):
        raise MemoryError

    monkeypatch.setattr(xlsx, "_read_calamine", exhausted)
    err = refusal(workbook_path)
    assert_file_problem(err, workbook_path, "读取工作簿时内存不足")


@pytest.mark.slow
def test_a_stylesheet_of_millions_of_formats_is_refused(tmp_path):
    import random

    rng = random.Random(17)  # varied attributes: the part must pass the compression-ratio check
    xfs = "".join(f'<xf numFmtId="{rng.randrange(10**6)}" fontId="{rng.randrange(10**4)}"/>'
                  for _ in range(limits.MAX_STYLE_ELEMENTS + 10))
    styles = DECL + f'<styleSheet xmlns="{MAIN_NS}"><cellXfs>{xfs}</cellXfs></styleSheet>'
    path = build(tmp_path / "样式.xlsx", {"xl/styles.xml": styles})
    assert_file_problem(refusal(path), path, "样式表“xl/styles.xml”过大（超过1000000个元素")


def test_many_inline_strings_in_a_prefixed_sheet_are_scanned_in_linear_time(tmp_path):
    # A search for a <v> after each inline string must stop at the cell's end, also when the
    # cells carry a namespace prefix; else 20,000 cells would take 20,000 scans of the sheet.
    cells = "".join(f'<x:row r="{i}"><x:c r="A{i}" t="inlineStr"><x:is><x:t>项目{i}</x:t></x:is></x:c></x:row>'
                    for i in range(1, 20_001))
    sheet = DECL + f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>{cells}</x:sheetData></x:worksheet>'
    (grid,) = read_workbook(build(tmp_path / "前缀.xlsx", {SHEET_PART: sheet}))
    assert grid.rows[19_999] == ["项目20000"] and len(grid.rows) == 20_000


@pytest.mark.parametrize("cell", ['<c r="B2" t = "e"><v>#REF!</v></c>', "<c r='B2' t='e'><v>#REF!</v></c>",
                                  '<c r="B2"\n t="e"><v>#REF!</v></c>'])
def test_an_error_cell_spelled_with_spaces_or_single_quotes_is_still_listed(tmp_path, cell):
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c>{cell}</row>'
    (sheet,) = read_workbook(build(tmp_path / "引号.xlsx", {SHEET_PART: sheet_xml(cells)}))
    assert sheet.rows == [["hello"], [1]] and sheet.errors == [(1, 1, "#REF!")]


@pytest.mark.parametrize("cell", ["<c r='B2' t='s'><v>x</v></c>", '<c r="B2" t = "s"><v>-1</v></c>',
                                  '<c r="B2" s="1"\tt="s"><v> 0</v></c>'])
def test_a_bad_shared_index_spelled_otherwise_is_still_refused(tmp_path, cell):
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">{cell}</row>'
    sheet, row, column, message, _ = located(refusal(build(tmp_path / "引号.xlsx", {SHEET_PART: sheet_xml(cells)})))
    assert (sheet, row, column) == ("Sheet1", 2, "B列") and "共享字符串编号" in message


@pytest.mark.parametrize("ragged", [False, True])
def test_a_grid_is_normalised_in_blocks_as_row_by_row(monkeypatch, ragged):
    monkeypatch.setattr(xlsx, "_BLOCK_ROWS", 3)
    cells = ["运维", "", 2.0, 2.5, float("nan"), float("inf"), 2.0**60, True, dt.date(2020, 1, 1), None, -0.0]
    grid = [[cells[(i * 3 + j) % len(cells)] for j in range(4)] for i in range(10)]
    if ragged:
        grid[4] = grid[4][:2]
    grid = [[("运" + "维") if v == "运维" else v for v in row] for row in grid]  # equal texts, distinct objects
    expected_odd: list[float] = []
    expected = [xlsx._normalise(list(row), {}, expected_odd) for row in grid]
    odd: list[float] = []
    got = xlsx._normalise_grid(grid, odd)
    assert grid == [] and len(got) == 10
    assert [[repr(v) for v in row] for row in got] == [[repr(v) for v in row] for row in expected]  # nan, -0.0, types
    assert [repr(v) for v in odd] == [repr(v) for v in expected_odd] and {"nan", "inf"} <= set(map(repr, odd))
    texts = {id(v) for row in got for v in row if isinstance(v, str)}
    assert len(texts) == 1  # one object for the text, across blocks


@pytest.mark.parametrize(("rows", "expected"), [
    ([[1, None, 3], [None, 2, None]], [[1, None, 3], [None, 2, None]]),  # one width, a value in the last column
    ([[1, None, None], [None, 2, None]], [[1, None], [None, 2]]),  # the last column empty
    ([[1, None, 0], [None, 2, None], [None, None, None]], [[1, None, 0], [None, 2, None]]),  # 0 is a value
    ([[1], [None, 2, 3], [4, None]], [[1, None, None], [None, 2, 3], [4, None, None]]),  # rows of unequal width
    ([[None, None], [None, None]], []),
])
def test_trailing_empty_rows_and_columns_are_trimmed(rows, expected):
    assert xlsx._trim(rows) == expected

"""Calamine's cell positioning replayed: where each cell lands, and the cells a reader would misread."""

from __future__ import annotations

import zipfile

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector
from qdanalysis.read.safety.replay import audit_cells, replay


def replayed(xlsx, cells: str):
    path = xlsx(cells)
    with zipfile.ZipFile(path) as zf:
        return replay(Inspector(path), zf, zf.getinfo("xl/worksheets/sheet1.xml"))


def test_cells_without_a_reference_follow_the_one_before_as_calamine_places_them(xlsx):
    out = replayed(xlsx, '<row r="2"><c r="B2"><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
                         '<row><c><f>1+1</f></c><c r="E9"/></row>')
    assert out.errors == [(1, 2, "#N/A"), (2, 0, UNCACHED_FORMULA)]
    # only a cell with a value widens the range: not the formula without one, nor the empty <c r="E9"/>
    assert (out.max_row, out.max_col) == (2, 3)
    assert out.malformed == []


@pytest.mark.parametrize("cell, kind", [
    ('<c r="A1" t="x"><v>1</v></c>', "type"),
    ('<c r="A1" t="s"><v>1.5</v></c>', "shared"),
    ('<c r="A1" t="b"><v>2</v></c>', "bool"),
    ('<c r="A1" t="inlineStr"><v>7</v></c>', "inline"),
    ('<c r="1A"><v>1</v></c>', "ref"),
])
def test_a_cell_a_reader_would_misread_is_listed(xlsx, cell, kind):
    [(row0, col0, found, _)] = replayed(xlsx, f'<row r="1">{cell}</row>').malformed
    assert (row0, col0, found) == (0, 0, kind)


def test_the_audit_refuses_each_misread_cell_by_its_place(xlsx):
    path = xlsx('<row r="3"><c r="B3" t="b"><v>yes</v></c><c r="C3" t="s"><v> </v></c></row>')
    with pytest.raises(ValidationError) as err:
        audit_cells(Inspector(path))
    bool_cell, shared = err.value.problems
    assert (bool_cell.sheet, bool_cell.row, bool_cell.column) == ("预算执行", 3, "B列")
    assert bool_cell.message == "单元格B3标为逻辑值（TRUE/FALSE），却保存了「yes」"
    assert shared.message == "单元格C3是共享字符串，却没有保存编号"
    audit_cells(Inspector(xlsx()))  # a sound sheet passes


# --------------------------------------------------------------------------- issue 30: structures Excel refuses


def refused_at(path) -> list[tuple]:
    from qdanalysis.read.xlsx import read_workbook

    with pytest.raises(ValidationError) as info:
        read_workbook(path)
    for p in info.value.problems:
        assert p.file.endswith(path.name)
        assert f"请用Excel或WPS打开“{path.name}”" in p.hint and "另存为新的 .xlsx 文件" in p.hint
    return [(p.sheet, p.row, p.column, p.message) for p in info.value.problems]


@pytest.mark.parametrize(("cells", "where", "message"), [
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A0"><v>5</v></c><c r="B2"><v>6</v></c></row>',
     (2, "A列"), "单元格位置「A0」超出了Excel工作表的范围（行号1至1048576，列A至XFD），读取时该单元格会被丢弃或放错位置"),
    ('<row r="19"><c r="A19"><v>1</v></c><c r="ZZZ19"><v>2</v></c></row>',
     (19, "XFD列"), "单元格位置「ZZZ19」超出了Excel工作表的范围（行号1至1048576，列A至XFD），读取时该单元格会被丢弃或放错位置"),
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>2</v></c></row>',
     (2, "A列"), "行号「1048577」超出了Excel工作表的范围（1至1048576行），该行的单元格无法正确读取"),
])
def test_a_cell_outside_the_sheet_is_refused_at_its_cell(xlsx, cells, where, message):
    assert refused_at(xlsx(cells))[0] == ("预算执行", *where, message)


def test_rows_out_of_order_are_refused_at_the_row_that_comes_late(xlsx):
    cells = ('<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>'
             '<row r="4"><c r="A4"><v>4</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>')
    assert refused_at(xlsx(cells))[0] == (
        "预算执行", 1, "A列",
        "第1行在文件中排在第4行之后，行的先后顺序错乱（Excel会提示文件已损坏），读取时可能丢失或错放数据")


@pytest.mark.parametrize(("cells", "where", "message"), [
    ('<row r="1"><c r="B1"><v>2</v></c><c r="A1"><v>1</v></c></row>', (1, "A列"),
     "单元格A1在文件中排在B1之后，单元格的先后顺序错乱或重复（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
    ('<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>', (1, "A列"),
     "单元格A1在文件中排在A1之后，单元格的先后顺序错乱或重复（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
    ('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A5"><v>2</v></c></row>', (5, "A列"),
     "单元格A5写在文件中第2行的数据里，与所在行不符（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
])
def test_cells_out_of_order_duplicated_or_in_another_row_are_refused(xlsx, cells, where, message):
    assert refused_at(xlsx(cells))[0] == ("预算执行", *where, message)


@pytest.mark.parametrize(("value", "message"), [
    ("<v></v>", "单元格D17标为日期，却没有保存日期，读取时会被当作空白"),
    ("<v>abc</v>", "单元格D17标为日期，却保存了「abc」，不是有效的日期（应为2020-01-05这样的格式），读取时会被当作空白或文字"),
    ("<v>2020-02-30</v>",
     "单元格D17标为日期，却保存了「2020-02-30」，不是有效的日期（应为2020-01-05这样的格式），读取时会被当作空白或文字"),
])
def test_a_date_cell_without_an_iso_date_is_refused(xlsx, value, message):
    cells = f'<row r="17"><c r="A17"><v>1</v></c><c r="D17" t="d">{value}</c></row>'
    assert refused_at(xlsx(cells)) == [("预算执行", 17, "D列", message)]


def test_a_date_cell_with_an_iso_date_time_or_time_is_read():
    from qdanalysis.read.safety.replay import _iso_date

    assert all(map(_iso_date, (b"2020-01-05", b"2020-01-05T10:00:00", b"10:00:00", b" 2020-12-31 ")))
    assert not any(map(_iso_date, (b"", b"2020/01/05", b"43831", b"2020-13-01", b"25:00")))


@pytest.mark.parametrize("depth", [5, 100_000])
def test_rich_text_nested_deeper_than_excel_writes_is_refused_at_its_cell(xlsx, depth):
    cells = (f'<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="inlineStr"><is>{"<r>" * depth}{"</r>" * depth}</is></c>'
             '</row>')
    assert refused_at(xlsx(cells)) == [("预算执行", 3, "B列", "单元格B3中的元素<r>嵌套过深或出现在数值之内（Excel不会这样保存），"
                                                           "不同的读取程序会读出不同的内容")]


def test_markup_inside_a_value_is_refused(xlsx):
    cells = '<row r="1"><c r="A1"><v><v><v>5</v></v></v></c></row>'
    assert refused_at(xlsx(cells))[0][:3] == ("预算执行", 1, "A列")


def test_rich_text_as_excel_writes_it_is_read(xlsx):
    from qdanalysis.read.xlsx import read_workbook

    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t>机房</t></r>'
             '<r><t>维护</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c></row>')
    assert read_workbook(xlsx(cells))[0].rows == [["机房维护"]]


@pytest.mark.parametrize("cell, message", [
    ((0, 0, "shared", b"x9"), "单元格A1的共享字符串编号「x9」不是有效的编号，读取时会被当作另一段文字"),
    ((0, 0, "shared", b" "), "单元格A1是共享字符串，却没有保存编号"),
    ((1, 2, "inline", b"12"), "单元格C2标为内嵌文本，却保存了数值「12」，读取时会被当作空白"),
    ((1, 2, "type", b"zz"), "单元格C2的类型「zz」不是Excel使用的类型，无法确定其取值"),
    ((1, 2, "bool", b"2"), "单元格C2标为逻辑值（TRUE/FALSE），却保存了「2」"),
    ((4, 3, "outside", b"A1048577"),
     "单元格位置「A1048577」超出了Excel工作表的范围（行号1至1048576，列A至XFD），读取时该单元格会被丢弃或放错位置"),
    ((1048576, 0, "row outside", b"1048577"), "行号「1048577」超出了Excel工作表的范围（1至1048576行），该行的单元格无法正确读取"),
    ((4, 0, "row order", b"7"),
     "第5行在文件中排在第7行之后，行的先后顺序错乱（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
    ((4, 1, "cell row", b"6"),
     "单元格B5写在文件中第6行的数据里，与所在行不符（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
    ((4, 1, "cell order", b"C5"),
     "单元格B5在文件中排在C5之后，单元格的先后顺序错乱或重复（Excel会提示文件已损坏），读取时可能丢失或错放数据"),
    ((2, 1, "date", b"2020/01/05"),
     "单元格B3标为日期，却保存了「2020/01/05」，不是有效的日期（应为2020-01-05这样的格式），读取时会被当作空白或文字"),
    ((2, 1, "date", b""), "单元格B3标为日期，却没有保存日期，读取时会被当作空白"),
    ((2, 1, "nesting", b"r"), "单元格B3中的元素<r>嵌套过深或出现在数值之内（Excel不会这样保存），不同的读取程序会读出不同的内容"),
    ((2, 1, "ref", b"A1B"), "B3附近有一个单元格的位置「A1B」无法识别，无法确定它属于哪一行哪一列"),
])
def test_each_kind_of_misread_cell_has_its_message_at_its_row_and_column(tmp_path, monkeypatch, cell, message):
    from qdanalysis.read.safety import replay as module

    monkeypatch.setattr(module, "sheet_name", lambda zf, part: "预算执行")
    [problem] = module.malformed(Inspector(tmp_path / "x.xlsx"), None, "xl/worksheets/sheet1.xml", [cell]).problems
    assert (problem.sheet, problem.row, problem.column, problem.message) == (
        "预算执行", cell[0] + 1, f"{'ABCD'[cell[1]]}列", message)
    assert problem.hint == ("文件结构有误（通常由其他程序生成，或文件已损坏）：请用Excel或WPS打开“x.xlsx”，"
                            "核对该单元格的内容后另存为新的 .xlsx 文件")

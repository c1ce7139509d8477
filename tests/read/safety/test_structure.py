"""The XML structure checks: entities, encodings, root elements, and the workbook's totals."""

from __future__ import annotations

import threading

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety import structure, zipread
from qdanalysis.read.safety.container import inspect_container
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector


def refusal(path):
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(path))
    return err.value.problems


def test_an_entity_declaration_anywhere_is_refused(xlsx):
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'
    [problem] = refusal(xlsx(parts={"xl/worksheets/sheet1.xml": doctype}))
    assert problem.message == "文件含有XML实体声明（可能是恶意文件），位于内部部件“xl/worksheets/sheet1.xml”"
    [utf16] = refusal(xlsx(parts={"docProps/custom.xml": "<!doctype x>".encode("utf-16-le")}))
    assert utf16.message.startswith("文件含有XML实体声明")


@pytest.mark.parametrize("data, encoding", [
    (b'<?xml version="1.0" encoding="GBK"?><worksheet/>', "gbk"),
    ("\ufeff<worksheet/>".encode("utf-16-le"), "UTF-16/UTF-32"),
])
def test_a_part_under_xl_must_be_utf8(xlsx, data, encoding):
    [problem] = refusal(xlsx(parts={"xl/worksheets/sheet1.xml": data}))
    assert problem.message == (f"文件内部XML部件“xl/worksheets/sheet1.xml”使用了不受支持的编码（{encoding}），"
                               "Excel保存的文件不会这样")


def test_parts_outside_xl_may_be_utf16(xlsx):
    archive = inspect_container(Inspector(xlsx(parts={"customXml/item1.xml": "<a/>".encode("utf-16-le")})))
    assert list(archive.sheets) == ["xl/worksheets/sheet1.xml"]


def test_a_part_without_a_root_element_is_refused(xlsx):
    [problem] = refusal(xlsx(parts={"xl/styles.xml": "just text, no element"}))
    assert problem.message == "文件内部XML部件“xl/styles.xml”格式异常（开头64 KB内找不到根元素）"


def test_a_merged_range_far_beyond_the_table_names_its_sheet_and_cell(xlsx):
    [problem] = refusal(xlsx(extra='<mergeCells count="1"><mergeCell ref="B2:XFD1048576"/></mergeCells>'))
    assert (problem.sheet, problem.row, problem.column) == ("预算执行", 2, "B列")
    assert problem.message.startswith("合并单元格区域「B2:XFD1048576」过大（")
    assert problem.hint.endswith("取消该合并单元格后另存为新的 .xlsx 文件")


def test_a_range_beyond_the_grid(xlsx):
    [problem] = refusal(xlsx(extra='<hyperlinks><hyperlink ref="A1:A1048577"/></hyperlinks>'))
    assert problem.message == ("超链接区域「A1:A1048577」超出了Excel工作表的范围（最大为XFD1048576），"
                               "可能是恶意文件或文件已损坏")


def test_the_workbooks_totals(xlsx, monkeypatch):
    monkeypatch.setattr(structure, "MAX_WORKBOOK_CELLS", 10)
    [grid] = refusal(xlsx('<row r="5"><c r="C5"><v>1</v></c></row>'))
    assert grid.message == "工作簿的数据区域合计过大（约15个单元格，上限10个）"
    monkeypatch.undo()
    monkeypatch.setattr(structure, "MAX_RANGES", 1)
    [ranges] = refusal(xlsx(extra='<mergeCells><mergeCell ref="A1:B1"/><mergeCell ref="A2:B2"/></mergeCells>'))
    assert ranges.message.startswith("工作簿中的合并单元格、超链接、数据验证和条件格式区域过多（2个，上限1个）")
    monkeypatch.undo()
    monkeypatch.setattr(structure, "MAX_SHEET_CELLS", 10)
    [sheet] = refusal(xlsx('<row r="5"><c r="C5"><v>1</v></c></row>'))
    assert sheet.message.startswith("工作表“预算执行”的数据区域过大（5行×3列，超过10个单元格）")


def test_a_stylesheet_of_too_many_elements(xlsx, monkeypatch):
    monkeypatch.setattr(structure, "MAX_STYLE_ELEMENTS", 5)
    styles = "<styleSheet>" + "<xf/>" * 10 + "</styleSheet>"
    [problem] = refusal(xlsx(parts={"xl/styles.xml": styles}))
    assert problem.message.startswith("文件内部的样式表“xl/styles.xml”过大（超过5个元素")


@pytest.mark.parametrize("head, root", [
    (b'<?xml version="1.0"?>\n<!-- c --><x:worksheet a="1">', (b"x:worksheet", b' a="1"')),
    (b"  <sst>", (b"sst", b"")),
    (b"<?xml version='1.0'", None),
    (b"text", None),
])
def test_the_root_element_after_declarations_and_comments(head, root):
    assert structure._find_root(head) == root


def test_a_part_nested_deeper_than_any_workbook_is_refused(xlsx):
    deep = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "<x>" * 100_000 + "</x>" * 100_000 + "</workbook>")
    [problem] = refusal(xlsx(parts={"xl/workbook.xml": deep}))
    assert problem.message == ("文件内部XML部件“xl/workbook.xml”的元素嵌套超过64层（Excel保存的文件远少于此），"
                               "可能是恶意文件或文件已损坏")
    assert (problem.sheet, problem.row) == ("", None)  # the whole file: no sheet holds it


def _long_sheet(rows: int) -> str:
    return "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}"><v>{r}.5</v></c></row>'
                   for r in range(1, rows + 1))


def test_a_large_part_read_ahead_is_scanned_as_read_directly(xlsx, monkeypatch):
    cells = _long_sheet(3000) + '<row r="3001"><c r="C3001" t="e"><v>#DIV/0!</v></c><c r="D3001"><f>1</f></c></row>'
    path = xlsx(cells)
    monkeypatch.setattr(zipread, "CHUNK", 4096)  # about 40 pieces
    direct = inspect_container(Inspector(path))
    monkeypatch.setattr(zipread, "READ_AHEAD_MIN", 0)
    ahead = inspect_container(Inspector(path))
    assert ahead == direct and ahead.sheets["xl/worksheets/sheet1.xml"].max_row == 3001
    assert ahead.sheets["xl/worksheets/sheet1.xml"].errors == [(3000, 2, "#DIV/0!"), (3000, 3, UNCACHED_FORMULA)]


def test_a_large_part_that_fails_its_crc_is_refused_and_its_helper_stopped(xlsx, monkeypatch):
    path = xlsx(_long_sheet(3000))
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = next(at for at in range(len(raw)) if raw[at:at + 4] == b"PK\x01\x02" and raw[at + 46:at + 46 + len(name)] == name)
    raw[central + 16] ^= 0xFF  # the CRC the central directory declares for the sheet
    path.write_bytes(bytes(raw))
    monkeypatch.setattr(zipread, "CHUNK", 4096)
    monkeypatch.setattr(zipread, "READ_AHEAD_MIN", 0)
    [problem] = refusal(path)
    assert problem.message.startswith("文件已损坏或不完整（读取内部部件“xl/worksheets/sheet1.xml”失败：Bad CRC-32")
    assert not [t for t in threading.enumerate() if t.name == "qdanalysis-read-ahead"]

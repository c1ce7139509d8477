"""The shared-strings table: compression, a forged count, over-long strings, the text references expand to."""

from __future__ import annotations

import zipfile
from array import array

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety import strings
from qdanalysis.read.safety.container import inspect_container
from qdanalysis.read.safety.inspector import Inspector, SheetScan
from qdanalysis.read.safety.strings import SstScan


def info(size: int, compressed: int, name: str = "xl/sharedStrings.xml") -> zipfile.ZipInfo:
    i = zipfile.ZipInfo(name)
    i.file_size, i.compress_size = size, compressed
    return i


def test_a_strings_table_compressed_too_well_is_a_bomb():
    strings.check_sst_ratio(Inspector("a.xlsx"), info(300 << 10, 10 << 10))  # 30 times: fine
    with pytest.raises(ValidationError, match=r"共享字符串表“xl/sharedStrings.xml”压缩比异常（300倍，上限100倍）"):
        strings.check_sst_ratio(Inspector("a.xlsx"), info(300 << 10, 1 << 10))


def test_a_forged_unique_count_is_refused():
    strings.check_unique_count(Inspector("a.xlsx"), info(1000, 100), b' count="5" uniqueCount="100"')
    strings.check_unique_count(Inspector("a.xlsx"), info(1000, 100), b' uniqueCount="many"')  # not a number
    with pytest.raises(ValidationError, match=r"uniqueCount=101，该文件最多可能有100个"):
        strings.check_unique_count(Inspector("a.xlsx"), info(1000, 100), b' uniqueCount="101"')


def sst(*texts: str) -> bytes:
    return ('<?xml version="1.0"?><sst uniqueCount="%d">' % len(texts)
            + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>").encode()


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_the_scan_records_each_strings_length_by_index(chunk):
    lengths = array("L")
    scan = SstScan(Inspector("a.xlsx"), info(10_000, 1000), b"</si>", lengths)
    data = sst("预算", "abc", "")
    for i in range(0, len(data), chunk):
        scan.feed(data[i:i + chunk])
    scan.finish()
    assert list(lengths) == [2, 3, 0] and scan.longest >= len("<si><t>abc</t>")


def test_a_string_longer_than_excel_allows_is_refused(monkeypatch):
    monkeypatch.setattr(strings, "MAX_CELL_CHARS", 5)
    scan = SstScan(Inspector("a.xlsx"), info(10_000, 1000), b"</si>")
    with pytest.raises(ValidationError, match="（约6个），可能是恶意文件"):
        scan.feed(sst("一二三四五六"))


def test_long_text_referenced_over_and_over_is_refused(xlsx, monkeypatch):
    monkeypatch.setattr(strings, "MAX_SHARED_TEXT_CHARS", 50)
    monkeypatch.setattr("qdanalysis.read.safety.structure.MAX_SHARED_TEXT_CHARS", 50)
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 7))
    path = xlsx(cells, parts={"xl/sharedStrings.xml": sst("一二三四五六七八九十")})
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(path))
    assert err.value.problems[0].message.startswith("工作簿中的长文本被大量重复引用，读取需要展开约60个字符（上限50个）")


def test_the_characters_a_sheet_materialises(xlsx):
    cells = '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="s"><v>9</v></c></row>'
    path = xlsx(cells)
    with zipfile.ZipFile(path) as zf:
        total = strings._shared_chars(zf, zf.getinfo("xl/worksheets/sheet1.xml"), array("L", [4, 10]))
    assert total == 14  # an index beyond the table counts nothing
    assert SheetScan("x").shared_refs == 0


def test_shared_rich_text_nested_deeper_than_excel_writes_is_refused(xlsx):
    rich = '<si><r><rPr><b/></rPr><t>机房</t></r><r><t>维护</t></r></si>'
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<si><t>a</t></si>{rich}{{}}</sst>')
    inspect_container(Inspector(xlsx(parts={"xl/sharedStrings.xml": sst.format("")})))  # as Excel writes it
    deep = "<si>" + "<r>" * 2000 + "</r>" * 2000 + "</si>"
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(xlsx(parts={"xl/sharedStrings.xml": sst.format(deep)})))
    assert err.value.problems[0].message == (
        "共享字符串表“xl/sharedStrings.xml”中有一段文字的格式嵌套了2000层（Excel最多3层），"
        "不同的读取程序会读出不同的内容，可能是恶意文件或文件已损坏")


def refusal(path) -> tuple:
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(path))
    (problem,) = err.value.problems
    return problem


@pytest.mark.parametrize("empties", [0, 300])
def test_a_deep_string_is_refused_however_many_empty_strings_surround_it(xlsx, empties):
    """Each string is checked on its own: empty <si></si> entries (two tags each, fewer than
    <si><t>…</t></si>) once pulled a segment's average down far enough to skip the check."""
    deep = "<si>" + "<r>" * 100 + "<t>x</t>" + "</r>" * 100 + "</si>"
    table = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<si><t>a</t></si>{"<si></si>" * empties}{deep}{"<si></si>" * empties}</sst>')
    path = xlsx(parts={"xl/sharedStrings.xml": table})
    problem = refusal(path)
    assert (problem.file, problem.sheet, problem.row, problem.column) == (str(path), "", None, "")
    assert problem.message == (
        "共享字符串表“xl/sharedStrings.xml”中有一段文字的格式嵌套了101层（Excel最多3层），"
        "不同的读取程序会读出不同的内容，可能是恶意文件或文件已损坏")
    assert problem.hint == (
        f"请勿打开来源不明的文件；如确认“{path.name}”来源可信，请在Excel中打开后另存为新的 .xlsx 文件")


def test_many_empty_strings_and_rich_text_as_deep_as_excel_writes_are_accepted(xlsx):
    rich = "<si><r><rPr><b></b><sz val='11'/></rPr><t>机房</t></r><r><t>维护</t></r></si>"  # r > rPr > b: 3 levels
    table = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'{"<si></si>" * 300}{rich}<si><t>a</t></si>{"<si></si>" * 300}</sst>')
    cells = '<row r="1"><c r="A1" t="s"><v>300</v></c><c r="B1" t="s"><v>0</v></c></row>'
    archive = inspect_container(Inspector(xlsx(cells, parts={"xl/sharedStrings.xml": table})))
    assert archive.sheets["xl/worksheets/sheet1.xml"].shared_refs == 2

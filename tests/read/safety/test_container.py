"""The container checks: what a file must be before any part of it is read."""

from __future__ import annotations

import zipfile

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety import container
from qdanalysis.read.safety.container import inspect_container
from qdanalysis.read.safety.inspector import Inspector

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refused(path) -> str:
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(path))
    [problem] = err.value.problems
    return problem.message


def test_a_workbook_passes_with_its_sheets_scanned(xlsx):
    archive = inspect_container(Inspector(xlsx('<row r="3"><c r="D3"><v>1</v></c></row>')))
    assert not archive.legacy and archive.sheet_parts == {"预算执行": "xl/worksheets/sheet1.xml"}
    scan = archive.sheets["xl/worksheets/sheet1.xml"]
    assert (scan.max_row, scan.max_col) == (3, 4)


def test_paths_that_are_not_a_readable_file(tmp_path):
    assert refused(tmp_path / "absent.xlsx") == "找不到文件"
    assert refused(tmp_path) == "这是一个文件夹，不是Excel工作簿"
    (tmp_path / "empty.xlsx").write_bytes(b"")
    assert refused(tmp_path / "empty.xlsx") == "文件为空（0字节）"


def test_a_file_that_is_not_a_zip_is_named_by_what_it_looks_like(tmp_path):
    (tmp_path / "a.xlsx").write_text("类别,项目名称\n甲,A\n", encoding="utf-8")
    assert refused(tmp_path / "a.xlsx") == "不是Excel工作簿（.xlsx），看起来是CSV或文本文件"


def test_a_compound_file_is_refused_when_encrypted_or_not_excel_else_handed_to_the_xls_checks(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(OLE + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"))
    assert refused(path) == "工作簿设有打开密码，无法读取"
    path.write_bytes(OLE + b"\x00" * 100 + "WordDocument".encode("utf-16-le"))
    assert refused(path) == "不是Excel工作簿（.xlsx），看起来是旧版Word文档（.doc）"
    path.write_bytes(OLE + b"\x00" * 100 + "Workbook".encode("utf-16-le"))
    archive = inspect_container(Inspector(path))
    assert archive.legacy and archive.sheets == {}


def test_a_zip_that_is_not_a_workbook_says_what_it_is(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    assert refused(path) == "不是Excel工作簿（.xlsx），看起来是Word文档（.docx）"


def test_a_damaged_zip_is_corrupt(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    assert refused(path) == "文件已损坏或不完整（找不到压缩包的目录，文件可能只下载或复制了一部分）"  # no English


def test_a_word_document_under_an_excel_name_is_called_one_and_not_sent_to_excel(tmp_path):
    path = tmp_path / "预算.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(ValidationError) as err:
        inspect_container(Inspector(path))
    [problem] = err.value.problems
    assert problem.hint.startswith("“预算.xlsx”是Word文档，只是扩展名改成了 .xlsx；请找到原来的Excel工作簿")


def test_the_central_directory_is_checked_before_anything_is_decompressed(xlsx, monkeypatch):
    monkeypatch.setattr(container, "MAX_ENTRIES", 3)
    assert refused(xlsx()) == "文件内部部件数量异常（5个，上限3个），可能是恶意文件（压缩炸弹）"
    monkeypatch.undo()
    monkeypatch.setattr(container, "MAX_TOTAL_UNCOMPRESSED", 100)
    assert refused(xlsx()).startswith("文件解压后总体积过大")
    monkeypatch.undo()
    monkeypatch.setattr(container, "RATIO_MIN_SIZE", 1000)
    message = refused(xlsx(parts={"xl/padding.xml": "<a>" + " " * 100_000 + "</a>"}))
    assert message.startswith("文件内部部件“xl/padding.xml”压缩比异常（") and message.endswith("倍，上限200倍），可能是恶意文件（压缩炸弹）")


def test_a_part_written_twice_is_corrupt(xlsx, recwarn):
    path = xlsx()
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(path) == "文件已损坏或不完整（内部部件“xl/workbook.xml”重复出现）"

"""What a file that is not an Excel workbook looks like, so that its refusal can name it."""

from __future__ import annotations

import io
import zipfile

import pytest

from qdanalysis.read.safety import filetype


@pytest.mark.parametrize("head, kind", [
    (b"%PDF-1.7\n", "PDF文件"),
    (b"{\\rtf1\\ansi", "RTF文档"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "Excel 2003 XML表格（.xml）"),
    (b"MIME-Version: 1.0\r\n", "网页存档（.mht）"),
    (b"<html><body><table>", "网页（HTML）文件（有些系统导出的“Excel”其实是网页）"),
    ("\ufeff<table><tr><td>1</td></tr></table>".encode("utf-16-le"), "网页（HTML）文件（有些系统导出的“Excel”其实是网页）"),
    (b"<?xml version='1.0'?><root/>", "XML文件"),
    (b"\x89PNG\r\n\x1a\n", "图片文件"),
    (b"\x1f\x8b\x08\x00", "其他格式的压缩包"),
    ("类别,项目名称,预算数\n甲,A,1\n".encode("gb18030"), "CSV或文本文件"),
    ("项目说明\n第二行\n".encode(), "纯文本文件"),
    (b"\x00\x01\x02\x03binary", "未知格式的文件"),
])
def test_a_non_zip_file_is_named_by_its_first_bytes(head, kind):
    assert filetype.describe_non_zip(head) == kind


def test_text_cut_in_the_middle_of_a_character_is_still_text():
    assert filetype.describe_non_zip("预算".encode()[:-1] + b"") == "纯文本文件"


def zip_of(**parts: bytes) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name.replace("__", "/"), data)
    return zipfile.ZipFile(buffer)


@pytest.mark.parametrize("parts, kind", [
    ({"xl__workbook.bin": b""}, "Excel二进制工作簿（.xlsb）"),
    ({"word__document.xml": b""}, "Word文档（.docx）"),
    ({"ppt__presentation.xml": b""}, "PowerPoint演示文稿（.pptx）"),
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "OpenDocument表格（.ods）"),
    ({"mimetype": b"application/vnd.oasis.opendocument.text"}, "OpenDocument文档"),
    ({"readme.txt": b"hi"}, "普通压缩包（zip）"),
])
def test_a_zip_that_is_not_a_workbook_is_named_by_its_parts(parts, kind):
    zf = zip_of(**parts)
    assert filetype.describe_zip(zf, set(zf.namelist())) == kind


def test_the_streams_of_a_compound_file_are_found_across_chunks(monkeypatch):
    monkeypatch.setattr(filetype, "CHUNK", 16)
    data = b"\x00" * 13 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 40 + "Workbook".encode("utf-16-le")
    assert filetype.scan_ole_names(io.BytesIO(data)) == {"EncryptedPackage", "Workbook"}

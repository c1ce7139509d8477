"""Hostile and unreadable files, each built by hand in a test's folder, with the words the reader's refusal
of it must say (:data:`REFUSALS`). Used by tests/read/test_xlsx.py.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
from handmade_xlsx import (
    CONTENT_TYPES,
    DECL,
    MAIN_NS,
    SHEET_PART,
    SST_PART,
    WORKBOOK,
    build,
    patch_central_directory,
    sheet_xml,
    sst_xml,
)

from qdanalysis.read.safety import limits


def make_empty(p: Path) -> Path:
    p.write_bytes(b"")
    return p


def make_missing(p: Path) -> Path:
    return p


def make_directory(p: Path) -> Path:
    p.mkdir()
    return p


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def make_encrypted(p: Path) -> Path:
    # Stand-in for a password-protected workbook: Excel stores those as an OLE2 compound
    # file whose directory holds the streams "EncryptionInfo" and "EncryptedPackage"
    # (names in UTF-16LE). Only those bytes matter to the check.
    body = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(50)
    p.write_bytes(body + "EncryptedPackage".encode("utf-16-le") + bytes(3000))
    return p


def make_xls(p: Path) -> Path:
    # Not a BIFF8 .xls: OLE2 magic and a "Workbook" stream name, no sectors (tests/read/safety/test_biff.py reads real ones).
    p.write_bytes(OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(3000))
    return p


def make_csv(p: Path) -> Path:
    p.write_text("项目名称,金额\n电子政务云,120.5\n", encoding="utf-8")
    return p


def make_html(p: Path) -> Path:
    p.write_text("<html><body><table><tr><td>项目</td></tr></table></body></html>", encoding="utf-8")
    return p


def make_pdf(p: Path) -> Path:
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return p


def make_plain_zip(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return p


def make_docx(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", DECL + "<w:document/>")
    return p


def make_xlsb(p: Path) -> Path:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return p


def make_truncated(p: Path) -> Path:
    full = p.with_name("full.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "数据"
    wb.save(full)
    data = full.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def make_crc_error(p: Path) -> Path:
    build(p, {SHEET_PART: sheet_xml("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 200)))})
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo(SHEET_PART)
    data = bytearray(p.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    p.write_bytes(bytes(data))
    return p


def make_size_lie(p: Path) -> Path:
    build(p)
    patch_central_directory(p, SHEET_PART, size=20)  # the part is really larger
    return p


def make_too_many_entries(p: Path) -> Path:
    build(p)
    with zipfile.ZipFile(p, "a") as zf:
        for i in range(limits.MAX_ENTRIES + 1):
            zf.writestr(f"docProps/x{i}.bin", b"")
    return p


def make_declared_huge_entry(p: Path) -> Path:
    build(p)
    patch_central_directory(p, SHEET_PART, size=600 * 2**20)
    return p


def make_declared_huge_total(p: Path) -> Path:
    build(p, {f"xl/media/image{i}.bin": b"x" for i in range(3)})
    for i in range(3):
        patch_central_directory(p, f"xl/media/image{i}.bin", size=400 * 2**20)
    return p


def make_streamed_bomb(p: Path) -> Path:
    """A real zip bomb: 600 MiB of zeros as the sheet, written in streaming mode."""
    build(p, {SHEET_PART: None})
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(SHEET_PART, "w") as fp:
            block = bytes(2**20)
            for _ in range(600):
                fp.write(block)
    return p


def make_ratio_bomb(p: Path) -> Path:
    # 8 MiB: below every size limit, but it compresses about 1000 times.
    cells = sheet_xml() + " " * (8 * 2**20)
    return build(p, {SHEET_PART: cells})


def make_billion_laughs(p: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10)
    )
    doc = (
        DECL + f"<!DOCTYPE worksheet [{entities}]>"
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        "</row></sheetData></worksheet>"
    )
    return build(p, {SHEET_PART: doc})


def make_doctype_in_content_types(p: Path) -> Path:
    return build(p, {"[Content_Types].xml": CONTENT_TYPES.replace(DECL, DECL + '<!DOCTYPE Types SYSTEM "x">')})


def make_utf16_doctype_outside_xl(p: Path) -> Path:
    item = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    return build(p, {"customXml/item1.xml": item.encode("utf-16")})


def make_late_root(p: Path) -> Path:
    padding = "<!--" + "x" * (70 * 1024) + "-->"
    return build(p, {SHEET_PART: sheet_xml().replace(DECL, DECL + padding)})


def make_utf16(p: Path) -> Path:
    return build(p, {SHEET_PART: sheet_xml().replace("UTF-8", "UTF-16").encode("utf-16")})


def make_gbk(p: Path) -> Path:
    doc = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>项目</t></is></c></row>')
    return build(p, {SHEET_PART: doc.replace("UTF-8", "GBK").encode("gbk")})


def make_sst_ratio(p: Path) -> Path:
    return build(p, {SST_PART: sst_xml(["a" * (400 * 1024)])})


def make_long_string(p: Path) -> Path:
    return build(p, {SST_PART: sst_xml(["文" * 40_000])})


def make_amplification(p: Path) -> Path:
    # One 30,000-character string referenced by 4,000 cells: 120 million characters.
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 4001))
    return build(p, {SST_PART: sst_xml(["x" * 30_000]), SHEET_PART: sheet_xml(rows)})


def make_duplicate_entry(p: Path) -> Path:
    build(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(p, "a") as zf:
            zf.writestr(SHEET_PART, sheet_xml())
    return p


def make_encrypted_entry(p: Path) -> Path:
    build(p)
    patch_central_directory(p, SHEET_PART, flags=0x1)
    return p


def make_no_sheets(p: Path) -> Path:
    return build(p, {"xl/workbook.xml": WORKBOOK.replace('<sheet name="Sheet1" sheetId="1" r:id="rId1"/>', "")})


def make_all_sheets_empty(p: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.create_sheet("第二页")
    wb.save(p)
    return p


def make_only_empty_strings(p: Path) -> Path:
    return build(p, {SST_PART: sst_xml([""])})


REFUSALS = [
    ("empty", make_empty, ["文件为空"]),
    ("missing", make_missing, ["找不到文件"]),
    ("directory", make_directory, ["文件夹"]),
    ("password", make_encrypted, ["工作簿设有打开密码，无法读取"]),
    ("broken xls", make_xls, ["文件已损坏或不完整", "Excel 97-2003"]),
    ("csv", make_csv, ["不是Excel工作簿（.xlsx）", "CSV"]),
    ("html", make_html, ["不是Excel工作簿（.xlsx）", "HTML"]),
    ("pdf", make_pdf, ["不是Excel工作簿（.xlsx）", "PDF"]),
    ("plain zip", make_plain_zip, ["不是Excel工作簿（.xlsx）", "压缩包"]),
    ("docx", make_docx, ["不是Excel工作簿（.xlsx）", "Word"]),
    ("xlsb", make_xlsb, ["不是Excel工作簿（.xlsx）", ".xlsb"]),
    ("truncated", make_truncated, ["文件已损坏或不完整"]),
    ("crc", make_crc_error, ["文件已损坏或不完整", "CRC"]),
    ("size lie", make_size_lie, ["文件已损坏或不完整"]),
    ("duplicate entry", make_duplicate_entry, ["文件已损坏或不完整", "重复"]),
    ("encrypted entry", make_encrypted_entry, ["被加密"]),
    ("too many entries", make_too_many_entries, ["压缩炸弹", "部件数量"]),
    ("huge entry", make_declared_huge_entry, ["压缩炸弹", "解压后过大", SHEET_PART]),
    ("huge total", make_declared_huge_total, ["压缩炸弹", "总体积过大"]),
    ("streamed bomb", make_streamed_bomb, ["压缩炸弹", SHEET_PART]),
    ("ratio bomb", make_ratio_bomb, ["压缩炸弹", "压缩比异常"]),
    ("billion laughs", make_billion_laughs, ["文件含有XML实体声明（可能是恶意文件）", SHEET_PART]),
    ("doctype", make_doctype_in_content_types, ["文件含有XML实体声明（可能是恶意文件）"]),
    ("doctype utf-16", make_utf16_doctype_outside_xl, ["文件含有XML实体声明（可能是恶意文件）", "customXml/item1.xml"]),
    ("late root", make_late_root, ["格式异常"]),
    ("utf-16", make_utf16, ["不受支持的编码"]),
    ("gbk", make_gbk, ["不受支持的编码", "gbk"]),
    ("sst ratio", make_sst_ratio, ["共享字符串表", "压缩比异常"]),
    ("long string", make_long_string, ["32767", "40000"]),
    ("amplification", make_amplification, ["大量重复引用"]),
    ("no sheets", make_no_sheets, ["工作簿为空"]),
    ("all sheets empty", make_all_sheets_empty, ["工作簿为空"]),
    ("only empty strings", make_only_empty_strings, ["工作簿为空"]),
]

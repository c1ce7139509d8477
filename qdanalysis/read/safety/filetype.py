"""What a file that is not an Excel workbook looks like, so that a refusal can name it
(a PDF, a web page saved as .xls, a Word document, a password-protected workbook...)."""

from __future__ import annotations

import zipfile
import zlib

from qdanalysis.read.safety.limits import CHUNK


def scan_ole_names(fh) -> set[str]:
    """Directory names (UTF-16LE) present in an OLE2 compound file, by streaming it."""
    wanted = ["EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "WordDocument", "PowerPoint Document"]
    patterns = {name: name.encode("utf-16-le") for name in wanted}
    overlap = max(map(len, patterns.values()))
    found: set[str] = set()
    fh.seek(0)
    tail = b""
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        window = tail + chunk
        found.update(name for name, pat in patterns.items() if pat in window)
        tail = window[-overlap:]
    return found


def describe_non_zip(head: bytes) -> str:
    """What a file that is not a zip archive looks like, in Chinese."""
    body = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if b"\x00" in body[:64] and head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        body = body.replace(b"\x00", b"")
    low = body.lstrip().lower()
    if low.startswith(b"%pdf"):
        return "PDF文件"
    if low.startswith(b"{\\rtf"):
        return "RTF文档"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "Excel 2003 XML表格（.xml）"
    if low.startswith(b"mime-version:") or b"\nmime-version:" in low[:2048]:
        return "网页存档（.mht）"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<table" in low:
        return "网页（HTML）文件（有些系统导出的“Excel”其实是网页）"
    if low.startswith(b"<"):
        return "XML文件"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "图片文件"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "其他格式的压缩包"
    if _looks_like_text(body):
        first_lines = body[:4096]
        if any(sep in first_lines for sep in (b",", b"\t", b";", "，".encode())):
            return "CSV或文本文件"
        return "纯文本文件"
    return "未知格式的文件"


def _looks_like_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    if controls > len(data) // 100:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 4:  # a character cut by the 8 KiB head
                return True
    return False


def describe_zip(zf: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip archive that is not an xlsx looks like, in Chinese."""
    if "xl/workbook.bin" in names:
        return "Excel二进制工作簿（.xlsb）"
    if "word/document.xml" in names:
        return "Word文档（.docx）"
    if "ppt/presentation.xml" in names:
        return "PowerPoint演示文稿（.pptx）"
    if "mimetype" in names:
        try:
            with zf.open("mimetype") as fp:
                mime = fp.read(200)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            mime = b""
        return "OpenDocument表格（.ods）" if b"spreadsheet" in mime else "OpenDocument文档"
    return "普通压缩包（zip）"

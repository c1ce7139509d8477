"""Workbooks built by hand with :mod:`zipfile`, part by part, so that every byte is under control: a minimal
valid workbook (:func:`build`) whose parts a test replaces, and how a test expects the reader to refuse one.
Used by the tests of qdanalysis.read.xlsx (tests/read/test_xlsx.py, tests/integration/test_reader_process.py)
and the hostile files of tests/hostile_xlsx.py.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from qdanalysis.errors import ValidationError, display_path
from qdanalysis.read.xlsx import read_workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
CONTENT_TYPES = (
    DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    DECL + f'<workbook xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
SHEET_PART = "xl/worksheets/sheet1.xml"
SST_PART = "xl/sharedStrings.xml"


def sheet_xml(cells: str = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', extra: str = "") -> str:
    return DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>{cells}</sheetData>{extra}</worksheet>'


def sst_xml(items=("hello",), unique: int | None = None) -> str:
    unique = len(items) if unique is None else unique
    body = "".join(f"<si><t>{s}</t></si>" for s in items)
    return DECL + f'<sst xmlns="{MAIN_NS}" count="{len(items)}" uniqueCount="{unique}">{body}</sst>'


def build(path: Path, parts: dict | None = None) -> Path:
    """A minimal valid xlsx; ``parts`` overrides parts (None removes one)."""
    all_parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        SHEET_PART: sheet_xml(),
        SST_PART: sst_xml(),
    }
    all_parts.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in all_parts.items():
            if data is not None:
                zf.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


def patch_central_directory(path: Path, name: str, *, size: int | None = None, flags: int | None = None) -> None:
    """Rewrite the declared uncompressed size or the flags of one central-directory entry."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == name.encode():
            if size is not None:
                struct.pack_into("<I", data, pos + 24, size)
            if flags is not None:
                struct.pack_into("<H", data, pos + 8, flags)
            path.write_bytes(bytes(data))
            return
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{name} not in central directory")


def refusal(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_workbook(path)
    return info.value


def assert_file_problem(err: ValidationError, path: Path, *words: str) -> None:
    assert len(err.problems) == 1, err
    problem = err.problems[0]
    assert problem.file == display_path(path)
    assert problem.sheet == ""
    assert problem.row is None
    for word in words:
        assert word in problem.message, (word, problem.message)
    assert path.name in problem.hint, problem.hint
    assert "Traceback" not in str(err)

def located(err: ValidationError) -> tuple:
    [p] = err.problems
    return p.sheet, p.row, p.column, p.message, p.hint


CALAMINE_GIVES_UP = '<dimension ref="A0:A0"/>'  # calamine: "Range is missing the expected row component"


def sheet_with_dimension(cells: str, extra: str = "") -> str:
    return DECL + f'<worksheet xmlns="{MAIN_NS}">{CALAMINE_GIVES_UP}<sheetData>{cells}</sheetData>{extra}</worksheet>'


def long_sheet(n_rows: int, replace: dict[int, str] | None = None) -> str:
    """Rows of two cells (A, B); ``replace`` swaps whole rows (1-based) for other XML."""
    rows = [f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, n_rows + 1)]
    for r, xml in (replace or {}).items():
        rows[r - 1] = xml
    return "".join(rows)

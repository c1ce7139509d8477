"""Workbooks written as raw SpreadsheetML with :mod:`zipfile` (:func:`write_xlsx`): every byte is under
control (formulas without a cached value, error cells, control characters, a million rows in seconds),
which openpyxl cannot do. Used by the corpus of hostile files and the safety tests (tests/integration/).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# cellXfs: 0 = General, 1 = a date (built-in format 14, as Excel writes a typed date)
STYLES = (
    DECL + f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``cached`` is the value the last program that calculated it stored."""

    expr: str
    cached: object = None


@dataclass(frozen=True)
class DateSerial:
    """A number shown as a date (how Excel stores a typed date)."""

    serial: float


@dataclass(frozen=True)
class Error:
    """An Excel error value such as ``#DIV/0!``."""

    text: str


@dataclass(frozen=True)
class Raw:
    """A number cell whose ``<v>`` text is written as given (``NaN``, ``inf``...)."""

    text: str


def column_letters(j: int) -> str:
    letters, n = "", j + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(ref: str, value: object) -> str:
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(str(value.cached))}</v>"
        kind = ' t="str"' if isinstance(value.cached, str) else ""
        return f'<c r="{ref}"{kind}><f>{escape(value.expr)}</f>{cached}</c>'
    if isinstance(value, DateSerial):
        return f'<c r="{ref}" s="1"><v>{value.serial}</v></c>'
    if isinstance(value, Error):
        return f'<c r="{ref}" t="e"><v>{escape(value.text)}</v></c>'
    if isinstance(value, Raw):
        return f'<c r="{ref}"><v>{value.text}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _plain_cell(ref: str, value: object) -> str:
    """:func:`cell_xml` of the common values (text, whole numbers) without its chain of type tests: the same bytes."""
    kind = type(value)
    if kind is str:
        if "&" not in value and "<" not in value and ">" not in value and value == value.strip():
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    elif kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    return cell_xml(ref, value)


def rows_xml(rows: Iterable[list]) -> Iterable[str]:
    letters: list[str] = []
    for i, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letters(len(letters)))
        cells = "".join([_plain_cell(f"{letters[j]}{i}", v) for j, v in enumerate(row) if v is not None])
        yield f'<row r="{i}">{cells}</row>'


def write_xlsx(path: Path, sheets: dict[str, Iterable[list]], merges: dict[str, list[str]] | None = None,
               hidden: Iterable[str] = ()) -> Path:
    """A workbook as Excel writes one: ``sheets`` maps names to rows (row 1 first); rows may be a generator."""
    names = list(sheets)
    content_types = (
        DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, len(names) + 1))
        + "</Types>"
    )
    workbook = (
        DECL + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"'
                  + (' state="hidden"' if n in hidden else "") + "/>"
                  for i, n in enumerate(names, start=1))
        + "</sheets></workbook>"
    )
    rels = (
        DECL + f'<Relationships xmlns="{PKG_REL_NS}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, len(names) + 1))
        + f'<Relationship Id="rId{len(names) + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", DECL + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                    f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/styles.xml", STYLES)
        for i, name in enumerate(names, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fp:
                fp.write((DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>').encode())
                chunk: list[str] = []
                for row in rows_xml(sheets[name]):
                    chunk.append(row)
                    if len(chunk) == 10_000:
                        fp.write("".join(chunk).encode())
                        chunk = []
                fp.write("".join(chunk).encode())
                fp.write(b"</sheetData>")
                ranges = (merges or {}).get(name, [])
                if ranges:
                    fp.write((f'<mergeCells count="{len(ranges)}">'
                              + "".join(f'<mergeCell ref="{r}"/>' for r in ranges) + "</mergeCells>").encode())
                fp.write(b"</worksheet>")
    return path

"""A minimal workbook built part by part, so that each check sees exactly the bytes it is about."""

from __future__ import annotations

import zipfile

import pytest

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
PARTS = {
    "[Content_Types].xml": DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
    "xl/workbook.xml": DECL + f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="预算执行" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": DECL + '<Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
}
SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(cells: str, extra: str = "") -> str:
    return DECL + f'<worksheet xmlns="{MAIN}"><sheetData>{cells}</sheetData>{extra}</worksheet>'


@pytest.fixture
def xlsx(tmp_path):
    """Factory: ``xlsx(cells, extra="", parts={...})`` -> path of a workbook with one sheet 预算执行 whose
    sheetData holds ``cells`` (then ``extra``); ``parts`` adds or replaces parts (bytes or text)."""
    counter = iter(range(10_000))

    def build(cells: str = '<row r="1"><c r="A1"><v>1</v></c></row>', extra: str = "",
              parts: dict | None = None) -> object:
        path = tmp_path / f"wb{next(counter)}.xlsx"
        every = {**PARTS, SHEET: sheet_xml(cells, extra), **(parts or {})}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in every.items():
                if data is not None:
                    zf.writestr(name, data)
        return path

    return build

"""A Word table's XML (``w:tbl``) built in one pass: header row repeated on every page, rows kept whole on a page,
figures right-aligned and never broken, 未披露 in grey, fixed column widths.

python-docx reaches a cell through its row and column grid each time (thousands of cells take most of a draft's
writing time): the table is written here as text and parsed once instead, into the very elements python-docx
would have made, in the same order (a draft's bytes do not depend on which way it was built).
"""

from __future__ import annotations

import re

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.simpletypes import ST_HpsMeasure, ST_TwipsMeasure
from docx.shared import Mm

from qdanalysis.domain import UNDISCLOSED
from qdanalysis.present.render.cells import CODE, NUMBER
from qdanalysis.present.render.docx_runs import breakable
from qdanalysis.present.render.docx_typography import BODY_FONT, GREY, LATIN_FONT


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """``text`` with &, > and < (and each of ``entities``) written as entities: :func:`xml.sax.saxutils.escape`'s
    result, without loading its module (which loads urllib.request, http.client and email: 8 ms of every draft)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


#: What lxml refuses in text (python-docx raises this error for such a cell).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOT_XML_MESSAGE = "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
#: A run's text as python-docx writes it: a tab is w:tab, a line break (\n or \r) w:br, the rest w:t.
_SPECIAL = re.compile(r"([\t\r\n])")
_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1"'
         ' w:val="04A0"/>')
_FONTS = (f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:cs="{LATIN_FONT}" w:eastAsia="{BODY_FONT[0]}"'
          ' w:hint="eastAsia"/>')
_SPACING = '<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/>'
_ALIGN = {"center": '<w:jc w:val="center"/>', "right": '<w:jc w:val="right"/>', None: ""}


def table_element(header: list[str], columns: list[list[str]], kinds: list[list[str]], widths_mm: list[float],
                  size, style_id: str | None):
    """The ``w:tbl`` of a table: ``header`` (bold, centred) over the rows of ``columns`` (each column's cell texts,
    with their ``kinds`` of :func:`~qdanalysis.present.render.cells.column_kinds`), ``widths_mm`` wide, in ``size``,
    in the table style ``style_id`` (None: the document's default).

    Raises:
        ValueError: a text holds a character XML cannot (a control character), as python-docx would.
    """
    twips = [ST_TwipsMeasure.convert_to_xml(Mm(w)) for w in widths_mm]
    sz = f'<w:sz w:val="{ST_HpsMeasure.convert_to_xml(size)}"/>'
    out = [f"<w:tbl {nsdecls('w')}><w:tblPr>"]
    if style_id is not None:
        out.append(f'<w:tblStyle w:val={_attr(style_id)}/>')
    out.append(f'<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>{_LOOK}'
               '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>')
    out += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    out.append('</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
    head = f"<w:rPr>{_FONTS}<w:b/>{sz}</w:rPr>"
    for name, w in zip(header, twips):
        out.append(_cell(name, w, False, "center", head))
    out.append("</w:tr>")
    plain, grey = f"<w:rPr>{_FONTS}{sz}</w:rPr>", f'<w:rPr>{_FONTS}<w:color w:val="{GREY}"/>{sz}</w:rPr>'
    for i in range(len(columns[0]) if columns else 0):
        out.append('<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>')
        for texts, kind, w in zip(columns, kinds, twips):
            text, k = texts[i], kind[i]
            out.append(_cell(text, w, k in (NUMBER, CODE), "right" if k == NUMBER else None,
                             grey if text == UNDISCLOSED else plain))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))


def _cell(text: str, width: str, no_wrap: bool, align: str | None, rpr: str) -> str:
    """One ``w:tc``: its width (and w:noWrap: a figure stays on one line), a paragraph of single spacing with no
    indent, and one run of ``text``."""
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{"<w:noWrap/>" if no_wrap else ""}</w:tcPr>'
            f"<w:p><w:pPr>{_SPACING}{_ALIGN[align]}</w:pPr><w:r>{rpr}{_content(breakable(text))}</w:r></w:p></w:tc>")


def _content(text: str) -> str:
    """A run's content as python-docx writes ``text``: w:t (space-preserving when it begins or ends with a space),
    w:tab, w:br."""
    if NOT_XML.search(text):
        raise ValueError(NOT_XML_MESSAGE)
    out = []
    for part in _SPECIAL.split(text):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(out)


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;"}) + '"'

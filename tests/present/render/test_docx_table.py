"""A Word table's XML built in one pass: the very elements python-docx makes cell by cell, and its refusals."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from qdanalysis.present.render.cells import CODE, LONG, NUMBER, SHORT
from qdanalysis.present.render.docx_runs import add_run
from qdanalysis.present.render.docx_table import NOT_XML_MESSAGE, table_element
from qdanalysis.present.render.docx_typography import BODY_FONT, GREY

HEADER = ["类别", "金额（万元）", "合同"]
COLUMNS = [[" 机房维护", "a\tb", "第一行\n第二行\r第三行", "1.1、1.2、2.10", "a&b<c>\"'", ""],
           ["924.68", "未披露", "-3.65%", "1,234.50", "未披露", "0"],
           ["SL-2019-2.2-DX", "F01", "末尾 ", "—", "x", "HT-1"]]
KINDS = [[SHORT, SHORT, SHORT, SHORT, LONG, SHORT], [NUMBER] * 6, [CODE, CODE, SHORT, SHORT, SHORT, CODE]]
WIDTHS = [61.3, 30.25, 64.45]


def python_docx_table(doc, size, style: str | None):
    """The same table written through python-docx's own API, cell by cell (as the writer did before)."""
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = style
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def cell(c, text, *, bold=False, align=None, grey=False):
        p = c.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align is not None:
            p.alignment = align
        run = add_run(p, text, BODY_FONT[0], bold=bold, size=size)
        if grey:
            run.font.color.rgb = GREY

    def flag(element, tag):
        node = OxmlElement(tag)
        if tag != "w:noWrap":
            node.set(qn("w:val"), "true")
        element.append(node)

    flag(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader")
    for c, name in zip(table.rows[0].cells, HEADER):
        cell(c, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i in range(len(COLUMNS[0])):
        row = table.add_row()
        flag(row._tr.get_or_add_trPr(), "w:cantSplit")
        for j, c in enumerate(row.cells):
            text, kind = COLUMNS[j][i], KINDS[j][i]
            cell(c, text, align=WD_ALIGN_PARAGRAPH.RIGHT if kind == NUMBER else None, grey=text == "未披露")
            if kind in (NUMBER, CODE):
                flag(c._tc.get_or_add_tcPr(), "w:noWrap")
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for j, width in enumerate(WIDTHS):
        table.columns[j].width = Mm(width)
        for c in table.columns[j].cells:
            c.width = Mm(width)
    return table._tbl


@pytest.mark.parametrize("size", [Pt(10.5), Pt(9)])
@pytest.mark.parametrize("style", ["Table Grid", None])
def test_the_table_is_the_xml_python_docx_makes_cell_by_cell(size, style):
    doc = Document()
    expected = python_docx_table(doc, size, style)
    style_id = doc.part.get_style_id(style, WD_STYLE_TYPE.TABLE) if style else None
    built = table_element(HEADER, COLUMNS, KINDS, WIDTHS, size, style_id)
    doc.element.body._insert_tbl(built)
    assert etree.tostring(built) == etree.tostring(expected)
    assert (built.find(qn("w:tblPr")).find(qn("w:tblStyle")) is not None) == (style is not None)
    texts = ["".join(t.text for t in tc.iter(qn("w:t"))) for tc in built.iter(qn("w:tc"))]
    assert texts[3:6] == [" 机房维护", "924.68", "SL-2019-2.2-DX"]
    assert next(built.iter(qn("w:tc"))).getparent().getnext().find(".//" + qn("w:t")).get(qn("xml:space")) == "preserve"
    assert [w.get(qn("w:w")) for w in built.iter(qn("w:gridCol"))] == ["3475", "1715", "3654"]  # twips of the mm


def test_a_header_only_table_has_its_header_row_and_no_other():
    built = table_element(["年度"], [[]], [[]], [20.0], Pt(10.5), None)
    rows = built.findall(qn("w:tr"))
    assert len(rows) == 1 and rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None


def test_a_control_character_is_refused_as_python_docx_refuses_it():
    with pytest.raises(ValueError, match="XML compatible"):
        table_element(["a"], [["x\x0by"]], [[SHORT]], [20.0], Pt(10.5), None)
    assert NOT_XML_MESSAGE.startswith("All strings must be XML compatible")


@pytest.mark.parametrize("text", ["", "plain", "a & b < c > d", "&amp; already", '"quoted" \'single\'', "<<&&>>", "未披露 & 推算"])
def test_escape_writes_what_saxutils_writes(text):
    from xml.sax.saxutils import escape as saxutils_escape

    from qdanalysis.present.render.docx_table import escape

    assert escape(text) == saxutils_escape(text)
    assert escape(text, {'"': "&quot;"}) == saxutils_escape(text, {'"': "&quot;"})

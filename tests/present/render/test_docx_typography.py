"""The official typography of a Word document: the page, the styles' faces and sizes, the font table."""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt

from qdanalysis.present.render.docx_typography import font_table, official_styles, page, set_fonts


def test_a_landscape_page_turns_the_margins_with_the_paper():
    section = Document().sections[0]
    page(section, landscape=True)
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [297, 210]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [28, 26, 35, 37]
    page(section, landscape=False)
    assert [round(m.mm) for m in (section.top_margin, section.left_margin)] == [37, 28]


def test_set_fonts_replaces_theme_fonts_with_explicit_faces():
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    rpr.append(fonts)
    set_fonts(rpr, "楷体_GB2312")
    assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert fonts.get(qn("w:hint")) == "eastAsia"


def test_the_official_styles_and_font_table():
    doc = Document()
    official_styles(doc)
    font_table(doc)
    styles = doc.styles
    assert styles["Heading 3"].font.bold and styles["Heading 1"].font.size == Pt(16)
    assert styles["Title"].element.pPr.find(qn("w:pBdr")) is None  # no blue rule under the title
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    faces = {f.get(qn("w:name")): f for f in parse_xml(part.blob).findall(qn("w:font"))}
    assert faces["楷体_GB2312"].find(qn("w:altName")).get(qn("w:val")) == "楷体"
    assert faces["黑体"].find(qn("w:altName")) is None  # its own substitute: no altName

"""The typography of Chinese official documents (GB/T 9704) in a Word document: faces, sizes, the page, the styles.

A4; margins 37/35/28/26 mm; the title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号, headings in 黑体 and
楷体_GB2312. The East Asian font is set on every run and theme fonts are removed, so Chinese never falls back to a
Japanese face; each font names its common substitute (宋体, 仿宋, 楷体) in the font table for machines without it.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

#: Fonts: (East Asian face, its substitute where the face is not installed).
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONTS = {1: ("黑体", "黑体"), 2: ("楷体_GB2312", "楷体"), 3: ("仿宋_GB2312", "仿宋")}
LATIN_FONT = "Times New Roman"
#: Sizes: 二号 22 pt, 三号 16 pt, 小四 12 pt, 五号 10.5 pt.
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, NOTE_SIZE = Pt(22), Pt(16), Pt(10.5), Pt(12)
LINE_SPACING = Pt(28)
#: A table of this many columns or more is set in 小五 (9 pt) to stay readable on a portrait page.
WIDE_TABLE, WIDE_TABLE_SIZE = 8, Pt(9)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: The printable width between the margins (210 − 28 − 26 mm).
TEXT_WIDTH = Mm(156)
GREY = RGBColor(0x80, 0x80, 0x80)


def set_fonts(rpr, east_asian: str) -> None:
    """w:rFonts with explicit faces and no theme attribute: Chinese never falls back to a theme font."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def style_east_asian(p) -> str | None:
    """The East Asian face a paragraph's style (or a style it is based on) names, if any."""
    style = p.style
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def official_styles(doc) -> None:
    """Normal, Title and Heading 1-3 in the faces and sizes of an official document; no theme fonts."""
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for fonts in defaults.iter(qn("w:rFonts")):
            for attr in list(fonts.attrib):
                if attr.endswith("Theme") or attr.endswith("theme"):
                    del fonts.attrib[attr]
            fonts.set(qn("w:eastAsia"), BODY_FONT[0])
            fonts.set(qn("w:ascii"), LATIN_FONT)
            fonts.set(qn("w:hAnsi"), LATIN_FONT)
        for lang in defaults.iter(qn("w:lang")):  # Chinese text is Chinese: set and broken into lines as such
            lang.set(qn("w:eastAsia"), "zh-CN")
    specs = {
        "Normal": (BODY_FONT[0], BODY_SIZE, False),
        "Title": (TITLE_FONT[0], TITLE_SIZE, False),
        "Heading 1": (HEADING_FONTS[1][0], BODY_SIZE, False),
        "Heading 2": (HEADING_FONTS[2][0], BODY_SIZE, False),
        "Heading 3": (HEADING_FONTS[3][0], BODY_SIZE, True),
    }
    for name, (face, size, bold) in specs.items():
        style = styles[name]
        style.font.size = size
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        set_fonts(style.element.get_or_add_rPr(), face)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_SPACING if name != "Title" else Pt(36)
        fmt.space_before = Pt(0) if name in ("Normal",) else Pt(6)
        fmt.space_after = Pt(0) if name in ("Normal",) else Pt(6)
        if name == "Normal":
            fmt.first_line_indent = Pt(32)  # two characters of 三号
            fmt.widow_control = True
        else:
            fmt.first_line_indent = Pt(0) if name == "Title" else Pt(32)
            fmt.keep_with_next = True
        rpr = style.element.rPr
        for tag in ("w:color",):
            node = rpr.find(qn(tag)) if rpr is not None else None
            if node is not None:
                for attr in list(node.attrib):
                    if "theme" in attr.lower():
                        del node.attrib[attr]
        _drop_theme_fonts(style.element)
        ppr = style.element.pPr
        border = ppr.find(qn("w:pBdr")) if ppr is not None else None
        if border is not None:  # the default Title's blue rule is not part of an official document
            ppr.remove(border)


def _drop_theme_fonts(element) -> None:
    for fonts in element.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            if attr.lower().endswith("theme"):
                del fonts.attrib[attr]


def font_table(doc) -> None:
    """Declare each Chinese face with the substitute Word uses where it is not installed (w:altName)."""
    part = doc.part
    font_part = next((rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if font_part is None:
        return
    from docx.oxml import parse_xml

    root = parse_xml(font_part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for face, alt in (TITLE_FONT, BODY_FONT, HEADING_FONTS[1], HEADING_FONTS[2]):
        if face in have:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), face)
        if alt != face:
            node = OxmlElement("w:altName")
            node.set(qn("w:val"), alt)
            font.append(node)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if "仿宋" in face else "roman")
        font.append(family)
        root.append(font)
    font_part._blob = _xml_bytes(root)  # noqa: SLF001 - a generic part keeps its XML as bytes


def _xml_bytes(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def page(section, *, landscape: bool) -> None:
    """A4 with the official margins; on a landscape page the same margins turn with the paper."""
    top, bottom, left, right = (Mm(MARGINS_MM[k]) for k in ("top", "bottom", "left", "right"))
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = left, right, bottom, top
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = top, bottom, left, right

"""Blocks as a Word document in the typography of Chinese official documents (GB/T 9704).

A4; margins 37/35/28/26 mm; the title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号, headings in
黑体 and 楷体_GB2312; the East Asian font is set on every run and theme fonts are removed, so Chinese
never falls back to a Japanese face; each font names its common substitute (宋体, 仿宋, 楷体) in the
font table for machines without it. Page numbers are a PAGE field; the table of contents is a TOC
field Word updates on opening. An evaluator's reference .docx may supply the styles instead.

:class:`DocxWriter` writes paragraphs, tables and charts (:mod:`qdanalysis.present.blocks`) and the
document's own parts (title, headings, contents); the outline of the draft is
:mod:`qdanalysis.present.draft`'s.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from qdanalysis.atomic import atomic_path
from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.fmt import display_width, placeholder
from qdanalysis.paths import project_path
from qdanalysis.present.blocks import NOTE, TITLE, Block, Chart, Paragraph, Placeholder, Ref, Table
from qdanalysis.present.render.cells import CODE, NUMBER, column_kinds, unbroken

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
#: A table of this many columns or more is printed on a landscape page of its own section.
LANDSCAPE_COLUMNS = 10
#: No column is capped below this width (mm) to make room for others.
MIN_COLUMN_MM = 12
#: A column whose text needs at most this width (mm) keeps it when the page is tight.
SHORT_COLUMN_MM = 26
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
#: The least resolution a chart is printed at: a chart is the report's own PNG (7.2-8.4 in at 120 dpi, 864-1008 px),
#: the one the HTML shows and the run keeps (:mod:`qdanalysis.present.cache`), set 15.6 cm wide: 140-164 dpi.
CHART_DPI = 140
#: The printable width between the margins (210 − 28 − 26 mm).
TEXT_WIDTH = Mm(156)
#: The cover's lines under the title: a label and what the evaluation team writes there.
COVER_ENTRIES = (("评价机构", "评价机构名称"), ("委托方", "委托评价的单位"), ("报告日期", "×年×月×日"))
#: How many display columns (half a Chinese character) one character of a figure is given: digits are wider.
NUMBER_WIDTH = 1.25
GREY = RGBColor(0x80, 0x80, 0x80)
#: A word that no line may break: a figure, a code or a Latin word with its signs (≤944.10, 9201859.92, HT-2019-1.1).
WORD = re.compile(r"[0-9A-Za-z.,%+\-−≤≥<>=~/_:#@]+")


class DocxWriter:
    """A Word document being written: the official styles (or a reference document's), then blocks.

    Args:
        template: a reference .docx whose styles, headers and page setup are kept (its text is dropped);
            None writes the official styles.
    """

    def __init__(self, template: str | Path | None = None) -> None:
        self.styled = template is None
        self.doc = Document(str(project_path(template))) if template else Document()
        if template:
            _clear_body(self.doc)
        self.tables = 0
        self.figures = 0
        #: The draft's own number of each table written, by key; the runs of references waiting for it.
        self.numbers: dict[str, int] = {}
        self._refs: list[tuple[Any, Ref]] = []
        self._setup()

    def save(self, path: str | Path) -> Path:
        """Write the document to ``path`` atomically (its folder made when missing); each reference to a table
        says the number the table has in this document, wherever it stands (before or after the table)."""
        for run, ref in self._refs:
            run.text = replace(ref, number=self.numbers.get(ref.key)).text
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, suffix=".docx") as tmp:
            self.doc.save(tmp)
        return path


    def blocks(self, blocks: Iterable[Block]) -> None:
        """Report blocks in the draft: paragraphs (not the report's title), tables and charts."""
        for block in blocks:
            if isinstance(block, Paragraph):
                if block.style != TITLE:
                    self.parts(block, size=NOTE_SIZE if block.style == NOTE else None)
            elif isinstance(block, Table):
                if block.shown:
                    self.table(block)
            elif isinstance(block, Chart):
                self.figure(block)

    def parts(self, paragraph: Paragraph, *, size=None, indent: bool = True) -> None:
        """A paragraph, part by part: bold parts bold, placeholders (:class:`Placeholder`) highlighted."""
        p = self._paragraph(indent=indent)
        for part in paragraph.parts:
            run = self._runs(p, part.text, bold=part.bold, size=size, highlight=isinstance(part, Placeholder))
            if isinstance(part, Ref):
                self._refs.append((run, part))

    def paragraph(self, text: str, *, size=None, indent: bool = True, bold: bool = False,
                  align: Any = None) -> None:
        p = self._paragraph(indent=indent)
        if align is not None:
            p.alignment = align
        self._runs(p, text, bold=bold, size=size)

    def table(self, block: Table) -> None:
        """A table: its caption above, numbered in the draft's own order; the header row repeated on every page."""
        frame = block.text_frame()
        landscape = len(frame.columns) >= LANDSCAPE_COLUMNS
        if landscape:
            self._section(landscape=True)
        self.tables += 1
        self.numbers.setdefault(block.key, self.tables)
        caption = f"表{self.tables} {block.layout.caption}"
        caption = caption + (f"（{DEMO_LABEL}）" if block.demo and DEMO_LABEL not in caption else "")
        cap = self._paragraph(indent=False, keep_with_next=True)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, caption, bold=True, size=NOTE_SIZE, font=HEADING_FONTS[1])
        table = self.doc.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid" if "Table Grid" in [s.name for s in self.doc.styles] else None
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        _repeat_header(header)
        for cell, name in zip(header.cells, frame.columns):
            self._cell(cell, str(name), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        size = TABLE_SIZE if len(frame.columns) < WIDE_TABLE else WIDE_TABLE_SIZE
        for cell in header.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = size
        texts = [[UNDISCLOSED if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                  for v in frame.iloc[:, j]] for j in range(frame.shape[1])]
        kinds = [column_kinds(column, header) for column, header in zip(texts, frame.columns)]
        for i in range(len(frame)):
            row = table.add_row()
            _keep_row_whole(row)
            for j, cell in enumerate(row.cells):
                text, kind = texts[j][i], kinds[j][i]
                self._cell(cell, text, align=WD_ALIGN_PARAGRAPH.RIGHT if kind == NUMBER else None,
                           grey=text == UNDISCLOSED, size=size)
                if kind in (NUMBER, CODE):
                    _no_wrap(cell)  # 924.68, -3.65%, SL-2019-2.2-DX: never broken across lines
        _column_widths(table, frame, size, self._text_width(), kinds)
        if block.layout.note:
            self.paragraph(block.layout.note, size=Pt(10.5), indent=False)
        if landscape:
            self._section(landscape=False)

    def figure(self, block: Chart) -> None:
        from qdanalysis.present.cache import chart_png

        # The report's own PNG, the one the HTML shows: a draft written after a run draws nothing
        buf = io.BytesIO(chart_png(block))
        self.figures += 1
        p = self._paragraph(indent=False, keep_with_next=True)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(buf, width=TEXT_WIDTH)
        cap = self._paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, f"图{self.figures} {block.alt}", size=NOTE_SIZE)

    # --- document parts -----------------------------------------------------------------------

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph(style="Title")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(p, text, font=TITLE_FONT, size=TITLE_SIZE if self.styled else None)

    def cover(self, title: str, entries: Iterable[tuple[str, str]] = COVER_ENTRIES) -> None:
        """封面: the title, then what only the evaluation team knows (评价机构, 委托方, 日期) as highlighted
        placeholders, and a page break."""
        for _ in range(4):
            self._paragraph(indent=False)
        self.title(title)
        for _ in range(6):
            self._paragraph(indent=False)
        for label, what in entries:
            p = self._paragraph(indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._runs(p, f"{label}：", font=HEADING_FONTS[2])
            self._runs(p, placeholder(what), highlight=True)
        self.doc.sections[0].different_first_page_header_footer = True  # no page number on the cover
        self.doc.add_page_break()

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_paragraph(style=f"Heading {level}")
        self._runs(p, text, font=HEADING_FONTS[level])

    def contents(self) -> None:
        """目录: a TOC field over the headings, which Word fills in when the file opens."""
        p = self._paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(p, "目  录", font=HEADING_FONTS[1])
        p = self._paragraph(indent=False)
        _field(p, 'TOC \\o "1-2" \\h \\z \\u', "（打开文件时由 Word 更新目录；如未更新，请右键单击此处选择“更新域”）")
        settings = self.doc.settings.element
        update = settings.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            settings.append(update)
        update.set(qn("w:val"), "true")
        self.doc.add_page_break()

    def _section(self, *, landscape: bool) -> None:
        """A new section on a new page, landscape for a wide table or portrait again after it; the footer
        (and so the page numbers) continues from the section before."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=landscape)

    def _text_width(self):
        section = self.doc.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def _setup(self) -> None:
        section = self.doc.sections[0]
        _page(section, landscape=False)
        footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        element = footer._p  # noqa: SLF001 - python-docx has no public handle on a paragraph's XML
        for child in list(element):
            if child.tag != qn("w:pPr"):
                element.remove(child)
        self._runs(footer, "— ", size=Pt(14), font=BODY_FONT)
        _field(footer, "PAGE", "1", size=Pt(14))
        self._runs(footer, " —", size=Pt(14), font=BODY_FONT)
        _font_table(self.doc)
        if self.styled:
            _official_styles(self.doc)
        # Looked up once: python-docx looks a style up, and the default style, by searching every style each time
        self._normal = self.doc.styles["Normal"]
        self._normal_is_default = self._normal == self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def _paragraph(self, *, indent: bool = True, keep_with_next: bool = False):
        p = self.doc.add_paragraph()
        if self._normal_is_default:
            p._p.get_or_add_pPr()  # noqa: SLF001 - what setting the default style leaves: no w:pStyle, a w:pPr
        else:
            p.style = self._normal
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if keep_with_next:
            p.paragraph_format.keep_with_next = True
        return p

    def _runs(self, p, text: str, *, bold: bool = False, size=None, font: tuple[str, str] | None = None,
              highlight: bool = False):
        """A run of ``text`` with the East Asian font; a placeholder for the evaluator is highlighted."""
        face = (font or BODY_FONT)[0] if self.styled or font else _style_east_asian(p) or BODY_FONT[0]
        run = _run(p, text, face, bold=bold, size=size)
        if highlight:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run

    def _cell(self, cell, text: str, *, bold: bool = False, align=None, grey: bool = False, size=TABLE_SIZE) -> None:
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align is not None:
            p.alignment = align
        run = _run(p, text, BODY_FONT[0], bold=bold, size=size)
        if grey:
            run.font.color.rgb = GREY


#: An enumeration comma before a code or figure (``1.1、1.2、2.10``): a zero-width space after it marks where the line
#: may break (Word's and LibreOffice's optional break), so that a long list of codes breaks between its codes and
#: never inside one ("1." then "1"), which LibreOffice does to a list without a place to break.
LIST_BREAK = re.compile(r"、(?=[0-9A-Za-z])")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """``text`` with an optional break after each 、 that a code or figure follows (:data:`LIST_BREAK`)."""
    return LIST_BREAK.sub("、" + ZERO_WIDTH_SPACE, text)


def _run(p, text: str, east_asian: str, *, bold: bool = False, size=None):
    run = p.add_run(breakable(text))
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    _set_fonts(run.element.get_or_add_rPr(), east_asian)
    return run


def _set_fonts(rpr, east_asian: str) -> None:
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


def _style_east_asian(p) -> str | None:
    style = p.style
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _official_styles(doc) -> None:
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
        _set_fonts(style.element.get_or_add_rPr(), face)
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


def _font_table(doc) -> None:
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


def _field(p, instruction: str, shown: str, *, size=None) -> None:
    """A complex field (begin, instruction, separate, the text shown until it is updated, end)."""
    def run_with(child) -> None:
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        _set_fonts(rpr, BODY_FONT[0])
        if size is not None:
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size.pt * 2)))
            rpr.append(sz)
        r.append(rpr)
        r.append(child)
        p._p.append(r)  # noqa: SLF001 - python-docx has no public API for a complex field

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = shown
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _column_widths(table, frame: pd.DataFrame, size=TABLE_SIZE, width=TEXT_WIDTH,
                   kinds: list[list[str]] | None = None) -> None:
    """Columns as wide as their text where the width between the margins allows; otherwise the widest
    give way first (so that figures, codes and short labels never wrap while a long note does). ``kinds``: each
    column's cell kinds (:func:`~qdanalysis.present.render.cells.column_kinds`), by default from the text alone."""

    unit = size.mm / 2 * 0.98  # one display column: half a Chinese character of this size
    needs = []
    numeric = []
    for j, name in enumerate(frame.columns):
        given = [v is not None and not (not isinstance(v, str) and pd.isna(v)) for v in frame.iloc[:, j]]
        values = [str(v) for v, g in zip(frame.iloc[:, j], given) if g]
        header = max(display_width(part) for part in re.split(r"[（）()]", str(name)) if part) if str(name) else 2
        if kinds:  # the column's own kinds: a code of a column of identifiers (F01) is kept whole too
            numbers = [v for v, k in zip(values, [k for k, g in zip(kinds[j], given) if g]) if k in (NUMBER, CODE)]
        else:
            numbers = [v for v in values if unbroken(v)]
        numeric.append(bool(numbers))
        # a figure's digits and point are wider than half a Chinese character in most fonts: room for them
        widest_number = max((len(v) * NUMBER_WIDTH for v in numbers), default=0)
        needs.append(max([display_width(v) for v in values] + [header, 4, widest_number]))
    padding = 4.4  # mm: the cell margins (1.9 mm a side) and a little air
    natural = [n * unit + padding for n in needs]
    available = width.mm
    if sum(natural) <= available:
        widths = [w * available / sum(natural) for w in natural]  # room to spare: spread it
    else:
        # Short columns (figures, labels) keep their natural width; the long text columns share what is
        # left, the longer the more (by the square root of their length), so a note wraps and a figure does not.
        short = [w <= SHORT_COLUMN_MM or is_number for w, is_number in zip(natural, numeric)]
        rest = available - sum(w for w, s in zip(natural, short) if s)
        longs = [w for w, s in zip(natural, short) if not s]
        if longs and rest >= MIN_COLUMN_MM * 2 * len(longs):
            widths = _shared(natural, short, rest)
        else:  # too many columns even so: the widest text gives way first, down to a common cap; figures keep
            # their width while the text columns can still have the least
            fixed = sum(w for w, is_number in zip(natural, numeric) if is_number)
            if available - fixed < MIN_COLUMN_MM * (len(natural) - sum(numeric)):
                fixed, numeric = 0, [False] * len(natural)
            low, high = 0.0, max(natural)
            for _ in range(40):
                cap = (low + high) / 2
                if fixed + sum(min(w, cap) for w, n in zip(natural, numeric) if not n) > available:
                    high = cap
                else:
                    low = cap
            widths = [w if n else min(w, low) for w, n in zip(natural, numeric)]
            if low < MIN_COLUMN_MM:
                widths = [w * available / sum(natural) for w in natural]
    # a figure or code inside a wrapped text (实际9201859.92元，…) is not broken either: its column is at least as wide
    least = [max([len(w) * NUMBER_WIDTH for v in frame.iloc[:, j] if isinstance(v, str) for w in WORD.findall(v)],
                 default=0) * unit + padding for j in range(frame.shape[1])]
    widths = _at_least(widths, least)
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)  # noqa: SLF001 - no public API for the table layout
    for j, width in enumerate(widths):
        table.columns[j].width = Mm(width)
        for cell in table.columns[j].cells:
            cell.width = Mm(width)


def _shared(natural: list[float], short: list[bool], rest: float) -> list[float]:
    """The long text columns share ``rest`` by the square root of their natural widths, none below
    ``1.5 × MIN_COLUMN_MM`` (or its natural width): a short note (认定, 整改措施) is not left one character wide."""
    floor = [min(w, 1.5 * MIN_COLUMN_MM) for w in natural]
    fixed: dict[int, float] = {}
    while True:
        free = [j for j, s in enumerate(short) if not s and j not in fixed]
        left = rest - sum(fixed.values())
        weight = sum(natural[j] ** 0.5 for j in free)
        share = {j: left * natural[j] ** 0.5 / weight for j in free}
        low = {j: floor[j] for j in free if share[j] < floor[j]}
        if not low:
            break
        fixed.update(low)
    return [w if s else fixed.get(j, share.get(j, w)) for j, (w, s) in enumerate(zip(natural, short))]


def _at_least(widths: list[float], least: list[float]) -> list[float]:
    """``widths`` (same total) with each column raised towards its ``least``, taken from the columns wider than
    theirs in proportion to what they have to spare; all the way where they can spare it."""
    short = sum(max(0.0, n - w) for w, n in zip(widths, least))
    spare = sum(max(0.0, w - n) for w, n in zip(widths, least))
    if not short or not spare:
        return widths
    give, take = min(1.0, spare / short), min(1.0, short / spare)
    return [w + (n - w) * give if w < n else w - (w - n) * take for w, n in zip(widths, least)]


def _page(section, *, landscape: bool) -> None:
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


def _no_wrap(cell) -> None:
    """The cell's text stays on one line (Word widens the column rather than break a figure)."""
    tcpr = cell._tc.get_or_add_tcPr()  # noqa: SLF001 - no public API for a cell's properties
    tcpr.append(OxmlElement("w:noWrap"))


def _keep_row_whole(row) -> None:
    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001 - no public API for a row's properties
    node = OxmlElement("w:cantSplit")
    node.set(qn("w:val"), "true")
    trpr.append(node)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001 - nor for a row's properties
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _clear_body(doc) -> None:
    """Keep a reference document's styles, headers and page setup; drop its text."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

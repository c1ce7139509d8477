"""Blocks as a Word document in the typography of Chinese official documents (GB/T 9704).

:class:`DocxWriter` writes paragraphs, tables and charts (:mod:`qdanalysis.present.blocks`) and the document's own
parts (title, cover, headings, contents, the footer's page numbers); the outline of the draft is
:mod:`qdanalysis.present.draft`'s. Page numbers are a PAGE field; the table of contents is a TOC field Word updates on
opening. An evaluator's reference .docx may supply the styles instead of :mod:`.docx_typography`'s. A table's XML is
:mod:`.docx_table`'s, its column widths :mod:`.docx_widths`'; runs and fields :mod:`.docx_runs`'.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from qdanalysis.atomic import atomic_path
from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.fmt import placeholder
from qdanalysis.paths import project_path
from qdanalysis.present.blocks import NOTE, TITLE, Block, Chart, Paragraph, Placeholder, Ref, Table
from qdanalysis.present.render.cells import column_kinds
from qdanalysis.present.render.docx_runs import ZERO_WIDTH_SPACE, add_field, add_run, breakable
from qdanalysis.present.render.docx_table import table_element
from qdanalysis.present.render.docx_typography import (
    BODY_FONT,
    HEADING_FONTS,
    NOTE_SIZE,
    TABLE_SIZE,
    TEXT_WIDTH,
    TITLE_FONT,
    TITLE_SIZE,
    WIDE_TABLE,
    WIDE_TABLE_SIZE,
    font_table,
    official_styles,
    page,
    style_east_asian,
)
from qdanalysis.present.render.docx_widths import text_widths

__all__ = ["DocxWriter", "CHART_DPI", "COVER_ENTRIES", "LANDSCAPE_COLUMNS", "BODY_FONT", "NOTE_SIZE", "TEXT_WIDTH",
           "ZERO_WIDTH_SPACE", "breakable"]

#: A table of this many columns or more is printed on a landscape page of its own section.
LANDSCAPE_COLUMNS = 10
#: The least resolution a chart is printed at: a chart is the report's own PNG (7.2-8.4 in at 120 dpi, 864-1008 px),
#: the one the HTML shows and the run keeps (:mod:`qdanalysis.present.cache`), set 15.6 cm wide: 140-164 dpi.
CHART_DPI = 140
#: The parts stored in the .docx's zip as they are, by extension: the pictures (PNG), compressed already.
STORED = ("png",)
#: The cover's lines under the title: a label and what the evaluation team writes there.
COVER_ENTRIES = (("评价机构", "评价机构名称"), ("委托方", "委托评价的单位"), ("报告日期", "×年×月×日"))


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
        self._style_ids: dict[str, str | None] = {}
        self._setup()

    def save(self, path: str | Path) -> Path:
        """Write the document to ``path`` atomically (its folder made when missing); each reference to a table
        says the number the table has in this document, wherever it stands (before or after the table)."""
        for run, ref in self._refs:
            run.text = replace(ref, number=self.numbers.get(ref.key)).text
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, suffix=".docx") as tmp:
            save_package(self.doc, tmp)
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
        names, cells = _cells(block)
        texts = [[UNDISCLOSED if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in column]
                 for column in cells]
        landscape = len(names) >= LANDSCAPE_COLUMNS
        if landscape:
            self._section(landscape=True)
        self.tables += 1
        self.numbers.setdefault(block.key, self.tables)
        caption = f"表{self.tables} {block.layout.caption}"
        caption = caption + (f"（{DEMO_LABEL}）" if block.demo and DEMO_LABEL not in caption else "")
        cap = self._paragraph(indent=False, keep_with_next=True)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, caption, bold=True, size=NOTE_SIZE, font=HEADING_FONTS[1])
        size = TABLE_SIZE if len(names) < WIDE_TABLE else WIDE_TABLE_SIZE
        kinds = [column_kinds(column, header) for column, header in zip(texts, names)]
        widths = text_widths(names, cells, size, self._text_width(), kinds)
        self.doc.element.body._insert_tbl(  # noqa: SLF001 - where python-docx's add_table puts a table
            table_element([str(name) for name in names], texts, kinds, widths, size, self._table_style))
        if block.layout.note:
            self.paragraph(block.layout.note, size=Pt(10.5), indent=False)
        if landscape:
            self._section(landscape=False)

    def figure(self, block: Chart) -> None:
        """A chart: the report's own PNG (the one the HTML shows: a draft written after a run draws nothing), the
        width of the text, and its numbered caption under it."""
        self.figures += 1
        p = self._paragraph(indent=False, keep_with_next=True)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.figure_png(p, block)
        cap = self._paragraph(indent=False)
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(cap, f"图{self.figures} {block.alt}", size=NOTE_SIZE)

    def figure_png(self, p, block: Chart) -> None:
        """The chart's picture in the paragraph ``p``."""
        from qdanalysis.present.cache import chart_png

        self.picture(p, chart_png(block))

    def picture(self, p, png: bytes) -> None:
        """A PNG the width of the text, at the end of the paragraph ``p``."""
        p.add_run().add_picture(io.BytesIO(png), width=TEXT_WIDTH)

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
        p = self.doc.add_paragraph()
        p._p.style = self._style_id(f"Heading {level}")  # noqa: SLF001 - what add_paragraph(style=…) sets
        self._runs(p, text, font=HEADING_FONTS[level])

    def _style_id(self, name: str) -> str | None:
        """The id of the paragraph style ``name``, looked up once (python-docx searches every style, and again for the
        default one, each time a paragraph is given a style by name)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[name]

    def contents(self) -> None:
        """目录: a TOC field over the headings, which Word fills in when the file opens."""
        p = self._paragraph(indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._runs(p, "目  录", font=HEADING_FONTS[1])
        p = self._paragraph(indent=False)
        add_field(p, 'TOC \\o "1-2" \\h \\z \\u', "（打开文件时由 Word 更新目录；如未更新，请右键单击此处选择“更新域”）")
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
        page(section, landscape=landscape)

    def _text_width(self):
        section = self.doc.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def _setup(self) -> None:
        section = self.doc.sections[0]
        page(section, landscape=False)
        footer = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        element = footer._p  # noqa: SLF001 - python-docx has no public handle on a paragraph's XML
        for child in list(element):
            if child.tag != qn("w:pPr"):
                element.remove(child)
        self._runs(footer, "— ", size=Pt(14), font=BODY_FONT)
        add_field(footer, "PAGE", "1", size=Pt(14))
        self._runs(footer, " —", size=Pt(14), font=BODY_FONT)
        font_table(self.doc)
        if self.styled:
            official_styles(self.doc)
        # Looked up once: python-docx looks a style up, and the default style, by searching every style each time
        self._normal = self.doc.styles["Normal"]
        self._normal_is_default = self._normal == self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        #: A table's style: Table Grid where the document has it (None where it is the default table style, as
        #: python-docx sets it), else the document's default.
        grid = "Table Grid" in [s.name for s in self.doc.styles]
        self._table_style = self.doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE) if grid else None

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
        face = (font or BODY_FONT)[0] if self.styled or font else style_east_asian(p) or BODY_FONT[0]
        run = add_run(p, text, face, bold=bold, size=size)
        if highlight:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return run


def _cells(block: Table) -> tuple[list, list[list]]:
    """A table's headers and each column's cells as its text frame holds them
    (:meth:`~qdanalysis.present.blocks.Table.text_frame`: texts, None where missing): the formatters' texts
    themselves where every cell is a text or missing; else the frame's, which may hold a figure as another type."""
    columns = block.text_columns()
    if all(v is None or isinstance(v, str) for values in columns.values() for v in values):
        return list(columns), list(columns.values())
    frame = block.text_frame()
    return list(frame.columns), [list(frame.iloc[:, j]) for j in range(frame.shape[1])]


class _PackageZip:
    """The .docx's zip as python-docx writes it (``docx.opc.phys_pkg``), but each picture that is a PNG stored as it
    is (:data:`STORED`): a PNG is deflated already, and deflating it again took 0.024 s for 9 charts at the end of a
    draft, for 14% of their size."""

    def __init__(self, path: str | Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        stored = pack_uri.ext.lower() in STORED
        self.zip.writestr(pack_uri.membername, blob, compress_type=zipfile.ZIP_STORED if stored else None)

    def close(self) -> None:
        self.zip.close()


def save_package(doc: Any, path: str | Path) -> None:
    """Write the python-docx document ``doc`` to ``path`` as ``doc.save(path)`` does (the same parts, in the same
    order), its PNG pictures stored (:class:`_PackageZip`)."""
    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    writer = _PackageZip(path)
    try:  # python-docx's PackageWriter.write, with this zip
        PackageWriter._write_content_types_stream(writer, package.parts)  # noqa: SLF001
        PackageWriter._write_pkg_rels(writer, package.rels)  # noqa: SLF001
        PackageWriter._write_parts(writer, package.parts)  # noqa: SLF001
    finally:
        writer.close()


def _clear_body(doc) -> None:
    """Keep a reference document's styles, headers and page setup; drop its text."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

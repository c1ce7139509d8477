"""Blocks as HTML: the report's paragraphs, tables and charts, in a notebook or the exported page.

Text is escaped here, and only here: blocks hold plain text.
"""

from __future__ import annotations

import base64
import html
from typing import Any, Iterable

from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.money import is_missing
from qdanalysis.present.blocks import TITLE, Block, Chart, Paragraph, Table
from qdanalysis.present.render.cells import cell_kind, column_kinds


def cell_class(text: str) -> str:
    """The CSS class of a table cell: ``qd-num`` (a figure), ``qd-code``, ``qd-long`` (wrapped text) or ``qd-short``."""
    return "qd-" + cell_kind(text)

#: A column header of at most this many characters (序号, 类别, 严重程度) stays on one line on screen: beside long text, a
#: column of short cells (高, 中) would otherwise shrink to one character and its header wrap a character per line. On
#: A4 paper, where a wide table must fit the page, it may wrap, but at two characters a line at the least (严重 / 程度).
SHORT_HEADER = 4

#: The CSS class of each paragraph style.
STYLE_CLASS = {"p": "qd-p", "note": "qd-note", "warning": "qd-warning"}


def esc(value: Any) -> str:
    """Text, safe to put in HTML."""
    return html.escape("" if value is None else str(value))


def inline(paragraph: Paragraph) -> str:
    """A paragraph's parts as inline HTML: bold parts in ``<b>``, every text escaped."""
    return "".join(f"<b>{esc(p.text)}</b>" if p.bold else esc(p.text) for p in paragraph.parts)


def paragraph_html(paragraph: Paragraph) -> str:
    if paragraph.style == TITLE:
        return REPORT_CSS + f'<h1 class="qd-title">{inline(paragraph)}</h1>'
    return f'<p class="{STYLE_CLASS[paragraph.style]}">{inline(paragraph)}</p>'


def table_html(table: Table) -> str:
    """An HTML table; every cell escaped, short cells kept on one line, long text wrapped."""
    frame = table.text_frame()
    caption = esc(table.caption) + (f"（{DEMO_LABEL}）" if table.demo else "")
    head = "".join(f'<th class="qd-keep">{esc(c)}</th>' if len(str(c)) <= SHORT_HEADER else f"<th>{esc(c)}</th>"
                   for c in frame.columns)
    texts = [[UNDISCLOSED if is_missing(v) else str(v) for v in frame.iloc[:, j]] for j in range(frame.shape[1])]
    kinds = [column_kinds(column, header) for column, header in zip(texts, frame.columns)]
    rows = []
    for i in range(len(frame)):
        cells = [f'<td class="qd-{kinds[j][i]}">{esc(texts[j][i])}</td>' for j in range(len(texts))]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = f'<table class="qd-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    note = f'<p class="qd-note">{esc(table.layout.note)}</p>' if table.layout.note else ""
    return f'<div class="qd-table-wrap"><p class="qd-caption"><b>{caption}</b></p>{body}{note}</div>'


def chart_html(chart: Chart) -> str:
    """A chart as an embedded PNG at the figure's own resolution, with its alt text: drawn now, or the same
    figure drawn before from the same data, code and fonts (:func:`~qdanalysis.present.cache.chart_png`)."""
    from qdanalysis.present.cache import chart_png

    data = base64.b64encode(chart_png(chart)).decode("ascii")
    return (f'<figure class="qd-figure"><img src="data:image/png;base64,{data}" alt="{esc(chart.alt)}">'
            f"</figure>")


def block_html(block: Block) -> str:
    if isinstance(block, Paragraph):
        return paragraph_html(block)
    if isinstance(block, Table):
        return table_html(block)
    return chart_html(block)


def heading_markdown(title: str, intro: str) -> str:
    """A section's heading and its one-paragraph introduction, as the notebook's Markdown shows them."""
    return f"## {title}\n\n{intro}" if intro else f"## {title}"


def section_html(title: str, intro: str) -> str:
    """A section's heading and introduction as HTML (the notebook shows them as Markdown)."""
    return f"<h2>{esc(title)}</h2>" + (f'<p class="qd-p">{esc(intro)}</p>' if intro else "")


def show(blocks: Iterable[Block]) -> None:
    """Display blocks in a notebook, one output each (Excel-only detail tables are not shown)."""
    from IPython.display import HTML, display

    for block in blocks:
        if isinstance(block, Table) and not block.shown:
            continue
        display(HTML(block_html(block)))


def show_heading(title: str, intro: str) -> None:
    """Display a section's heading as Markdown, so that the page's outline and anchors see it."""
    from IPython.display import Markdown, display

    display(Markdown(heading_markdown(title, intro)))


REPORT_CSS = """<style>
.qd-title { font-size: 1.8em; margin: 0.4em 0 0.6em; }
.qd-p { font-size: 15px; line-height: 1.8; margin: 0.5em 0; }
.qd-note { font-size: 13px; color: #555; line-height: 1.7; }
.qd-warning { font-size: 15px; line-height: 1.8; background: #fff4e5; border-left: 4px solid #d55e00;
  padding: 0.4em 0.8em; }
.qd-caption { margin: 1em 0 0.3em; font-size: 14px; }
.qd-figure { margin: 0.8em 0; }
.qd-figure img { max-width: 100%; height: auto; }
.qd-table-wrap { overflow-x: auto; }
@media print {
  /* On paper nothing scrolls: a wide table wraps inside the page, its header row on every page */
  .qd-table-wrap { overflow: visible; }
  table.qd-table { max-width: 100%; font-size: 9pt; }
  table.qd-table thead { display: table-header-group; }
  table.qd-table tr { break-inside: avoid; }
  .qd-caption { break-after: avoid; }
  .qd-figure { break-inside: avoid; }
}
table.qd-table { border-collapse: collapse; font-size: 13px; }
table.qd-table th { background: #eef3f8; }
.jp-RenderedHTMLCommon table.qd-table th, .jp-RenderedHTMLCommon table.qd-table td,
table.qd-table th, table.qd-table td { border: 1px solid #ccd; padding: 4px 8px; text-align: left; }
/* A wide table (the score sheet) fits a 1280 px screen: a header wraps, a short cell breaks only between words and
   at punctuation (never inside 未披露 or a figure), long text wraps; scrolling is the last resort */
table.qd-table { max-width: 100%; }
table.qd-table th { white-space: normal; }
table.qd-table th.qd-keep { white-space: nowrap; }
table.qd-table td.qd-short { white-space: normal; word-break: keep-all; }
table.qd-table td.qd-long { white-space: normal; min-width: 8em; }
.jp-RenderedHTMLCommon table.qd-table td.qd-num, table.qd-table td.qd-num {
  text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.qd-table td.qd-code { white-space: nowrap; }
@media print {
  .jp-RenderedHTMLCommon table.qd-table th, .jp-RenderedHTMLCommon table.qd-table td,
  table.qd-table th, table.qd-table td { padding: 2px 4px; }
  /* a short cell breaks only between words and at punctuation, never inside 未披露 */
  table.qd-table th, table.qd-table td.qd-short { white-space: normal; }
  table.qd-table td.qd-short { word-break: keep-all; }
  table.qd-table td.qd-long { min-width: 10em; overflow-wrap: anywhere; }
  table.qd-table th.qd-keep { white-space: normal; min-width: 2em; }
}
</style>"""

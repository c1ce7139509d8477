"""Report blocks: paragraphs, tables and charts ready to show in a notebook or export as HTML.

Every section of :mod:`qdanalysis.present.report` returns a list of blocks. Text from the
data is HTML-escaped before it reaches a block.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pandas as pd

from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.fmt import format_wan, pct


@dataclass
class Para:
    """A paragraph of report text (already-escaped HTML)."""

    html: str
    kind: str = "p"  # p, note, warning


#: Cells longer than this many characters wrap; shorter ones stay on one line.
LONG_CELL = 16


@dataclass
class TableBlock:
    """A table ready to show: Chinese headers, formatted cells (all text)."""

    frame: pd.DataFrame
    caption: str
    demo: bool = False
    note: str = ""  # a sentence shown under the table

    def to_html(self) -> str:
        """An HTML table; every cell escaped, short cells kept on one line, long text wrapped."""
        caption = esc(self.caption) + (f"（{DEMO_LABEL}）" if self.demo else "")
        head = "".join(f"<th>{esc(c)}</th>" for c in self.frame.columns)
        rows = []
        for values in self.frame.itertuples(index=False):
            cells = []
            for v in values:
                text = UNDISCLOSED if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                cls = "qd-long" if len(text) > LONG_CELL else "qd-short"
                cells.append(f'<td class="{cls}">{esc(text)}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body = f'<table class="qd-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        note = f'<p class="qd-note">{esc(self.note)}</p>' if self.note else ""
        return f'<div class="qd-table-wrap"><p class="qd-caption"><b>{caption}</b></p>{body}{note}</div>'


@dataclass
class FigureBlock:
    """A matplotlib figure and its alt text."""

    fig: Any
    alt: str


Block = Para | TableBlock | FigureBlock


def esc(value: Any) -> str:
    """Text from the data, safe to put in HTML."""
    return html.escape("" if value is None else str(value))


def para(template: str, kind: str = "p", **values: Any) -> Para:
    """A paragraph whose ``{name}`` fields are filled with escaped values."""
    return Para(template.format(**{k: esc(v) for k, v in values.items()}), kind)


def table(df: pd.DataFrame, columns: dict[str, str], caption: str, *, money: Iterable[str] = (),
          percent: Iterable[str] = (), formats: dict[str, Callable[[Any], str]] | None = None,
          demo: bool = False, note: str = "") -> TableBlock:
    """Select, format and rename columns: money in 万元 (two decimals), ratios as percents."""
    formats = dict(formats or {})
    for col in money:
        formats[col] = format_wan
    for col in percent:
        formats[col] = pct
    out = pd.DataFrame(index=range(len(df)))
    for col, label in columns.items():
        values = list(df[col]) if col in df else [None] * len(df)
        fmt = formats.get(col, text_cell)
        out[label] = [fmt(v) for v in values]
    return TableBlock(out, caption, demo, note)


def text_cell(value: Any) -> str:
    """A text cell; a missing label is a dash (missing amounts say 未披露 through their formatter)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value)


def figure_html(block: FigureBlock) -> str:
    """A chart as an embedded PNG with its alt text (closes the figure)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    block.fig.savefig(buf, format="png", dpi=block.fig.dpi)
    plt.close(block.fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure class="qd-figure"><img src="data:image/png;base64,{data}" alt="{esc(block.alt)}">'
            f"</figure>")


def show(blocks: Iterable[Block]) -> None:
    """Display blocks in a notebook: paragraphs and tables as HTML, figures as embedded PNG."""
    from IPython.display import HTML, display

    for block in blocks:
        if isinstance(block, Para) and block.kind == "title":
            display(HTML(REPORT_CSS + f'<h1 class="qd-title">{block.html}</h1>'))
        elif isinstance(block, Para):
            cls = {"p": "qd-p", "note": "qd-note", "warning": "qd-warning"}[block.kind]
            display(HTML(f'<p class="{cls}">{block.html}</p>'))
        elif isinstance(block, TableBlock):
            display(HTML(block.to_html()))
        elif isinstance(block, FigureBlock):
            display(HTML(figure_html(block)))


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
table.qd-table th, table.qd-table td.qd-short { white-space: nowrap; }
table.qd-table td.qd-long { white-space: normal; min-width: 18em; }
@media print {
  .jp-RenderedHTMLCommon table.qd-table th, .jp-RenderedHTMLCommon table.qd-table td,
  table.qd-table th, table.qd-table td { padding: 2px 4px; }
  /* a short cell breaks only between words and at punctuation, never inside 未披露 */
  table.qd-table th, table.qd-table td.qd-short { white-space: normal; }
  table.qd-table td.qd-short { word-break: keep-all; }
  table.qd-table td.qd-long { min-width: 10em; overflow-wrap: anywhere; }
}
</style>"""

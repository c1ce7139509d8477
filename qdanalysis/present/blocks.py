"""Report blocks that no output format owns: paragraphs made of parts, tables as data plus layout, charts.

A section (:mod:`qdanalysis.present.sections`) arranges a year's analysis into these blocks; each
renderer (:mod:`qdanalysis.present.render`) formats them for its medium. A block holds plain text
and values, never markup, so no renderer parses another's output:

- :class:`Paragraph`: a sequence of parts: :class:`Text` (bold or not), :class:`Figure` (a value
  with its kind: stated by the data, 推算 with its basis, or 未披露) and :class:`Placeholder`
  (what the evaluation team still has to write);
- :class:`Table`: the analysis frame itself (raw values: Decimal 元, ratios, dates) with the
  :class:`TableLayout` that names its columns and their kinds; text renderers format it with
  :meth:`Table.text_frame`, the Excel renderer writes numbers with number formats;
- :class:`Chart`: a function that draws the figure, called only by the renderer that shows it; a
  :class:`Drawing` names that function and holds its arguments, so that the figure can be cached by
  the hash of exactly what it is drawn from (:mod:`qdanalysis.present.cache`).
"""

from __future__ import annotations

import importlib
import string
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

import pandas as pd

from qdanalysis.domain import DERIVED, UNDISCLOSED
from qdanalysis.fmt import date_text, format_number, format_wan, month_text, pct, placeholder
from qdanalysis.money import is_missing

#: The kinds of figure: stated by the data, derived by us (推算, with its basis), not disclosed (未披露).
STATED = "stated"

#: Paragraph styles: body text, a smaller note, a highlighted warning, the report's title.
BODY, NOTE, WARNING, TITLE = "p", "note", "warning", "title"


@dataclass(frozen=True)
class Text:
    """Plain text of a paragraph (from the data or the report's own wording)."""

    text: str
    bold: bool = False


class _Plain:
    """A part never set in bold (only :class:`Text` can be)."""

    bold = False


@dataclass(frozen=True)
class Figure(_Plain):
    """A figure as shown (``941.00万元``) and what it is: stated, 推算 (with its basis) or 未披露."""

    text: str
    kind: str = STATED
    basis: str = ""


@dataclass(frozen=True)
class Placeholder(_Plain):
    """What only the evaluation team can write: shown as 【待评价组填写：…】."""

    what: str

    @property
    def text(self) -> str:
        return placeholder(self.what)


@dataclass(frozen=True)
class Ref(_Plain):
    """A reference to one of the output's tables by its key (``分类支出``): shown as ``表N`` with the number the table
    has in that output (the report and the Word draft number their tables each in their own order), or as the
    table's key while no number is known (a table the output does not show)."""

    key: str
    number: int | None = None

    @property
    def text(self) -> str:
        return f"表{self.number}" if self.number else f"“{self.key}”表"


Part = Text | Figure | Placeholder | Ref


@dataclass
class Paragraph:
    """A paragraph: its parts, its style (:data:`BODY`, :data:`NOTE`, :data:`WARNING`, :data:`TITLE`) and a
    key by which an outline (the Word draft's) picks it."""

    parts: tuple[Part, ...]
    style: str = BODY
    key: str = ""

    @property
    def text(self) -> str:
        """The paragraph as plain text."""
        return "".join(p.text for p in self.parts)


@dataclass(frozen=True)
class TableLayout:
    """A table: sheet name, caption, columns (key -> Chinese header) and what each column holds.

    Money columns hold 元 (shown in 万元 with two decimals), percent columns ratios; ``text`` gives a
    text renderer's formatter for other columns. ``note`` is a sentence under the table, ``detail``
    marks an Excel detail sheet (which ends with a 合计 row).
    """

    name: str
    caption: str
    columns: dict[str, str]
    money: tuple[str, ...] = ()
    percent: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    widths: dict[str, int] = field(default_factory=dict)
    note: str = ""
    #: Excel number formats of the other numeric columns (a ratio as 倍, a price per Mbps).
    number_formats: dict[str, str] = field(default_factory=dict)
    detail: bool = False
    #: Text formatters of columns (key -> function of the raw value), for the HTML and Word renderers.
    text: dict[str, Callable[[Any], str]] = field(default_factory=dict)


@dataclass
class Table:
    """A table: the frame of raw values and its layout; ``number`` is its place among the report's tables
    (表N), given when the report is assembled; ``total`` is the 合计 row a detail sheet ends with."""

    layout: TableLayout
    frame: pd.DataFrame
    demo: bool = False
    number: int | None = None
    total: dict[str, Any] | None = None
    #: Shown in the report (HTML, Word); False: a detail sheet of the Excel export only.
    shown: bool = True
    #: What the Excel sheet's caption adds after the caption (the score sheet names its table).
    sheet_suffix: str = ""

    @property
    def key(self) -> str:
        return self.layout.name

    @property
    def caption(self) -> str:
        """``表N 标题`` for a numbered table, else the title alone."""
        return f"表{self.number} {self.layout.caption}" if self.number else self.layout.caption

    def text_frame(self) -> pd.DataFrame:
        """The table as text, headers in Chinese: money in 万元, ratios as percents, counts as integers,
        未披露 for a missing figure and a dash for a missing label."""
        out = pd.DataFrame(index=range(len(self.frame)))
        for label, values in self.text_columns().items():
            out[label] = values
        return out

    def text_columns(self) -> dict[str, list]:
        """:meth:`text_frame`'s columns as lists, by Chinese header (what each cell's formatter gives, before a frame
        holds it)."""
        lay = self.layout
        formats: dict[str, Callable[[Any], str]] = {c: _integer_text for c in lay.integer}
        formats.update({c: (_year_text if c == "reference" else month_text) for c in lay.dates})
        formats.update({c: format_wan for c in lay.money})
        formats.update({c: pct for c in lay.percent})
        formats.update(lay.text)
        df = self.frame
        out: dict[str, list] = {}
        for col, label in lay.columns.items():
            values = list(df[col]) if col in df else [None] * len(df)
            fmt = formats.get(col, text_cell)
            out[label] = [fmt(v) for v in values]
        return out


@dataclass(frozen=True, eq=False)  # compared by identity, as a function is: its arguments hold frames
class Drawing:
    """A chart function named by module and name, with its arguments: calling it draws the figure.

    Everything the figure depends on besides the code is in ``args`` and ``kwargs``, which is what lets
    :mod:`qdanalysis.present.cache` key the drawn figure by their hash. The module is imported
    only when the figure is drawn: the Excel export draws none and loads no plotting library.
    """

    module: str
    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __call__(self) -> Any:
        return getattr(importlib.import_module(self.module), self.function)(*self.args, **self.kwargs)


def drawing(module: str, function: str, *args: Any, **kwargs: Any) -> Drawing:
    """``function`` of the chart module ``module`` (``qdanalysis.present.charts.<module>``) on these arguments."""
    return Drawing(f"qdanalysis.present.charts.{module}", function, args, kwargs)


@dataclass
class Chart:
    """A chart: ``draw()`` returns the matplotlib figure; ``alt`` is its caption and alt text.

    ``draw`` is a :class:`Drawing` wherever the figure may be cached; any other callable is drawn every time.
    """

    key: str
    draw: Callable[[], Any]
    alt: str


Block = Paragraph | Table | Chart


def _integer_text(value: Any) -> str:
    return UNDISCLOSED if is_missing(value) else format_number(value, 0)


def _year_text(value: Any) -> str:
    return date_text(value, "year")


def text_cell(value: Any) -> str:
    """A text cell; a missing label is a dash (missing amounts say 未披露 through their formatter)."""
    return "—" if is_missing(value) else str(value)


def bold(value: Any) -> Text:
    """A bold part of a paragraph."""
    return Text(str(value), bold=True)


def derived(text: str, basis: str = "") -> Figure:
    """A figure derived by us (推算), with what it was derived from."""
    return Figure(text, DERIVED, basis)


def figure(text: str) -> Figure:
    """A figure as the data states it, or 未披露 where its text says so."""
    return Figure(text, UNDISCLOSED if text == UNDISCLOSED else STATED)


def para(template: str, style: str = BODY, *, key: str = "", **values: Any) -> Paragraph:
    """A paragraph from a template whose ``{name}`` fields are filled with ``values``.

    A value that is a part (:func:`bold`, :func:`derived`, :class:`Placeholder`, :class:`Ref`) is kept as it is; any
    other value becomes plain text. The template's own words are plain text.
    """
    parts: list[Part] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(Text(literal))
        if name is None:
            continue
        value = values[name]
        if isinstance(value, (Text, Figure, Placeholder, Ref)):
            parts.append(value)
        else:
            parts.append(Text(format(value, spec) if spec else str(value)))
    return Paragraph(tuple(_merged(parts)), style, key)


def _merged(parts: list[Part]) -> Iterable[Part]:
    """Adjacent plain parts of the same weight joined, so that a paragraph's runs stay few."""
    out: list[Part] = []
    for p in parts:
        if out and type(p) is Text and type(out[-1]) is Text and out[-1].bold == p.bold:
            out[-1] = Text(out[-1].text + p.text, p.bold)
        else:
            out.append(p)
    return out


def joined(first: Paragraph, second: Paragraph) -> Paragraph:
    """One paragraph of two: the parts of ``first`` followed by those of ``second``."""
    return replace(first, parts=tuple(_merged([*first.parts, *second.parts])))


def numbered(paragraph: Paragraph, numbers: dict[str, int]) -> Paragraph:
    """The paragraph with each :class:`Ref` given the number its table has in ``numbers`` (by key)."""
    if not any(isinstance(p, Ref) for p in paragraph.parts):
        return paragraph
    parts = tuple(replace(p, number=numbers.get(p.key)) if isinstance(p, Ref) else p for p in paragraph.parts)
    return replace(paragraph, parts=parts)


def plain_text(blocks: Iterable[Block]) -> str:
    """Blocks as plain text: paragraphs, and each table's caption, text cells and note (for tests and search)."""
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Table):
            out.append(b.caption + b.text_frame().to_csv(index=False) + b.layout.note)
    return "\n".join(out)


def table(frame: pd.DataFrame, columns: dict[str, str], caption: str, *, money: Iterable[str] = (),
          percent: Iterable[str] = (), formats: dict[str, Callable[[Any], str]] | None = None, demo: bool = False,
          note: str = "") -> Table:
    """A table declared where it is made (a trend table, one of the draft's own), not numbered among the
    report's: money in 万元 (two decimals), ratios as percents, ``formats`` for other columns."""
    layout = TableLayout(caption, caption, dict(columns), money=tuple(money), percent=tuple(percent), note=note,
                         text=dict(formats or {}))
    return Table(layout, frame, demo)

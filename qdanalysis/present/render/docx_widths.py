"""How wide each column of a Word table is: as wide as its text where the page allows, else the widest text gives way.

Figures, codes and short labels keep their width and never wrap while a long note does; a figure inside a wrapped
text (实际9201859.92元，…) still gets a column wide enough for it.
"""

from __future__ import annotations

import re

import pandas as pd

from qdanalysis.fmt import display_width
from qdanalysis.present.render.cells import CODE, NUMBER, unbroken
from qdanalysis.present.render.docx_typography import TABLE_SIZE, TEXT_WIDTH

#: No column is capped below this width (mm) to make room for others.
MIN_COLUMN_MM = 12
#: A column whose text needs at most this width (mm) keeps it when the page is tight.
SHORT_COLUMN_MM = 26
#: How many display columns (half a Chinese character) one character of a figure is given: digits are wider.
NUMBER_WIDTH = 1.25
#: A word that no line may break: a figure, a code or a Latin word with its signs (≤944.10, 9201859.92, HT-2019-1.1).
WORD = re.compile(r"[0-9A-Za-z.,%+\-−≤≥<>=~/_:#@]+")


def column_widths(frame: pd.DataFrame, size=TABLE_SIZE, width=TEXT_WIDTH,
                  kinds: list[list[str]] | None = None) -> list[float]:
    """The width (mm) of each column of ``frame`` set in ``size`` between margins ``width`` apart: as wide as their
    text where the width allows; otherwise the widest give way first (so that figures, codes and short labels never
    wrap while a long note does). ``kinds``: each column's cell kinds
    (:func:`~qdanalysis.present.render.cells.column_kinds`), by default from the text alone."""
    return text_widths(list(frame.columns), [list(frame.iloc[:, j]) for j in range(frame.shape[1])], size, width,
                       kinds)


def text_widths(names: list, columns: list[list], size=TABLE_SIZE, width=TEXT_WIDTH,
                kinds: list[list[str]] | None = None) -> list[float]:
    """:func:`column_widths` of the columns ``columns`` (each a list of its cells, None or NaN where missing) headed
    ``names``."""
    unit = size.mm / 2 * 0.98  # one display column: half a Chinese character of this size
    needs = []
    numeric = []
    for j, name in enumerate(names):
        given = [v is not None and not (not isinstance(v, str) and pd.isna(v)) for v in columns[j]]
        values = [str(v) for v, g in zip(columns[j], given) if g]
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
    least = [max([len(w) * NUMBER_WIDTH for v in column if isinstance(v, str) for w in WORD.findall(v)],
                 default=0) * unit + padding for column in columns]
    return _at_least(widths, least)


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

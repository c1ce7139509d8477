"""The trends report's measure tables as text: a partial year reads ``数+未披露``, an input not provided 未提供.

Each year's measures carry their coverage (:func:`~qdanalysis.analyse.trends.year_measures`); these
functions turn a figure and its coverage into the cell a reader sees and the note under the table
that says what each partial figure leaves out, so that 表1 shows what the charts show.
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from qdanalysis.analyse import trend_coverage as coverage
from qdanalysis.analyse.trends import WITHHELD, measure_state
from qdanalysis.domain import UNDISCLOSED
from qdanalysis.fmt import count_text, format_wan, pct

__all__ = ["WITHHELD", "cell", "change_notes", "coverage_notes", "measure_cells"]


def cell(value: Any, state: str, fmt: Callable[[Any], str]) -> str:
    """A figure as a table shows it: ``147.30+未披露`` when partial, 未提供 when the input is absent."""
    if state == coverage.ABSENT:
        return coverage.NOT_PROVIDED
    text = fmt(value)
    if state == coverage.PARTIAL:
        return UNDISCLOSED if text == UNDISCLOSED else f"{text}+{UNDISCLOSED}"
    return text


def measure_cells(measures: pd.DataFrame, money: tuple[str, ...], percent: tuple[str, ...],
                  counts: tuple[str, ...]) -> pd.DataFrame:
    """``measures`` with each named column as its cell text (:func:`cell`), the others unchanged."""
    out = measures.copy()
    kinds = [(money, format_wan), (percent, pct), (counts, count_text)]
    for cols, fmt in kinds:
        for col in cols:
            if col in out:
                out[col] = [cell(v, measure_state(r, col)[0], fmt) for (_, r), v in zip(measures.iterrows(), measures[col])]
    return out


def coverage_notes(measures: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """One sentence per year and measure whose figure is partial, not provided, or taken from another
    table: ``2019年线路年费用为部分数：线路清单5行中1行未披露月租……``."""
    notes = []
    for _, r in measures.iterrows():
        for col, label in labels.items():
            state, note = measure_state(r, col)
            if not note:
                continue
            if state == coverage.PARTIAL:
                notes.append(f"{int(r['year'])}年{label}为已披露部分之和（表中“+{UNDISCLOSED}”）：{note}")
            elif state == coverage.ABSENT:
                notes.append(f"{int(r['year'])}年{label}：{note}，不按零计")
            else:
                notes.append(f"{int(r['year'])}年{label}{note}")
    return notes


def change_notes(changes: pd.DataFrame) -> list[str]:
    """The changes withheld because the two years' coverage differs, each naming both coverages."""
    if "notes" not in changes:
        return []
    return [n for notes in changes["notes"] for n in (notes or [])]

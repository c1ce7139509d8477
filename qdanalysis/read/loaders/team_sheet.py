"""The one reader of the sheets the evaluation team fills in (评价发现, 发现处理, 整改情况, 上年主要问题).

Each such sheet is optional and may sit in any workbook of the year's folder, in a sheet named for it; a row with
a cell that starts with 【示例】 is the template's worked example and is skipped. :func:`read_team_sheet` reads
every row of the sheet in every workbook and hands each to a loader's row builder (:class:`SheetRow`), which
returns the row's values, or refuses the row with a problem naming file, sheet, row and column; all problems
are raised at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from qdanalysis.errors import ProblemCollector
from qdanalysis.read import parsing
from qdanalysis.read.columns import Record, frame, provenance, raise_problems, read_records
from qdanalysis.read.locate import Located, locate
from qdanalysis.read.schema import EXAMPLE_MARK, SheetSchema


def is_example(rec: Record) -> bool:
    """The template's worked example: a cell of the row starts with 【示例】."""
    return any(isinstance(v, str) and v.strip().startswith(EXAMPLE_MARK) for _, v in rec.raw.items())


class _Refused(Exception):
    """A row was refused; its problem is in the collector."""


@dataclass(frozen=True)
class SheetRow:
    """One row of a team sheet, as a row builder reads it.

    Attributes:
        collector: the problems of the row's workbook.
        loc: where the sheet is (its workbook, sheet and columns).
        rec: the row's cells.
        seen: the keys written in earlier rows of the sheet (of any workbook of the folder), for :meth:`once`.
    """

    collector: ProblemCollector
    loc: Located
    rec: Record
    seen: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def text(self, key: str) -> str | None:
        """The cell's text, cleaned; None when blank."""
        value = self.rec.raw.get(key)
        return None if parsing.is_blank(value) else parsing.clean_text(value)

    def refuse(self, key: str, message: str, hint: str, column: str | None = None) -> NoReturn:
        """Note a problem in the cell of ``key`` (or in ``column``, as named) and leave the row out."""
        self.collector.add(self.loc.sheet, self.rec.row, column or self.loc.where(key), message, hint)
        raise _Refused

    def word(self, key: str, label: str, allowed: tuple[str, ...]) -> str | None:
        """The cell's word when it is one of ``allowed`` (None when blank); else the row is refused, naming the
        words accepted."""
        value = self.text(key)
        if value is None or value in allowed:
            return value
        self.refuse(key, f"{label}「{value}」无法识别", f"{label}只能填写：{'、'.join(allowed)}")

    def once(self, key: str, column: str, label: str, then: str, advice: str) -> None:
        """Refuse the row when ``key`` was written in an earlier row, naming that row
        (``<label>重复：《file》「sheet」表第N行<then>``); otherwise remember this row."""
        if key in self.seen:
            file, sheet, row = self.seen[key]
            self.refuse(column, f"{label}重复：《{Path(file).stem}》「{sheet}」表第{row}行{then}", advice)
        self.seen[key] = (self.loc.file, self.loc.sheet, self.rec.row)


def read_team_sheet(path: str | Path, schema: SheetSchema, dtypes: dict[str, Any],
                    build: Callable[[SheetRow], dict[str, Any] | None]) -> pd.DataFrame:
    """Every row of ``schema``'s sheet in the workbooks of ``path``, the example row skipped, as ``build`` makes
    it (None: a row left out without a problem), with its provenance.

    Raises:
        ValidationError: the rows ``build`` refused (and any problem of the sheets themselves), all at once.
    """
    located, collectors = locate(path, schema)
    collector_of = {c.file: c for c in collectors}
    records = []  # every sheet read first: its problems come before those of its rows
    for loc in located:
        collector = collector_of[loc.file]
        records.extend((collector, loc, rec) for rec in read_records(loc, schema, collector) if not is_example(rec))
    rows = []
    seen: dict[str, tuple[str, str, int]] = {}
    for collector, loc, rec in records:
        try:
            values = build(SheetRow(collector, loc, rec, seen))
        except _Refused:
            continue
        if values is not None:
            rows.append({**values, **provenance(rec)})
    raise_problems(collectors)
    return frame(rows, dtypes)

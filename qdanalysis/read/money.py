"""The ``.qd`` accessor: money in notebooks, sums that keep 未披露, and a float view in 万元 for exploring.

Money columns are exact ``decimal128`` in 元, which is right for the report, but pandas' own
``groupby().sum()`` writes 0.00 for a group where nothing is disclosed, and ``describe()`` skips
decimal columns. The ``.qd`` accessor, registered when a year is loaded, does what an evaluator
means::

    b = qdanalysis.load_year(2020).budget
    b.qd.sum(by="category")        # exact sums per category; 未披露 (NA) where no item states a figure
    b.qd.total("budget")           # Decimal, or None when no row states one
    b.qd.wan()                     # the money columns as float 万元 (NaN for 未披露), without the bookkeeping
                                   # columns (src_file, src_sheet, src_row): for plots and describe()
    b.qd.describe()                # describe() of that view
    b.qd.headers()                 # each column's header in the sheet: budget → 预算数, executed → 执行数
    b.qd.wan().qd.zh()             # the same with the sheet's headers as column names

Charts of one's own show Chinese text once the report's style is set: ``qdanalysis.chart_style()``.

It is built on :mod:`qdanalysis.money` (the exact sums, the 万元) and lives here, beside the
loaders, because it needs pandas and pyarrow and registers itself when a year is loaded; the
core module stays free of both, so the command line starts fast.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pyarrow as pa

from qdanalysis.money import WAN, sum_known

#: The columns that say where a row came from (file, sheet, row): bookkeeping, not figures to explore.
BOOKKEEPING = ("src_file", "src_sheet", "src_row")


def money_columns(df: pd.DataFrame) -> list[str]:
    """The columns that hold exact decimal money (``decimal128``)."""
    return [c for c, t in df.dtypes.items()
            if isinstance(t, pd.ArrowDtype) and pa.types.is_decimal(t.pyarrow_dtype)]


@pd.api.extensions.register_dataframe_accessor("qd")
class MoneyAccessor:
    """``df.qd``: money helpers that never turn 未披露 into 0."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

    def sum(self, by: str | list[str] | None = None, columns: list[str] | None = None) -> pd.DataFrame | pd.Series:
        """Exact sums of the money columns (or ``columns``), per group of ``by`` or overall.

        A group in which no row states a figure sums to NA (未披露), not 0 (``min_count=1``).
        """
        cols = columns or money_columns(self._df)
        if by is None:
            return pd.Series({c: self.total(c) for c in cols}, dtype=object)
        return self._df.groupby(by, sort=False, dropna=False)[cols].sum(min_count=1)

    def total(self, column: str) -> Decimal | None:
        """The exact sum of one column; None when no row states a figure."""
        return sum_known(self._df[column])

    def wan(self) -> pd.DataFrame:
        """A copy with the money columns as float 万元 (NaN for 未披露) and without the bookkeeping columns
        (:data:`BOOKKEEPING`): for exploring, never for the report."""
        out = self._df.drop(columns=[c for c in BOOKKEEPING if c in self._df.columns])
        for c in money_columns(out):
            out[c] = pd.to_numeric(out[c].astype("float64[pyarrow]").astype("float64")) / WAN
        return out

    def headers(self) -> pd.Series:
        """The header each column has in the sheet (``budget`` → ``预算数``), from the input table whose columns
        these are (:mod:`qdanalysis.read.schema`); a column no sheet has (computed, bookkeeping) maps to itself."""
        from qdanalysis.read.inputs import INPUTS

        columns = [str(c) for c in self._df.columns]
        maps = [{c.key: c.header for c in t.schema.columns} for t in INPUTS]
        best = max(maps, key=lambda m: sum(c in m for c in columns))
        return pd.Series({c: best.get(c, c) for c in columns}, name="表头")

    def zh(self) -> pd.DataFrame:
        """A copy with the sheet's headers as column names (see :meth:`headers`)."""
        return self._df.rename(columns=self.headers().to_dict())

    def describe(self) -> pd.DataFrame:
        """``describe()`` of the money columns in 万元 (count is the number of disclosed figures)."""
        cols = money_columns(self._df)
        return self.wan()[cols].describe()

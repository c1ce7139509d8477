"""Money and the figures behind it: exact decimals, one rule from float to Decimal, sums that keep 未披露.

Money is :class:`~decimal.Decimal` in 元, exact to the fen (:data:`FEN`). A figure the data does not
give is missing (None, NaN, pd.NA, NaT), never 0: :func:`sum_known` adds the figures that are
stated and says None (未披露) when none is, :func:`sum_all` gives a total only when every figure is
stated. This module imports neither pandas nor numpy, so the command line uses it without their
start-up cost; the ``.qd`` accessor on frames (:mod:`qdanalysis.read.money`) is built on it.

How 未披露 is written, one convention: **in a frame it is pandas' missing value** (``<NA>`` in the exact money
columns and the nullable ones, NaT in dates), the column keeping its type; **outside a frame it is None** (a
single figure: a function's result such as :func:`sum_known`'s, a dict's value such as ``YearData.totals``, an
attribute). :func:`is_missing` recognises both, and every other marker a source may hand over (NaN, Decimal NaN);
a cell taken out of a frame as a single figure goes through :func:`known`, a single figure put into a money column
through ``analyse.money_array.money_array`` (None becomes ``<NA>``). So ``value is None`` is the test on a single
figure, and ``pd.isna`` / :func:`is_missing` the one on a cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

#: One fen (分), the precision of money in 元.
FEN = Decimal("0.01")
#: 元 in one 万元, the unit the outputs show.
WAN = 10000
#: Significant digits of a float that are the figure: what Excel itself shows and keeps.
FLOAT_DIGITS = 15


def is_missing(value: Any) -> bool:
    """None, NaN, pd.NA, NaT and Decimal NaN are missing; text (even empty) and numbers are not."""
    if value is None:
        return True
    if isinstance(value, (str, int)):
        return False
    if isinstance(value, float):
        return bool(value != value)  # NaN is not equal to itself (numpy's NaN too)
    if isinstance(value, Decimal):
        return value.is_nan()
    try:
        return bool(value != value)  # NaT (pandas and numpy) is not equal to itself
    except TypeError:  # pd.NA refuses to be a truth value
        return True


def known(value: Any) -> Any:
    """A single figure as the convention writes it: the value itself, or None (未披露) for any missing marker
    (pd.NA, NaN, NaT, Decimal NaN), so that ``is None`` is the one test outside a frame."""
    return None if is_missing(value) else value


def to_decimal(value: Any) -> Decimal:
    """Decimal of a number as written: a float by its first 15 significant digits.

    Excel stores doubles and shows 15 significant digits, so a figure typed as 0.3 or 1234.565
    comes back as exactly that, and so does one a float sum made noisy (0.1 + 0.2). Decimals are
    kept as they are; integers (numpy's too) are exact.

    Raises:
        TypeError: ``value`` is not a number.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # numpy.float64 too
        return Decimal(format(float(value), f".{FLOAT_DIGITS}g"))
    try:
        return Decimal(str(int(value)) if hasattr(value, "__index__") else str(value))
    except (InvalidOperation, ValueError) as exc:
        raise TypeError(f"不是数值：{value!r}") from exc


def round_half_up(value: Any, places: int = 2) -> Decimal:
    """Round half away from zero (四舍五入), as in Chinese finance tables."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def sum_known(values: Iterable[Any]) -> Decimal | None:
    """The exact sum of the stated figures; None (未披露) when none is stated, never 0."""
    known = [to_decimal(v) for v in values if not is_missing(v)]
    return sum(known, Decimal(0)) if known else None


def sum_all(values: Iterable[Any]) -> Decimal | None:
    """The exact total when every figure is stated; None (未披露) when any is missing or there is none.

    A sum over part of the rows would pass for the total: a total row uses this, not :func:`sum_known`.
    """
    values = list(values)
    if not values or any(is_missing(v) for v in values):
        return None
    return sum((to_decimal(v) for v in values), Decimal(0))


def safe_ratio(num: Any, den: Any) -> float | None:
    """``num / den`` computed exactly, as a float; None when either is missing or ``den`` is 0."""
    if is_missing(num) or is_missing(den) or to_decimal(den) == 0:
        return None
    return float(to_decimal(num) / to_decimal(den))

"""Change between two figures: relative, and compound per year (the trends report's growth rates)."""

from __future__ import annotations

import pandas as pd

from qdanalysis.money import to_decimal


def relative_change(before, after) -> float | None:
    """``after / before - 1``; None when either is unknown or ``before`` is not positive."""
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return None
    before, after = to_decimal(before), to_decimal(after)
    return None if before <= 0 else float(after / before - 1)


def yearly_growth(first, last, years: int) -> float | None:
    """Compound yearly growth from ``first`` to ``last`` over ``years`` years."""
    ratio = relative_change(first, last)
    if ratio is None or years <= 0 or ratio <= -1:
        return None
    return (1 + ratio) ** (1 / years) - 1

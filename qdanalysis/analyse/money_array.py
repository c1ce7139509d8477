"""Exact money columns for the frames the analyses return."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.read.schema import MONEY


def money_array(values) -> pd.arrays.ArrowExtensionArray:
    """``values`` as an exact money column in 元 (``MONEY``); None and NA stay NA (未披露), never 0."""
    return pd.array([None if v is None or v is pd.NA else Decimal(v) for v in values], dtype=MONEY)

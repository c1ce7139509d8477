"""The exact money column the analyses' frames hold."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.money_array import money_array
from qdanalysis.read.schema import MONEY


def test_values_become_exact_decimals_and_nothing_undisclosed_becomes_zero():
    values = [Decimal("1039968.00"), None, pd.NA, 76, "0.10"]
    column = money_array(values)
    assert column.dtype == MONEY
    assert column[0] == Decimal("1039968.00") and column[3] == Decimal(76) and column[4] == Decimal("0.10")
    assert pd.isna(column[1]) and pd.isna(column[2])
    assert values == [Decimal("1039968.00"), None, pd.NA, 76, "0.10"]  # the input is not changed

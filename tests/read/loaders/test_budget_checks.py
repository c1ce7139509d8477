"""The checks both budget layouts share: amounts in the sheet's unit, rows named as a user finds them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.read.loaders.budget_checks import _rows_text, in_unit


@pytest.mark.parametrize("amount, unit, shown", [(Decimal("1854000"), "万元", "185.40万元"),
                                                 (Decimal("12345.6"), "万元", "1.23456万元"),
                                                 (Decimal("4"), "元", "4.00元"), (Decimal("4"), None, "4.00元")])
def test_in_unit(amount, unit, shown):
    assert in_unit(amount, unit) == shown


@pytest.mark.parametrize("rows, text", [([], "无"), ([7], "7"), ([7, 8, 9], "7-9"), ([7, 9, 11], "7、9、11")])
def test_rows_text(rows, text):
    assert _rows_text(rows) == text

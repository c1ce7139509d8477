"""The checks both budget layouts share: amounts in the sheet's unit, rows named as a user finds them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.read import parsing
from qdanalysis.read.loaders import budget_checks
from qdanalysis.read.loaders.budget_checks import _rows_text, in_unit


@pytest.mark.parametrize("amount, unit, shown", [(Decimal("1854000"), "万元", "185.40万元"),
                                                 (Decimal("12345.6"), "万元", "1.23456万元"),
                                                 (Decimal("4"), "元", "4.00元"), (Decimal("4"), None, "4.00元")])
def test_in_unit(amount, unit, shown):
    assert in_unit(amount, unit) == shown


@pytest.mark.parametrize("rows, text", [([], "无"), ([7], "7"), ([7, 8, 9], "7-9"), ([7, 9, 11], "7、9、11")])
def test_rows_text(rows, text):
    assert _rows_text(rows) == text


@pytest.mark.parametrize("value", ["小计", "合 计", "⼩计", "小\u200b计", "  合计 ", "\u3000总额", "总\xa0额", "合\u2028计",
                                   "e\u0301", "ｔｏｔａｌ", "1.1", "", None, 3, 1.5, True])
def test_marker_compaction_is_compact(value):
    # the shortcut for text already compact (NFKC, no space, nothing invisible) gives what parsing.compact gives
    assert budget_checks._compact(value) == parsing.compact(value)

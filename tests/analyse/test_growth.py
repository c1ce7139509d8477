"""Relative and compound yearly change (qdanalysis.analyse.growth)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.analyse.growth import relative_change, yearly_growth


@pytest.mark.parametrize(("before", "after", "expected"), [
    (Decimal(100), Decimal(110), 0.10), (None, 5, None), (0, 5, None), (Decimal(942), Decimal(942), 0.0)])
def test_relative_change(before, after, expected):
    got = relative_change(before, after)
    assert got == (None if expected is None else pytest.approx(expected))


def test_yearly_growth_is_compound_and_refuses_no_span():
    assert yearly_growth(Decimal("942"), Decimal("742.71"), 3) == pytest.approx(-0.076176, abs=1e-6)
    assert yearly_growth(1, 2, 0) is None and yearly_growth(None, 2, 3) is None

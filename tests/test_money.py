"""Tests for qdanalysis.money: one rule from float to Decimal, sums that keep 未披露, safe ratios."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from qdanalysis.money import FEN, WAN, is_missing, known, round_half_up, safe_ratio, sum_all, sum_known, to_decimal


@pytest.mark.parametrize("value, expected", [
    (0.1 + 0.2, Decimal("0.3")),              # float noise is not a figure anyone wrote
    (1234.565, Decimal("1234.565")),          # Decimal(1234.565) would be 1234.5649999…
    (66.7, Decimal("66.7")),
    (0.03249999999999997, Decimal("0.0325")),
    (np.float64(0.1) * 3, Decimal("0.3")),    # numpy floats by the same rule
    (1e-7, Decimal("1E-7")),
    (9246800.0, Decimal("9246800")),
    (-0.0, Decimal("-0")),
    (Decimal("0.0650"), Decimal("0.0650")),    # a Decimal is kept as it is, trailing zeros too
    (941, Decimal(941)),
    (np.int64(6000000), Decimal(6000000)),
    ("12.5", Decimal("12.5")),
])
def test_a_float_becomes_the_figure_it_shows(value, expected):
    result = to_decimal(value)
    assert result == expected and str(result) == str(expected)


def test_a_float_keeps_fifteen_significant_digits():
    assert to_decimal(1 / 3) == Decimal("0.333333333333333")
    assert to_decimal(123456789.12345679) == Decimal("123456789.123457")


def test_what_is_not_a_number_is_refused_with_its_value():
    with pytest.raises(TypeError, match="不是数值：'abc'"):
        to_decimal("abc")


@pytest.mark.parametrize("value, places, expected", [
    (1234.565, 2, "1234.57"),   # half up on the figure as written, not on its binary neighbour
    (0.125, 2, "0.13"),
    (-0.125, 2, "-0.13"),       # half away from zero
    (2.675, 2, "2.68"),
    (0.1 + 0.2, 2, "0.30"),
    (Decimal("0.0325") * 100, 1, "3.3"),
    (1.005, 2, "1.01"),
])
def test_round_half_up_rounds_the_written_figure(value, places, expected):
    assert f"{round_half_up(value, places):f}" == expected


@pytest.mark.parametrize("value", [None, math.nan, np.nan, pd.NA, pd.NaT, np.datetime64("NaT"), Decimal("NaN"),
                                   np.float64("nan")])
def test_missing_values(value):
    assert is_missing(value) is True


@pytest.mark.parametrize("value", ["", "未披露", 0, 0.0, Decimal(0), False, pd.Timestamp("2020-01-01"), (1, 2), [],
                                   np.int64(0)])
def test_stated_values_even_empty_or_zero_are_not_missing(value):
    assert is_missing(value) is False


def test_sum_known_keeps_undisclosed_and_is_exact():
    assert sum_known([None, pd.NA, math.nan]) is None          # nothing stated: 未披露, not 0
    assert sum_known([]) is None
    assert sum_known([Decimal("0.10"), None, Decimal("0.20")]) == Decimal("0.30")
    assert sum_known([0.1, 0.2, None]) == Decimal("0.3")       # floats by the one rule
    assert sum_known([Decimal(0)]) == 0 and sum_known([Decimal(0)]) is not None
    assert sum_known(pd.array([Decimal("1.5"), None], dtype=pd.ArrowDtype(pa.decimal128(18, 2)))) == Decimal("1.50")


def test_sum_all_is_a_total_only_when_every_figure_is_stated():
    assert sum_all([Decimal("1.10"), 2, 0.3]) == Decimal("3.40")
    assert sum_all([Decimal("1.10"), None]) is None             # a partial sum would pass for the total
    assert sum_all([Decimal("1.10"), math.nan]) is None
    assert sum_all([]) is None
    assert sum_all(iter([1, 2])) == 3


@pytest.mark.parametrize("num, den, expected", [
    (Decimal("9246800"), Decimal("9410000"), 0.9826567481402763),
    (1, 3, 1 / 3),
    (0.3, 0.1, 3.0),          # exact: 0.3 / 0.1 in floats is 2.9999999999999996
    (Decimal(5), 0, None),
    (Decimal(5), Decimal("0.00"), None),
    (None, 1, None),
    (1, pd.NA, None),
    (math.nan, 1, None),
])
def test_safe_ratio(num, den, expected):
    assert safe_ratio(num, den) == expected


def test_fen_and_wan():
    assert FEN == Decimal("0.01") and WAN == 10000
    assert round_half_up(Decimal("9246800") / WAN) == Decimal("924.68")


@pytest.mark.parametrize("missing", [None, pd.NA, float("nan"), np.nan, pd.NaT, Decimal("NaN")])
def test_a_missing_single_figure_is_none_whatever_marker_it_came_with(missing):
    assert known(missing) is None


@pytest.mark.parametrize("value", [Decimal("0"), 0, 0.0, "", "未披露", Decimal("9410000.00")])
def test_a_stated_single_figure_is_itself_even_zero_or_text(value):
    assert known(value) is value

"""fmt: numbers, amounts, dates and counts as the report writes them."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from qdanalysis.fmt import (
    chinese_numeral,
    count_text,
    date_text,
    display_width,
    format_number,
    format_wan,
    month_text,
    pct,
    placeholder,
    signed_pct,
    signed_points,
    times,
    wan,
    years_named,
)


@pytest.mark.parametrize("n, text", [(6_000_000, "600万"), (51_000, "5.1万"), (92, "92"), (None, "未披露")])
def test_count_text(n, text):
    assert count_text(n) == text


def test_wan_rounds_half_up():
    assert wan(11398.5) == "1.14万元" and wan(None) == "未披露"


@pytest.mark.parametrize("value, places, text", [(Decimal("924.675"), 2, "924.68"), (0.125, 2, "0.13"),
                                                 (Decimal("-2.5"), 0, "-3"), (1234, 0, "1234"), (None, 2, "未披露"),
                                                 (float("nan"), 2, "未披露")])
def test_format_number_rounds_half_away_from_zero(value, places, text):
    assert format_number(value, places) == text


def test_amounts_in_wan_percentages_and_changes():
    assert format_wan(9246800) == "924.68" and wan(Decimal("9410000.00")) == "941.00万元"
    assert pct(0.98266) == "98.27%" and pct(0.51, 0) == "51%" and pct(None) == "未披露"
    assert signed_pct(0.0676) == "+6.76%" and signed_pct(-0.05) == "-5.00%" and signed_pct(None) == "未披露"
    assert signed_points(2.6149) == "+2.61个百分点" and signed_points(-2.11) == "-2.11个百分点"
    assert signed_points(None) == "未披露"
    assert times(9.62) == "9.6倍"


def test_counts_below_ten_thousand_keep_their_digits():
    assert count_text(1003) == "1,003" and count_text(2.5) == "2.5" and count_text(10000) == "1万"


def test_dates_to_the_precision_the_data_gives():
    day = pd.Timestamp("2019-08-10")
    assert date_text(day) == "2019年8月10日" and date_text(day, "month") == "2019年8月"
    assert date_text(day, "year") == "2019年" and month_text(day) == "2019年8月"
    assert date_text(pd.NaT) == "未披露" and date_text(None, "year") == "未披露"


def test_years_named_in_a_text_in_order():
    assert years_named("2019—2020年，较2018年") == [2019, 2020, 2018]
    assert years_named("编号12020，电话20201") == [] and years_named("无年份") == []


def test_display_width_counts_chinese_and_full_width_characters_twice():
    assert display_width("abc") == 3 and display_width("预算数") == 6 and display_width("（万元）A") == 9


@pytest.mark.parametrize("n, numeral", [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
                                        (99, "九十九")])
def test_chinese_numerals_as_a_report_numbers_its_parts(n, numeral):
    assert chinese_numeral(n) == numeral


def test_a_placeholder_is_the_form_words_search_finds():
    assert placeholder("评价结论") == "【待评价组填写：评价结论】"

"""Scoring tables: the 评价记录 rows a table asks for, and its numbers in words (a YAML value as a number, a number
as text). Reading a table is tested in test_scoring_file.py, the presets in test_scoring_presets.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.analyse import scoring_table as st
from qdanalysis.analyse.scoring_file import load_scoring
from qdanalysis.paths import PARAMS


@pytest.mark.parametrize("value, text", [(8, "8"), (Decimal("4.080"), "4.08"), (0.5, "0.5"), (29.914, "29.91"),
                                         (Decimal("2.005"), "2.01"), (100, "100")])
def test_numbers_are_written_with_two_decimals_at_most_and_no_trailing_zeros(value, text):
    assert st.number_text(value) == text


@pytest.mark.parametrize("value, text", [(96.1, "96.10"), (Decimal("84.975"), "84.98"), (8, "8.00"), (0, "0.00")])
def test_scores_obtained_are_written_with_two_decimals_always(value, text):
    assert st.score_text(value) == text


@pytest.mark.parametrize("value, number", [(10, Decimal(10)), (2.5, Decimal("2.5")), ("10%", Decimal(10)),
                                           ("3", Decimal(3)), (Decimal("1.5"), Decimal("1.5")), (True, None),
                                           (None, None), (float("nan"), None), (float("inf"), None),
                                           (Decimal("NaN"), None), ("十分", None), ("5条", None), ([1], None)])
def test_a_yaml_value_is_a_number_or_none(value, number):
    assert st.to_number(value) == number


def test_the_record_rows_say_how_each_indicator_is_scored():
    rows = st.record_rows(load_scoring(PARAMS / "scoring-2020.yaml"))
    assert rows[0] == ("决策", "立项依据充分性", 4.0, "填写得分（0—4）")
    assert ("过程", "预算执行率", 5.0, "由预算表计算，无需填写得分") in rows
    how = {name: text for _, name, _, text in rows}
    assert how["运行维护制度健全性"] == "填写 达成、部分达成 或 未达成（或直接填写得分）"
    assert how["使用部门满意度"] == "填写得分（0—10）"
    assert sum(weight for _, _, weight, _ in rows) == 100.0

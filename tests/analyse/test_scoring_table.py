"""Scoring tables: the shipped presets and files, the 评价记录 rows they ask for, their numbers in words.

Loading and validating a table in detail is tested with the scoring in tests/analyse/test_scoring.py (the
scoring module re-exports these functions); here, what this module does on its own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis.analyse import scoring_table as st
from qdanalysis.errors import ValidationError
from qdanalysis.paths import PARAMS


@pytest.mark.parametrize("value, text", [(8, "8"), (Decimal("4.080"), "4.08"), (0.5, "0.5"), (29.914, "29.91"),
                                         (Decimal("2.005"), "2.01"), (100, "100")])
def test_numbers_are_written_with_two_decimals_at_most_and_no_trailing_zeros(value, text):
    assert st.number_text(value) == text


@pytest.mark.parametrize("value, number", [(10, Decimal(10)), (2.5, Decimal("2.5")), ("10%", Decimal(10)),
                                           ("3", Decimal(3)), (Decimal("1.5"), Decimal("1.5")), (True, None),
                                           (None, None), (float("nan"), None), (float("inf"), None),
                                           (Decimal("NaN"), None), ("十分", None), ("5条", None), ([1], None)])
def test_a_yaml_value_is_a_number_or_none(value, number):
    assert st.to_number(value) == number


def test_the_presets_and_their_first_level_groups():
    own = st.load_preset("self-evaluation")
    assert own.total == Decimal(100) and own.file.endswith("self-evaluation.yaml")
    assert list(dict.fromkeys(i.level1 for i in own.indicators)) == ["预算执行率", "产出指标", "效益指标", "满意度指标"]
    frame = own.frame()
    assert list(frame.columns) == ["level1", "level2", "name", "weight", "rule", "source_of_actual"]
    assert frame["weight"].sum() == 100.0 and frame["source_of_actual"].iloc[0] == "数据计算：预算执行率"
    third = st.load_preset("third-party")
    assert list(dict.fromkeys(i.level1 for i in third.indicators))[:2] == ["决策", "过程"]


def test_an_unknown_preset_names_the_ones_there_are():
    with pytest.raises(ValidationError, match="没有名为「annual」的预置评分表") as err:
        st.load_preset("annual")
    assert err.value.problems[0].hint == "可用的有：self-evaluation、third-party"


def test_the_record_rows_say_how_each_indicator_is_scored():
    rows = st.record_rows(st.load_scoring(PARAMS / "scoring-2020.yaml"))
    assert rows[0] == ("预算执行率", "预算执行率", 10.0, "由预算表计算，无需填写得分")
    how = {name: text for _, name, _, text in rows}
    assert how["运行维护制度健全性"] == "填写 达成、部分达成 或 未达成（或直接填写得分）"
    assert how["使用部门满意度"] == "填写得分（0—10）"
    assert sum(weight for _, _, weight, _ in rows) == 100.0


def test_a_table_from_a_sheet_without_weights_shares_the_presets_groups(analysis2020):
    table = st.table_from_indicators(analysis2020.data.indicators, 2020, "《2020年专项业务费》工作簿「绩效指标」表")
    assert table.year == 2020 and table.total == Decimal(100)
    assert table.indicators[0].name == "预算执行率" and table.indicators[0].weight == st.EXECUTION_WEIGHT
    assert "《2020年专项业务费》工作簿「绩效指标」表" in table.source + table.note

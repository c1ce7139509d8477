"""A scoring table built from a year's own 绩效指标 sheet."""

from __future__ import annotations

from decimal import Decimal

from qdanalysis.analyse import scoring_from_indicators as st


def test_a_table_from_a_sheet_without_weights_shares_the_presets_groups(analysis2020):
    table = st.table_from_indicators(analysis2020.data.indicators, 2020, "《2020年专项业务费》工作簿「绩效指标」表")
    assert table.year == 2020 and table.total == Decimal(100)
    assert table.indicators[0].name == "预算执行率" and table.indicators[0].weight == st.EXECUTION_WEIGHT
    assert "《2020年专项业务费》工作簿「绩效指标」表" in table.source + table.note

"""The trends report's 表1 and 表3 on a partly blanked demo: partial figures read 数+未披露 (issue 29)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qdanalysis.analyse.trends import analyse_trends
from qdanalysis.present import trends_cells as cells
from qdanalysis.present.trends_report import TrendsReport


@pytest.fixture(scope="module")
def blanked_report(blanked_root, blanked_analyses):
    return TrendsReport(Path(blanked_root), list(range(2018, 2023)), blanked_analyses, {}, True,
                        analyse_trends(blanked_analyses))


def test_cell_marks_partial_and_absent():
    assert cells.cell(1473036, "partial", lambda v: "147.30") == "147.30+未披露"
    assert cells.cell(None, "absent", str) == "未提供"
    assert cells.cell(None, "partial", lambda v: "未披露") == "未披露"


def test_table1_marks_partial_years_like_the_charts(blanked_report):
    t1 = blanked_report.table()[0].text_frame().set_index("年度")
    assert t1.loc["2019年", "线路年费用（万元）"] == "152.30+未披露"
    assert t1.loc["2021年", "短信费用（万元）"] == "39.40+未披露"
    assert t1.loc["2021年", "短信条数"] == "636.24万"
    note = blanked_report.table()[0].layout.note
    assert "2021年短信条数取自绩效指标表「保障金宏短信数量」实际完成值" in note
    assert "2019年线路年费用为已披露部分之和" in note
    t2 = blanked_report.table()[1].text_frame()
    assert list(t2["指标口径不一致"]) == ["1"] * 5


def test_table3_withholds_changes_across_coverages(blanked_report):
    t3 = blanked_report.changes()[0]
    frame = t3.text_frame().set_index("年度")
    assert frame.loc["2019年", "线路年费用（%）"] == cells.WITHHELD
    assert frame.loc["2020年", "线路年费用（%）"] == cells.WITHHELD
    assert frame.loc["2021年", "短信费用（%）"] == cells.WITHHELD
    assert frame.loc["2021年", "短信条数（%）"] == "+1.00%"
    assert "短信费用：2021年为部分数，2020年为完整数，口径不同，不计算变化" in t3.layout.note

"""Indicator status: target against actual on the 2020 data."""

from __future__ import annotations

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse import indicator_status as A


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


def test_indicator_status_2020(y2020):
    s = A.indicator_status(y2020.indicators).set_index("name")
    assert s.loc["整合视频监控数量", "status"] == "未完成" and s.loc["整合视频监控数量", "achievement"] == 0.51
    assert pd.isna(s.loc["视频资源共享数量", "achievement"]) and s.loc["视频资源共享数量", "status"] == "口径不一致"
    assert (s["status"] == "未披露").sum() == 8
    # a ceiling (≤941万元) is met or not: no "完成比例 101.76%", the comparison in words
    assert pd.isna(s.loc["采购成本", "achievement"])
    assert s.loc["采购成本", "comparison"] == "实际924.68万元，未超过上限941万元"
    assert s.loc["整合视频监控数量", "comparison"] == "实际5.1万路，为目标值的51%"
    assert s.loc["系统正常运行率", "comparison"] == "完成值未披露"

"""The tool's own doubts about an indicator's evidence (待核实), each with its reason."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from scoring_inputs import indicators

from qdanalysis.analyse.scoring_doubts import doubts, overall_result, unitless_target

RESULTS = pd.DataFrame({"name": ["汇聚视频资源", "接入单位"], "value": ["5.1万", 79], "unit": ["路", "个"],
                        "source": ["二（一）：汇聚视频资源5.1万路", "二（一）：79个单位"]})


def one(target: str, actual: str | None):
    return indicators(("指标", target, actual)).iloc[0]


@pytest.mark.parametrize("target, actual, expected", [
    ("≥3万条", "4.8万路", ["口径不一致：指标值“≥3万条”以“条”计，实际完成值“4.8万路”以“路”计"]),
    ("≥10万", "12万路", ["指标值“≥10万”没有计量单位，实际完成值“12万路”以“路”计，无法确认是否同一口径"]),
    ("≤100元", "90元", ["指标值“≤100元”即项目预算总额，与预算执行率重复，指标设置不科学"]),
    ("≥80条", "85条", []),
    ("≥10", "12", []),          # neither has a unit: the same count
    ("健全", "健全", []),
])
def test_doubts(target, actual, expected):
    assert doubts(one(target, actual), {"budget": Decimal(100)}) == expected


def test_an_actual_that_is_the_units_overall_result_is_doubted():
    r = one("≥10万", "5.1万路")
    assert unitless_target(r)
    assert overall_result(r, RESULTS) == "二（一）：汇聚视频资源5.1万路"
    assert doubts(r, {}, RESULTS)[-1] == ("实际完成值“5.1万路”是“产出与成效”表所列的单位整体工作成效"
                                          "（二（一）：汇聚视频资源5.1万路），未区分本项目的产出")
    assert overall_result(one("≥70个", "79个"), RESULTS) == "二（一）：79个单位"  # a number cell
    assert overall_result(one("≥80条", "85条"), RESULTS) == "" and overall_result(r, None) == ""


def test_no_row_no_doubt():
    assert doubts(None, {}) == []

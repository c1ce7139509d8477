"""The evaluation table of a year without a scoring file: the preset's 决策/过程, the year's sheet as 产出/效益."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from scoring_inputs import indicators

from qdanalysis import ValidationError
from qdanalysis.analyse.scoring_evaluation import PROCUREMENT, evaluation_from_indicators


def sheet(level1s, weights=None):
    out = indicators(("线路数量", "≥80条", "85条"), ("运行率", "≥95%", "99%"), ("制度健全性", "健全", None),
                     ("满意度", "≥85%", None))
    out["level1"] = level1s
    if weights:
        out["weight"] = pd.array(weights, dtype="Float64")
    out["src_file"], out["src_sheet"], out["src_row"] = "2021.xlsx", "绩效指标", [4, 5, 6, 7]
    return out


def test_the_sheets_indicators_share_the_groups_weights_evenly():
    t = evaluation_from_indicators(sheet(["产出指标", "产出", "效益指标", "满意度指标"]), 2021, "《2021》「绩效指标」表")
    weights = {i.name: (i.level1, i.level2, i.weight, i.rule) for i in t.indicators}
    assert weights["线路数量"] == ("产出", "数量指标", Decimal(15), "ratio")
    assert weights["制度健全性"] == ("效益", "数量指标", Decimal(15), "levels")
    assert weights["满意度"] == ("效益", "满意度", Decimal(15), "ratio")  # 满意度 goes under 效益
    assert t.group_weights() == {"决策": 20, "过程": 20, "产出": 30, "效益": 30} and t.total == 100
    assert t.kind == "评价指标体系（决策、过程、产出、效益）" and PROCUREMENT in weights
    assert all(i.points and i.standard for i in t.indicators)  # every indicator has 评分要点 and 评分标准
    assert "《2021》「绩效指标」表" in t.source and "待评价组/财政部门确认" in t.note


def test_the_sheets_weights_keep_their_proportions():
    t = evaluation_from_indicators(sheet(["产出指标", "产出指标", "效益指标", "效益指标"], [40, 20, 20, 10]), 2021)
    weights = {i.name: i.weight for i in t.indicators}
    assert (weights["线路数量"], weights["运行率"], weights["制度健全性"], weights["满意度"]) == (20, 10, 20, 10)


def test_without_contracts_no_procurement_indicator():
    t = evaluation_from_indicators(sheet(["产出指标"] * 4), 2021, has_contracts=False)
    weights = {i.name: i.weight for i in t.indicators}
    assert PROCUREMENT not in weights and weights["制度执行有效性"] == 5  # 3 + its 2
    assert weights["实施效益"] == 20  # no 效益 in the sheet: the preset's own stays
    assert sum(weights.values()) == 100 and "本年没有合同台账" in t.note


def test_a_row_of_another_level_is_refused_by_row():
    with pytest.raises(ValidationError) as err:
        evaluation_from_indicators(sheet(["产出指标", "决策指标", "效益指标", "效益指标"]), 2021)
    [p] = err.value.problems
    assert (p.file, p.sheet, p.row, p.column) == ("2021.xlsx", "绩效指标", 5, "一级指标")

"""The shipped presets: their groups and weights, reweighting them, and a name that is not a preset."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis import ValidationError
from qdanalysis.analyse import scoring_presets as st
from qdanalysis.analyse.scoring_presets import PRESETS, load_preset, reweight

NOTE = "权重须以本地财政部门现行规定为准"


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


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_load_sum_to_100_and_say_where_to_check(name):
    t = load_preset(name)
    assert t.total == 100 and sum(i.weight for i in t.indicators) == 100
    assert "财预〔2020〕10号" in t.source
    assert NOTE in t.note


def test_self_evaluation_split():
    assert load_preset("self-evaluation").group_weights() == {
        "预算执行率": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}


def test_third_party_tree_with_user_weights():
    t = load_preset("third-party", weights={"决策": 15, "过程": 25, "产出": 30, "效益": 30})
    assert list(t.group_weights().items()) == [("决策", 15), ("过程", 25), ("产出", 30), ("效益", 30)]
    assert sum(i.weight for i in t.indicators) == 100
    original = load_preset("third-party")
    assert [i.name for i in t.indicators] == [i.name for i in original.indicators]
    assert original.group_weights()["决策"] == 20  # reweight returns a new table


@pytest.mark.parametrize("weights, match", [
    ({"决策": 20, "过程": 20, "产出": 30}, "没有给出一级指标「效益」的权重"),
    ({"决策": 20, "过程": 20, "产出": 30, "效益": 20}, "权重之和为 90，不等于满分 100"),
    ({"决策": 20, "过程": 20, "产出": 30, "效益": 30, "管理": 0}, "没有一级指标「管理」"),
    ({"决策": "多", "过程": 20, "产出": 30, "效益": 30}, "不是不小于0的数字"),
])
def test_reweight_refusals(weights, match):
    with pytest.raises(ValidationError, match=match):
        reweight(load_preset("third-party"), weights)


def test_unknown_preset():
    with pytest.raises(ValidationError, match="没有名为「official」的预置评分表"):
        load_preset("official")

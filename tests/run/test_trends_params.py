"""``params/trends.yaml``: T05's and T06's thresholds, the defaults without it, and its refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis import ValidationError
from qdanalysis.analyse.rules.standing import GAP_YEARS, PRICE_GAP_RATIO, STANDING_YEARS
from qdanalysis.run import pipeline
from qdanalysis.run.trends_params import load_trends_thresholds


def write(tmp_path, text: str):
    (tmp_path / "trends.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_without_the_file_or_a_key_the_defaults_hold(tmp_path):
    t = load_trends_thresholds(tmp_path)
    assert (t.standing_years, t.price_gap_ratio, t.price_gap_years, t.from_params) == (6, Decimal("1.5"), 3, frozenset())
    assert (STANDING_YEARS, PRICE_GAP_RATIO, GAP_YEARS) == (6, Decimal("1.5"), 3)
    assert load_trends_thresholds(write(tmp_path, "# 只有注释\n")).from_params == frozenset()
    t = load_trends_thresholds(write(tmp_path, "price_gap_ratio: 1.25\n"))
    assert (t.standing_years, t.price_gap_ratio, t.price_gap_years) == (6, Decimal("1.25"), 3)
    assert t.from_params == {"price_gap_ratio"}


def test_every_key_is_read(tmp_path):
    t = load_trends_thresholds(write(tmp_path, "standing_years: 8\nprice_gap_ratio: 2\nprice_gap_years: 4\n"))
    assert (t.standing_years, t.price_gap_ratio, t.price_gap_years) == (8, Decimal(2), 4)
    assert t.from_params == {"standing_years", "price_gap_ratio", "price_gap_years"}


@pytest.mark.parametrize("text, line, key, message, hint", [
    ("standing_years: 六年\n", 1, "standing_years", "standing_years「六年」写成了文字",
     "写 2 到 30 之间的整数年数，不加引号和单位，例如 standing_years: 6"),
    ("standing_years: 6.5\n", 1, "standing_years", "standing_years 应为整数年数，实际是小数「6.5」", "例如 standing_years: 6"),
    ("price_gap_years: 1\n", 1, "price_gap_years", "price_gap_years 1 年超出范围", "例如 price_gap_years: 3"),
    ("price_gap_ratio: 1.5倍\n", 1, "price_gap_ratio", "price_gap_ratio「1.5倍」写成了文字",
     "写大于 1、不超过 100 的倍数，不加引号和“倍”字，例如 price_gap_ratio: 1.5"),
    ("price_gap_ratio: 1\n", 1, "price_gap_ratio", "price_gap_ratio 1 超出范围（1倍即没有差距）", "price_gap_ratio: 1.5"),
    ("# 说明\nstanding_year: 6\n", 2, "standing_year", "不认识的参数「standing_year」",
     "可用的参数只有：standing_years、price_gap_ratio、price_gap_years"),
    ("standing_years: 6\nstanding_years: 7\n", 2, "standing_years", "参数「standing_years」写了两次", "请只保留一处"),
])
def test_a_refused_value_names_the_file_line_and_key(tmp_path, text, line, key, message, hint):
    with pytest.raises(ValidationError) as err:
        load_trends_thresholds(write(tmp_path, text))
    [problem] = err.value.problems
    assert problem.file.endswith("trends.yaml") and (problem.row, problem.column) == (line, key)
    assert problem.message == message and hint in problem.hint


def test_a_file_that_is_not_keys_and_values_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="趋势分析参数文件应当是「键: 值」的形式") as err:
        load_trends_thresholds(write(tmp_path, "- 6\n"))
    assert err.value.problems[0].hint == "例如写一行 standing_years: 6"


@pytest.mark.slow
def test_the_trends_report_takes_the_params_folders_thresholds_and_the_demo_none_of_params(demo_root, tmp_path,
                                                                                            demo_trends_report):
    write(tmp_path, "standing_years: 7\n")
    t05 = [f for f in pipeline.trends_report(demo_root, params_dir=tmp_path).trends.findings if f.code.startswith("T05")]
    assert [f.figures["chain"] for f in t05] == ["SL-2014-2.1-LT"]
    assert "（按参数文件 params/trends.yaml 的 standing_years 设定）" in t05[0].summary
    default = [f for f in demo_trends_report.trends.findings if f.code.startswith("T05")]  # trends_report(demo_root)
    assert len(default) == 4 and "本工具默认标准" in default[0].summary

"""Reading and validating a scoring table: every refused key named with its file, line and fix, all at once."""

from __future__ import annotations

import pytest
from scoring_inputs import write

from qdanalysis import ValidationError
from qdanalysis.analyse.scoring_file import load_scoring
from qdanalysis.errors import display_path

NOTE = "权重须以本地财政部门现行规定为准"


GOOD = """\
name: 测试
source: 测试用
note: 权重须以本地财政部门现行规定为准
indicators:
  - {level1: 产出, name: 甲, weight: 60, rule: ratio, indicator: 甲}
  - level1: 效益
    name: 乙
    weight: 40
    rule: manual
    evaluator: 乙
"""


def test_load_scoring(tmp_path):
    t = load_scoring(write(tmp_path, GOOD))
    assert [i.name for i in t.indicators] == ["甲", "乙"]
    assert t.total == 100 and t.note == NOTE
    assert t.frame()["weight"].tolist() == [60.0, 40.0]


@pytest.mark.parametrize("old, new, match, column", [
    ("rule: ratio,", "rule: ratioo,", "评分规则「ratioo」不认识", "indicators[1].rule"),
    ("weight: 40", "weight: 35", "各指标分值之和为 95，不等于满分 100（产出 60，效益 35）", "indicators"),
    ("weight: 40", "weight: -5", "分值「-5」不是不小于0的数字", "indicators[2].weight"),
    ("evaluator: 乙", "evaluator: 乙\n    colour: red", "不认识的键「colour」", "indicators[2].colour"),
    ("name: 测试", "name: 测试\nauthor: 某人", "不认识的键「author」", "author"),
    ("rule: manual", "rule: manual\n    measure: execution_rate", "不应写 measure", "indicators[2].measure"),
    ("evaluator: 乙", "indicator: 乙", "缺少评价人打分键", "indicators[2]"),
    ("indicator: 甲}", "indicator: 甲, evaluator: 甲}", "恰好一个", "indicators[1]"),
    ("indicator: 甲}", "indicator: 甲, target: ≥5条}", "不应另写 target", "indicators[1].target"),
    ("indicator: 甲}", "measure: speed}", "计算指标「speed」不认识", "indicators[1].measure"),
    ("rule: ratio, indicator: 甲}", "rule: ratio, indicator: 甲, denominator: budget}",
     "只适用于 measure: execution_rate", "indicators[1].denominator"),
    ("note: 权重须以本地财政部门现行规定为准\n", "", "缺少提示（显示在报告中）「note」", "note"),
])
def test_validation_errors_name_the_key(tmp_path, old, new, match, column):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ValidationError, match=match) as err:
        load_scoring(path)
    problem = next(p for p in err.value.problems if p.column == column)
    assert problem.file.endswith("scoring.yaml") and problem.hint
    assert problem.row is not None or column == "note"  # a missing top-level key has no line


def test_error_names_file_and_line(tmp_path):
    path = write(tmp_path, GOOD.replace("rule: manual", "rule: manul"))
    err = pytest.raises(ValidationError, load_scoring, path).value
    (p,) = err.problems
    assert (p.row, p.column) == (9, "indicators[2].rule")
    assert "manul" in p.message and "ratio" in p.hint and "manual" in p.hint
    assert str(p).startswith(f"{p.file}:9:indicators[2].rule:")


def test_total_allows_other_sums(tmp_path):
    text = GOOD.replace("weight: 40", "weight: 20").replace("note:", "total: 80\nnote:")
    assert load_scoring(write(tmp_path, text)).total == 80
    with pytest.raises(ValidationError, match="不等于满分 90"):
        load_scoring(write(tmp_path, text.replace("total: 80", "total: 90")))


BANDS = """\
name: 测试
source: 测试用
note: 权重须以本地财政部门现行规定为准
indicators:
  - level1: 决策
    name: 预算调整率
    weight: 100
    rule: bands
    measure: adjustment_rate
    bands: {bands}
"""


@pytest.mark.parametrize("bands, match", [
    ("[{max: 10, score: 80}, {max: 0, score: 100}]", "没有按顺序排列：第1档 10，第2档 0"),
    ("[{max: 0, score: 100}, {max: 0, score: 50}]", "没有按顺序排列"),
    ("[{min: 80, score: 50}, {min: 90, score: 100}]", "没有按顺序排列"),
    ("[{max: 0, score: 100}, {min: 10, score: 50}]", "混用了上限（max）和下限（min）"),
    ("[{max: 0, min: 1, score: 100}]", "恰好有 max 或 min 之一"),
    ("[{max: 0, score: 120}]", "得分 120 超过分值 100"),
    ("[{max: 0, score: 90}]", "最高档得分 90 不等于分值 100"),
    ("[{max: 0, points: 100}]", "不认识的键「points」"),
    ("[{max: abc, score: 100}]", "界限「abc」不是数字"),
    ("[]", "缺少分档列表"),
])
def test_bad_bands_are_refused(tmp_path, bands, match):
    with pytest.raises(ValidationError, match=match):
        load_scoring(write(tmp_path, BANDS.format(bands=bands)))


def test_bands_accept_percent_text(tmp_path):
    t = load_scoring(write(tmp_path, BANDS.format(bands='[{max: "0%", score: 100}, {max: "10%", score: 50}]')))
    assert [b.bound for b in t.indicators[0].bands] == [0, 10]


ALLOWED = ("可用的键只有：name、year、source、note、total、indicators、grade_threshold"
           "（每个指标的键写在 indicators 下的各项中）")


@pytest.mark.parametrize("text, expected", [
    ("", [(None, "", "评分表文件是空的", "至少要写 name、source、note 和 indicators")]),
    ("- a\n- b\n", [(1, "", "评分表文件应当是「键: 值」的形式", "第一行例如 name: 项目支出绩效自评")]),
    ("name: [unclosed\n", [(2, "", "评分表文件不是合法的 YAML 格式", "请检查缩进、冒号后的空格和引号是否成对")]),
    (GOOD + "name: 又一个\n", [(11, "name", "键「name」写了两次", "请只保留一处")]),
    (GOOD.replace("    weight: 40\n", "    weight: 40\n    weight: 40\n"),
     [(9, "indicators[2].weight", "键「indicators[2].weight」写了两次", "请只保留一处")]),
    ("author: 某人\n" + GOOD, [(1, "author", "不认识的键「author」", ALLOWED)]),
    # a key written twice comes first, then what the table's own checks refuse
    (GOOD + "author: 某人\nname: 又一个\n",
     [(12, "name", "键「name」写了两次", "请只保留一处"), (11, "author", "不认识的键「author」", ALLOWED)]),
])
def test_file_level_refusals(tmp_path, text, expected):
    path = write(tmp_path, text)
    err = pytest.raises(ValidationError, load_scoring, path).value
    assert [(p.file, p.row, p.column, p.message, p.hint) for p in err.problems] == [
        (display_path(path), *problem) for problem in expected]


def test_a_table_that_is_not_a_mapping_is_refused_after_its_keys_written_twice(tmp_path):
    path = write(tmp_path, "[{a: 1, a: 2}]\n")
    err = pytest.raises(ValidationError, load_scoring, path).value
    assert [(p.file, p.row, p.column, p.message) for p in err.problems] == [
        (display_path(path), 1, "[1].a", "键「[1].a」写了两次"),
        (display_path(path), 1, "", "评分表文件应当是「键: 值」的形式")]


@pytest.mark.parametrize("content, message, hint", [
    (None, "找不到评分表文件", "请检查路径，或用 load_preset('self-evaluation') 从预置评分表开始"),
    ("name: 测试\n".encode("gb18030"), "评分表文件不是 UTF-8 编码", "请用文本编辑器以 UTF-8 编码另存"),
])
def test_a_file_that_cannot_be_read(tmp_path, content, message, hint):
    path = tmp_path / "scoring.yaml"
    if content is not None:
        path.write_bytes(content)
    err = pytest.raises(ValidationError, load_scoring, path).value
    assert [(p.file, p.row, p.column, p.message, p.hint) for p in err.problems] == [
        (display_path(path), None, "", message, hint)]


def test_yaml_is_read_safely(tmp_path):
    with pytest.raises(ValidationError, match="不是合法的 YAML 格式"):
        load_scoring(write(tmp_path, "name: !!python/object/apply:os.system ['echo hi']\n"))


def test_points_and_standard(tmp_path):
    text = GOOD.replace("    evaluator: 乙\n", "    evaluator: 乙\n    points: [是否制定制度, 制度是否执行]\n    standard: 每缺一项扣1分\n")
    text = text.replace("indicator: 甲}", "indicator: 甲, points: 实际与目标之比}")
    t = load_scoring(write(tmp_path, text))
    assert [(i.points, i.standard) for i in t.indicators] == [(("实际与目标之比",), ""),
                                                             (("是否制定制度", "制度是否执行"), "每缺一项扣1分")]


@pytest.mark.parametrize("line, match", [
    ("    points: [是否制定制度, 3]\n", "乙」的评分要点「points」应为文字或文字列表"),
    ("    standard: [扣1分]\n", "乙」的评分标准「standard」应为文字"),
])
def test_points_and_standard_refused(tmp_path, line, match):
    with pytest.raises(ValidationError, match=match):
        load_scoring(write(tmp_path, GOOD.replace("    evaluator: 乙\n", "    evaluator: 乙\n" + line)))


def test_the_2020_table_is_the_evaluation_system_with_its_points():
    from qdanalysis.paths import PARAMS

    t = load_scoring(PARAMS / "scoring-2020.yaml")
    assert t.group_weights() == {"决策": 20, "过程": 20, "产出": 30, "效益": 30}  # 产出 + 效益 = 60%
    assert all(i.points and i.standard for i in t.indicators)
    assert "待评价组/财政部门确认" in t.note and t.grade_threshold == 10

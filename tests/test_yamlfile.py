"""Reading the project's YAML files with Chinese errors: the file, the line of each key, values in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis import yamlfile
from qdanalysis.errors import ValidationError
from qdanalysis.yamlfile import KeyValueFile, is_int, key_path, line_of, node_lines, read_yaml, top_lines, type_name

TEXT = "year: 2020\ntitle: 分析\nindicators:\n  - name: 甲\n    weight: 10\n  - name: 乙\n"


def test_a_file_is_read_with_the_lines_of_its_keys(tmp_path):
    path = tmp_path / "2020.yaml"
    path.write_text(TEXT, encoding="utf-8")
    data, lines, source = read_yaml(path, "参数文件", "请复制模板", lambda text: node_lines(text)[0])
    assert data["indicators"][1] == {"name": "乙"} and source == str(path)
    assert lines[("year",)] == 1 and lines[("indicators", 0, "weight")] == 5 and lines[("indicators", 1)] == 6


@pytest.mark.parametrize("content, message, hint, row", [
    (None, "找不到参数文件", "请复制模板", None),
    ("年份：2020".encode("gbk"), "参数文件不是 UTF-8 编码", "请用文本编辑器以 UTF-8 编码另存", None),
    (b"year: 2020\ntitle: [unclosed\n", "参数文件不是合法的 YAML 格式", "请检查缩进、冒号后的空格和引号是否成对", 3),
])
def test_what_cannot_be_read_is_one_problem_naming_the_file(tmp_path, content, message, hint, row):
    path = tmp_path / "2020.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        read_yaml(path, "参数文件", "请复制模板", lambda text: None)
    [problem] = err.value.problems
    assert (problem.file, problem.message, problem.hint, problem.row) == (str(path), message, hint, row)


def test_a_key_written_twice_is_found_with_its_line():
    lines, duplicates = node_lines("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n")
    assert duplicates == [(("b", "c"), 4), (("a",), 5)]
    assert lines[("b", "c")] == 3 and node_lines("") == ({}, [])


def test_a_line_is_that_of_the_nearest_key_that_has_one():
    lines = {("indicators",): 3, ("indicators", 0): 4}
    assert line_of(lines, ("indicators", 0, "weight")) == 4 and line_of(lines, ("other",)) is None


def test_key_paths_and_values_in_words():
    assert key_path(("indicators", 2, "rule")) == "indicators[3].rule" and key_path(("year",)) == "year"
    assert is_int(3) and not is_int(True) and not is_int(3.0)
    assert [type_name(v) for v in (None, True, 1, 1.5, "a", [], {})] == ["空值", "是/否", "整数", "小数", "文字", "列表",
                                                                         "键值表"]
    assert type_name(b"x") == "bytes"


SETTINGS = KeyValueFile("设置文件", "设置", ("speed", "colour"), "speed: 3", missing_hint="请复制模板",
                        elsewhere={"year": ("「year」是参数，不是设置", "请写在 2020.yaml 中")})


def load(tmp_path, text, kind=SETTINGS):
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return kind.load(path)


def test_top_lines_keep_the_first_level_only():
    assert top_lines("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n") == ({"a": 1, "b": 2}, [("a", 5)])


def test_a_key_value_file_gives_its_mapping_and_the_lines_of_its_keys(tmp_path):
    data, lines, problems = load(tmp_path, "# 说明\nspeed: 3\ncolour: red\n")
    assert (data, lines, problems.problems) == ({"speed": 3, "colour": "red"}, {"speed": 2, "colour": 3}, [])
    assert load(tmp_path, "# 只有注释\n")[0] == {}


@pytest.mark.parametrize("text, row, key, message, hint", [
    ("speed: 3\nspeed: 4\n", 2, "speed", "设置「speed」写了两次", "请只保留一处"),
    ("speed: 3\nsped: 4\n", 2, "sped", "不认识的设置「sped」", "可用的设置只有：speed、colour"),
    ("year: 2020\n", 1, "year", "「year」是参数，不是设置", "请写在 2020.yaml 中"),
])
def test_each_key_problem_names_the_file_line_and_key(tmp_path, text, row, key, message, hint):
    _, _, problems = load(tmp_path, text)
    [problem] = problems.problems
    assert problem.file.endswith("settings.yaml")
    assert (problem.row, problem.column, problem.message, problem.hint) == (row, key, message, hint)


@pytest.mark.parametrize("kind, text, row, message, hint", [
    (SETTINGS, "- 3\n", 1, "设置文件应当是「键: 值」的形式", "例如写一行 speed: 3"),
    (KeyValueFile("设置文件", "设置", ("speed",), "speed: 3", shape_hint="第一层写 speed:"), "7\n", 1,
     "设置文件应当是「键: 值」的形式", "第一层写 speed:"),
    (KeyValueFile("设置文件", "设置", ("speed",), "speed: 3", required="至少要写 speed: 速度"), "# 空\n", None,
     "设置文件是空的", "至少要写 speed: 速度"),
])
def test_a_file_that_is_empty_where_keys_are_required_or_not_a_mapping_is_refused(tmp_path, kind, text, row,
                                                                                  message, hint):
    with pytest.raises(ValidationError) as err:
        load(tmp_path, text, kind)
    [problem] = err.value.problems
    assert (problem.row, problem.column, problem.message, problem.hint) == (row, "", message, hint)


def test_a_nested_file_finds_keys_written_twice_at_every_depth(tmp_path):
    nested = KeyValueFile("组合文件", "键", ("items",), "items:", allowed_note="（项目的键写在 items 下）", nested=True)
    data, lines, problems = load(tmp_path, "items:\n  - id: a\n    id: b\nitem: 1\n", nested)
    assert lines[("items", 0, "id")] == 2
    assert [(p.row, p.column, p.message, p.hint) for p in problems.problems] == [
        (3, "items[1].id", "键「items[1].id」写了两次", "请只保留一处"),
        (4, "item", "不认识的键「item」", "可用的键只有：items（项目的键写在 items 下）")]


@pytest.mark.parametrize(("value", "expected", "message"), [
    (0.1, Decimal("0.1"), None),
    (3, Decimal(3), None),
    ("3倍", None, "ratio「3倍」写成了文字"),
    (True, None, "ratio 应为倍数，实际是是/否"),
    ([3], None, "ratio 应为倍数，实际是列表"),
])
def test_number_is_exact_or_reports_what_the_value_is(value, expected, message):
    said = []
    got = yamlfile.number("ratio", value, "倍数", "写一个数", lambda *args: said.append(args))
    assert got == expected
    assert said == ([] if message is None else [("ratio", message, "写一个数")])

"""Reading the project's YAML files with Chinese errors: the file, the line of each key, values in words."""

from __future__ import annotations

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.yamlfile import is_int, key_path, line_of, node_lines, read_yaml, type_name

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

"""Problems name their place (file:sheet:row:column) without empty fields."""

from __future__ import annotations


def test_a_location_prints_no_empty_fields():
    from qdanalysis.errors import Problem

    assert Problem("a.xlsx", "", None, "", "文件为空").location() == "a.xlsx"
    assert Problem("params/2021.yaml", "", 3, "year", "m").location() == "params/2021.yaml:3:year"
    assert Problem("a.xlsx", "预算执行", None, "", "m").location() == "a.xlsx:预算执行"
    assert str(Problem("a.xlsx", "预算执行", 9, "预算数(D列)", "不是数字", "请填写数字")) == \
        "a.xlsx:预算执行:9:预算数(D列): 不是数字（请填写数字）"

"""One year's data: every declared table loaded, the optional ones empty when absent, demo folders marked."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from workbooks import make_workbook

from qdanalysis.errors import ValidationError
from qdanalysis.read.year import Totals, YearData, assemble, is_demo_folder, load_year

BUDGET = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1.1", "甲", "A", 10, 9],
          [None, "合计", None, 10, 9]]


def test_a_year_of_only_a_budget_has_every_other_table_empty_and_named_missing(tmp_path):
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": BUDGET})
    data = load_year(2021, tmp_path)
    assert isinstance(data, YearData) and data.year == 2021 and data.folder == tmp_path / "2021"
    assert len(data.budget) == 1 and data.contracts.empty and data.lines.empty and data.indicators.empty
    assert data.missing == ["合同台账", "线路清单", "短信结算", "绩效指标"]
    assert list(data.tables()) == [name for name, _, _ in data.row_counts()]
    assert ("budget", "预算执行", 1) in data.row_counts()
    assert repr(data).startswith("YearData(2021, budget=1, ") and repr(data).endswith("missing=4)")
    assert not data.demo and data.processed is None


def test_a_table_name_is_an_attribute_and_anything_else_is_not(tmp_path):
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": BUDGET})
    data = load_year(2021, tmp_path)
    assert data.budget is data.frames["budget"] and "contracts" in dir(data)
    with pytest.raises(AttributeError, match="YearData has no table 'ledger'"):
        data.ledger


def test_a_missing_year_folder_says_where_to_put_the_workbooks(tmp_path):
    with pytest.raises(ValidationError) as err:
        load_year(2031, tmp_path)
    [problem] = err.value.problems
    assert problem.message == "找不到2031年的数据文件夹" and problem.hint.startswith("请把2031年的工作簿放到 ")


def test_every_problem_of_the_year_is_raised_together(tmp_path):
    rows = [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", "abc", 1], ["甲", "B", -2, 1]]
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": rows})
    with pytest.raises(ValidationError) as err:
        load_year(2021, tmp_path)
    assert [p.row for p in err.value.problems] == [3, 4]


def test_a_demo_folder_is_known_by_its_marker_or_its_workbooks(tmp_path):
    assert not is_demo_folder(tmp_path / "absent")
    (tmp_path / "a").mkdir()
    assert not is_demo_folder(tmp_path / "a")
    (tmp_path / "a" / "DEMO").touch()
    assert is_demo_folder(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "示例数据_2021.xlsx").touch()
    assert is_demo_folder(tmp_path / "b")


def test_assemble_fills_the_tables_no_workbook_holds_with_empty_frames_of_their_columns(tmp_path):
    budget = pd.DataFrame({"code": ["1"]})
    data = assemble(2021, tmp_path, {"budget": budget, "sms": None}, {"budget": None}, {}, ["短信结算"])
    assert data.budget is budget and data.sms.empty and "month" in data.sms.columns
    assert data.files == [] and data.skipped == [] and data.missing == ["短信结算"]


def test_the_totals_show_a_ratio_rounded_and_an_unknown_as_undisclosed_but_stay_exact():
    import qdanalysis

    totals = qdanalysis.load_year(2020).totals
    shown = repr(totals)
    assert "'execution_rate': 0.9827" in shown and "'adjusted_budget': 未披露" in shown
    assert "'budget': 9410000.00" in shown
    assert totals["adjusted_budget"] is None and len(str(totals["execution_rate"])) > 10  # the values are exact


def test_totals_write_an_undisclosed_figure_as_none_never_na():
    """One convention (money.py): a cell's <NA> or NaN handed to the totals becomes None, so `is None` is the test."""
    frame = pd.DataFrame({"budget": pd.array([None], dtype="Float64")})
    t = Totals({"budget": Decimal("941"), "adjusted_budget": frame["budget"].iloc[0]}, executed=float("nan"))
    t["execution_rate"] = pd.NA
    t.update(adjustment="未披露")
    assert dict(t) == {"budget": Decimal("941"), "adjusted_budget": None, "executed": None, "execution_rate": None,
                       "adjustment": "未披露"}
    assert repr(t) == "{'budget': 941, 'adjusted_budget': 未披露, 'executed': 未披露, 'execution_rate': 未披露, 'adjustment': '未披露'}"


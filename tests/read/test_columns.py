"""Parsed columns: codes as text, frames of declared dtypes, rows as records with their place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from workbooks import make_workbook

from qdanalysis.errors import ProblemCollector
from qdanalysis.read import columns
from qdanalysis.read.locate import locate
from qdanalysis.read.safety import NOT_A_NUMBER, UNCACHED_FORMULA
from qdanalysis.read.schema import BUDGET, MONEY


@pytest.mark.parametrize("value, text", [(1.1, "1.1"), (3.0, "3"), ("2.10", "2.10"), (" 1.2 ", "1.2")])
def test_a_code_is_text_as_written(value, text):
    assert columns.code_text(value) == text


def test_a_frame_has_the_declared_dtypes_and_keeps_unknown_columns():
    rows = iter([{"code": "1", "amount": Decimal("1.50"), "day": dt.date(2020, 3, 1), "n": 2.0, "extra": "x"},
                 {"code": None, "amount": None, "day": None, "n": None, "share": 0.5}])
    f = columns.frame(rows, {"code": object, "amount": MONEY, "day": "date", "n": "Int64", "ok": "bool"})
    assert list(f.columns) == ["code", "amount", "day", "n", "ok", "extra", "share"]
    assert f["amount"].dtype == MONEY and f["amount"].iloc[0] == Decimal("1.50") and pd.isna(f["amount"].iloc[1])
    assert str(f["day"].dtype) == "datetime64[ns]" and pd.isna(f["day"].iloc[1])
    assert str(f["n"].dtype) == "Int64" and f["n"].iloc[0] == 2
    assert f["extra"].iloc[0] == "x" and pd.isna(f["extra"].iloc[1])  # a row without the column: missing there
    assert f["share"].iloc[1] == 0.5 and pd.isna(f["share"].iloc[0])
    assert list(f["code"]) == ["1", None]


def test_an_empty_frame_still_has_its_columns():
    f = columns.frame([], {"code": object, "amount": MONEY})
    assert list(f.columns) == ["code", "amount"] and f.empty


def test_a_row_is_a_fixed_mapping_over_a_list():
    row = columns.RowValues({"a": 0, "b": 1}, [1, 2])
    assert dict(row.items()) == {"a": 1, "b": 2} and row.get("c", 9) == 9 and "a" in row and len(row) == 2
    row["b"] = 3
    assert row["b"] == 3 and list(row) == ["a", "b"] and repr(row) == "RowValues({'a': 1, 'b': 3})"
    with pytest.raises(TypeError, match="fixed"):
        del row["a"]


def test_the_records_of_a_table_with_their_place_and_a_problem_for_each_bad_cell(tmp_path):
    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数", "经办人"], [1.1, "运维", "机房", 60, 58, "张三"],
            ["1.2", "运维", "网络", "很多", 1, None]]
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": rows})
    [loc], _ = locate(path, BUDGET)
    collector = ProblemCollector(loc.file)
    records = list(columns.read_records(loc, BUDGET, collector))
    assert [r.row for r in records] == [3, 4]
    first = records[0]
    assert first.values["code"] == "1.1" and columns.money_value(first.values["budget"]) == Decimal("600000.00")
    assert first.text("item") == "机房" and first.extras == {"经办人": "张三"}
    assert columns.provenance(first) == {"src_file": loc.file, "src_sheet": "预算执行", "src_row": 3, "经办人": "张三"}
    [problem] = collector.problems
    assert (problem.row, problem.column) == (4, "预算数(D列)") and "很多" in problem.message
    assert records[1].values["budget"] is None


def test_cells_the_reader_lists_as_errors_are_named():
    assert columns.error_cell_problem(UNCACHED_FORMULA)[0] == "单元格是公式，但文件里没有保存计算结果"
    assert columns.error_cell_problem(NOT_A_NUMBER + "inf")[0].startswith("单元格保存的数值是「无穷大」，不是有效数字")
    assert columns.error_cell_problem("#DIV/0!") == ("单元格是Excel错误值「#DIV/0!」", "请修正该单元格的公式，或改填数值（未知请留空）")


def test_exact_decimals_and_dates_as_arrays():
    arr = columns.decimal_array(np.array([150, 0, 7]), np.array([True, False, True]), 2, MONEY)
    assert list(arr)[0] == Decimal("1.50") and pd.isna(arr[1]) and arr[2] == Decimal("0.07")
    assert columns.money_value(None) is None and columns.as_date(None) is None
    ns = columns.date_ns([None])
    assert ns[0] == columns.NAT and pd.isna(columns.datetimes(ns).iloc[0])


@pytest.mark.parametrize("values", [[1, None, 3], [], [None], [True, None], [2**63], [10**20, None], [1.5], ["3"],
                                    [4, 5, 6], [-(2**63), 2**63 - 1], [1, True]])
def test_an_integer_column_is_the_array_pandas_builds_or_its_refusal(values):
    try:
        expected = pd.array(values, dtype="Int64")
    except (TypeError, ValueError, OverflowError) as err:
        with pytest.raises(type(err)):
            columns.int_array(values)
        return
    got = columns.int_array(values)
    assert got.dtype == expected.dtype and got.equals(expected)


ASCII_CODES = [f"HT-2020-{i:04d}" for i in range(80)]


@pytest.mark.parametrize("odd", [None, "", " HT-1", "HT-1 ", "HT  1", "HT-\t1", "合同-1", "ＨＴ-1", "a|b", "|", "a||b",
                                 "HT-1\u200b", 7, 7.0, dt.date(2020, 1, 1)])
@pytest.mark.parametrize("kind", ["text", "code"])
def test_a_long_text_column_parses_as_each_cell_would(kind, odd):
    from qdanalysis.read.schema import Column

    parse = columns.cell_parser(None, Column("x", "x", kind=kind))  # a text or code parser needs no sheet
    for values in (ASCII_CODES, ASCII_CODES[:40] + [odd] + ASCII_CODES[40:]):
        out = columns.Columns(None, BUDGET, list(range(len(values))), {}, {}, {})
        got = columns._parsed_column(list(values), parse, out, 0, "x", kind)
        assert got == [parse(v) for v in values] and out.staged == []


@pytest.mark.parametrize("values", [["运维", 1, True, "运维"], [True, "运维", 1], [1.5, "运维", 1, True], ["运维", None] * 40 + [1, True]])
def test_equal_numbers_of_different_types_are_parsed_cell_by_cell(values):
    from qdanalysis.read.schema import Column

    parse = columns.cell_parser(None, Column("x", "x", kind="text"))  # a logical value is refused, 1 reads "1"
    out = columns.Columns(None, BUDGET, list(range(len(values))), {}, {}, {})
    out.loc = type("Loc", (), {"where": staticmethod(lambda key: key)})()
    got = columns._parsed_column(list(values), parse, out, 0, "x", "text")
    assert got == [None if v is True else parse(v) for v in values]
    assert [i for i, *_ in out.staged] == [i for i, v in enumerate(values) if v is True]
    assert out.staged[0][3].startswith("单元格是逻辑值（TRUE）")


@pytest.mark.parametrize("odd", [None, " 甲公司", "甲公司\u3000", "甲\u200b公司", "甲  公司", 7, dt.date(2020, 1, 1)])
def test_a_column_of_texts_that_are_their_own_parse_reads_as_each_cell_would(odd):
    from qdanalysis.read.schema import Column

    parse = columns.cell_parser(None, Column("x", "x", kind="text"))
    texts = ["甲公司", "乙公司", None, "".join(["甲", "公司"])]  # equal texts, distinct objects
    values = texts * 30 + [odd]
    out = columns.Columns(None, BUDGET, list(range(len(values))), {}, {}, {})
    got = columns._parsed_column(list(values), parse, out, 0, "x", "text")
    assert got == [parse(v) for v in values] and out.staged == []
    if odd is not None:
        assert got[-1] == parse(odd) != odd  # not its own parse: the column is mapped value by value

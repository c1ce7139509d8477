"""The payment ledger (支付明细): read as the bureau exports it; every problem named by sheet, row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qdanalysis import ValidationError
from qdanalysis.errors import MissingTableError
from qdanalysis.read.loaders.payments import load_payments

HEADER = ["支付日期", "项目代码", "项目名称", "收款人", "合同编号", "金额（元）", "摘要"]


def ledger(*rows):
    return [["2020年国库集中支付明细"], HEADER, *rows]


def refused(workbook, rows, year=2020) -> list:
    with pytest.raises(ValidationError) as info:
        load_payments(workbook({"国库集中支付明细": rows}), year=year)
    return info.value.problems


def test_reads_dates_amounts_to_the_fen_and_keeps_the_row(workbook):
    path = workbook({"支付明细": ledger([dt.date(2020, 3, 31), "3702001", "机房维护", "甲公司", "HT-1", 200000.5, "运维费"],
                                     ["2020年12月28日", None, "数据采集", "乙公司", None, "1,500.50", None])})
    df = load_payments(path, year=2020)
    assert list(df["date"].dt.strftime("%Y-%m-%d")) == ["2020-03-31", "2020-12-28"]
    assert list(df["amount"]) == [Decimal("200000.50"), Decimal("1500.50")]
    assert list(df["item_code"]) == ["3702001", None] and list(df["payee"]) == ["甲公司", "乙公司"]
    assert list(df["src_row"]) == [3, 4] and list(df["src_sheet"]) == ["支付明细"] * 2


def test_found_by_its_header_in_any_sheet(workbook):
    path = workbook({"Sheet1": ledger([dt.date(2020, 1, 2), None, "A", None, None, 1, None])})
    assert len(load_payments(path, year=2020)) == 1


def test_no_ledger_is_a_missing_table_not_an_empty_one(workbook):
    with pytest.raises(MissingTableError):
        load_payments(workbook({"预算执行": [["类别", "项目名称", "预算数", "执行数"]]}), year=2020)


@pytest.mark.parametrize("cells, column, words", [
    ([None, None, "A", None, None, 1, None], "支付日期(A列)", "缺少支付日期"),
    (["2020年12月", None, "A", None, None, 1, None], "支付日期(A列)", "没有具体到日"),
    ([dt.date(2019, 12, 30), None, "A", None, None, 1, None], "支付日期(A列)", "不在2020年"),
    ([dt.date(2020, 5, 1), None, "A", None, None, None, "x"], "金额(元)(F列)", "缺少支付金额"),
    ([dt.date(2020, 5, 1), None, "A", None, None, "7.6万元/月", None], "金额(元)(F列)", "每月"),
    ([dt.date(2020, 5, 1), None, None, "甲", None, 1, None], "项目代码(B列)", "缺少项目代码和项目名称"),
])
def test_each_bad_row_is_named(workbook, cells, column, words):
    [p] = refused(workbook, ledger(cells))
    assert (p.sheet, p.row, p.column) == ("国库集中支付明细", 3, column)
    assert words in p.message and p.hint


def test_several_problems_in_one_run(workbook):
    problems = refused(workbook, ledger([None, None, "A", None, None, 1, None], [dt.date(2020, 1, 1), None, None, None,
                                                                                   None, None, None]))
    assert [p.row for p in problems] == [3, 4, 4]


def test_a_ledger_without_any_item_column_is_refused_at_its_header(workbook):
    [p] = refused(workbook, [["支付日期", "收款人", "金额（元）"], [dt.date(2020, 1, 1), "甲", 1]])
    assert p.row == 1 and "项目名称" in p.message and "项目代码" in p.hint

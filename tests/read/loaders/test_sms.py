"""The SMS settlement loader: months, counts and amounts per department; what it refuses."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError


def test_sms(workbook):
    rows = [
        ["单位：元"],
        ["月份", "部门", "发送量", "单价", "金额"],
        ["2020年1月", "办公厅", "１２,０００", "0.065元/条", "780.00"],
        ["2月", "办公厅", 10000, "0.065元/条", 650],
        [dt.datetime(2020, 3, 1), "财政局", "1.5万", None, None],
    ]
    sms = qdanalysis.load_sms(workbook({"短信结算": rows}), year=2020)
    assert list(sms["month"]) == [pd.Timestamp(2020, m, 1) for m in (1, 2, 3)]
    assert list(sms["count"]) == [12000, 10000, 15000]
    assert sms["amount"].iloc[0] == Decimal("780.00")


def test_sms_refusals(workbook):
    rows = [["单位：元"], ["月份", "条数", "单价"], ["2020年1月", "很多", "0.065元/月"], ["2020年1月", 1, None], ["13月", 1, None]]
    err = pytest.raises(ValidationError, qdanalysis.load_sms, workbook({"短信结算": rows}), year=2020).value
    got = [(p.row, p.column.split("(")[0], p.message) for p in err.problems]
    assert any(r == 3 and c == "条数" for r, c, _ in got)
    assert any(r == 3 and c == "单价" and "元/月" in m for r, c, m in got)
    assert any(r == 4 and "重复" in m for r, c, m in got)
    assert any(r == 5 and c == "月份" for r, c, _ in got)


@pytest.mark.parametrize("month", ["2019年12月", "2021-01", dt.datetime(2019, 6, 1)])
def test_sms_month_outside_the_evaluated_year_is_refused(workbook, month):
    rows = [["单位：元"], ["月份", "条数"], ["2020年1月", 10], [month, 20]]
    err = pytest.raises(ValidationError, qdanalysis.load_sms, workbook({"短信结算": rows}), year=2020).value
    [p] = err.problems
    assert (p.sheet, p.row, p.column) == ("短信结算", 4, "月份(A列)")
    assert p.message.startswith("月份「") and p.message.endswith("」不在评价年度2020年内")
    assert "其他年度的结算请放到该年度的文件夹中" in p.hint


def test_sms_months_without_a_year_given_are_not_judged(workbook):
    rows = [["单位：元"], ["月份", "条数"], ["2019年12月", 10]]
    assert len(qdanalysis.load_sms(workbook({"短信结算": rows}))) == 1


def test_sms_amount_per_message_is_refused(workbook):
    rows = [["单位：元"], ["月份", "条数", "金额"], ["2020年1月", 10, "0.07元/条"], ["2020年2月", 10, "650元/月"]]
    err = pytest.raises(ValidationError, qdanalysis.load_sms, workbook({"短信结算": rows}), year=2020).value
    [p] = err.problems
    assert (p.row, p.column) == (3, "金额(C列)")
    assert p.message == "金额应为每月的金额，「0.07元/条」是每条的金额"

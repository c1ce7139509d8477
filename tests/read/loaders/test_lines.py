"""The line inventory loader: lines, bandwidths and monthly fees; what it refuses."""

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError


def test_lines(workbook):
    rows = [
        ["线路清单"],
        ["单位", "运营商", "带宽", "月租费（元）", "线路数", "线路类型", "起租日期"],
        ["市大数据局", "中国联通", "1000M", "76,000", None, "互联网出口", "2014年"],
        ["市大数据局", "中国电信", "1G", "0.79万元/月", 1, "互联网出口", None],
        ["各单位", "中国联通", "100Mbps", "942元/月", 92, "单位接入", "2019年6月"],
        ["某单位", "中国移动", None, 500, 2, None, None],
    ]
    lines = qdanalysis.load_lines(workbook({"线路": rows}))
    assert list(lines["bandwidth_mbps"].iloc[:3]) == [1000.0, 1000.0, 100.0]
    assert pd.isna(lines["bandwidth_mbps"].iloc[3])
    assert list(lines["count"]) == [1, 1, 92, 2]
    assert list(lines["monthly_fee"]) == [Decimal("76000.00"), Decimal("7900.00"), Decimal("942.00"), Decimal("500.00")]
    assert lines["annual_cost"].iloc[2] == Decimal("1039968.00")
    assert lines["start"].iloc[2] == pd.Timestamp("2019-06-01")


def test_lines_refusals(workbook):
    rows = [["单位：元"], ["单位", "运营商", "带宽", "月租"], [None, "联通", "千兆", "7.6万元/年"]]
    err = pytest.raises(ValidationError, qdanalysis.load_lines, workbook({"线路清单": rows})).value
    got = {(p.row, p.column.split("(")[0]) for p in err.problems}
    assert got == {(3, "单位"), (3, "带宽"), (3, "月租")}


# --- issue 17 -----------------------------------------------------------------------------

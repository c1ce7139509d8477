"""Loaders for the line inventory, SMS settlements and indicators."""

import datetime as dt
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


def test_indicators(workbook):
    rows = [
        ["表1-1"],
        ["一级指标", "二级指标", "三级指标", "目标值", "完成值", "权重"],
        ["产出指标", "数量指标", "线路数量", "≥80条", "92条", 10],
        [None, None, "视频", "≥10万", "5.1万路", 10],
        [None, "时效指标", "响应时间", "≤2小时", "1.5小时", 5],
        ["效益指标", "可持续", "制度", "健全", "不健全", 5],
        [None, None, "应急", "健全", None, 5],
        [None, None, "满意度", "不低于95%", "96%", 5],
    ]
    ind = qdanalysis.load_indicators(workbook({"绩效指标": rows})).set_index("name")
    assert list(ind["level1"]) == ["产出指标"] * 3 + ["效益指标"] * 3
    assert ind.loc["响应时间", "level2"] == "时效指标" and ind.loc["制度", "level2"] == "可持续"
    assert ind.loc["线路数量", "met"] == True  # noqa: E712
    assert ind.loc["视频", "met"] == False and ind.loc["视频", "target_value"] == 100000  # noqa: E712
    assert ind.loc["响应时间", "met"] == True  # noqa: E712
    assert ind.loc["制度", "met"] == False  # noqa: E712
    assert pd.isna(ind.loc["应急", "met"])
    assert ind.loc["满意度", "met"] == True and ind.loc["满意度", "weight"] == 5  # noqa: E712


def test_unparseable_target_refused(workbook):
    rows = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出", "数量", "A", "较多"], ["产出", "数量", "B", None]]
    err = pytest.raises(ValidationError, qdanalysis.load_indicators, workbook({"绩效指标": rows})).value
    assert [(p.row, p.column) for p in err.problems] == [(2, "指标值(D列)"), (3, "指标值(D列)")]
    assert "较多" in err.problems[0].message and "≥80条" in err.problems[0].hint


# --- issue 17 -----------------------------------------------------------------------------


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


def test_indicators_title_merged_down_into_level_one_is_refused(workbook):
    import zipfile

    rows = [["2020年绩效指标表"], [None], ["一级指标", "二级指标", "三级指标", "指标值"], [None, "数量", "A", "≥1条"]]
    path = workbook({"绩效指标": rows})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:A4"/></mergeCells>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [p] = pytest.raises(ValidationError, qdanalysis.load_indicators, path).value.problems
    assert (p.sheet, p.row, p.column) == ("绩效指标", 1, "一级指标(A列)")
    assert "合并单元格A1:A4从表头上方（第1行「2020年绩效指标表」）一直延伸到数据区域（第4行起）" in p.message

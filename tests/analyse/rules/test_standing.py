"""The rules on standing situations across years (T05 years without competition, T06 a persistent price gap,
T07 an indicator missed every year): on the demo's five years and on small inline tables."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse import trends as T
from qdanalysis.analyse.rules import standing as S


def _by_chain(found):
    return {f.figures["chain"]: f for f in found}


def test_years_without_competition_on_the_demo(analyses):
    history = T.contract_history(analyses)
    found = _by_chain(S.standing_without_competition(history, analyses))
    assert set(found) == {"SL-2014-2.1-LT", "SL-2017-2.1-DX", "SL-2017-2.7", "SL-2019-2.3"}
    unicom = found["SL-2014-2.1-LT"]
    assert unicom.severity == "高" and unicom.figures["years"] == 11 and unicom.figures["never_competitive"]
    assert unicom.title == "自始未经竞争性采购（2014—2024年，共11年）"
    assert "2014—2024年共11年从未经过竞争性采购" in unicom.summary and "续签2次" in unicom.summary
    # 2018-2022 at 7.60万 a month: 5 × 91.20万 (推算, and the basis is said)
    assert unicom.figures["total"] == Decimal("4560000.00") and "约456.00万元（推算：" in unicom.summary
    sms = found["SL-2017-2.7"]
    assert sms.severity == "中" and "单价0.065元/条，期间未调整" in sms.summary
    # billed per message: the item's 执行数 of each year (the demo's SMS amounts), not a contract amount
    assert sms.figures["total"] == Decimal("1995106.57") and "各年度该项目执行数" in sms.summary
    # a line leased from June 2019: seven months of 2019 at 1.17万, then three whole years
    assert found["SL-2019-2.3"].figures["amounts"][2019] == Decimal("81900.00")
    assert "SL-2018-1.6" not in found  # 2018—2022 is five years: T01's case, not this one


def test_the_years_without_competition_are_a_threshold_the_finding_states(analyses):
    history = T.contract_history(analyses)
    found = _by_chain(S.standing_without_competition(history, analyses))
    assert found["SL-2017-2.7"].summary.endswith(
        "（推算：各年度该项目执行数）。列示标准：连续6年及以上未经竞争性采购（本工具默认标准，可在 params/trends.yaml 中以 "
        "standing_years 设定）。")
    seven = S.StandingThresholds(standing_years=7, from_params=frozenset({"standing_years"}))
    found = _by_chain(S.standing_without_competition(history, analyses, seven))
    assert set(found) == {"SL-2014-2.1-LT"}  # the three chains of exactly six years drop out
    assert found["SL-2014-2.1-LT"].summary.endswith(
        "列示标准：连续7年及以上未经竞争性采购（按参数文件 params/trends.yaml 的 standing_years 设定）。")
    five = S.StandingThresholds(standing_years=5, from_params=frozenset({"standing_years"}))
    assert "SL-2018-1.6" in _by_chain(S.standing_without_competition(history, analyses, five))


def test_a_one_off_purchase_is_no_standing_service(analyses):
    history = T.contract_history(analyses).copy()
    history.loc[history["contract_id"] == "SL-2017-2.7", "billing"] = "一次性"
    found = _by_chain(S.standing_without_competition(history, analyses))
    assert "SL-2017-2.7" not in found and "SL-2014-2.1-LT" in found


def test_months_in_year():
    assert S.months_in_year(pd.Timestamp(2019, 6, 1), pd.Timestamp(2024, 12, 31), 2019) == 7
    assert S.months_in_year(pd.Timestamp(2016, 6, 1), pd.Timestamp(2019, 5, 31), 2019) == 5
    assert S.months_in_year(pd.Timestamp(2016, 6, 1), pd.Timestamp(2017, 5, 31), 2019) == 0
    assert S.months_in_year(pd.NaT, pd.Timestamp(2017, 5, 31), 2019) is None


def test_a_year_without_an_amount_is_undisclosed_and_the_rest_not_passed_as_the_whole(analyses):
    history = T.contract_history(analyses).copy()
    history.loc[history["contract_id"] == "SL-2019-2.1-LT", "annual_cost"] = pd.NA
    unicom = _by_chain(S.standing_without_competition(history, analyses))["SL-2014-2.1-LT"]
    assert unicom.figures["total"] is None
    assert "2019年、2020年、2021年未披露" in unicom.summary and "非全期金额" in unicom.summary


def _lines(rows):
    return pd.DataFrame(rows, columns=["year", "carrier", "line_type", "annual_cost", "cost_per_mbps_month"])


def test_persistent_price_gap_on_the_demo(analyses):
    found = S.persistent_price_gap(T.line_trend(analyses))
    assert len(found) == 1
    gap = found[0]
    assert gap.figures["carrier"] == "中国联通" and gap.figures["other"] == "中国电信"
    # (76 - 7.90) × 1000 Mbps × 12 months = 81.72万 a year, five years
    assert gap.figures["total"] == Decimal("4086000.00") and "多支出约408.60万元" in gap.summary
    assert "9.6倍" in gap.title and "9.6倍" in gap.summary and gap.severity == "高"
    assert gap.bears_on == () and S.PERSISTENT_PRICE_GAP.bears_on  # the registry fills it in


def test_a_gap_must_hold_in_consecutive_years_up_to_the_last():
    rows = [(2018, "甲", "出口", 120000, 10.0), (2018, "乙", "出口", 12000, 1.0),
            (2019, "甲", "出口", 120000, 10.0), (2019, "乙", "出口", 100000, 9.0),  # the gap closed in 2019
            (2020, "甲", "出口", 120000, 10.0), (2020, "乙", "出口", 12000, 1.0),
            (2021, "甲", "出口", 120000, 10.0), (2021, "乙", "出口", 12000, 1.0)]
    assert S.persistent_price_gap(_lines(rows)) == []
    rows[2:4] = [(2019, "甲", "出口", 120000, 10.0), (2019, "乙", "出口", 60000, 5.0)]  # 2.0×: still a gap
    found = S.persistent_price_gap(_lines(rows))
    assert [f.figures["first_year"] for f in found] == [2018]
    assert found[0].figures["extra"][2019] == Decimal("60000.00") and "2.0倍至10.0倍" in found[0].summary and "乙在1.00元至5.00元之间" in found[0].summary


def test_the_gap_ratio_and_its_years_are_thresholds_the_finding_states():
    rows = [(y, c, "出口", cost, p) for y in (2019, 2020, 2021)
            for c, cost, p in (("甲", 120000, 10.0), ("乙", 60000, 5.0))]  # 2.0× three years running
    [found] = S.persistent_price_gap(_lines(rows))
    assert found.summary.endswith("。列示标准：单价为另一运营商的1.5倍及以上且连续3年及以上（本工具默认标准，可在 "
                                  "params/trends.yaml 中以 price_gap_ratio、price_gap_years 设定）。")
    assert S.persistent_price_gap(_lines(rows), S.StandingThresholds(price_gap_ratio=Decimal("2.5"))) == []
    assert S.persistent_price_gap(_lines(rows), S.StandingThresholds(price_gap_years=4)) == []
    set_ratio = S.StandingThresholds(price_gap_ratio=Decimal("1.25"), price_gap_years=2,
                                     from_params=frozenset({"price_gap_ratio", "price_gap_years"}))
    [found] = S.persistent_price_gap(_lines(rows[2:]), set_ratio)  # 2020—2021 only
    assert found.summary.endswith("列示标准：单价为另一运营商的1.25倍及以上且连续2年及以上（按参数文件 params/trends.yaml 的 "
                                  "price_gap_ratio、price_gap_years 设定）。")


def test_a_gap_year_without_the_cost_leaves_the_money_undisclosed():
    rows = [(y, c, "出口", None if (y, c) == (2020, "甲") else cost, p)
            for y in (2019, 2020, 2021) for c, cost, p in (("甲", 120000, 10.0), ("乙", 12000, 1.0))]
    found = S.persistent_price_gap(_lines(rows))
    assert found[0].figures["total"] is None and "无法推算" in found[0].summary


def test_indicator_missed_every_year_on_the_demo(analyses):
    found = S.missed_every_year(analyses)
    assert [f.figures["indicator"] for f in found] == ["整合视频监控数量"]
    f = found[0]
    assert f.title == "绩效指标连续5年未完成" and "5个年度均未完成" in f.summary
    assert "3.6万路、5.2万路、6.4万路、7.7万路、9.1万路" in f.summary and "目标值每年均为≥10万" in f.summary
    assert "执行数合计166.10万元" in f.summary  # item 1.9, 2018-2022


def test_missed_in_fewer_years_than_compared_is_not_reported(analyses):
    assert S.missed_every_year(analyses[:2]) == []
    # 运行维护制度健全性 was missed 2018-2020 and met in 2021
    assert S.missed_every_year(analyses[:3])[1].figures["indicator"] == "运行维护制度健全性"
    assert all(f.figures["indicator"] != "运行维护制度健全性" for f in S.missed_every_year(analyses))

"""The procurement rules (F04 overlapping scopes, F05 renewals without competition, F06 unit price disparity):
each on a tiny inline case (one that triggers, one that does not), then on 2020."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rule_inputs import assert_same, budget, contracts, lines, unchanged

from qdanalysis.analyse.network_lines import same_bandwidth_prices
from qdanalysis.analyse.renewals import renewal_chains, renewal_summary
from qdanalysis.analyse.rules import procurement as procurement_rules

D = Decimal


def renewals(c, year=2020):
    """The renewal rule on a contracts table, with its analyses computed as the year's analysis does."""
    chains = renewal_chains(c)
    return procurement_rules.renewals_without_competition(chains, renewal_summary(chains, year), c, year)


def disparity(ln):
    return procurement_rules.unit_price_disparity(same_bandwidth_prices(ln), ln)


# --- 4. overlapping scopes ------------------------------------------------------------------------


def test_service_phrases_split_and_normalise():
    clauses, phrases = procurement_rules.service_phrases("对机房UPS及配电系统进行巡检；网络、网闸维保服务；ＵＰＳ更换等")
    assert clauses == ["机房UPS及配电系统进行巡检", "网络、网闸维保服务", "UPS更换"]
    assert phrases == ["机房UPS", "配电系统进行巡检", "网络", "网闸维保服务", "UPS更换"]


@pytest.mark.parametrize("scope, phrases", [
    ("UPS及配电系统", ["UPS", "配电系统"]),
    ("巡检以及驻场服务", ["巡检", "驻场服务"]),
    ("故障及时响应", ["故障及时响应"]),  # 及时 is a word, not "and"
    ("涉及网闸等", ["涉及网闸"]),
])
def test_service_phrases_split_at_and_only_between_phrases(scope, phrases):
    assert procurement_rules.service_phrases(scope)[1] == phrases


def test_overlapping_scopes_reports_an_item_pair_once():
    b = budget(("1.1", "机房维护", D(667000), None), ("1.2", "网络维护", D(728000), None), ("3.1", "证书", D(1), None))
    c = contracts(
        {"contract_id": "A", "item_code": "1.1", "item": "机房维护", "scope": "机房巡检；网络、网闸维保服务；UPS更换"},
        {"contract_id": "B", "item_code": "1.2", "item": "网络维护", "scope": "交换机维护；网络、网闸维保服务；UPS更换"},
        {"contract_id": "B2", "item_code": "1.2", "item": "网络维护", "renews": "B",
         "scope": "交换机维护；网络、网闸维保服务；UPS更换"},
        {"contract_id": "C", "item_code": "3.1", "item": "证书", "scope": "数字证书购置和更新服务"},
    )
    before = unchanged(b, c)
    f, = procurement_rules.overlapping_scopes(c, b)
    assert_same(before, [b, c])
    assert f.code == "F04" and f.figures["shared_services"] == 2
    assert f.figures["combined_budget"] == D(1395000)
    # in words: which services both contracts list, and where; no similarity score
    assert f.summary.startswith("1.1 机房维护与1.2 网络维护的合同服务内容都列有：网络、网闸维保服务；UPS更换")
    assert "（见合同台账第2、3、4行）" in f.summary and "相似度" not in f.summary
    assert "66.70万元、72.80万元，合计139.50万元" in f.summary
    assert list(f.rows.loc[f.rows["table"] == "合同台账", "contract_id"]) == ["A", "B", "B2"]


def test_overlapping_scopes_none_for_own_renewal_or_distinct_services():
    c = contracts(
        {"contract_id": "A", "item_code": "1.1", "item": "a", "scope": "网络、网闸维保服务；UPS更换"},
        {"contract_id": "A2", "item_code": "1.1", "item": "a", "renews": "A", "scope": "网络、网闸维保服务；UPS更换"},
        {"contract_id": "C", "item_code": "3.1", "item": "c", "scope": "数字证书购置和更新服务"},
    )
    assert procurement_rules.overlapping_scopes(c, budget(("1.1", "a", D(1), None))) == []


def test_overlapping_scopes_name_where_the_texts_come_from():
    """A 服务内容 the ledger says is not the contract's own (服务内容出处) is attributed to where it comes from."""
    b = budget(("1.1", "机房维护", D(1), None), ("1.2", "网络维护", D(1), None))
    c = contracts(
        {"contract_id": "A", "item_code": "1.1", "item": "机房维护", "scope": "网络、网闸维保服务", "scope_source": "《预算情况》"},
        {"contract_id": "B", "item_code": "1.2", "item": "网络维护", "scope": "网络、网闸维保服务", "scope_source": "《预算情况》"},
    )
    f, = procurement_rules.overlapping_scopes(c, b)
    assert f.summary.startswith("据《预算情况》，1.1 机房维护与1.2 网络维护的服务内容都列有：网络、网闸维保服务（见合同台账第2、3行）")
    assert "合同服务内容" not in f.summary


def test_a_contract_ended_in_the_year_and_a_close_item_without_one_are_a_question_for_the_team():
    b = budget(("1.2", "核心网络设备维护费", D(1), None), ("1.3", "网络设备网闸维保及配件", None, None),
               ("1.4", "网络网闸审计设备配件维保服务", None, None), ("1.5", "EMC系统维保", D(1), None))
    c = contracts(
        {"contract_id": "N", "item_code": "1.2", "item": "核心网络设备维护费", "scope": "交换机维护"},
        {"contract_id": "T", "item_code": "1.3", "item": "网络设备网闸维保及配件", "scope": "驻场服务",
         "start": "2019-04-03", "end": "2020-04-03"},
        {"contract_id": "E", "item_code": "1.5", "item": "EMC系统维保", "scope": "EMC维保"},
    )
    q, = procurement_rules.succession_questions(c, b, 2020)
    assert q.code == "F14" and q.severity == "低" and q.title == "相近运维项目的接续与分工待核实" and q.limitation
    assert q.summary == ("1.3 网络设备网闸维保及配件的合同服务期至2020年4月3日，此后未见续签；1.4 网络网闸审计设备配件维保服务"
                         "名称相近，数据中无合同记录；1.2 核心网络设备维护费名称亦相近，已有合同。1.4是否接续1.3、3个项目的服务范围"
                         "是否重叠，数据不足以判断，需评价组核实。")
    assert procurement_rules.overlapping_scopes(c, b) == [] and procurement_rules.succession_questions(c, b, 2021) == []
    renewed = contracts(*c.to_dict("records")[:0], {"contract_id": "T", "item_code": "1.3", "item": "网络设备网闸维保及配件",
                                                     "start": "2019-04-03", "end": "2020-04-03"},
                        {"contract_id": "T2", "item_code": "1.3", "item": "网络设备网闸维保及配件", "renews": "T"})
    assert procurement_rules.succession_questions(renewed, b, 2020) == []


def test_overlapping_scopes_2020(y2020):
    found = procurement_rules.overlapping_scopes(y2020.contracts, y2020.budget)
    assert len(found) == 1
    f = found[0]
    # the source places the overlap in the explanations of the budget document (四（一）), not in contracts
    assert f.summary.startswith("据《市大数据局2020年基本支出专项经费预算情况》的项目内容解释（评价报告一（一）2、四（一）转述），"
                                "1.1 电子政务机房UPS等关键设备维护服务费与1.2 电子政务核心网络设备安全设备维护费的服务内容都列有：")
    assert "合同服务内容" not in f.summary and "「" not in f.summary
    question, = procurement_rules.succession_questions(y2020.contracts, y2020.budget, 2020)
    assert question.summary == (
        "1.3 网络设备、Radware负载均衡、网闸等设备的维保及配件的合同服务期至2020年4月3日，此后未见续签；"
        "1.4 网络、网闸、行为审计等设备及配件的维保服务名称相近，数据中无合同记录；1.2 电子政务核心网络设备安全设备维护费"
        "名称亦相近，已有合同。1.4是否接续1.3、3个项目的服务范围是否重叠，数据不足以判断，需评价组核实。")
    assert "网络、网闸维保服务" in f.summary and "UPS更换" in f.summary
    assert f.figures["budget_a"] == D("667000.00") and f.figures["budget_b"] == D("728000.00")
    assert "合计139.50万元" in f.summary
    assert f.rows["src_row"].notna().all()


# --- 5. renewals ----------------------------------------------------------------------------------


def test_renewals_stale_chain_and_recent_renewal():
    c = contracts(
        {"contract_id": "A1", "item_code": "2.1", "item": "专线", "vendor": "联通", "signed": "2014-01-01",
         "signed_precision": "year", "procurement": "公开招标", "annual_cost": D(100000)},
        {"contract_id": "A2", "item_code": "2.1", "item": "专线", "vendor": "联通", "signed": "2016-01-01",
         "signed_precision": "year", "procurement": "续签", "renews": "A1", "annual_cost": D(110000)},
        {"contract_id": "B1", "item_code": "1.2", "item": "网络维护", "signed": "2019-09-01",
         "signed_precision": "month", "procurement": "公开招标", "annual_cost": D(50000)},
        {"contract_id": "B2", "item_code": "1.2", "item": "网络维护", "signed": "2020-01-01",
         "signed_precision": "year", "procurement": "续签", "renews": "B1"},
    )
    before = unchanged(c)
    stale, recent = renewals(c)
    assert_same(before, [c])
    assert stale.code == "F05-1" and stale.severity == "高"  # 2014 → 2020: 6 years
    assert stale.figures["years"] == 7 and "spent_since" not in stale.figures
    # the sum since 2014 says nothing about the year: it stays in the renewal table (推算), out of the finding
    assert stale.summary == ("2.1 专线（联通）：2014年公开招标，此后未见竞争性采购记录（2014—2020年，共7个年度）；"
                             "现行年度金额11.00万元；2016年续签增幅10.00%。")
    assert list(stale.rows["contract_id"]) == ["A1", "A2"] and list(stale.rows["src_row"]) == [2, 3]
    assert recent.code == "F05-2" and recent.severity == "低" and recent.figures["renewals_undisclosed"] == 1
    assert stale.title == "2014年竞争性采购后，2020年仍未重新采购" and recent.title == "合同续签金额未披露"
    assert recent.summary == "1.2 网络维护：2019年9月公开招标，2020年续签1次，续签金额未披露。"
    assert recent.figures["annual_cost_known"] is None  # renewed at an undisclosed amount: the old price is not assumed
    assert "长期" not in stale.title + recent.title + recent.summary


def test_renewals_none_for_a_recent_tender():
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "a", "signed": "2019-05-01",
                   "procurement": "公开招标", "annual_cost": D(1)})
    assert renewals(c) == []


def test_renewals_2020(y2020):
    found = renewals(y2020.contracts)
    unicom = next(f for f in found if "中国联通" in f.summary)
    assert unicom.severity == "高" and unicom.figures["years"] == 7
    # the 2014 contract is itself a 续租: the arrangement is older, so at least 7 years; no cumulative sum
    assert unicom.title == "2014年续租合同延续至2020年，至少7年未见竞争性采购"
    assert unicom.summary == ("2.1 全市机关Internet专线费（中国联通）：最早记录为2014年的续租合同，此前已有同类安排，"
                              "数据中无竞争性采购记录（2014—2020年，至少7年）；现行年度金额91.20万元（月费×12）。")
    assert "638.40" not in unicom.summary and "首份合同" not in unicom.summary
    assert list(unicom.rows["src_row"]) == [12]
    # 1.1 and 1.2 were procured in 2019 and renewed once: not 长期; the records say the renewal amounts are not disclosed
    recent = next(f for f in found if f.title == "合同续签金额未披露")
    assert recent.summary == ("1.1 电子政务机房UPS等关键设备维护服务费：2019年8月10日采购（采购方式未披露），2020年续签1次，"
                              "续签金额未披露；1.2 电子政务核心网络设备安全设备维护费：2019年9月公开招标，2020年续签1次，续签金额未披露。")
    # 金宏: the source gives a 2017 procurement price; titles and text follow that record
    sms = next(f for f in found if "2.7 金宏短信平台通信费" in f.summary)
    assert sms.title == "2017年以来未见新的采购记录"
    assert sms.summary == ("2.7 金宏短信平台通信费：最早记录为2017年的合同（采购方式未披露），此后未见采购记录"
                           "（2017—2020年，共4个年度）；年度金额未披露。")
    assert not any("长期" in f.title + f.summary for f in found)
    assert recent.figures["renewals_undisclosed"] == 2 and recent.rows["src_row"].notna().all()
    assert len({f.recommendation for f in found}) == 2 and not any("长期" in f.recommendation for f in found)


# --- 6. unit price disparity ------------------------------------------------------------------------


def test_unit_price_disparity_ratio_and_excess():
    ln = lines(("联通", "互联网出口", 1000.0, 2, D(76000)), ("电信", "互联网出口", 1000.0, 1, D(7900)))
    f, = disparity(ln)
    assert f.code == "F06" and f.severity == "高" and round(f.figures["ratio"], 1) == 9.6
    assert f.figures["annual_excess"] == D(1634400)  # (76000 − 7900) × 12 × 2 lines
    assert "联通7.60万元/月，电信0.79万元/月，前者是后者的9.6倍" in f.summary and "163.44万元" in f.summary
    assert list(f.rows["src_row"]) == [2, 3]
    # the data does not say the two lines are comparable: the gap is an estimate, not money overspent
    assert f.title == "同带宽线路价格差异较大，需核实服务内容及定价依据"
    assert f.summary.endswith("两条线路的服务等级（如保障等级、独享或共享）是否相同有待核实；"
                              "如服务可比，年价差约163.44万元（推算：月租之差×12个月×线路条数）。")
    assert "每年多支出" not in f.summary and "核实" not in f.recommendation


def test_unit_price_disparity_none_below_ratio():
    ln = lines(("联通", "互联网出口", 1000.0, 1, D(10000)), ("电信", "互联网出口", 1000.0, 1, D(7900)),
               ("联通", "专网", 100.0, 1, D(90000)))  # a different service is not compared
    assert disparity(ln) == []


def test_unit_price_disparity_2020(y2020):
    f, = disparity(y2020.lines)
    assert f.figures["annual_excess"] == D("817200.00")  # (7.6 − 0.79) × 12 万元
    assert "9.6倍" in f.summary and "81.72万元" in f.summary and "1000M互联网出口" in f.summary
    assert list(f.rows["src_row"]) == [4, 5]

"""Findings: each rule on a tiny inline case (one that triggers, one that does not), then 2020."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse.checks import CHECK_COLUMNS
from qdanalysis.analyse.findings import SEVERITIES, Finding, findings_table, in_report_order, sort_findings
from qdanalysis.analyse.indicator_status import indicator_status
from qdanalysis.analyse.network_lines import same_bandwidth_prices
from qdanalysis.analyse.renewals import recurring_share, renewal_chains, renewal_summary
from qdanalysis.analyse.rules import budget as budget_rules
from qdanalysis.analyse.rules import indicators as indicator_rules
from qdanalysis.analyse.rules import procurement as procurement_rules
from qdanalysis.analyse.year import analyse
from qdanalysis.domain import DIMENSIONS
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget import BUDGET_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES
from qdanalysis.read.loaders.indicators import INDICATOR_DTYPES
from qdanalysis.read.loaders.lines import LINE_DTYPES

D = Decimal


def _src(rows: list[dict], sheet: str) -> list[dict]:
    return [{"src_file": "t.xlsx", "src_sheet": sheet, "src_row": i, **r} for i, r in enumerate(rows, start=2)]


def budget(*rows, sheet="预算执行"):
    """rows: (code, item, budget, executed)."""
    return frame(_src([dict(zip(("code", "item", "budget", "executed"), r), category="甲") for r in rows], sheet),
                 BUDGET_DTYPES)


def contracts(*rows):
    """rows: dicts; dates as text."""
    out = []
    for r in rows:
        r = dict(r)
        for k in ("signed", "start", "end"):
            r[k] = pd.Timestamp(r[k]) if r.get(k) else None
        out.append(r)
    return frame(_src(out, "合同台账"), CONTRACT_DTYPES)


def lines(*rows):
    """rows: (carrier, line_type, bandwidth, count, monthly_fee)."""
    keys = ("carrier", "line_type", "bandwidth_mbps", "count", "monthly_fee")
    return frame(_src([{**dict(zip(keys, r)), "unit": "全市"} for r in rows], "线路清单"), LINE_DTYPES)


def indicators(*rows):
    """rows: dicts over the indicator columns (level1/level2 default to 产出指标/数量指标)."""
    base = {"level1": "产出指标", "level2": "数量指标"}
    return frame(_src([{**base, **r} for r in rows], "绩效指标"), INDICATOR_DTYPES)


def unchanged(*frames):
    """Copies to compare with after a call: rules never modify their inputs."""
    return [f.copy() for f in frames]


def assert_same(before, after):
    for b, a in zip(before, after):
        pd.testing.assert_frame_equal(b, a)


@pytest.fixture(scope="module")
def y2020():
    return qdanalysis.load_year(2020)


@pytest.fixture(scope="module")
def a2020(y2020):
    return analyse(y2020)


@pytest.fixture(scope="module")
def found2020(a2020):
    return sort_findings(a2020.findings + a2020.limitations)


def renewals(c, year=2020):
    """The renewal rule on a contracts table, with its analyses computed as the year's analysis does."""
    chains = renewal_chains(c)
    return procurement_rules.renewals_without_competition(chains, renewal_summary(chains, year), c, year)


def disparity(ln):
    return procurement_rules.unit_price_disparity(same_bandwidth_prices(ln), ln)


def not_met(ind):
    return indicator_rules.indicator_not_met(indicator_status(ind), ind)


def without_evidence(ind):
    return indicator_rules.indicators_without_evidence(indicator_status(ind), ind)


def recurring(b, c, totals):
    return budget_rules.high_recurring_share(recurring_share(b, c, totals), b, c)


def by_title(findings, title):
    return [f for f in findings if f.title == title]


# --- the dataclass and the table -------------------------------------------------------------


def test_finding_refuses_unknown_severity_and_category():
    with pytest.raises(ValueError, match="severity"):
        Finding("F00", "t", "严重", "决策", {}, pd.DataFrame(), "", "")
    with pytest.raises(ValueError, match="category"):
        Finding("F00", "t", "高", "其他", {}, pd.DataFrame(), "", "")


def test_report_order_groups_by_first_level_indicator():
    def mk(code, sev, category):
        return Finding(code, "问题" + code, sev, category, {}, pd.DataFrame(), "摘要。", "建议")

    out = in_report_order([mk("F03", "高", "效益"), mk("F07", "中", "产出"), mk("F06", "高", "过程"),
                             mk("F02", "中", "决策"), mk("F01", "高", "决策")])
    assert [(f.category, f.code) for f in out] == [("决策", "F01"), ("决策", "F02"), ("过程", "F06"), ("产出", "F07"),
                                                   ("效益", "F03")]


def test_sort_and_table():
    def mk(code, sev):
        return Finding(code, "问题" + code, sev, "决策", {}, budget(("1", "a", D(1), None)), "摘要。", "建议")

    out = sort_findings([mk("F03", "低"), mk("F10", "高"), mk("F05-2", "中"), mk("F02", "高"), mk("F05-1", "中")])
    assert [f.code for f in out] == ["F02", "F10", "F05-1", "F05-2", "F03"]
    table = findings_table(out)
    assert list(table.columns) == ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议"]
    assert table["序号"].tolist() == [1, 2, 3, 4, 5]
    assert table.loc[0, "依据"] == "摘要。（来源：预算执行第2行）"
    assert findings_table([]).empty


# --- 1. uncovered budget ---------------------------------------------------------------------


def test_uncovered_budget_share_and_largest_items():
    b = budget(("1.1", "机房维护", D(100), None), ("1.2", "网络设备维护", D(300), None),
               ("2.1", "专线", D(600), None), ("2.8", "安全服务", None, None))
    ind = indicators({"name": "线路数量", "target_op": ">=", "target_value": 80.0, "item_codes": "2.1"},
                     {"level1": "效益指标", "level2": "社会效益指标", "name": "x", "item_codes": "1.2"})
    before = unchanged(b, ind)
    f = budget_rules.uncovered_budget(b, ind, {"budget": D(1200)})
    assert_same(before, [b, ind])
    assert f.code == "F01" and f.severity == "高" and f.category == "决策"
    assert f.figures["uncovered_amount"] == D(400) and f.figures["budget"] == D(1200)
    assert round(f.figures["share"], 4) == 0.3333 and f.figures["uncovered_items_undisclosed"] == 1
    # a benefit (效益) indicator does not cover 1.2; the largest uncovered item is named first
    assert "合计0.04万元，占预算总额0.12万元的33.33%" in f.summary
    assert f.summary.index("1.2 网络设备维护") < f.summary.index("1.1 机房维护")
    assert "1个未覆盖项目未披露预算数（2.8）" in f.summary
    # which items no output indicator maps to, not that they "have no indicator"
    assert "没有产出指标" not in f.summary
    assert "产出指标列明衡量的项目为2.1共1个；1.1、1.2、2.8共3个项目没有列明对应的产出指标" in f.summary
    assert list(f.rows["src_row"]) == [2, 3, 5] and set(f.rows["table"]) == {"预算执行"}


def test_uncovered_budget_none_when_all_covered_or_mapping_unknown():
    b = budget(("1.1", "a", D(100), None), ("2.1", "b", D(200), None))
    ind = indicators({"name": "n", "item_codes": "1.1、2.1"})
    assert budget_rules.uncovered_budget(b, ind, {"budget": D(300)}) is None
    assert budget_rules.uncovered_budget(b, indicators({"name": "n"}), {"budget": D(300)}) is None


def test_uncovered_budget_2020(y2020, found2020):
    f = budget_rules.uncovered_budget(y2020.budget, y2020.indicators, y2020.totals)
    assert f.figures["uncovered_amount"] == D("3030000.00")  # 1.1+1.2+1.5+1.6+2.5+3.1
    assert f"{f.figures['share']:.2%}" == "32.20%" and f.figures["covered_amount"] == D("2047200.00")
    assert f.figures["uncovered_items"] == 24 and f.figures["uncovered_items_undisclosed"] == 18
    assert "1.2 电子政务核心网络设备安全设备维护费（72.80万元）" in f.summary
    assert "1.1 电子政务机房UPS等关键设备维护服务费（66.70万元）" in f.summary
    codes = set(f.rows["code"])
    assert {"1.1", "1.2", "1.5", "2.8"} <= codes and not codes & {"2.1", "2.2", "2.3", "2.7", "1.9"}
    assert f.rows["src_row"].notna().all()
    assert by_title(found2020, f.title)


# --- 2. quantity targets on per-unit services --------------------------------------------------


SMS_CONTRACT = {"contract_id": "S", "item_code": "2.7", "item": "短信", "billing": "条", "unit_price": D("0.065")}


def test_quantity_target_on_unit_priced_service_implies_money():
    ind = indicators({"name": "短信数量", "target_op": ">=", "target_value": 2_000_000.0, "target_text": "≥200万条",
                      "target_unit": "条", "item_codes": "2.7"})
    f, = indicator_rules.quantity_target_on_unit_priced_service(ind, contracts(SMS_CONTRACT))
    assert f.code == "F02" and f.severity == "中"
    assert f.figures["implied"] == D("130000.00") and f.figures["unit_price"] == D("0.065")
    assert "至少支出13.00万元（200万条×0.065元/条）" in f.summary
    assert "，而「2.7 短信」按条计费" in f.summary  # an item name never runs into the words around it
    assert "质量或成本指标" in f.recommendation
    assert list(f.rows["table"]) == ["绩效指标", "合同台账"]


@pytest.mark.parametrize("indicator, contract", [
    ({"target_op": ">=", "item_codes": "2.7"}, {**SMS_CONTRACT, "billing": "年"}),  # not billed per unit
    ({"target_op": "<=", "item_codes": "2.7"}, SMS_CONTRACT),  # a ceiling, not a quantity to reach
    ({"target_op": ">=", "item_codes": None}, SMS_CONTRACT),  # the indicator names no item
    ({"target_op": ">=", "item_codes": "2.7", "level2": "质量指标"}, SMS_CONTRACT),
    ({"target_op": ">=", "item_codes": "2.7", "target_unit": "%"}, SMS_CONTRACT),  # a rate (到达率 ≥98%), not a count
])
def test_quantity_target_not_reported(indicator, contract):
    ind = indicators({"name": "n", "target_value": 100.0, **indicator})
    assert indicator_rules.quantity_target_on_unit_priced_service(ind, contracts(contract)) == []


def test_sms_target_2020(y2020, found2020):
    f, = indicator_rules.quantity_target_on_unit_priced_service(y2020.indicators, y2020.contracts, y2020.sms)
    assert f.figures["implied"] == D("390000.00") and "39.00万元" in f.summary and "600万条×0.065元/条" in f.summary
    assert f.rows["src_row"].notna().all()
    assert any(g.code == "F02" for g in found2020)


# --- 3. recurring share ---------------------------------------------------------------------------


def test_recurring_share_reported_from_threshold():
    b = budget(("1.1", "维护", D(400), None), ("1.2", "一次性", D(600), None))
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "维护", "billing": "年"},
                  {"contract_id": "B", "item_code": "1.2", "item": "一次性", "billing": "一次性"})
    f = recurring(b, c, {"budget": D(1000)})
    assert f.code == "F03" and f.severity == "中" and f.figures["recurring"] == D(400) and f.figures["share"] == 0.4
    assert "占预算总额0.10万元的40.00%" in f.summary and list(f.rows["code"]) == ["1.1"]
    assert recurring(b, c, {"budget": D(1400)}) is None  # 400 / 1400 < 30%


def test_recurring_share_2020(y2020):
    f = recurring(y2020.budget, y2020.contracts, y2020.totals)
    assert f.figures["recurring"] == D("5077200.00") and f"{f.figures['share']:.2%}" == "53.96%"
    assert "507.72万元" in f.summary and "53.96%" in f.summary and f.severity == "高"
    assert f.rows["src_row"].notna().all()


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
    # in words: which services both contracts list, and where; no similarity score, no names run together
    assert f.summary.startswith("「1.1 机房维护」与「1.2 网络维护」的合同“服务内容”都列有：网络、网闸维保服务；UPS更换")
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


def test_overlapping_scopes_2020(y2020):
    found = procurement_rules.overlapping_scopes(y2020.contracts, y2020.budget)
    assert len(found) == 1
    f = found[0]
    assert f.summary.startswith("「1.1 电子政务机房UPS等关键设备维护服务费」与「1.2 电子政务核心网络设备安全设备维护费」")
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
    assert stale.figures["years"] == 7 and stale.figures["spent_since"] == D(770000)  # 11万 × 7 years
    assert "2014—2020年，共7个年度" in stale.summary and "已6年" not in stale.summary
    assert "上次竞争性采购为2014年（公开招标）" in stale.summary and "2016年续签增幅10.00%" in stale.summary
    assert "累计约77.00万元（按现价估算" in stale.summary
    assert list(stale.rows["contract_id"]) == ["A1", "A2"] and list(stale.rows["src_row"]) == [2, 3]
    assert recent.code == "F05-2" and recent.severity == "低" and recent.figures["renewals_undisclosed"] == 1
    assert stale.title == "合同长期续签，未重新竞争性采购" and recent.title == "合同续签未重新采购，续签金额未披露"
    assert "1.2 网络维护于2020年续签，续签金额未披露" in recent.summary
    assert recent.figures["annual_cost_known"] is None  # renewed at an undisclosed amount: the old price is not assumed
    assert "上次竞争性采购为2019年9月（公开招标）" in recent.summary


def test_renewals_none_for_a_recent_tender():
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "a", "signed": "2019-05-01",
                   "procurement": "公开招标", "annual_cost": D(1)})
    assert renewals(c) == []


def test_renewals_2020(y2020):
    found = renewals(y2020.contracts)
    unicom = next(f for f in found if "中国联通" in f.summary)
    assert unicom.severity == "高" and unicom.figures["years"] == 7
    assert unicom.figures["spent_since"] == D("6384000.00") and "约638.40万元" in unicom.summary
    assert "数据中无竞争性采购记录" in unicom.summary and "按现价估算" in unicom.summary
    assert list(unicom.rows["src_row"]) == [12]
    # titles say no more than the text: 1.2 was tendered in 2019 and renewed in 2020 without a new procurement
    recent = next(f for f in found if f.title == "合同续签未重新采购，续签金额未披露")
    assert "上次竞争性采购为2019年9月（公开招标）" in recent.summary
    sms = next(f for f in found if "2.7 金宏短信平台通信费" in f.summary)
    assert sms.title == "长期未见竞争性采购记录" and "续签" not in sms.title  # one contract, no renewal on record
    assert unicom.title == "合同长期续签，未重新竞争性采购" and "采购方式为续签" in unicom.summary
    assert "1.1 电子政务机房UPS等关键设备维护服务费于2020年续签，续签金额未披露" in recent.summary
    assert "1.2 电子政务核心网络设备安全设备维护费于2020年续签" in recent.summary
    assert recent.figures["renewals_undisclosed"] == 2 and recent.rows["src_row"].notna().all()


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
    assert "每年多支出" not in f.summary and "年差额163.44万元（推算" in f.summary and "是否可比" in f.summary


def test_unit_price_disparity_none_below_ratio():
    ln = lines(("联通", "互联网出口", 1000.0, 1, D(10000)), ("电信", "互联网出口", 1000.0, 1, D(7900)),
               ("联通", "专网", 100.0, 1, D(90000)))  # a different service is not compared
    assert disparity(ln) == []


def test_unit_price_disparity_2020(y2020):
    f, = disparity(y2020.lines)
    assert f.figures["annual_excess"] == D("817200.00")  # (7.6 − 0.79) × 12 万元
    assert "9.6倍" in f.summary and "81.72万元" in f.summary and "1000M互联网出口" in f.summary
    assert list(f.rows["src_row"]) == [4, 5]


# --- 7. plan against payment -------------------------------------------------------------------------


def test_plan_vs_payment_both_directions():
    b = budget(("1.1", "维护", D(100), None), ("1.2", "评估", None, None))
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "维护"},
                  {"contract_id": "X", "item_code": "9.9", "item": "云计算", "annual_cost": D(50000)})
    unplanned, no_record = budget_rules.plan_vs_payment(b, c)
    assert unplanned.severity == "中" and unplanned.figures["annual_cost"] == D(50000)
    assert "9.9 云计算" in unplanned.summary and list(unplanned.rows["contract_id"]) == ["X"]
    assert no_record.severity == "低" and no_record.figures["items_without_record"] == 1
    assert "无支付或合同记录" in no_record.summary and "未支付" not in no_record.summary
    assert list(no_record.rows["src_row"]) == [3]


def test_plan_vs_payment_none_when_every_item_has_a_record():
    b = budget(("1.1", "维护", D(100), None), ("1.2", "评估", D(5), D(5)))
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "维护"})
    assert budget_rules.plan_vs_payment(b, c) == []


def test_plan_vs_payment_2020(y2020):
    f, = budget_rules.plan_vs_payment(y2020.budget, y2020.contracts)
    assert f.severity == "低" and f.figures["items_without_record"] == 17 and f.figures["items"] == 29
    assert "1.4 网络、网闸、行为审计等设备及配件的维保服务" in f.summary and "无支付或合同记录" in f.summary
    assert f.rows["src_row"].notna().all()


# --- 8. contradictions ---------------------------------------------------------------------------------


def checks(*rows):
    return pd.DataFrame([dict(zip(CHECK_COLUMNS, r)) for r in rows], columns=CHECK_COLUMNS)


def test_contradictions_one_per_disagreement():
    chk = checks(
        ("2.2 接入费：合同月费×12 vs 预算数", "942元/月×92条×12", D(1039968), D(900000), D(-139968), -0.1346, "不一致",
         "按合同月费测算年费用104.00万元，预算表为90.00万元（-13.5%）"),
        ("2.3 专网：合同月费×12 vs 预算数", "1.17万元/月×12", D(140400), D(140400), D(0), 0.0, "一致", ""),
    )
    b = budget(("2.2", "接入费", D(900000), None), ("2.3", "专网", D(140400), None))
    c = contracts({"contract_id": "L", "item_code": "2.2", "item": "接入费"})
    f, = budget_rules.contradictions(chk, b, c, lines())
    assert f.code == "F08" and f.severity == "中" and f.figures["difference"] == D(-139968)
    # a budget below its contracts' arithmetic is a weak budget basis, not data contradicting itself
    assert f.title == "预算测算依据不充分" and "矛盾" not in f.title
    assert f.summary == "2.2 接入费：合同月费×12 vs 预算数：按合同月费测算年费用104.00万元，预算表为90.00万元（-13.5%）。"
    assert list(f.rows["table"]) == ["数据核对", "预算执行", "合同台账"]
    assert list(f.rows["src_row"].dropna()) == [2, 2]
    assert budget_rules.contradictions(chk[chk["status"] == "一致"], b, c, lines()) == []


def test_contradictions_2020(y2020, a2020):
    f, = budget_rules.contradictions(a2020.checks, y2020.budget, y2020.contracts, y2020.lines)
    assert f.figures["computed"] == D("1039968.00") and f.figures["stated"] == D("900000.00")
    assert round(f.figures["relative"], 3) == -0.135
    assert "104.00万元" in f.summary and "90.00万元" in f.summary and "-13.5%" in f.summary and "80条" in f.summary
    assert set(f.rows["table"]) >= {"预算执行", "合同台账", "线路清单"}
    assert f.rows["src_row"].notna().sum() == 3


# --- 9. indicators --------------------------------------------------------------------------------------


VIDEO = {"name": "整合视频监控数量", "target_op": ">=", "target_value": 100000.0, "target_text": "≥10万",
         "actual_value": 51000.0, "actual_text": "5.1万路", "met": False}


def test_indicator_not_met_and_met():
    f, = not_met(indicators(VIDEO))
    assert f.code == "F09" and f.severity == "高" and f.figures["achievement"] == 0.51
    assert f.summary == "「整合视频监控数量」目标≥10万，实际5.1万路，完成51.00%，未达到目标。"
    assert list(f.rows["src_row"]) == [2]
    near, = not_met(indicators({**VIDEO, "actual_value": 90000.0, "actual_text": "9万路"}))
    assert near.severity == "中"
    assert not_met(indicators({**VIDEO, "actual_value": 120000.0, "met": True})) == []


def test_indicators_without_evidence():
    ind = indicators(VIDEO, {"name": "运行率", "target_op": ">=", "target_value": 95.0},
                     {"name": "满意度", "target_op": ">=", "target_value": 85.0})
    f = without_evidence(ind)
    assert f.code == "F10" and f.severity == "中" and f.figures["without_actual"] == 2 and f.figures["indicators"] == 3
    assert "3个绩效指标中2个（66.67%）没有报告完成值：运行率、满意度" in f.summary
    assert list(f.rows["src_row"]) == [3, 4]
    assert without_evidence(indicators(VIDEO)) is None


def test_indicators_2020(y2020):
    f, = not_met(y2020.indicators)
    assert f.figures["achievement"] == 0.51 and "51.00%" in f.summary and list(f.rows["src_row"]) == [5]
    e = without_evidence(y2020.indicators)
    assert e.severity == "中" and (e.figures["without_actual"], e.figures["indicators"]) == (8, 11)
    assert "72.73%" in e.summary


# --- all rules on 2020 ------------------------------------------------------------------------------------


def test_find_all_2020(y2020, found2020):
    codes = [f.code for f in found2020]
    assert len(set(codes)) == len(codes)
    assert {c[:3] for c in codes} == {"F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "F10", "F11", "F12"}
    ranks = [SEVERITIES.index(f.severity) for f in found2020]
    assert ranks == sorted(ranks)
    for f in found2020:
        assert f.category in DIMENSIONS and f.summary and f.recommendation
        assert "src_row" in f.rows and f.rows["src_row"].notna().any(), f.code
    table = findings_table(found2020)
    assert len(table) == len(found2020) and table["依据"].str.contains("来源：").all()
    before = unchanged(*y2020.tables().values())
    analyse(y2020)
    assert_same(before, list(y2020.tables().values()))


# --- 11-13. the indicators themselves ----------------------------------------------------------------


def _ind(name, op, target, unit, actual=None, actual_unit=None, text=None, actual_text=None):
    return {"name": name, "target_op": op, "target_value": target, "target_unit": unit,
            "target_text": text or f"{'≤' if op == '<=' else '≥'}{target:g}{unit}", "actual_value": actual,
            "actual_unit": actual_unit, "actual_text": actual_text}


def test_a_cost_ceiling_equal_to_the_budget_repeats_the_execution_rate(y2020):
    [f] = indicator_rules.cost_target_is_the_budget(y2020.indicators, y2020.totals)
    assert (f.code, f.title, f.category) == ("F11", "成本指标设置不科学", "决策")
    assert f.summary.startswith("「采购成本」的指标值为≤941万元，即项目预算总额941.00万元：只要支出不超过预算即为完成")
    # a real cost target (per unit, or well below the budget) is not flagged
    ind = indicators(_ind("单条线路年均费用", "<=", 1.2, "万元"), _ind("采购成本", "<=", 900, "万元"))
    assert indicator_rules.cost_target_is_the_budget(ind, {"budget": D("9410000")}) == []
    assert len(indicator_rules.cost_target_is_the_budget(indicators(_ind("采购成本", "<=", 941, "万元")), {"budget": D("9410000")})) == 1


def test_a_target_and_a_result_in_different_units_are_not_compared(y2020):
    [f] = indicator_rules.units_inconsistent(y2020.indicators)
    assert (f.code, f.title) == ("F12", "指标值与实际完成值口径不一致")
    assert "「视频资源共享数量」的指标值≥3万条以“条”计，实际完成值4.8万路以“路”计" in f.summary
    status = indicator_status(y2020.indicators).set_index("name")
    assert status.loc["视频资源共享数量", "status"] == "口径不一致"
    assert pd.isna(status.loc["视频资源共享数量", "achievement"])  # no 160% claimed
    assert indicator_rules.target_set_low(y2020.indicators) == []  # 160% in other units says nothing of the target


def test_a_result_far_above_its_target_suggests_a_low_target():
    ind = indicators(_ind("接入单位", ">=", 50, "个", 80, "个", actual_text="80个"),
                     _ind("巡检次数", ">=", 10, "次", 14, "次", actual_text="14次"))
    [f] = indicator_rules.target_set_low(ind)
    assert (f.code, f.title, f.severity) == ("F13", "绩效目标值设置偏低", "低")
    assert f.summary == "「接入单位」实际完成80个，为指标值≥50个的160%，目标值明显低于实际能力。"


def test_the_indicator_checks_stand_beside_the_score():
    a = qdanalysis.analyse_year(2020)
    sheet = a.score.sheet.set_index("name")
    assert "口径不一致：指标值以“条”计，实际完成值以“路”计，按数值计分，须评价人核实" in sheet.loc["视频资源共享数量", "basis"]
    assert "指标值即项目预算总额，与预算执行率重复（指标设置不科学）" in sheet.loc["采购成本", "basis"]

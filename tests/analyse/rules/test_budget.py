"""The budget rules (F01 uncovered budget, F03 recurring share, F07 plan against payment, F08 contradictions):
each on a tiny inline case (one that triggers, one that does not), then on 2020."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from rule_inputs import assert_same, budget, contracts, indicators, lines, unchanged

from qdanalysis.analyse.checks import CHECK_COLUMNS
from qdanalysis.analyse.renewals import recurring_share
from qdanalysis.analyse.rules import budget as budget_rules

D = Decimal


def recurring(b, c, totals):
    return budget_rules.high_recurring_share(recurring_share(b, c, totals), b, c)


def by_title(findings, title):
    return [f for f in findings if f.title == title]


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


# --- 3. recurring share ---------------------------------------------------------------------------


def test_recurring_share_reported_from_threshold():
    b = budget(("1.1", "维护", D(400), None), ("1.2", "一次性", D(600), None))
    c = contracts({"contract_id": "A", "item_code": "1.1", "item": "维护", "billing": "年"},
                  {"contract_id": "B", "item_code": "1.2", "item": "一次性", "billing": "一次性"})
    f = recurring(b, c, {"budget": D(1000)})
    assert f.code == "F03" and f.severity == "中" and f.figures["recurring"] == D(400) and f.figures["share"] == 0.4
    assert "占预算总额0.10万元的40.00%" in f.summary and list(f.rows["code"]) == ["1.1"]
    assert recurring(b, c, {"budget": D(1400)}) is None  # 400 / 1400 < 30%


def test_recurring_share_2020(y2020, a2020):
    f = recurring(y2020.budget, y2020.contracts, y2020.totals)
    assert f.figures["recurring"] == D("5077200.00") and f"{f.figures['share']:.2%}" == "53.96%"
    assert "507.72万元" in f.summary and "53.96%" in f.summary and f.severity == "高"
    assert f.rows["src_row"].notna().all()
    # 1.3's contract ended on 2020-04-03 and nothing renews it: its 14.45 is a tail payment, like 1.7's retention
    f03, = [x for x in a2020.findings if x.code == "F03"]
    assert f03.summary == ("延续性（刚性）合同涉及1.1、1.2、1.5、1.6、2.1、2.2、2.3、2.5、2.7、3.1共10个项目，已列明预算的合计507.72万元，"
                           "占预算总额941.00万元的53.96%；其中2.7的预算数未披露、未计入，实际占比更高；"
                           "1.3的合同服务期已在本年内结束、未续签，本年支付为尾款，不计为刚性支出。")
    assert "1.3" not in list(f03.rows["code"]) and f03.figures["items"] == 10


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
    # the source says 1.9, 4.1 and 4.2 were carried out (一（一）3, 二（一）): the sentence never says the opposite
    assert f.figures["items_implementation_stated"] == 3
    assert ("其中1.9 青岛市级视频监控资源共享平台服务项目、4.1 规划执行情况评估、4.2 青岛市智慧城市建设情况评估共3个项目，"
            "资料述及其实施情况，但未列金额；其余14个项目的实施情况也未述及，无法判断是否按计划实施："
            "1.4 网络、网闸、行为审计等设备及配件的维保服务、") in f.summary
    judged = f.summary.split("无法判断是否按计划实施：")[1]
    assert not any(code in judged for code in ("1.9 ", "4.1 ", "4.2 "))


def test_plan_vs_payment_names_apart_the_items_whose_implementation_is_stated():
    b = budget(("1.1", "平台", None, None), ("1.2", "评估", None, None)).assign(
        implementation=["二（一）：完成平台建设", None])
    f, = budget_rules.plan_vs_payment(b, contracts({"contract_id": "A", "item_code": "9", "item": "其他"})[0:0])
    assert f.summary == ("2个预算项目中2个无支付或合同记录，执行数未披露。其中1.1 平台共1个项目，资料述及其实施情况，"
                         "但未列金额；其余1个项目的实施情况也未述及，无法判断是否按计划实施："
                         "1.2 评估；上述项目的预算数均未披露。")
    assert "「" not in f.recommendation


# --- 8. contradictions ---------------------------------------------------------------------------------


def checks(*rows):
    return pd.DataFrame([dict(zip(CHECK_COLUMNS, r)) for r in rows], columns=CHECK_COLUMNS)


def test_contradictions_one_per_disagreement():
    chk = checks(
        ("2.2 接入费：合同月费×12与预算数", "942元/月×92条×12", D(1039968), D(900000), D(-139968), -0.1346, "不一致",
         "按合同月费测算年费用104.00万元，预算表为90.00万元（-13.5%）"),
        ("2.3 专网：合同月费×12与预算数", "1.17万元/月×12", D(140400), D(140400), D(0), 0.0, "一致", ""),
    )
    b = budget(("2.2", "接入费", D(900000), None), ("2.3", "专网", D(140400), None))
    c = contracts({"contract_id": "L", "item_code": "2.2", "item": "接入费"})
    f, = budget_rules.contradictions(chk, b, c, lines())
    assert f.code == "F08" and f.severity == "中" and f.figures["difference"] == D(-139968)
    # a budget below its contracts' arithmetic is a budget whose basis is unclear, not data contradicting itself
    assert f.title == "预算测算依据不明确" and "矛盾" not in f.title
    assert f.summary == "2.2 接入费：按合同月费测算年费用104.00万元，预算表为90.00万元（-13.5%）。" and " vs " not in f.summary
    assert list(f.rows["table"]) == ["数据核对", "预算执行", "合同台账"]
    assert list(f.rows["src_row"].dropna()) == [2, 2]
    assert budget_rules.contradictions(chk[chk["status"] == "一致"], b, c, lines()) == []


def test_contradictions_2020(y2020, a2020):
    f, = budget_rules.contradictions(a2020.checks, y2020.budget, y2020.contracts, y2020.lines, y2020.indicators)
    assert f.figures["computed"] == D("1039968.00") and f.figures["stated"] == D("900000.00")
    assert round(f.figures["relative"], 3) == -0.135
    # 90万元 ÷ (942元 × 12) ≈ 80 lines, the ≥80条 target; the 92 units are the 2018 count, one line each an assumption
    assert f.summary == ("2.2 市直单位网络接入费：预算约90.00万元，按合同单价942元/月计，折合约80条线路的全年费用"
                         "（90.00万元÷（942元/月×12个月）），与绩效目标“保障网络线路数量≥80条”的条数相同；"
                         "合同所列数量为92个单位（2018年外联网单位数），每单位线路条数未披露，按每单位1条测算的年费用104.00万元"
                         "为假设值。预算按何种数量测算，数据未载明，测算依据不明确。")
    assert "预算比测算少" not in f.summary and "-13.5%" not in f.summary
    assert set(f.rows["table"]) >= {"预算执行", "合同台账", "线路清单"}
    assert f.rows["src_row"].notna().sum() == 3

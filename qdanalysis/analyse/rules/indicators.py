"""Rules on the performance indicators (绩效指标): a quantity target on a service paid per unit
(F02), targets not met (F09), results without evidence (F10), and how the indicators are set: a
cost ceiling that is the budget (F11), a target and its actual in different units (F12), a target
set low (F13)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.findings import (
    EVERY_INDICATOR,
    HIGH,
    LOW,
    MEDIUM,
    Finding,
    Rule,
    evidence_rows,
    join,
    numbered,
    unit_price_text,
)
from qdanalysis.analyse.indicator_status import STATUS_NOT_MET, STATUS_UNKNOWN, budget_ceiling, units_differ
from qdanalysis.analyse.linking import item_label
from qdanalysis.analyse.sms_costs import sms_target_money
from qdanalysis.domain import DECISION, OUTPUT, PROCESS
from qdanalysis.fmt import count_text, pct, wan
from qdanalysis.money import FEN, is_missing, to_decimal
from qdanalysis.read.parsing import parse_codes

#: The level-2 name of quantity indicators.
QUANTITY_LEVEL = "数量"
#: Billing units that make cost grow with every unit delivered.
PER_UNIT_BILLING = ("条",)
#: Achievement below which an unmet target is 高 (else 中).
NOT_MET_HIGH = 0.60
#: Share of indicators without a reported result from which the evidence finding is 中.
EVIDENCE_MEDIUM = 0.50


# --- 2. quantity targets on services paid per unit -------------------------------------------


UNIT_PRICED_QUANTITY_TARGET = Rule(
    "F02", DECISION, indicators=(QUANTITY_LEVEL,), bears_on=("绩效目标合理性",),
    read=lambda e: quantity_target_on_unit_priced_service(e.data.indicators, e.data.contracts, e.data.sms))


def quantity_target_on_unit_priced_service(indicators: pd.DataFrame, contracts: pd.DataFrame,
                                           sms: pd.DataFrame | None = None) -> list[Finding]:
    """Quantity targets (≥) on services billed per unit: meeting them costs money (F02).

    The implied money is target × unit price (the contracts' lowest known unit price of the
    indicator's items; else the SMS table's price through :func:`sms_target_money`).
    """
    found = []
    if indicators.empty or contracts.empty or "item_codes" not in indicators:
        return found
    for idx, ind in indicators.iterrows():
        codes = parse_codes(ind["item_codes"])
        if (not codes or ind["target_op"] not in (">=", ">") or is_missing(ind["target_value"])
                or QUANTITY_LEVEL not in str(ind["level2"] or "")):
            continue
        # only a target counted in the unit the service is billed by (条, 万条) costs money; a rate does not
        per_unit = contracts[contracts["item_code"].isin(codes) & contracts["billing"].isin(PER_UNIT_BILLING)
                             & (contracts["billing"] == (ind.get("target_unit") or None))]
        if per_unit.empty:
            continue
        prices = [Decimal(p) for p in per_unit["unit_price"].dropna()]
        price = min(prices) if prices else None
        if price is None and sms is not None and not sms.empty:
            price = sms_target_money(sms, indicators.loc[[idx]])["unit_price"]
        target = to_decimal(float(ind["target_value"]))
        implied = None if price is None else (target * price).quantize(FEN)
        unit = per_unit["billing"].iloc[0]
        items = join(item_label(c, i) for c, i in dict.fromkeys(zip(per_unit["item_code"], per_unit["item"])))
        text = (f"“{ind['name']}”指标值为{ind['target_text']}，对应项目{items}按{unit}计费"
                f"（{unit_price_text(price, unit) if price is not None else '单价未披露'}）")
        if implied is not None:
            text += f"，完成目标对应支出不低于{wan(implied)}（{count_text(target)}{unit}×{unit_price_text(price, unit)}）"
        text += "；以发送量下限为目标，易导致无效发送、增加财政支出。"
        found.append(UNIT_PRICED_QUANTITY_TARGET.finding(
            title="数量指标设在按量计费的服务上", severity=MEDIUM,
            figures={"target": float(target), "unit_price": price, "implied": implied},
            rows=evidence_rows(("indicators", indicators.loc[[idx]]), ("contracts", per_unit)), summary=text,
            recommendation=(f"项目单位将“{ind['name']}”改为质量或成本类指标（如有效送达率、单条成本、各部门发送额度执行率），"
                            "通过部门权限控制用量，并说明指标值的测算依据。"),
        ))
    return numbered(found)


# --- 9. indicators ---------------------------------------------------------------------------------


INDICATOR_NOT_MET = Rule("F09", OUTPUT, indicators=(EVERY_INDICATOR,),
                         read=lambda e: indicator_not_met(e.indicator_status, e.data.indicators))


def indicator_not_met(status: pd.DataFrame, indicators: pd.DataFrame) -> list[Finding]:
    """Targets the reported actual does not reach (F09); 高 below :data:`NOT_MET_HIGH` of target.

    Args:
        status: :func:`~qdanalysis.analyse.indicator_status.indicator_status` of ``indicators`` (row for row).
    """
    found = []
    if indicators.empty:
        return found
    for pos in range(len(status)):
        s = status.iloc[pos]
        if s["status"] != STATUS_NOT_MET:
            continue
        ach = None if pd.isna(s["achievement"]) else float(s["achievement"])
        text = f"“{s['name']}”指标值为{s['target_text']}，实际完成{s['actual_text']}"
        text += f"，为目标值的{pct(ach)}，未达到目标。" if ach is not None else "，未达到目标。"
        found.append(INDICATOR_NOT_MET.finding(
            title="绩效目标未完成", severity=HIGH if ach is not None and ach < NOT_MET_HIGH else MEDIUM,
            figures={"achievement": ach, "target": _float(indicators.iloc[pos]["target_value"]),
                                      "actual": _float(indicators.iloc[pos]["actual_value"])},
            rows=evidence_rows(("indicators", indicators.iloc[[pos]])), summary=text,
            recommendation=(f"项目单位分析“{s['name']}”实际值与目标值差距的成因，制定整改措施和完成时限；"
                            "目标值脱离实际的，依据往年完成情况和项目计划重新测算。"),
        ))
    return numbered(found)


INDICATORS_WITHOUT_EVIDENCE = Rule("F10", PROCESS, indicators=(EVERY_INDICATOR,),
                                   shrinks=("share", "未填实际完成值的指标占比"),
                                   read=lambda e: indicators_without_evidence(e.indicator_status, e.data.indicators))


def indicators_without_evidence(status: pd.DataFrame, indicators: pd.DataFrame) -> Finding | None:
    """Indicators with no reported actual: the result cannot be verified (缺少佐证) (F10).

    Args:
        status: :func:`~qdanalysis.analyse.indicator_status.indicator_status` of ``indicators`` (row for row).
    """
    if indicators.empty:
        return None
    missing = status["status"] == STATUS_UNKNOWN
    n, total = int(missing.sum()), len(status)
    if not n:
        return None
    share = n / total
    return INDICATORS_WITHOUT_EVIDENCE.finding(
        title="绩效指标缺少完成值佐证", severity=MEDIUM if share >= EVIDENCE_MEDIUM else LOW,
        limitation=True,
        figures={"without_actual": n, "indicators": total, "share": share},
        rows=evidence_rows(("indicators", indicators[missing.to_numpy()])),
        summary=(f"{total}个绩效指标中{n}个（{pct(share)}）没有报告完成值：{join(status.loc[missing, 'name'])}；"
                 "无法据此判断目标是否完成。"),
        recommendation=("项目单位为每个指标明确数据来源和采集方式（如线路清单条数、短信平台月度统计、运维工单响应时间、满意度问卷），"
                        "年末随自评报告提供完成值和佐证材料。"),
    )


def _float(value) -> float | None:
    return None if is_missing(value) else float(value)


#: An actual at or above this multiple of its target suggests the target was set low (F13).
TARGET_LOW_RATIO = 1.5


COST_TARGET_IS_BUDGET = Rule("F11", DECISION, indicators=(EVERY_INDICATOR,), indicator_setting=True,
                             bears_on=("绩效目标合理性",),
                             read=lambda e: cost_target_is_the_budget(e.data.indicators, e.data.totals))


def cost_target_is_the_budget(indicators: pd.DataFrame, totals: dict) -> list[Finding]:
    """A cost indicator whose ceiling is the whole budget (采购成本 ≤941万元) measures nothing that
    预算执行率 does not (F11, 指标设置不科学)."""
    found = []
    budget = totals.get("budget")
    if indicators.empty or budget is None:
        return found
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        ceiling = budget_ceiling(r, budget)
        if ceiling is None:
            continue
        found.append(COST_TARGET_IS_BUDGET.finding(
            title="成本指标设置不科学", severity=MEDIUM,
            figures={"ceiling": ceiling, "budget": Decimal(budget)},
            rows=evidence_rows(("indicators", indicators.iloc[[pos]])),
            summary=(f"“{r['name']}”指标值为{r['target_text']}，等于项目预算总额{wan(budget)}，支出不超过预算即为完成，"
                     "与预算执行率重复，不反映单位产出的成本。"),
            recommendation=(f"项目单位将“{r['name']}”改为单位成本或成本节约类指标（如每条线路年均费用、每条短信单价、"
                            "运维费用占设备原值比例），并说明指标值的测算依据。"),
        ))
    return numbered(found)


UNITS_INCONSISTENT = Rule("F12", DECISION, indicators=(EVERY_INDICATOR,), indicator_setting=True,
                          bears_on=("绩效指标明确性",),
                          read=lambda e: units_inconsistent(e.data.indicators))


def units_inconsistent(indicators: pd.DataFrame) -> list[Finding]:
    """A target and its actual counted in different units (≥3万条 against 4.8万路): 口径不一致 (F12)."""
    found = []
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        if not units_differ(r):
            continue
        found.append(UNITS_INCONSISTENT.finding(
            title="指标值与实际完成值口径不一致", severity=MEDIUM,
            figures={"target_unit": r["target_unit"], "actual_unit": r["actual_unit"]},
            rows=evidence_rows(("indicators", indicators.iloc[[pos]])),
            summary=(f"“{r['name']}”指标值{r['target_text']}以{r['target_unit']}计，实际完成值{r['actual_text']}以"
                     f"{r['actual_unit']}计，计量口径不一致，无法据此判断目标是否完成。"),
            recommendation=(f"项目单位在绩效目标申报表中写明“{r['name']}”的计量单位和统计方法，"
                            "按同一口径报告完成值。"),
        ))
    return numbered(found)


TARGET_SET_LOW = Rule("F13", DECISION, indicators=(EVERY_INDICATOR,), indicator_setting=True,
                      bears_on=("绩效指标明确性", "绩效目标合理性"),
                      read=lambda e: target_set_low(e.data.indicators))


def target_set_low(indicators: pd.DataFrame) -> list[Finding]:
    """An actual far above its target (150% or more, same unit) suggests the target was set low (F13)."""
    found = []
    for pos in range(len(indicators)):
        r = indicators.iloc[pos]
        if r["target_op"] not in (">=", ">") or pd.isna(r["target_value"]) or pd.isna(r["actual_value"]) \
                or not r["target_value"] or units_differ(r):
            continue
        ratio = float(r["actual_value"]) / float(r["target_value"])
        if ratio < TARGET_LOW_RATIO:
            continue
        found.append(TARGET_SET_LOW.finding(
            title="绩效目标值设置偏低", severity=LOW, figures={"ratio": ratio},
            rows=evidence_rows(("indicators", indicators.iloc[[pos]])),
            summary=(f"“{r['name']}”实际完成{r['actual_text']}，为指标值{r['target_text']}的{pct(ratio, 0)}，"
                     "指标值可能低于实际能力。"),
            recommendation=(f"项目单位依据往年完成情况和本年度工作计划重新测算“{r['name']}”的指标值，使目标具有挑战性。"),
        ))
    return numbered(found)

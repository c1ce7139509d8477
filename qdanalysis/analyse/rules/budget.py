"""Rules on the budget and what was paid: the budget no output indicator covers (F01), the recurring
share (F03), planned against paid (F07) and the figures that contradict each other (F08)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.checks import STATUS_DIFF
from qdanalysis.analyse.findings import (
    HIGH,
    LOW,
    MEDIUM,
    Finding,
    Rule,
    budget_rows,
    evidence_rows,
    join,
    numbered,
    unit_price_text,
)
from qdanalysis.analyse.linking import is_approximate, item_label
from qdanalysis.domain import DECISION, OUTCOME, OUTPUT
from qdanalysis.fmt import pct, wan
from qdanalysis.money import is_missing, safe_ratio, sum_known
from qdanalysis.read.parsing import parse_codes
from qdanalysis.read.schema import UNITS_COUNTED

#: The indicator level whose item codes count as covering a budget item.
OUTPUT_LEVEL = "产出指标"
#: Uncovered share of the budget at or above which the coverage finding is 高.
UNCOVERED_HIGH = 0.30
#: Uncovered items named in the summary.
LARGEST_SHOWN = 3
#: Recurring (刚性) share of the budget from which it is reported, and from which it is 高.
RECURRING_THRESHOLD = 0.30
RECURRING_HIGH = 0.50
#: Relative disagreement of a cross-check from which it is 中 (else 低).
CONTRADICTION_MEDIUM = 0.10


# --- 1. budget no output indicator covers ------------------------------------------------------


def covered_items(indicators: pd.DataFrame) -> set[str]:
    """Budget item codes that at least one output (产出) indicator names in ``item_codes``."""
    if indicators.empty or "item_codes" not in indicators:
        return set()
    output = indicators[indicators["level1"].fillna("").str.contains(OUTPUT_LEVEL, regex=False)]
    return {code for value in output["item_codes"] for code in parse_codes(value)}


UNCOVERED_BUDGET = Rule("F01", DECISION, indicators=(OUTPUT_LEVEL,),
                        bears_on=("绩效指标明确性", "绩效目标合理性"), shrinks=("share", "未覆盖支出占比"),
                        read=lambda e: uncovered_budget(e.data.budget, e.data.indicators, e.data.totals))


def uncovered_budget(budget: pd.DataFrame, indicators: pd.DataFrame, totals: dict) -> Finding | None:
    """The share of the budget that no output indicator measures (F01).

    An item is covered when an output indicator lists its code in ``item_codes``. When no
    indicator lists any code the mapping is unknown and nothing is reported.
    """
    covered = covered_items(indicators)
    if not covered or budget.empty:
        return None
    uncovered = budget[~budget["code"].isin(covered)]
    if uncovered.empty:
        return None
    amount = sum_known(uncovered["budget"]) or Decimal(0)
    base = totals.get("budget")
    base = Decimal(base) if not is_missing(base) else sum_known(budget["budget"])
    share = safe_ratio(amount, base)
    disclosed = uncovered[uncovered["budget"].notna()]
    undisclosed = uncovered[uncovered["budget"].isna()]
    largest = disclosed.assign(_b=[Decimal(v) for v in disclosed["budget"]]).sort_values(
        "_b", ascending=False, kind="stable").head(LARGEST_SHOWN)
    in_budget = budget[budget["code"].isin(covered)]
    figures = {
        "uncovered_amount": amount, "budget": base, "share": share,
        "covered_amount": sum_known(in_budget["budget"]),
        "items": len(budget), "covered_items": len(in_budget), "uncovered_items": len(uncovered),
        "uncovered_items_disclosed": len(disclosed), "uncovered_items_undisclosed": len(undisclosed),
    }
    text = (f"绩效指标表中，产出指标列明衡量的项目为{join(in_budget['code'])}共{len(in_budget)}个；"
            f"{join(uncovered['code'])}共{len(uncovered)}个项目没有列明对应的产出指标；"
            f"其中列明预算的{len(disclosed)}个项目合计{wan(amount)}，占预算总额{wan(base)}的{pct(share)}")
    if len(largest):
        text += "，金额最大的是" + join(f"{item_label(r.code, r.item)}（{wan(r.budget)}）" for r in largest.itertuples())
    if len(undisclosed):
        text += f"；另有{len(undisclosed)}个未覆盖项目未披露预算数（{join(undisclosed['code'])}）"
    shown = largest if len(largest) else uncovered.head(LARGEST_SHOWN)
    names = join(item_label(c, i) for c, i in zip(shown["code"], shown["item"]))
    severity = HIGH if share is not None and share >= UNCOVERED_HIGH else (MEDIUM if amount else LOW)
    return UNCOVERED_BUDGET.finding(
        title="产出指标未覆盖主要支出项目", severity=severity, figures=figures,
        rows=evidence_rows(("budget", uncovered)), summary=text + "。",
        recommendation=(f"项目单位为{names}等项目设置产出指标（如设备完好率、巡检次数、故障修复时限、安全事件处置率），"
                        "使每个预算项目至少有一个可衡量的产出指标，并在绩效目标申报表中写明各指标衡量的项目。"),
    )


# --- 3. recurring share ------------------------------------------------------------------------


RECURRING_SHARE = Rule("F03", OUTCOME, bears_on=("资金分配合理性",), shrinks=("share", "刚性支出占比"),
                       read=lambda e: high_recurring_share(e.recurring, e.data.budget, e.data.contracts))


def high_recurring_share(recurring: dict, budget: pd.DataFrame, contracts: pd.DataFrame) -> Finding | None:
    """Recurring (刚性) contracts' share of the budget when it reaches :data:`RECURRING_THRESHOLD` (F03).

    Args:
        recurring: :func:`~qdanalysis.analyse.renewals.recurring_share` of the year.
        budget, contracts: the tables it was computed from (for the evidence rows).
    """
    if budget.empty or contracts.empty:
        return None
    r = recurring
    if r["share"] is None or r["share"] < RECURRING_THRESHOLD:
        return None
    items = [c for c in budget["code"] if c in set(r["items"])]
    text = (f"延续性（刚性）合同涉及{join(items)}共{len(items)}个项目，已列明预算的合计{wan(r['recurring'])}，"
            f"占预算总额{wan(r['budget'])}的{pct(r['share'])}")
    if r["items_undisclosed"]:
        text += f"；其中{join(r['items_undisclosed'])}的预算数未披露、未计入，实际占比更高"
    if r.get("items_unknown"):
        text += f"；{join(r['items_unknown'])}的合同未写明计费方式，是否持续付费无法判断，未计入"
    if r.get("items_ended"):
        text += f"；{join(r['items_ended'])}的合同服务期已在本年内结束、未续签，本年支付为尾款，不计为刚性支出"
    return RECURRING_SHARE.finding(
        title="刚性支出占比大，挤压新增项目", severity=HIGH if r["share"] >= RECURRING_HIGH else MEDIUM,
        figures={"recurring": r["recurring"], "budget": r["budget"], "share": r["share"], "items": len(items),
                 "items_undisclosed": len(r["items_undisclosed"])},
        rows=evidence_rows(("budget", budget_rows(budget, items))), summary=text + "。",
        recommendation=("项目单位在预算安排前对连续多年实施的运维项目逐项论证必要性和可行性，合并同类运维项目，"
                        "调减不必要或无效的项目，为新增项目留出资金空间，并逐年跟踪刚性支出占比。"),
    )


# --- 7. planned against paid ---------------------------------------------------------------------


PLAN_VS_PAYMENT = Rule("F07", OUTPUT, read=lambda e: plan_vs_payment(e.data.budget, e.data.contracts))


def plan_vs_payment(budget: pd.DataFrame, contracts: pd.DataFrame) -> list[Finding]:
    """Contracts for items the budget does not list, and budget items with no contract and no
    executed figure (无支付或合同记录; 低 because the executed amounts are undisclosed) (F07)."""
    found = []
    if budget.empty:
        return found
    codes, names = set(budget["code"].dropna()), set(budget["item"].dropna())
    if not contracts.empty:
        unplanned = contracts[~(contracts["item_code"].isin(codes) | contracts["item"].isin(names))]
        if len(unplanned):
            amount = sum_known(c for c in unplanned["annual_cost"])
            found.append(PLAN_VS_PAYMENT.finding(
                title="支出项目不在预算计划内", severity=MEDIUM,
                figures={"contracts": len(unplanned), "annual_cost": amount},
                rows=evidence_rows(("contracts", unplanned)),
                summary=(f"{len(unplanned)}份合同对应的项目不在预算表中："
                         f"{join(item_label(c, i) for c, i in zip(unplanned['item_code'], unplanned['item']))}，"
                         f"已知年费合计{wan(amount)}，未见预算调整记录。"),
                recommendation="项目单位在项目调整时严格履行调整报批程序，并同步调整绩效目标、工作进度和预算实施计划；未经调整的支出补办手续或说明原因。",
            ))
    contracted = set(contracts["item_code"].dropna()) | set(contracts["item"].dropna())
    no_contract = budget[~(budget["code"].isin(contracted) | budget["item"].isin(contracted))]
    unknown = no_contract[no_contract["executed"].isna()]
    zero = no_contract[no_contract["executed"].notna() & no_contract["budget"].notna()]
    zero = zero[[Decimal(e) == 0 and Decimal(b) > 0 for e, b in zip(zero["executed"], zero["budget"])]]
    if len(zero):
        amount = sum_known(zero["budget"])
        found.append(PLAN_VS_PAYMENT.finding(
            title="安排预算但未支出", severity=MEDIUM,
            figures={"items": len(zero), "budget": amount}, rows=evidence_rows(("budget", zero)),
            summary=(f"{len(zero)}个项目安排预算{wan(amount)}，执行数为0且无合同记录："
                     f"{join(item_label(c, i) for c, i in zip(zero['code'], zero['item']))}。"),
            recommendation="项目单位查明未支出原因；确不需要的项目及时调减预算，按程序调整绩效目标。",
        ))
    if len(unknown):
        found.append(_without_record(budget, unknown))
    return numbered(found)


def _labels(items: pd.DataFrame) -> str:
    return join(item_label(c, i) for c, i in zip(items["code"], items["item"]))


def _without_record(budget: pd.DataFrame, unknown: pd.DataFrame) -> Finding:
    """Planned items with no contract, payment or executed figure (F07, a limitation of the data).

    An item whose 实施情况 the data states (the sources say it was carried out) is named apart: the
    data says it was implemented, only not what it cost; the others cannot be judged.
    """
    stated = unknown["implementation"].notna() if "implementation" in unknown else pd.Series(False, index=unknown.index)
    done, open_ = unknown[stated.to_numpy()], unknown[~stated.to_numpy()]
    amount = sum_known(unknown["budget"])
    summary = f"{len(budget)}个预算项目中{len(unknown)}个无支付或合同记录，执行数未披露"
    if len(done):
        summary += f"。其中{_labels(done)}共{len(done)}个项目，资料述及其实施情况，但未列金额"
    if len(open_):
        summary += (f"{'；其余' if len(done) else '，其中'}{len(open_)}个项目的实施情况也未述及，"
                    f"无法判断是否按计划实施：{_labels(open_)}")
    summary += f"；上述项目的预算数{'合计' + wan(amount) if amount is not None else '均未披露'}。"
    return PLAN_VS_PAYMENT.finding(
        title="计划项目无支付或合同记录", severity=LOW, limitation=True,
        figures={"items": len(budget), "items_without_record": len(unknown), "items_implementation_stated": len(done),
                 "budget": amount},
        rows=evidence_rows(("budget", unknown)), summary=summary,
        recommendation=("项目单位提供各项目的合同、支付记录和执行数，使计划与支出可逐项核对；"
                        "实际内容与计划不一致的，补办调整报批手续。"),
    )


# --- 8. the data's own contradictions ------------------------------------------------------------


CONTRADICTIONS = Rule("F08", DECISION, bears_on=("预算编制科学性",),
                      read=lambda e: contradictions(e.checks, e.data.budget, e.data.contracts, e.data.lines,
                                                    e.data.indicators))


def contradictions(checks: pd.DataFrame, budget: pd.DataFrame, contracts: pd.DataFrame,
                   lines: pd.DataFrame, indicators: pd.DataFrame | None = None) -> list[Finding]:
    """Cross-checks whose figures disagree (status 不一致), with the rows they compare (F08).

    A budget that its contracts' arithmetic does not reach shows a budget whose basis is not
    documented, not data that contradict themselves. Where the contract prices a line per month
    and counts organisations, not lines (2.2: 942元/月, 92个单位), the finding says how many lines
    the budget pays for a year (约90万元 ÷ (942元 × 12) ≈ 80) beside the count, its basis and the
    line-count target (:func:`_lines_the_budget_buys`).
    """
    found = []
    if checks.empty:
        return found
    for _, chk in checks[checks["status"] == STATUS_DIFF].iterrows():
        code = str(chk["check"]).split(" ")[0]
        rel = None if is_missing(chk["relative"]) else float(chk["relative"])
        item = budget[budget["code"] == code]
        label = item_label(code, item["item"].iloc[0]) if len(item) else str(chk["check"]).split("：")[0]
        text = _lines_the_budget_buys(label, chk, item, _item_rows(contracts, code), indicators)
        found.append(CONTRADICTIONS.finding(
            title="预算测算依据不明确",
            severity=MEDIUM if rel is None or abs(rel) >= CONTRADICTION_MEDIUM else LOW,
            figures={"computed": chk["computed"], "stated": chk["stated"], "difference": chk["difference"],
                     "relative": rel},
            rows=evidence_rows(("数据核对", pd.DataFrame([chk.to_dict()])), ("budget", budget_rows(budget, [code])),
                           ("contracts", _item_rows(contracts, code)), ("lines", _item_rows(lines, code))),
            summary=text or f"{label}：{chk['detail'] or chk['formula']}。",
            recommendation="项目单位按核实的数量和合同单价测算预算，并在预算申报材料中列明测算数量、单价和依据。",
        ))
    return numbered(found)


def _lines_the_budget_buys(label: str, chk: pd.Series, item: pd.DataFrame, contracts: pd.DataFrame,
                           indicators: pd.DataFrame | None) -> str:
    """For one monthly line contract counted in organisations: the lines the budget pays for a year,
    the count and what it is, and the line-count target when the two numbers are the same; else empty."""
    monthly = contracts[(contracts["billing"] == "月") & contracts["unit_price"].notna()] if len(contracts) else contracts
    if len(monthly) != 1 or monthly["quantity_unit"].iloc[0] != UNITS_COUNTED or item.empty \
            or is_missing(chk["stated"]) or is_missing(monthly["quantity"].iloc[0]):
        return ""
    c = monthly.iloc[0]
    price, stated = Decimal(c["unit_price"]), Decimal(chk["stated"])
    bought = (stated / (price * 12)).quantize(Decimal(1))
    about = "约" if is_approximate(item.iloc[0], "budget") else ""
    note = c.get("count_note")
    counted = f"{int(c['quantity'])}个单位" + (f"（{note}）" if isinstance(note, str) and note else "")
    text = (f"{label}：预算{about}{wan(stated)}，按合同单价{unit_price_text(price, '月')}计，"
            f"折合约{bought}条线路的全年费用（{wan(stated)}÷（{unit_price_text(price, '月')}×12个月））")
    target = _line_target(indicators)
    if target is not None and Decimal(str(target["target_value"])) == bought:
        text += f"，与绩效目标“{target['name']}{target['target_text']}”的条数相同"
    text += (f"；合同所列数量为{counted}，每单位线路条数未披露，按每单位1条测算的年费用{wan(chk['computed'])}"
             "为假设值。预算按何种数量测算，数据未载明，测算依据不明确。")
    return text


def _line_target(indicators: pd.DataFrame | None) -> pd.Series | None:
    """The line-count target (保障网络线路数量 ≥80条), counted in lines, if the indicators have one."""
    if indicators is None or indicators.empty:
        return None
    t = indicators[indicators["name"].str.contains("线路数量", na=False) & indicators["target_value"].notna()
                   & indicators["target_op"].isin([">=", ">", "="])]
    return t.iloc[0] if len(t) else None


def _item_rows(table: pd.DataFrame, code: str) -> pd.DataFrame:
    return table[table["item_code"] == code] if not table.empty and "item_code" in table else table.iloc[0:0]

"""Cross-checks an evaluator makes between the tables of one year (数据核对).

Pure functions: loaded tables in, a DataFrame of checks out. A check whose figures disagree
becomes a data warning; nothing is corrected or hidden.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.analyse.linking import is_approximate, item_label
from qdanalysis.analyse.network_lines import counted_in_units, months_in_service
from qdanalysis.domain import DERIVED, NOT_ADJUSTED
from qdanalysis.money import FEN, WAN, to_decimal
from qdanalysis.read.schema import UNITS_COUNTED

CHECK_COLUMNS = ["check", "formula", "computed", "stated", "difference", "relative", "status", "detail"]
STATUS_OK, STATUS_DIFF, STATUS_UNKNOWN = "一致", "不一致", "未披露"


def _wan(yuan: Decimal | None) -> str:
    return "—" if yuan is None else f"{(Decimal(yuan) / WAN).quantize(FEN)}万元"


def _row(check: str, formula: str, computed: Decimal | None, stated: Decimal | None, detail: str = "") -> dict:
    if computed is None or stated is None:
        status, diff, rel = STATUS_UNKNOWN, None, None
    else:
        diff = stated - computed
        rel = (diff / computed) if computed else None
        # Two fen either way is rounding; anything else is a disagreement to show.
        status = STATUS_OK if abs(diff) <= Decimal("0.02") else STATUS_DIFF
    return {"check": check, "formula": formula, "computed": computed, "stated": stated,
            "difference": diff, "relative": None if rel is None else float(rel), "status": status,
            "detail": detail}


def _price_text(price) -> str:
    p = Decimal(price)
    return f"{(p / 10000).normalize()}万元" if p >= 1000 else f"{p.normalize()}元"


def _count_word(unit: object) -> str:
    """How a 数量 reads after its number: 条, or 个单位 where it counts organisations."""
    return "个单位" if unit == UNITS_COUNTED else "条"


def _count_note(group: pd.DataFrame) -> str:
    """What the group's 数量 counts when the data says (数量说明: 2018年外联网单位数), else empty."""
    notes = [n for n in group["count_note"] if isinstance(n, str) and n] if "count_note" in group else []
    return "、".join(dict.fromkeys(notes))


def _diff_detail(basis: str, computed: Decimal, stated: Decimal, row: dict, lines, by_unit: bool = False,
                 approximate: bool = False, count_note: str = "", year: int | None = None) -> str:
    """Chinese explanation of a disagreement: the 推算 and what it is computed from, the budget against it, how many
    lines the budget would buy at the same price, and, where the count is an assumption (organisations counted
    as one line each) or of another year, that the comparison cannot show the budget short or long."""
    short = row["difference"] < 0
    text = (f"{DERIVED}：{basis}计，年费用{_wan(computed)}；预算表列{'约' if approximate else ''}{_wan(stated)}，"
            f"较推算数{'少' if short else '多'}{_wan(abs(row['difference']))}（{row['relative']:+.1%}）")
    lines = int(lines)
    if lines > 1 and computed:
        text += f"；按同一单价，预算表数约合{round(stated / (computed / lines))}条线路"
        noted = re.search(r"(\d{4})年", count_note)
        other_year = noted is not None and year is not None and int(noted.group(1)) != int(year)
        if not by_unit and not other_year:
            return f"{text}（推算所用数量为{lines}条）"
        word = "个" if by_unit else "条"
        counted = f"{count_note}{lines}{word}" if count_note else f"{lines}{'个单位' if by_unit else '条'}"
        assumed = "，每单位按1条线路计系假设（每单位线路条数未披露）" if by_unit else ""
        text += (f"。推算所用数量为{counted}{assumed}{f'，并非{year}年实有线路数' if other_year else ''}；"
                 f"本项核对只说明预算表数与所列单价、数量不相印证，不能说明预算{'不足' if short else '偏多'}")
    return text


def budget_vs_lines(budget: pd.DataFrame, lines: pd.DataFrame, year: int | None = None) -> list[dict]:
    """Cost in the year of the lines linked to a budget item (count × monthly fee × months in service,
    the rule contracts follow) against its budget."""
    out = []
    if lines.empty or "item_code" not in lines or budget.empty:
        return out
    for code, group in lines.dropna(subset=["item_code"]).groupby("item_code", sort=True):
        match = budget[budget["code"] == code]
        if match.empty:
            continue
        item = match.iloc[0]
        stated = None if pd.isna(item["budget"]) else Decimal(item["budget"])
        rows = [(r, 12 if year is None else months_in_service(r, year)) for _, r in group.iterrows()]
        known = [(r, m) for r, m in rows if not pd.isna(r["monthly_fee"]) and not pd.isna(r["count"])]
        parts = [f"{int(r['count'])}{_count_word(r.get('count_unit'))}×{Decimal(r['monthly_fee'])}元×{m}" for r, m in known]
        computed = (sum((Decimal(r["monthly_fee"]) * int(r["count"]) * m for r, m in known), Decimal(0)).quantize(FEN)
                    if len(known) == len(group) else None)
        row = _row(f"{item_label(code, item['item'])}：线路清单测算与预算数", " + ".join(parts) or "—", computed, stated)
        if row["status"] == STATUS_DIFF:
            by_unit = bool(counted_in_units(group).any())
            row["detail"] = _diff_detail("按线路清单", computed, stated, row, group["count"].sum(), by_unit,
                                         is_approximate(item, "budget"), _count_note(group), year)
        out.append(row)
    return out


def budget_vs_contracts(budget: pd.DataFrame, contracts: pd.DataFrame, year: int | None = None) -> list[dict]:
    """For items paid monthly: what the contracts cost in the year (monthly fee × quantity × months in
    service; 12 months when the period is not given) against the item's budget."""
    out = []
    if contracts.empty or budget.empty:
        return out
    monthly = contracts[(contracts["billing"] == "月") & contracts["item_code"].notna()]
    # An item that also has contracts billed otherwise cannot be computed from monthly fees alone.
    mixed = set(contracts.loc[contracts["billing"] != "月", "item_code"].dropna())
    for code, group in monthly.groupby("item_code", sort=True):
        match = budget[budget["code"] == code]
        if match.empty or code in mixed:
            continue
        item = match.iloc[0]
        if group["unit_price"].isna().any() or group["unit_price_per"].ne("月").any():
            continue
        stated = None if pd.isna(item["budget"]) else Decimal(item["budget"])
        months = [12 if year is None else months_in_service(c, year) for _, c in group.iterrows()]
        quantities = [1 if pd.isna(q) else int(q) for q in group["quantity"]]
        computed = sum((Decimal(p) * q * m for p, q, m in zip(group["unit_price"], quantities, months)),
                       Decimal(0)).quantize(FEN)
        counted = [_count_word(u) for u in group.get("quantity_unit", [None] * len(group))]
        formula = " + ".join(f"{_price_text(p)}/月{'' if q == 1 else f'×{q}{c}'}×{m}"
                             for p, q, c, m in zip(group["unit_price"], quantities, counted, months) if m)
        row = _row(f"{item_label(code, item['item'])}：合同月费×服务月数与预算数", formula, computed, stated)
        if len(group) > 1:  # each contract's own product, as an evaluator checks them one by one
            row["detail"] = "；".join(
                f"{v if isinstance(v, str) else '供应商未披露'}{_price_text(p)}/月{'' if q == 1 else f'×{q}{c}'}×{m}"
                f"={_wan((Decimal(p) * q * m).quantize(Decimal('0.01')))}"
                for v, p, q, c, m in zip(group["vendor"], group["unit_price"], quantities, counted, months) if m)
        if row["status"] == STATUS_DIFF:
            detail = _diff_detail("按合同月费", computed, stated, row, sum(quantities), "个单位" in counted,
                                  is_approximate(item, "budget"), _count_note(group), year)
            row["detail"] = f"{detail}（{row['detail']}）" if row["detail"] else detail
        out.append(row)
    return out


def _exact_wan(yuan: Decimal) -> str:
    """万元 with every digit the figure has (22.797万元, 1.13985万元), as an evaluator writes an exact check."""
    return f"{format(Decimal(yuan) / 10000, 'f').rstrip('0').rstrip('.')}万元"


def payments_vs_contracts(contracts: pd.DataFrame) -> list[dict]:
    """For each contract paid in the year (本年支付), the share of its contract amount paid: a final
    payment or a retention (28.9万元 × 50% = 14.45万元). Informative: the two figures are not meant to agree."""
    out = []
    if contracts.empty or "paid_in_year" not in contracts:
        return out
    paid = contracts[contracts["paid_in_year"].notna() & contracts["amount"].notna()]
    for _, c in paid.iterrows():
        amount, payment = Decimal(c["amount"]), Decimal(c["paid_in_year"])
        if not amount:
            continue
        share = payment / amount
        out.append({"check": f"{item_label(c['item_code'], c['item'])}：本年支付与合同金额", "formula": f"{_exact_wan(payment)} ÷ {_exact_wan(amount)}",
                    "computed": payment, "stated": amount, "difference": None, "relative": float(share),
                    "status": "—", "detail": f"本年支付为合同金额的{float(share):.2%}"})
    return out


def totals_check(totals: dict) -> list[dict]:
    """The execution rate the sheet's 合计 row implies."""
    budget, executed = totals.get("budget"), totals.get("executed")
    if budget is None or executed is None:
        return []
    rate = totals.get("execution_rate")
    return [{"check": "预算执行率", "formula": f"{_wan(executed)} ÷ {_wan(budget)}", "computed": executed,
             "stated": budget, "difference": None, "relative": None if rate is None else float(rate),
             "status": "—", "detail": f"执行率{float(rate):.2%}" if rate is not None else ""}]


#: The figures of a 自评表's 资金 block and the budget sheet's totals they are checked against.
_FUND_FIGURES = (
    ("initial_budget", "年初预算数", "budget", "预算数"),
    ("budget", "全年预算数", "effective_budget", "调整后预算数（未调整时为预算数）"),
    ("executed", "全年执行数", "executed", "执行数"),
)
#: The line of the 资金 block that states the year's totals.
FUNDS_TOTAL_LINE = "年度资金总额"


def _in_unit(yuan: Decimal, unit: str) -> str:
    """An amount in the 资金 block's own unit, two decimals (95.50万元, 955000.12元)."""
    return f"{(Decimal(yuan) / (10000 if unit == '万元' else 1)).quantize(Decimal('0.01'))}{unit}"


def _cell_place(r: dict, where: str) -> str:
    return f"《{Path(str(r['src_file'])).name}》「{r['src_sheet']}」第{int(r['src_row'])}行{where}"


def funds_checks(funds: pd.DataFrame | None, totals: dict) -> list[dict]:
    """A unit's 自评表 资金 block (its 年度资金总额 row) against the budget sheet's 合计 row.

    Each amount is compared at the block's own precision: to the fen in 元, to 0.01万元 (100元) in 万元,
    the budget sheet's figure rounded half-up to it; the execution rate to 0.01 percentage point.
    A figure either side leaves blank is 未披露, not compared.
    """
    if funds is None or funds.empty:
        return []
    out = []
    effective = totals.get("adjusted_budget")
    if effective is None and totals.get("adjustment") == NOT_ADJUSTED:
        effective = totals.get("budget")
    ours = {"budget": totals.get("budget"), "effective_budget": effective, "executed": totals.get("executed")}
    for r in funds[funds["line"] == FUNDS_TOTAL_LINE].to_dict("records"):
        unit = r["unit"]
        quantum = Decimal("100") if unit == "万元" else Decimal("0.01")
        for key, header, total, label in _FUND_FIGURES:
            where = r.get(f"{key}_where")
            if not isinstance(where, str):
                continue  # the block has no such column
            check = f"绩效自评表资金栏：{header}与预算执行表{label}"
            stated = None if pd.isna(r[key]) else Decimal(r[key])
            computed = ours[total]
            place = _cell_place(r, where)
            if stated is None or computed is None:
                side = "自评表未填写" if stated is None else "预算执行表合计行未列明"
                out.append({**_row(check, f"自评表{where}与预算执行表合计行", computed, stated),
                            "detail": f"{place}：{side}，无法核对"})
                continue
            rounded = (Decimal(computed) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
            diff = stated - rounded
            row = {"check": check, "formula": f"自评表{where}与预算执行表合计行", "computed": Decimal(computed), "stated": stated,
                   "difference": diff, "relative": float(diff / rounded) if rounded else None,
                   "status": STATUS_OK if diff == 0 else STATUS_DIFF}
            if diff == 0:
                row["detail"] = (f"{place}填报{_in_unit(stated, unit)}，与预算执行表合计行一致"
                                 f"（按{'0.01万元' if unit == '万元' else '分'}核对）")
            else:
                row["detail"] = (f"{place}填报{_in_unit(stated, unit)}，预算执行表合计行{label}为{_in_unit(computed, unit)}，"
                                 f"相差{_in_unit(diff, unit) if diff < 0 else '+' + _in_unit(diff, unit)}（自评表减预算执行表）")
            out.append(row)
        out += _rate_check(r, totals, effective)
    return out


def _rate_check(r: dict, totals: dict, effective: Decimal | None) -> list[dict]:
    where = r.get("rate_where")
    if not isinstance(where, str):
        return []
    check = "绩效自评表资金栏：执行率与预算执行表执行数÷预算数"
    place = _cell_place(r, where)
    rate, executed = totals.get("execution_rate"), totals.get("executed")
    stated = None if pd.isna(r["rate"]) else to_decimal(r["rate"])
    if stated is None or rate is None or effective is None:
        side = "自评表未填写" if stated is None else "预算执行表合计行未列明执行数或预算数"
        return [{"check": check, "formula": place, "computed": None, "stated": None, "difference": None,
                 "relative": None, "status": STATUS_UNKNOWN, "detail": f"{place}：{side}，无法核对"}]
    points = (stated - Decimal(rate)) * 100  # percentage points
    agree = abs(points) <= Decimal("0.005")
    unit = r["unit"]
    basis = f"{_in_unit(executed, unit)}÷{_in_unit(effective, unit)}"
    if agree:
        detail = f"{place}填报{stated:.2%}，与按预算执行表合计行计算的{Decimal(rate):.2%}（{basis}）一致"
    else:
        shown = (stated * 100).quantize(FEN) - (Decimal(rate) * 100).quantize(FEN)
        detail = (f"{place}填报{stated:.2%}，按预算执行表合计行计算为{Decimal(rate):.2%}（{basis}），"
                  f"相差{'+' if shown > 0 else ''}{shown}个百分点")
    return [{"check": check, "formula": f"{basis}", "computed": None, "stated": None, "difference": None,
             "relative": float(stated), "status": STATUS_OK if agree else STATUS_DIFF, "detail": detail}]


def cross_checks(budget: pd.DataFrame, contracts: pd.DataFrame, lines: pd.DataFrame, totals: dict,
                 year: int | None = None, funds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cross-check the data allows, one row each (money in 元 as Decimal); ``funds`` is the 资金
    block of a unit's 自评表 (:func:`funds_checks`)."""
    by_contract = budget_vs_contracts(budget, contracts, year)
    # The same item, the same figure from the line inventory adds nothing: keep one row.
    seen = {(r["check"].split(" ")[0], r["computed"]) for r in by_contract}
    # The line inventory lists the lines at the year's end: an item whose contract ended during the
    # year had lines it does not show, so its inventory cannot be costed against the year's budget.
    ended = set()
    if year is not None and not contracts.empty:
        first, last = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
        within = contracts["end"].notna() & (contracts["end"] >= first) & (contracts["end"] < last)
        ended = set(contracts.loc[within, "item_code"].dropna())
    by_lines = [r for r in budget_vs_lines(budget, lines, year)
                if (r["check"].split(" ")[0], r["computed"]) not in seen and r["check"].split(" ")[0] not in ended]
    rows = totals_check(totals) + funds_checks(funds, totals) + by_contract + by_lines + payments_vs_contracts(contracts)
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def warnings_from(checks: pd.DataFrame) -> list[str]:
    """Chinese data warnings for the checks whose figures disagree."""
    return [f"{r.check}：{r.detail or '不一致'}" for r in checks.itertuples() if r.status == STATUS_DIFF]

"""How much of a year a measure of the trends report covers: whole, partial (some rows 未披露) or 未提供.

A sum over rows of which some are not disclosed is a lower bound, not the year's figure: it is kept
with the rows it leaves out, shown as ``数+未披露`` and never compared with a whole year as if it
were one. An input the year does not provide at all (an empty ledger) is 未提供, never 0.

Lines are costed for the months they were in service: the year-end line list misses a line that
ended during the year, so a line contract of the year's ledger whose service ended in the year and
whose carrier the list no longer shows for that item is added for its months (from the contract's
service dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from qdanalysis.analyse.money_array import money_array
from qdanalysis.analyse.network_lines import months_in_service
from qdanalysis.money import FEN, round_half_up, sum_known

#: A measure's coverage of its year.
WHOLE, PARTIAL, ABSENT = "whole", "partial", "absent"
#: What a table shows for an input the year does not provide (never 0).
NOT_PROVIDED = "未提供"
#: The source of the lines the year-end list shows (a line that ended in the year names its contract instead).
YEAR_END_LIST = "年末线路清单"


@dataclass(frozen=True)
class Measure:
    """A year's figure and how much of the year it covers.

    Attributes:
        value: the figure (None when nothing is stated or the input is absent).
        state: :data:`WHOLE`, :data:`PARTIAL` (the sum of the rows that state it) or :data:`ABSENT`.
        note: what a partial figure leaves out, or where a figure comes from (Chinese).
    """

    value: Any
    state: str = WHOLE
    note: str = ""


def _absent(what: str) -> Measure:
    return Measure(None, ABSENT, f"{what}未提供")


def ended_lines(data: Any) -> pd.DataFrame:
    """Line contracts that ended during the year and are missing from the year-end line list.

    A contract counts when its item appears in the line list, its service ended before the year's end
    and the list shows no line of its carrier (the vendor) for that item. Its cost is the months of the
    year it was in service × its monthly fee (月: 单价 × 数量; 年: 合同金额 ÷ 12, 推算).

    Returns:
        Columns of :func:`~qdanalysis.analyse.network_lines.line_costs` plus ``source`` (the contract
        and its months).
    """
    cols = ["carrier", "line_type", "lines", "units", "bandwidth_mbps", "monthly_cost", "annual_cost", "full_year",
            "cost_per_mbps_month", "units_note", "source"]
    lines, contracts, year = data.lines, data.contracts, int(data.year)
    if lines.empty or contracts.empty:
        return pd.DataFrame(columns=cols)
    year_end = pd.Timestamp(year, 12, 31)
    rows = []
    for _, c in contracts.iterrows():
        listed = lines[lines["item_code"] == c["item_code"]]
        end = c["end"]
        if listed.empty or pd.isna(end) or not (pd.Timestamp(year, 1, 1) <= end < year_end):
            continue
        if c["vendor"] in set(listed["carrier"].dropna()):
            continue
        months = months_in_service(c, year)
        monthly = _monthly_fee(c)
        types = list(dict.fromkeys(listed["line_type"].dropna()))
        rows.append({
            "carrier": c["vendor"], "line_type": types[0] if len(types) == 1 else None, "lines": 1, "units": 0,
            "bandwidth_mbps": None, "monthly_cost": monthly,
            "annual_cost": None if monthly is None else (monthly * months).quantize(FEN),
            "full_year": False, "cost_per_mbps_month": None, "units_note": None,
            "source": f"合同{c['contract_id']}服务期至{end.year}年{end.month}月{end.day}日，计{year}年{months}个月"
                      + ("（月费按合同金额÷12推算）" if c["billing"] == "年" else "") + _paid_text(data, c["contract_id"]),
        })
    out = pd.DataFrame(rows, columns=cols)
    for col in ("monthly_cost", "annual_cost"):
        out[col] = money_array(out[col])
    out["lines"] = pd.array(list(out["lines"]), dtype="Int64")
    return out


def _paid_text(data: Any, contract_id: Any) -> str:
    """``；支付明细本年支付该合同5.00万元``: what the year's payment ledger paid the contract, where it has one."""
    payments = getattr(data, "payments", None)
    if payments is None or payments.empty or "contract_id" not in payments:
        return ""
    paid = sum_known(payments.loc[payments["contract_id"] == contract_id, "amount"])
    return "" if paid is None else f"；支付明细本年支付该合同{round_half_up(paid / 10000)}万元"


def _monthly_fee(c: pd.Series) -> Decimal | None:
    """A line contract's monthly fee: 单价 × 数量 when billed by month, the year's amount ÷ 12 when by year."""
    if c["billing"] == "月" and not pd.isna(c.get("unit_price")):
        quantity = 1 if pd.isna(c.get("quantity")) else int(c["quantity"])
        return (Decimal(c["unit_price"]) * quantity).quantize(FEN)
    if c["billing"] == "年" and not pd.isna(c.get("annual_cost")):
        return (Decimal(c["annual_cost"]) / 12).quantize(FEN)
    return None


def year_lines(analysis: Any) -> pd.DataFrame:
    """The year's line costs (the year-end list, ``source`` 年末线路清单) and the lines that ended in it."""
    listed = analysis.line_costs.assign(source=YEAR_END_LIST) if len(analysis.line_costs) else analysis.line_costs
    ended = ended_lines(analysis.data)
    if ended.empty:
        return listed
    if listed.empty:
        return ended
    return pd.concat([listed, ended], ignore_index=True)


def line_cost(analysis: Any) -> Measure:
    """The year's line cost: every line for its months in service; partial where a row's 月租 or 数量 is blank."""
    data = analysis.data
    if data.lines.empty:
        return _absent("线路清单")
    lines = year_lines(analysis)
    value = sum_known(lines["annual_cost"])
    blank = data.lines[data.lines["monthly_fee"].isna() | data.lines["count"].isna()]
    ended = lines[lines["source"] != YEAR_END_LIST]
    source = "；".join(f"含{r.carrier}{r.line_type or ''}{round_half_up(r.annual_cost / 10000)}万元（{r.source}）"
                      for r in ended.itertuples() if not pd.isna(r.annual_cost))
    if len(blank):
        missing = "、".join(f"{r.carrier}{r.line_type}" for r in blank.itertuples())
        return Measure(value, PARTIAL, f"线路清单{len(data.lines)}行中{len(blank)}行未披露月租或数量（{missing}）"
                       + (f"；{source}" if source else ""))
    return Measure(value, WHOLE, source)


def _indicator_count(indicators: pd.DataFrame) -> tuple[int, str] | None:
    """The message count the indicator sheet states as 实际完成值 (条), with the indicator's name."""
    if indicators.empty or "actual_value" not in indicators:
        return None
    sms = indicators[indicators["name"].str.contains("短信", na=False) & indicators["actual_value"].notna()
                     & (indicators["actual_unit"] == "条")]
    if sms.empty:
        return None
    return int(sms.iloc[0]["actual_value"]), str(sms.iloc[0]["name"])


def sms_measures(analysis: Any) -> tuple[Measure, Measure]:
    """The year's messages and their cost.

    Every row of the settlement stated: their sums. Some rows blank: the count is the indicator sheet's
    实际完成值 where it states one (the settlement's stated rows are named beside it), else the stated
    rows' sum marked partial; the cost is the stated rows' sum, partial. A blank department-month never
    removes the other departments' figures of that month.
    """
    sms = analysis.data.sms
    if sms.empty:
        return _absent("短信结算表"), _absent("短信结算表")
    blank_count = sms["count"].isna()
    known_count = int(sms.loc[~blank_count, "count"].sum()) if (~blank_count).any() else None
    amounts = [_row_amount(r) for _, r in sms.iterrows()]
    blank_amount = sum(a is None for a in amounts)
    known_amount = sum_known(a for a in amounts if a is not None)
    where = _blank_rows(sms[blank_count]) if blank_count.any() else ""
    if not blank_count.any():
        count = Measure(known_count)
    else:
        stated = _indicator_count(analysis.data.indicators)
        rows = f"结算表{len(sms)}行中{int(blank_count.sum())}行未披露条数（{where}）"
        if stated is not None:
            count = Measure(stated[0], WHOLE, f"取自绩效指标表「{stated[1]}」实际完成值；{rows}，"
                                              f"已披露各行合计{_count_text(known_count)}条")
        else:
            count = Measure(known_count, PARTIAL, rows)
    if not blank_amount:
        amount = Measure(known_amount)
    else:
        amount = Measure(known_amount, PARTIAL, f"结算表{len(sms)}行中{blank_amount}行未披露金额"
                                               f"（{_blank_rows(sms[[a is None for a in amounts]])}）")
    return count, amount


def _row_amount(r: pd.Series) -> Decimal | None:
    """A settlement row's amount: stated, else count × unit price (推算), else None."""
    if not pd.isna(r["amount"]):
        return Decimal(r["amount"])
    if not pd.isna(r["count"]) and not pd.isna(r["unit_price"]):
        return round_half_up(Decimal(int(r["count"])) * Decimal(r["unit_price"]))
    return None


def _blank_rows(rows: pd.DataFrame) -> str:
    """``办公厅2021年11月、12月``: the blank rows by department and month."""
    parts = []
    for dept, g in rows.groupby(rows["department"].fillna(""), sort=False):
        months = "、".join(f"{m.month}月" for m in sorted(g["month"].dropna()))
        year = f"{g['month'].dropna().iloc[0].year}年" if g["month"].notna().any() else ""
        parts.append(f"{dept}{year}{months}")
    return "；".join(parts)


def _count_text(n: int | None) -> str:
    return "0" if n is None else f"{n:,}"


def recurring(analysis: Any) -> Measure:
    """The recurring share of the budget: 未提供 without a ledger; partial when a recurring item's budget
    is blank or an item's billing cannot be decided."""
    data = analysis.data
    if data.contracts.empty:
        return _absent("合同台账")
    rec = analysis.recurring
    gaps = []
    if rec.get("items_undisclosed"):
        gaps.append(f"刚性项目{'、'.join(rec['items_undisclosed'])}预算数未披露")
    if rec.get("items_unknown"):
        gaps.append(f"项目{'、'.join(rec['items_unknown'])}未注明计费方式")
    return Measure(rec["share"], PARTIAL if gaps else WHOLE, "；".join(gaps))


def coverage_text(state: str, note: str) -> str:
    """How a sentence names a year's coverage: 完整数, 部分数 (the table's note names what it leaves
    out), or the input 未提供."""
    if state == ABSENT:
        return note or NOT_PROVIDED
    if state == PARTIAL:
        return "部分数"
    return "完整数"

"""金宏短信: messages and their cost per month and per department, and the money a message target implies.

Pure functions, DataFrames in, DataFrames out; no function here changes its arguments. A count or
an amount that the data does not state stays NA, never a partial sum.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from qdanalysis.analyse.money_array import money_array
from qdanalysis.domain import COUNTED, SETTLED, UNDISCLOSED
from qdanalysis.money import FEN, sum_known, to_decimal


def _sms_amount(g: pd.DataFrame) -> tuple[Decimal | None, str]:
    """Settled amount of some SMS rows, else count × unit price; None unless every row says.

    The basis is 结算金额 only where the settlement sheet gave every amount: amounts a
    message log gave as count × price say 条数×单价 (both: 结算金额+条数×单价).
    """
    if g["amount"].notna().all():
        bases = set(g["amount_basis"].dropna()) if "amount_basis" in g else set()
        basis = "+".join(b for b in (SETTLED, COUNTED) if b in bases) or SETTLED
        return sum_known(g["amount"]), basis
    if g["count"].notna().all() and g["unit_price"].notna().all():
        amount = sum((Decimal(int(c)) * Decimal(p) for c, p in zip(g["count"], g["unit_price"])), Decimal(0))
        return amount.quantize(FEN, rounding=ROUND_HALF_UP), COUNTED
    return None, UNDISCLOSED


def _sms_count(g: pd.DataFrame) -> int | None:
    """Messages of some rows; None when any row's count is missing (a partial sum would look complete)."""
    return None if g["count"].isna().any() else int(g["count"].sum())


def sms_monthly(sms: pd.DataFrame) -> pd.DataFrame:
    """Count and cost per month; cost is the settled amount, else count × unit price.

    A month where any department's count is missing has no count (NA), not a partial sum.

    Returns:
        Columns: month, count (NA when not disclosed), amount, amount_basis.
    """
    rows = []
    for month, g in sms.groupby("month", sort=True):
        amount, basis = _sms_amount(g)
        rows.append({"month": month, "count": _sms_count(g), "amount": amount, "amount_basis": basis})
    out = pd.DataFrame(rows, columns=["month", "count", "amount", "amount_basis"])
    out["count"] = pd.array(list(out["count"]), dtype="Int64")
    out["amount"] = money_array(out["amount"])
    return out


def sms_by_department(sms: pd.DataFrame) -> pd.DataFrame:
    """Count and amount per department over the year (empty when the data has no departments).

    ``count`` and ``amount`` add up the months that disclose them (NA when none does);
    ``months_disclosed`` of ``months`` says how complete each sum is.
    """
    data = sms.dropna(subset=["department"])
    rows = []
    for d, g in data.groupby("department", sort=True):
        known = g.dropna(subset=["count"])
        amounts = [_sms_amount(g.loc[[i]])[0] for i in g.index]
        rows.append({"department": d, "count": None if known.empty else int(known["count"].sum()),
                     "amount": sum_known(a for a in amounts if a is not None),
                     "months": int(g["month"].nunique()), "months_disclosed": int(known["month"].nunique())})
    out = pd.DataFrame(rows, columns=["department", "count", "amount", "months", "months_disclosed"])
    out["count"] = pd.array(list(out["count"]), dtype="Int64")
    out["amount"] = money_array(out["amount"])
    return out.sort_values("count", ascending=False, na_position="last").reset_index(drop=True)


#: The unit of a target that counts messages (``≥600万条`` is read as 6,000,000 条).
MESSAGE_UNIT = "条"


def sms_target_money(sms: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """The money a message-count target implies at the contract's unit price (600万 × 0.065 元).

    Only a target counted in messages (条, 万条) is turned into money; a rate such as
    金宏短信到达率 ≥98% is not a number of messages.
    """
    units = indicators["target_unit"] if "target_unit" in indicators else pd.Series(None, index=indicators.index)
    target = indicators[indicators["name"].str.contains("短信", na=False) & indicators["target_value"].notna()
                        & (units == MESSAGE_UNIT)]
    prices = sms["unit_price"].dropna().unique()
    if not len(target) or len(prices) != 1:
        return {"target_count": None, "unit_price": None if len(prices) != 1 else Decimal(prices[0]), "implied": None}
    count = to_decimal(target.iloc[0]["target_value"])
    price = Decimal(prices[0])
    return {"target_count": int(count), "target_op": target.iloc[0]["target_op"], "unit_price": price,
            "implied": (count * price).quantize(FEN)}

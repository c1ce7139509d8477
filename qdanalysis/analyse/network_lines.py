"""Network lines: their costs by carrier and line type, prices of the same bandwidth, the monthly
and yearly cost of the line contracts, and the number of lines against its target.

Pure functions, DataFrames in, DataFrames out; no function here changes its arguments. One rule
(:func:`in_service`) says in which months a contract or a line accrues.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.money_array import money_array
from qdanalysis.money import FEN, sum_known
from qdanalysis.read.schema import UNITS_COUNTED


def line_costs(lines: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Monthly and annual cost by carrier and line type, and the cost per Mbps per month.

    ``annual_cost`` is each row's monthly fee × count × the months of ``year`` it is in service
    (from its 起租日期, as for contracts: :func:`months_in_service`); 12 months without a year.

    Returns:
        Columns: carrier, line_type, lines (rows counted in lines; NA when every row of the
        group counts organisations), units (rows counted in organisations, each costed as one
        line), bandwidth_mbps, monthly_cost, annual_cost, full_year (every row in service all
        twelve months), cost_per_mbps_month (NA where the bandwidth is not disclosed), units_note
        (what the organisations counted are, where the data says: 数量说明).
    """
    rows = []
    for (carrier, line_type), g in lines.groupby(["carrier", "line_type"], sort=False, dropna=False):
        monthly = sum_known(Decimal(f) * int(c) for f, c in zip(g["monthly_fee"], g["count"])
                            if not pd.isna(f) and not pd.isna(c))
        months = [12 if year is None else months_in_service(r, year) for _, r in g.iterrows()]
        annual = sum_known(Decimal(f) * int(c) * m for f, c, m in zip(g["monthly_fee"], g["count"], months)
                           if not pd.isna(f) and not pd.isna(c))
        bw_known = g["bandwidth_mbps"].notna().all()
        bandwidth = float((g["bandwidth_mbps"] * g["count"].astype("float")).sum()) if bw_known else None
        by_unit = counted_in_units(g)
        notes = [n for n in g.loc[by_unit, "count_note"] if isinstance(n, str) and n] if "count_note" in g else []
        rows.append({
            # rows counted only in organisations: their number of lines is not known
            "carrier": carrier, "line_type": line_type,
            "lines": int(g["count"][~by_unit].sum()) if (~by_unit).any() else None,
            "units": int(g["count"][by_unit].sum()),
            "bandwidth_mbps": bandwidth, "monthly_cost": monthly,
            "annual_cost": annual, "full_year": all(m == 12 for m in months),
            "cost_per_mbps_month": None if not bandwidth or monthly is None else float(monthly) / bandwidth,
            "units_note": "、".join(dict.fromkeys(notes)) or None,
        })
    out = pd.DataFrame(rows, columns=["carrier", "line_type", "lines", "units", "bandwidth_mbps", "monthly_cost",
                                      "annual_cost", "full_year", "cost_per_mbps_month", "units_note"])
    for col in ("monthly_cost", "annual_cost"):
        out[col] = money_array(out[col])
    out["lines"] = pd.array(list(out["lines"]), dtype="Int64")
    return out


def same_bandwidth_prices(lines: pd.DataFrame) -> pd.DataFrame:
    """The monthly fee of the same bandwidth and line type from each carrier, side by side.

    Returns:
        Columns: line_type, bandwidth_mbps, carrier, monthly_fee, ratio_to_cheapest, annual_gap (推算: the
        monthly fee's difference from the cheapest × 12); only groups offered by two or more carriers.
    """
    known = lines.dropna(subset=["bandwidth_mbps", "monthly_fee"])
    rows = []
    for (line_type, bw), g in known.groupby(["line_type", "bandwidth_mbps"], sort=True):
        if g["carrier"].nunique() < 2:
            continue
        cheapest = min(Decimal(f) for f in g["monthly_fee"])
        for _, r in g.sort_values("monthly_fee", ascending=False).iterrows():
            rows.append({"line_type": line_type, "bandwidth_mbps": bw, "carrier": r["carrier"],
                         "monthly_fee": Decimal(r["monthly_fee"]),
                         "ratio_to_cheapest": float(Decimal(r["monthly_fee"]) / cheapest),
                         "annual_gap": (Decimal(r["monthly_fee"]) - cheapest) * 12})
    out = pd.DataFrame(rows, columns=["line_type", "bandwidth_mbps", "carrier", "monthly_fee", "ratio_to_cheapest",
                                      "annual_gap"])
    out["monthly_fee"] = money_array(out["monthly_fee"])
    out["annual_gap"] = money_array(out["annual_gap"])
    return out


def _months_of(year: int) -> list[pd.Timestamp]:
    return [pd.Timestamp(year, m, 1) for m in range(1, 13)]


def in_service(row: pd.Series, month: pd.Timestamp) -> bool:
    """Whether a contract or a line accrues in ``month``: its service period (服务开始, or for a line
    起租日期; else the signing date; to 服务结束) covers it. One rule for contracts and lines."""
    start = row.get("start")
    if pd.isna(start):
        start = row.get("signed")
    end = row.get("end")
    if start is None or pd.isna(start):
        return True  # in force, start not disclosed: it is in the year's ledger
    month_end = month + pd.offsets.MonthEnd(0)
    if start > month_end:
        return False
    return end is None or pd.isna(end) or end >= month


def months_in_service(row: pd.Series, year: int) -> int:
    """Months of ``year`` a contract or a line is billed for (all 12 when its period is not given)."""
    return sum(in_service(row, month) for month in _months_of(year))


def monthly_line_cost(contracts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cost of the monthly-billed contracts in each month of ``year`` (a contract accrues in
    each month of its service period; a contract with no start date accrues all year).

    Returns:
        Columns: month, contract_id, item_code, item, vendor, cost (monthly fee × quantity).
    """
    rows = []
    for _, c in _monthly_contracts(contracts).iterrows():
        for month in _months_of(year):
            if in_service(c, month):
                rows.append({"month": month, "contract_id": c["contract_id"], "item_code": c["item_code"],
                             "item": c["item"], "vendor": c["vendor"], "cost": _monthly_fee(c)})
    out = pd.DataFrame(rows, columns=["month", "contract_id", "item_code", "item", "vendor", "cost"])
    out["cost"] = money_array(out["cost"])
    return out


def _monthly_contracts(contracts: pd.DataFrame) -> pd.DataFrame:
    return contracts[(contracts["billing"] == "月") & contracts["unit_price"].notna()]


def _monthly_fee(c: pd.Series) -> Decimal:
    quantity = 1 if pd.isna(c["quantity"]) else int(c["quantity"])
    return (Decimal(c["unit_price"]) * quantity).quantize(FEN)


def yearly_line_cost(contracts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Cost per year of the monthly-billed line contracts, from the oldest one's start to ``year``.

    A contract whose start is only known to the year counts from January of that year.
    The earlier years are what the contract implies at its current fee, not payments.

    Returns:
        Columns: year, contract_id, item_code, item, vendor, cost, months.
    """
    monthly = _monthly_contracts(contracts)
    starts = [c["start"] if not pd.isna(c["start"]) else c["signed"] for _, c in monthly.iterrows()]
    known = [s for s in starts if not pd.isna(s)]
    first = min(known).year if known else year
    rows = []
    for (_, c), start in zip(monthly.iterrows(), starts):
        for y in range(first, year + 1):
            months = [m for m in _months_of(y) if (pd.isna(start) and y == year) or
                      (not pd.isna(start) and in_service(c, m))]
            if months:
                rows.append({"year": y, "contract_id": c["contract_id"], "item_code": c["item_code"], "item": c["item"],
                             "vendor": c["vendor"], "cost": _monthly_fee(c) * len(months), "months": len(months)})
    out = pd.DataFrame(rows, columns=["year", "contract_id", "item_code", "item", "vendor", "cost", "months"])
    out["cost"] = money_array(out["cost"])
    return out


def counted_in_units(lines: pd.DataFrame) -> pd.Series:
    """Rows whose 数量 counts organisations (``92个单位``), not lines."""
    if "count_unit" not in lines:
        return pd.Series(False, index=lines.index)
    return lines["count_unit"].eq(UNITS_COUNTED).fillna(False).astype(bool)


def line_count_vs_target(lines: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """Number of lines in the inventory against the 保障网络线路数量 target.

    ``lines`` counts only rows given in lines; ``units`` the organisations whose lines are
    not counted: with any, the inventory's number of lines is unknown. ``units_note`` says what
    that count is where the data says (数量说明: 2018年外联网单位数), else None.
    """
    target = indicators[indicators["name"].str.contains("线路数量", na=False)]
    t = target.iloc[0] if len(target) else None
    by_unit = counted_in_units(lines)
    count = int(lines["count"][~by_unit].sum()) if len(lines) else 0
    units = int(lines["count"][by_unit].sum()) if len(lines) else 0
    notes = [n for n in lines.loc[by_unit, "count_note"] if isinstance(n, str) and n] if "count_note" in lines else []
    return {
        "lines": count,
        "units": units,
        "units_note": "、".join(dict.fromkeys(notes)) or None,
        "target_op": None if t is None else t["target_op"],
        "target_value": None if t is None else t["target_value"],
        "target_text": None if t is None else t["target_text"],
        "reported": None if t is None or pd.isna(t["actual_value"]) else t["actual_value"],
    }

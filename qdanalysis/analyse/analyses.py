"""Analyses of one year: pure functions, DataFrames in, DataFrames out.

No function here reads a file or changes its arguments. Money stays in 元 as exact
decimals; ratios are floats. Where the data does not say, the result says so (NA and a
``disclosed`` flag), never zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from qdanalysis.domain import COUNTED, DERIVED, ONE_OFF, SETTLED, UNDISCLOSED
from qdanalysis.fmt import pct
from qdanalysis.money import FEN, is_missing, safe_ratio, sum_known, to_decimal
from qdanalysis.read.schema import MONEY, UNITS_COUNTED

#: The row of what no item itemises: the stated total minus the items that state a figure (derived).
UNITEMISED = "未逐项列明"
#: The sum of the figures items state, beside :data:`UNITEMISED`.
ITEMISED = "已列明合计"
TOTAL = "合计"
MONEY_COLS = ("budget", "adjusted_budget", "executed")


def _money(values) -> pd.arrays.ArrowExtensionArray:
    return pd.array([None if v is None or v is pd.NA else Decimal(v) for v in values], dtype=MONEY)


# --- linking the ledger and the lines to budget items ------------------------------------


def item_label(code, item) -> str:
    """``1.1 机房维护``; the name alone where the item has no code (its key is then its name)."""
    return f"{code} {item}" if not is_missing(code) and code != item else str(item)


def is_approximate(item: pd.Series, column: str) -> bool:
    """Whether the budget sheet wrote this item's ``column`` as approximate (约90万元)."""
    marked = item.get("approximate")
    return isinstance(marked, str) and column in marked.split("、")


def item_keys(budget: pd.DataFrame) -> pd.DataFrame:
    """The budget with every item's key in ``code``: its code where the sheet gives one, else its
    项目名称 (the data contract makes the code optional). Returns the budget itself when every
    item has a code."""
    if budget.empty or budget["code"].notna().all():
        return budget
    keyed = budget.copy()
    keyed["code"] = pd.Series([c if not pd.isna(c) else i for c, i in zip(budget["code"], budget["item"])],
                              index=budget.index, dtype=object)
    return keyed


def link_items(budget: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (contracts or lines) with ``item_code`` naming its budget item: the code the row
    gives, else the key (:func:`item_keys`) of the budget item with the same 项目名称. A row that
    names no budget item keeps NA. Returns the table itself when nothing is to be filled."""
    if table.empty or "item_code" not in table or table["item_code"].notna().all():
        return table
    by_name = dict(zip(budget["item"], item_keys(budget)["code"])) if not budget.empty else {}
    linked = table.copy()
    codes = [c if not pd.isna(c) else by_name.get(i) for c, i in zip(table["item_code"], table["item"])]
    linked["item_code"] = pd.Series(codes, index=table.index, dtype=object)
    return linked


#: Carriers by the word their branches share: 青岛联通 and 中国联通 are one carrier, written one way.
CARRIERS = {"联通": "中国联通", "电信": "中国电信", "移动": "中国移动", "广电": "中国广电"}
_CARRIER_SEP = re.compile(r"[、，,/和及]+")


def carrier_name(name):
    """``青岛电信`` → ``中国电信``; ``青岛联通、青岛电信`` → ``中国联通、中国电信``; other names unchanged."""
    if not isinstance(name, str) or not any(word in name for word in CARRIERS):
        return name
    parts = [p.strip() for p in _CARRIER_SEP.split(name) if p.strip()]
    named = [next((full for word, full in CARRIERS.items() if word in p), p) for p in parts]
    return "、".join(dict.fromkeys(named))


def carriers_written_one_way(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` with the carriers in ``column`` written one way (:func:`carrier_name`); the table
    itself when nothing changes."""
    if table.empty or column not in table:
        return table
    names = [carrier_name(v) for v in table[column]]
    if all((a is b) or a == b for a, b in zip(names, table[column])):
        return table
    out = table.copy()
    out[column] = pd.Series(names, index=table.index, dtype=object)
    return out


# --- spending by category ---------------------------------------------------------------


def spending_by_category(budget: pd.DataFrame, totals: dict, category_order: list[str] | None = None) -> pd.DataFrame:
    """Budget, adjusted budget and executed per category, with the 未披露 part kept apart.

    Each category row sums only the items that state a figure (``items_disclosed`` of
    ``items``); a category where no item states one has NA, not zero. A row
    ``未逐项列明`` holds the total minus every disclosed item (NA for a column that no item states
    at all), present only where some item or some part of the total is undisclosed, and a row
    ``合计`` the total the sheet states. ``share`` is each row's part of the total budget.

    Returns:
        Columns: category, items, items_disclosed, budget, adjusted_budget, executed,
        execution_rate, share, disclosed (False for the 未披露 row).
    """
    cats = category_order or list(dict.fromkeys(budget["category"]))
    cats = [c for c in cats if c in set(budget["category"])] + [c for c in dict.fromkeys(budget["category"]) if c not in cats]
    rows = []
    for cat in cats:
        group = budget[budget["category"] == cat]
        row = {"category": cat, "items": len(group), "items_disclosed": int(group["budget"].notna().sum())}
        for col in MONEY_COLS:
            row[col] = sum_known(group[col])
        row["disclosed"] = True
        rows.append(row)
    total = {"category": TOTAL, "items": len(budget), "items_disclosed": int(budget["budget"].notna().sum()),
             "disclosed": True}
    undisclosed = {"category": UNITEMISED, "items": int(budget["budget"].isna().sum()), "items_disclosed": 0,
                   "disclosed": False}
    for col in MONEY_COLS:
        stated = totals.get(col)
        known = sum_known(budget[col])
        total[col] = stated if stated is not None else known
        # Where no item states a figure of this column, nothing is itemised: the total row alone
        # carries it (on the 未披露 row it would read as the figure of the items whose budget is unknown).
        undisclosed[col] = stated - known if stated is not None and known is not None else None
    # A 未披露 row only where something is undisclosed: items without a budget figure, or a remainder.
    remainder = [undisclosed[col] for col in MONEY_COLS if undisclosed[col] is not None and undisclosed[col] != 0]
    rows += ([undisclosed] if undisclosed["items"] or remainder else []) + [total]
    out = pd.DataFrame(rows)
    for col in MONEY_COLS:
        out[col] = _money(out[col])
    base = total["budget"]
    # A rate needs both figures for the same set of items: the 未披露 row mixes them.
    out["execution_rate"] = [None if not d else safe_ratio(e, a if a is not None and not pd.isna(a) else b)
                             for e, a, b, d in zip(out["executed"], out["adjusted_budget"], out["budget"],
                                                   out["disclosed"])]
    out["share"] = [safe_ratio(b, base) for b in out["budget"]]
    return out[["category", "items", "items_disclosed", "budget", "adjusted_budget", "executed",
                "execution_rate", "share", "disclosed"]]


def disclosed_spend(budget: pd.DataFrame, contracts: pd.DataFrame, totals: dict) -> pd.DataFrame:
    """What the data says was spent in the year, item by item, and what it does not itemise.

    An item's figure is its executed amount where the budget sheet gives one, else the
    payment its contracts record for the year (``paid_in_year``), else its budget. The last
    two rows are ``已列明合计`` and ``未逐项列明`` (the executed total minus the disclosed sum).

    Returns:
        Columns: code, category, item, amount, basis ("执行数" / "本年支付" / "预算数").
    """
    paid = contracts.dropna(subset=["paid_in_year"]).groupby("item_code")["paid_in_year"].apply(sum_known)
    rows = []
    for _, item in budget.iterrows():
        if not pd.isna(item["executed"]):
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": Decimal(item["executed"]), "basis": "执行数"})
        elif item["code"] in paid.index:
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": paid[item["code"]], "basis": "本年支付"})
        elif not pd.isna(item["budget"]):
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": Decimal(item["budget"]),
                         "basis": "预算数（约数）" if is_approximate(item, "budget") else "预算数"})
    disclosed = sum_known(r["amount"] for r in rows) or Decimal(0)
    executed = totals.get("executed")
    rows.append({"code": None, "category": None, "item": ITEMISED, "amount": disclosed, "basis": "合计"})
    rows.append({"code": None, "category": None, "item": UNITEMISED, "basis": f"{DERIVED}：执行数减已列明合计",
                 "amount": None if executed is None else executed - disclosed})
    out = pd.DataFrame(rows, columns=["code", "category", "item", "amount", "basis"])
    out["amount"] = _money(out["amount"])
    return out


# --- network lines ------------------------------------------------------------------------


def line_costs(lines: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Monthly and annual cost by carrier and line type, and the cost per Mbps per month.

    ``annual_cost`` is each row's monthly fee × count × the months of ``year`` it is in service
    (from its 起租日期, as for contracts: :func:`months_in_service`); 12 months without a year.

    Returns:
        Columns: carrier, line_type, lines (rows counted in lines; NA when every row of the
        group counts organisations), units (rows counted in organisations, each costed as one
        line), bandwidth_mbps, monthly_cost, annual_cost, full_year (every row in service all
        twelve months), cost_per_mbps_month (NA where the bandwidth is not disclosed).
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
        rows.append({
            # rows counted only in organisations: their number of lines is not known
            "carrier": carrier, "line_type": line_type,
            "lines": int(g["count"][~by_unit].sum()) if (~by_unit).any() else None,
            "units": int(g["count"][by_unit].sum()),
            "bandwidth_mbps": bandwidth, "monthly_cost": monthly,
            "annual_cost": annual, "full_year": all(m == 12 for m in months),
            "cost_per_mbps_month": None if not bandwidth or monthly is None else float(monthly) / bandwidth,
        })
    out = pd.DataFrame(rows, columns=["carrier", "line_type", "lines", "units", "bandwidth_mbps", "monthly_cost",
                                      "annual_cost", "full_year", "cost_per_mbps_month"])
    for col in ("monthly_cost", "annual_cost"):
        out[col] = _money(out[col])
    out["lines"] = pd.array(list(out["lines"]), dtype="Int64")
    return out


def same_bandwidth_prices(lines: pd.DataFrame) -> pd.DataFrame:
    """The monthly fee of the same bandwidth and line type from each carrier, side by side.

    Returns:
        Columns: line_type, bandwidth_mbps, carrier, monthly_fee, ratio_to_cheapest;
        only groups offered by two or more carriers.
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
                         "ratio_to_cheapest": float(Decimal(r["monthly_fee"]) / cheapest)})
    out = pd.DataFrame(rows, columns=["line_type", "bandwidth_mbps", "carrier", "monthly_fee", "ratio_to_cheapest"])
    out["monthly_fee"] = _money(out["monthly_fee"])
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
    out["cost"] = _money(out["cost"])
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
    out["cost"] = _money(out["cost"])
    return out


def counted_in_units(lines: pd.DataFrame) -> pd.Series:
    """Rows whose 数量 counts organisations (``92个单位``), not lines."""
    if "count_unit" not in lines:
        return pd.Series(False, index=lines.index)
    return lines["count_unit"].eq(UNITS_COUNTED).fillna(False).astype(bool)


def line_count_vs_target(lines: pd.DataFrame, indicators: pd.DataFrame) -> dict:
    """Number of lines in the inventory against the 保障网络线路数量 target.

    ``lines`` counts only rows given in lines; ``units`` the organisations whose lines are
    not counted: with any, the inventory's number of lines is unknown.
    """
    target = indicators[indicators["name"].str.contains("线路数量", na=False)]
    t = target.iloc[0] if len(target) else None
    by_unit = counted_in_units(lines)
    count = int(lines["count"][~by_unit].sum()) if len(lines) else 0
    units = int(lines["count"][by_unit].sum()) if len(lines) else 0
    return {
        "lines": count,
        "units": units,
        "target_op": None if t is None else t["target_op"],
        "target_value": None if t is None else t["target_value"],
        "target_text": None if t is None else t["target_text"],
        "reported": None if t is None or pd.isna(t["actual_value"]) else t["actual_value"],
    }


# --- SMS ------------------------------------------------------------------------------------


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
    out["amount"] = _money(out["amount"])
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
    out["amount"] = _money(out["amount"])
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


# --- recurring contracts ---------------------------------------------------------------------

COMPETITIVE = ("公开招标", "招标", "竞争性磋商", "竞争性谈判", "询价", "邀请招标", "政府采购")


def link_roots(ids: Iterable, renews: Iterable) -> list:
    """The first contract of each contract's chain, following its 续签自 links among ``ids`` (a link
    to a contract not among them, or a loop, ends the chain)."""
    ids = list(ids)
    parent = dict(zip(ids, renews))

    def root(cid):
        seen = set()
        while isinstance(parent.get(cid), str) and parent[cid] in parent and cid not in seen:
            seen.add(cid)
            cid = parent[cid]
        return cid

    return [root(cid) for cid in ids]


def growth_in_chains(c: pd.DataFrame) -> pd.arrays.FloatingArray:
    """For rows ordered chain by chain (column ``chain``), the change of ``annual_cost`` against the
    chain's previous row with a known cost; NA for the first known cost and for an unknown one."""
    growth = []
    for _, g in c.groupby("chain", sort=False):
        prev = None
        for cost in g["annual_cost"]:
            if pd.isna(cost):
                growth.append(None)
                continue
            growth.append(None if prev is None else float(Decimal(cost) / prev - 1))
            prev = Decimal(cost)
    return pd.array(growth, dtype="Float64")


def renewal_chains(contracts: pd.DataFrame) -> pd.DataFrame:
    """Contracts grouped into renewal chains, oldest first, with growth at each renewal.

    A chain follows the ``renews`` link; contracts without a link join the chain of the
    same item and vendor (in signing order). ``growth`` is the change of ``annual_cost``
    against the previous link with a known cost.

    Returns:
        Columns: chain, step, contract_id, item, vendor, signed, end, billing, annual_cost,
        procurement, competitive, growth.
    """
    c = contracts.copy()
    for col in ("end", "billing"):  # a ledger without a term or a billing column says neither
        if col not in c:
            c[col] = None
    c["chain"] = link_roots(c["contract_id"], c["renews"])
    linked = set(c.loc[c["renews"].notna(), "chain"])
    key = c["item"].fillna("") + "|" + c["vendor"].fillna("")
    for k, g in c[~c["chain"].isin(linked)].groupby(key):
        if len(g) > 1 and k.split("|")[1]:
            first = g.sort_values("signed", na_position="last").iloc[0]["contract_id"]
            c.loc[g.index, "chain"] = first
    c = c.sort_values(["chain", "signed"], na_position="last", kind="stable")
    c["step"] = c.groupby("chain").cumcount()
    c["competitive"] = c["procurement"].fillna("").apply(lambda p: p in COMPETITIVE)
    c["growth"] = growth_in_chains(c)
    return c[["chain", "step", "contract_id", "item", "vendor", "signed", "end", "billing", "annual_cost",
              "procurement", "competitive", "growth"]].reset_index(drop=True)


def _cost_basis(contract: pd.Series, annual: Decimal | None, renewed: bool) -> str:
    """Whether a contract's yearly cost is stated by the ledger or derived by the workbook (推算)."""
    if annual is None:
        return "续签金额未披露" if renewed else "年度金额未披露"
    return "推算：月费×12" if contract.get("billing") == "月" else "合同年度金额"


def renewal_summary(chains: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per chain: renewals, compound growth, and how long it has run without competition.

    ``reference`` is the last competitive procurement on record, else the chain's first
    contract (then ``competition_on_record`` is False: no tender is known since). ``years`` is
    the number of budget years from the reference year to ``year``, both counted (2014—2020: 7).
    ``spent_since`` is the current contract's annual cost × ``years``: an estimate (推算) at
    today's price, made only for a contract still running at its stated annual cost; it is NA
    when the latest renewal's amount is not disclosed (the old price is not assumed) and for a
    contract whose stated term ended before the year's end (its amount is for that term).
    Chains of contracts billed once (一次性) are purchases, not renewals, and are left out.

    Returns:
        Columns: chain, item, vendor, links, renewals, first_signed, first_cost, last_cost,
        cagr, competition_on_record, reference, years, spent_since, cost_basis (where the latest
        yearly cost comes from: 合同年度金额 stated, 推算：月费×12 derived, or why it is unknown).
    """
    rows = []
    year_end = pd.Timestamp(int(year), 12, 31)
    for chain, g in chains.groupby("chain", sort=False):
        if (g["billing"] == ONE_OFF).all():
            continue
        costs = g.dropna(subset=["annual_cost"])
        first = costs.iloc[0] if len(costs) else None
        last = costs.iloc[-1] if len(costs) else None
        current = g.iloc[-1]
        cagr = None
        if first is not None and last is not None and first["contract_id"] != last["contract_id"] \
                and not pd.isna(first["signed"]) and not pd.isna(last["signed"]):
            years = last["signed"].year - first["signed"].year
            if years > 0:
                ratio = float(Decimal(last["annual_cost"]) / Decimal(first["annual_cost"]))
                cagr = ratio ** (1 / years) - 1
        comp = g[g["competitive"] & g["signed"].notna()]
        on_record = bool(len(comp))
        reference = comp["signed"].max() if on_record else g["signed"].min()
        years = None if pd.isna(reference) or reference.year > year else year - reference.year + 1
        annual = None if pd.isna(current["annual_cost"]) else Decimal(current["annual_cost"])
        ended = not pd.isna(current["end"]) and current["end"] < year_end
        spent = annual * years if annual is not None and years is not None and not ended else None
        vendors = g["vendor"].dropna()
        rows.append({
            "chain": chain, "item": g["item"].iloc[0], "vendor": vendors.iloc[-1] if len(vendors) else None,
            "links": len(g), "renewals": int(len(g) - 1), "first_signed": g["signed"].min(),
            "first_cost": None if first is None else Decimal(first["annual_cost"]), "last_cost": annual,
            "cagr": cagr, "competition_on_record": on_record, "reference": reference,
            "years": years, "spent_since": spent, "cost_basis": _cost_basis(current, annual, len(g) > 1),
        })
    out = pd.DataFrame(rows, columns=["chain", "item", "vendor", "links", "renewals", "first_signed", "first_cost",
                                      "last_cost", "cagr", "competition_on_record", "reference", "years",
                                      "spent_since", "cost_basis"])
    for col in ("first_cost", "last_cost", "spent_since"):
        out[col] = _money(out[col])
    out["years"] = pd.array(list(out["years"]), dtype="Int64")
    out["cagr"] = pd.array(list(out["cagr"]), dtype="Float64")
    return out


def recurring_share(budget: pd.DataFrame, contracts: pd.DataFrame, totals: dict) -> dict:
    """The part of the year's budget committed to recurring (刚性) contracts: annual or
    monthly contracts that are renewed or run for more than one year.

    One rule for every item, from the ledger: a contract billed per year, month or message, or a
    renewal, is recurring; one billed once (一次性) is not; one whose ledger row gives no 计费方式 and
    renews nothing cannot be decided and is listed in ``items_unknown``, never counted either way.

    Returns:
        dict with recurring (元), budget (元), share, items (codes), items_undisclosed (recurring
        items whose budget is undisclosed, not counted), items_unknown (undecided items).
    """
    recurring_codes, unknown = set(), set()
    for _, c in contracts.iterrows():
        if pd.isna(c["item_code"]):
            continue
        if c["billing"] in ("年", "月", "条") or not pd.isna(c["renews"]):
            recurring_codes.add(c["item_code"])
        elif is_missing(c["billing"]):
            unknown.add(c["item_code"])
    rec = budget[budget["code"].isin(recurring_codes)]
    amount = sum_known(rec["budget"]) or Decimal(0)
    base = totals.get("budget")
    return {"recurring": amount, "budget": base, "share": safe_ratio(amount, base),
            "items": sorted(recurring_codes), "items_undisclosed": sorted(rec.loc[rec["budget"].isna(), "code"]),
            "items_unknown": sorted(unknown - recurring_codes)}


# --- indicators --------------------------------------------------------------------------------

STATUS_MET, STATUS_NOT_MET, STATUS_UNKNOWN = "已完成", "未完成", "未披露"
#: A target and an actual counted in different units (≥3万条 against 4.8万路): no ratio is claimed.
STATUS_MISMATCH = "口径不一致"


def units_differ(r) -> bool:
    """Whether an indicator's quantitative target and actual are counted in different units."""
    tu, au = r.get("target_unit"), r.get("actual_unit")
    return (r.get("target_op") != "is" and not pd.isna(r.get("target_value")) and not pd.isna(r.get("actual_value"))
            and isinstance(tu, str) and isinstance(au, str) and bool(tu) and bool(au) and tu != au)


#: A cost ceiling within this share of the whole budget repeats 预算执行率 (finding F11).
COST_TARGET_TOLERANCE = Decimal("0.005")
_CEILING_UNITS = {"万元": Decimal(10000), "元": Decimal(1)}


def budget_ceiling(r, budget) -> Decimal | None:
    """An indicator's money ceiling in 元 when it is the whole budget (采购成本 ≤941万元), else None."""
    unit = r.get("target_unit") if isinstance(r.get("target_unit"), str) else ""
    if budget is None or r.get("target_op") not in ("<=", "<") or pd.isna(r.get("target_value")) \
            or unit not in _CEILING_UNITS:
        return None
    ceiling = to_decimal(float(r["target_value"])) * _CEILING_UNITS[unit]
    return ceiling if abs(ceiling - Decimal(budget)) <= Decimal(budget) * COST_TARGET_TOLERANCE else None


def _comparison(op, target_text, actual, status: str, achievement) -> str:
    """The comparison of actual and target in words: a ratio for a quantity, over or under for a ceiling."""
    if status == STATUS_UNKNOWN:
        return "完成值未披露"
    shown = f"实际{actual}" if actual else "实际值未量化"
    if op in ("<=", "<"):
        limit = str(target_text or "").lstrip("≤<＜=").strip()
        return f"{shown}，{'未超过' if status == STATUS_MET else '超过'}上限{limit}"
    if achievement is not None and op in (">=", ">"):
        return f"{shown}，为目标值的{pct(achievement, 0)}"
    return f"{shown}，{'与目标一致' if status == STATUS_MET else '与目标不一致'}"


def indicator_status(indicators: pd.DataFrame) -> pd.DataFrame:
    """Target against actual: the status, the achievement ratio of a quantity to reach (actual /
    target, for ≥ and = targets; NA for a ceiling such as ≤941万元, which is met or not, and where
    the actual is not disclosed), and the comparison in words.

    Returns:
        Columns: level1, level2, name, target_text, actual_text, status, achievement, comparison.
    """
    rows = []
    for _, r in indicators.iterrows():
        met = r["met"]
        status = STATUS_UNKNOWN if pd.isna(met) else (STATUS_MET if met else STATUS_NOT_MET)
        ach = None
        if not pd.isna(r["actual_value"]) and not pd.isna(r["target_value"]) and r["target_value"]:
            if r["target_op"] in (">=", ">", "="):
                ach = r["actual_value"] / r["target_value"]
        actual = None if pd.isna(r["actual_text"]) else r["actual_text"]
        comparison = _comparison(r["target_op"], r["target_text"], actual, status, ach)
        if units_differ(r):
            status = STATUS_MISMATCH
            comparison = (f"指标值以“{r['target_unit']}”计，实际完成值以“{r['actual_unit']}”计，口径不一致"
                          + (f"；按数值为目标值的{pct(ach, 0)}，不能据此判断是否完成" if ach is not None else ""))
            ach = None
        rows.append({"level1": r["level1"], "level2": r["level2"], "name": r["name"], "target_text": r["target_text"],
                     "actual_text": actual, "status": status, "achievement": ach, "comparison": comparison})
    out = pd.DataFrame(rows, columns=["level1", "level2", "name", "target_text", "actual_text", "status", "achievement",
                                      "comparison"])
    out["achievement"] = pd.array(list(out["achievement"]), dtype="Float64")
    return out

"""Spending by category, and what the data itemises as the year's spending.

Pure functions, DataFrames in, DataFrames out; no function here reads a file or changes its
arguments. Money stays in 元 as exact decimals; ratios are floats. Where the data does not say,
the result says so (NA and a ``disclosed`` flag), never zero.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.linking import is_approximate
from qdanalysis.analyse.money_array import money_array
from qdanalysis.domain import DERIVED
from qdanalysis.fmt import date_text
from qdanalysis.money import FEN, safe_ratio, sum_known

#: The row of what no item itemises: the stated total minus the items that state a figure (derived).
UNITEMISED = "未逐项列明"
#: The sum of the figures items state, beside :data:`UNITEMISED`.
ITEMISED = "已列明合计"
TOTAL = "合计"
MONEY_COLS = ("budget", "adjusted_budget", "executed")
#: The ledger's own words for a payment the data's compiler placed in the year (the source gives no date).
ASSIGNED = "记为本年支付"
#: A figure the ledger writes as a computation: ``22.797×5%=1.13985万元`` (the formula, the result in 万元).
COMPUTED = re.compile(r"(\d+(?:\.\d+)?×\d+(?:\.\d+)?%)\s*=\s*(\d+(?:\.\d+)?)万元")


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
        out[col] = money_array(out[col])
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

    A budget figure that is an earlier contract's amount says so (合同金额（2019年9月公开招标）): the budget
    sheet restates it, it is not what the year cost. A payment says that the ledger gives no payment date,
    and one the ledger writes as a computation is 推算 (推算：22.797×5%).

    Returns:
        Columns: code, category, item, amount, basis ("执行数" / "本年支付…" / "推算：…" / "合同金额…" / "预算数").
    """
    paid = contracts.dropna(subset=["paid_in_year"]).groupby("item_code")["paid_in_year"].apply(sum_known)
    rows = []
    for _, item in budget.iterrows():
        if not pd.isna(item["executed"]):
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": Decimal(item["executed"]), "basis": "执行数"})
        elif item["code"] in paid.index:
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": paid[item["code"]], "basis": _paid_basis(contracts, item["code"])})
        elif not pd.isna(item["budget"]):
            rows.append({"code": item["code"], "category": item["category"], "item": item["item"],
                         "amount": Decimal(item["budget"]),
                         "basis": "预算数（约数）" if is_approximate(item, "budget")
                         else _contract_basis(contracts, item["code"], Decimal(item["budget"])) or "预算数"})
    disclosed = sum_known(r["amount"] for r in rows) or Decimal(0)
    executed = totals.get("executed")
    rows.append({"code": None, "category": None, "item": ITEMISED, "amount": disclosed, "basis": "合计"})
    rows.append({"code": None, "category": None, "item": UNITEMISED, "basis": f"{DERIVED}：执行数减已列明合计",
                 "amount": None if executed is None else executed - disclosed})
    out = pd.DataFrame(rows, columns=["code", "category", "item", "amount", "basis"])
    out["amount"] = money_array(out["amount"])
    return out


def _contract_basis(contracts: pd.DataFrame, code: str, budget: Decimal) -> str | None:
    """``合同金额（2019年9月公开招标）`` where the item's budget figure is the amount of a contract signed before
    the budget year's renewal (the figure the budget explanation restates); None otherwise."""
    same = contracts[(contracts["item_code"] == code) & contracts["amount"].notna()]
    same = same[[Decimal(a) == budget for a in same["amount"]]]
    if same.empty:
        return None
    c = same.iloc[0]
    signed = "" if pd.isna(c["signed"]) else date_text(c["signed"], c.get("signed_precision") or "day")
    how = c["procurement"] if isinstance(c["procurement"], str) and c["procurement"] != "续签" else "采购" if signed else ""
    return f"合同金额（{signed}{how}）" if signed or how else "合同金额"


def _paid_basis(contracts: pd.DataFrame, code: str) -> str:
    """What an item's payment of the year is: a computation where the ledger writes it as one (本年支付=22.797×5%=
    1.13985万元), a stated amount whose year the ledger's note says was assigned (记为本年支付), else 本年支付."""
    rows = contracts[(contracts["item_code"] == code) & contracts["paid_in_year"].notna()]
    for c in rows.to_dict("records"):
        text = " ".join(str(c.get(k) or "") for k in ("note", "source"))
        for formula, result in COMPUTED.findall(text):
            if (Decimal(result) * 10000).quantize(FEN) == Decimal(c["paid_in_year"]).quantize(FEN):
                return f"{DERIVED}：{formula}"
        if ASSIGNED in text:
            return "本年支付（金额载明，支付年度未载明）"
    return "本年支付"

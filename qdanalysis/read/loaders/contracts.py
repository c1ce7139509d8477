"""Loader for the contract ledger (合同台账)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qdanalysis.domain import ONE_OFF
from qdanalysis.read import parsing
from qdanalysis.read.columns import (
    LOADER_ORDER,
    NAT,
    Columns,
    MoneyColumn,
    date_ns,
    datetimes,
    decimal_array,
    frame,
    int_array,
    provenance_columns,
    raise_problems,
    read_columns,
)
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import CONTRACTS, LINES_COUNTED, MONEY, PRICE, UNITS_COUNTED
from qdanalysis.read.xlsx import collector_paused

#: Billing bases and the words that mean them.
BILLING = {
    "年": ("年", "按年", "每年", "年度", "包年"),
    "月": ("月", "按月", "每月", "月租"),
    "条": ("条", "按条", "每条", "按量", "据实结算"),
    ONE_OFF: (ONE_OFF, "一次", "总价", "固定总价"),
}

CONTRACT_DTYPES = {
    "contract_id": object, "item_code": object, "item": object, "vendor": object,
    "signed": "date", "signed_precision": object, "start": "date", "end": "date",
    "amount": MONEY, "billing": object, "unit_price": PRICE, "unit_price_per": object, "quantity": "Int64",
    "quantity_unit": object,
    "procurement": object, "renews": object, "paid_in_year": MONEY, "scope": object,
    "annual_cost": MONEY, "note": object, "source": object, "scope_source": object, "count_note": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}


def billing_of(text: str | None) -> str | None:
    """Canonical billing basis (年, 月, 条, 一次性) of a cell's text, or None if unknown."""
    t = parsing.compact(text)
    if not t:
        return None
    for key, words in BILLING.items():
        if t in words:
            return key
    return None


@collector_paused()
def load_contracts(path: str | Path) -> pd.DataFrame:
    """Contracts of a workbook or folder: one row per contract, money in 元 (exact decimals).

    ``annual_cost`` is 12 × the monthly fee × ``quantity`` (blank = 1) for monthly contracts, the amount for annual
    ones, and empty for one-off payments (一次性: never a yearly cost) and for contracts paid per message. Dates are datetime64; how much of
    a date the sheet gave is in ``signed_precision`` (day, month or year).

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, CONTRACTS)
    collector_of = {c.file: c for c in collectors}
    parts: list[pd.DataFrame] = []
    seen: dict[str, int] = {}
    for loc in located:
        collector = collector_of[loc.file]
        if "amount" not in loc.col_index and not {"unit_price", "billing"} <= loc.col_index.keys():
            collector.add(loc.sheet, loc.header_row, "合同金额",
                          "缺少「合同金额」列（或「单价」与「计费方式」两列）",
                          "请加入「合同金额」列（也可写作：金额、中标金额），按单价计费的合同可填「单价」和「计费方式」")
            continue
        cols = read_columns(loc, CONTRACTS)
        parts.append(_contracts_of(cols, seen))
        cols.flush(collector)
    raise_problems(collectors)
    if not parts:
        return frame([], CONTRACT_DTYPES)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _contracts_of(cols: Columns, seen: dict[str, int]) -> pd.DataFrame:
    """The contracts of one sheet, checked row by row where a rule needs it and built as
    whole columns; problems are staged on ``cols`` in the order a row-by-row reading finds them."""
    n = len(cols)
    rows = cols.rows
    order = iter(range(LOADER_ORDER, LOADER_ORDER + 100))
    o_id, o_item, o_billing, o_conflict, o_dates, o_cost = (next(order) for _ in range(6))

    cid = cols.get("contract_id")
    first_of = dict(zip(cid, rows))
    if len(first_of) == n and all(first_of) and first_of.keys().isdisjoint(seen):
        seen.update(first_of)  # every number given and unique: nothing to report
    else:
        for i, c in enumerate(cid):
            if not c:
                cols.add(i, o_id, "contract_id", "缺少合同编号", "每份合同需填写唯一的合同编号")
            elif c in seen:
                cols.add(i, o_id, "contract_id", f"合同编号「{parsing.shown(c)}」重复（第一次在第{seen[c]}行）", "每份合同的编号应唯一")
            else:
                seen[c] = rows[i]
    items = cols.get("item")
    if not all(items):
        for i, item in enumerate(items):
            if not item:
                cols.add(i, o_item, "item", "缺少项目名称", "请填写该合同对应的预算项目名称")

    billing_text = cols.get("billing")
    known = {t: billing_of(t) for t in dict.fromkeys(billing_text)}
    billing = list(map(known.__getitem__, billing_text))
    if any(t and b is None for t, b in known.items()):
        for i, t in enumerate(billing_text):
            if t and billing[i] is None:
                cols.add(i, o_billing, "billing", f"计费方式「{parsing.shown(t)}」无法识别", "请填写 年、月、条 或 一次性")

    price, amount = cols.money("unit_price"), cols.money("amount")
    per_billing = {"月": "月", "年": "年", "条": "条"}
    for i in sorted(price.per.keys() | amount.per.keys()):  # only cells that wrote "/月" and the like
        pers = {p for p in (price.per.get(i) if price.valid[i] else None,
                            amount.per.get(i) if amount.valid[i] else None) if p}
        implied = {per_billing.get(p) for p in pers} - {None}
        if billing[i] is None and len(implied) == 1:
            billing[i] = implied.pop()
        elif billing[i] and implied and implied != {billing[i]}:
            cols.add(i, o_conflict, "billing",
                     f"计费方式「{parsing.shown(billing_text[i])}」与金额单位「/{'、/'.join(sorted(pers))}」矛盾",
                     "请核对计费方式或单价的单位")
    for i, p in [(i, p) for i, p in amount.per.items() if p in ("月", "条")]:
        # 942元/月 or 0.065元/条 written as the amount: a unit price, never the contract's amount
        if billing[i] == p and not price.valid[i] and amount.valid[i]:
            price.units[i] = amount.units[i] * 100
            price.valid[i] = True
            amount.valid[i] = False

    signed, start, end = cols.get("signed"), cols.get("start"), cols.get("end")
    start_ns, end_ns = date_ns(start), date_ns(end)
    for i in np.flatnonzero((start_ns != NAT) & (end_ns != NAT) & (end_ns < start_ns)).tolist():
        cols.add(i, o_dates, "end", "服务结束日期早于服务开始日期", "请核对服务期限")

    quantity = cols.get("quantity")
    annual = _annual_cost(billing, amount, price, quantity, cols, o_cost)
    data: dict[str, Any] = {
        "contract_id": cid, "item_code": cols.get("item_code"), "item": cols.get("item"), "vendor": cols.get("vendor"),
        "signed": datetimes(date_ns(signed)), "signed_precision": _precisions(signed),
        "start": datetimes(start_ns), "end": datetimes(end_ns), "amount": amount.array(MONEY), "billing": billing,
        "unit_price": price.array(PRICE), "unit_price_per": [b if ok else None for b, ok in zip(billing, price.valid.tolist())],
        "quantity": int_array(quantity), "quantity_unit": _quantity_units(cols, quantity),
        "procurement": cols.get("procurement"), "renews": cols.get("renews"),
        "paid_in_year": cols.money("paid_in_year").array(MONEY), "scope": cols.get("scope"),
        "annual_cost": annual, "note": cols.get("note"), "source": cols.get("source"),
        "scope_source": cols.get("scope_source"), "count_note": cols.get("count_note"),
        **provenance_columns(cols),
    }
    # copy=False: each column is already a new array of its own; stacking them into one block would copy them all
    return pd.DataFrame({k: pd.Series(v, dtype=object) if isinstance(v, list) else v for k, v in data.items()},
                        index=pd.RangeIndex(n), copy=False)


def _precisions(dates: list[parsing.ParsedDate | None]) -> list[str | None]:
    """How much of each date the sheet gave (day, month, year), each distinct date looked at once."""
    distinct = dict(zip(map(id, dates), dates))  # the parsed column shares one object per distinct date
    precision = {key: None if d is None else d.precision for key, d in distinct.items()}
    return list(map(precision.__getitem__, map(id, dates)))


def _quantity_units(cols: Columns, quantity: list[int | None]) -> list[str | None]:
    """What each 数量 counts: 条 (lines, things), or 单位 where the cell says organisations (``92个单位``)."""
    raw = cols.raw.get("quantity") or [None] * len(quantity)
    kind = {v: UNITS_COUNTED if parsing.counts_organisations(v) else LINES_COUNTED for v in dict.fromkeys(raw)}
    return [None if q is None else kind[v] for q, v in zip(quantity, raw)]


def _annual_cost(billing: list[str | None], amount: MoneyColumn, price: MoneyColumn, quantity: list[int | None],
                 cols: Columns, order: int) -> pd.api.extensions.ExtensionArray:
    """What each contract costs per year, in integers of a fen (prices are integers of 0.0001 元).

    Monthly: 12 × the unit price × quantity (blank = 1), rounded to the fen half to even.
    Annual: the amount, else the unit price × quantity. One-off (一次性): empty, a single payment is
    never annualised. Per message (条) or unknown: empty, since it depends on volume.
    """
    n = len(billing)
    fen = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    basis = pd.Series(billing, dtype=object)
    monthly = (basis == "月").to_numpy(dtype=bool)
    yearly = (basis == "年").to_numpy(dtype=bool)
    take = yearly & amount.valid
    fen[take] = amount.units[take]
    valid[take] = True
    priced = price.valid & (monthly | (yearly & ~amount.valid))
    if _priced_at_once(np.flatnonzero(priced), price, quantity, monthly, fen, valid):
        return decimal_array(fen, valid, 2, MONEY)
    for i in np.flatnonzero(priced).tolist():
        # Python integers: exact at any size; rounded half to even, as Decimal.quantize does
        q = quantity[i]
        units = int(price.units[i]) * (1 if q is None else q) * (12 if monthly[i] else 1)
        cents, rest = divmod(units, 100)
        if rest > 50 or (rest == 50 and cents % 2):
            cents += 1
        if abs(cents) >= 10**18:
            cols.add(i, order, "unit_price", "单价×数量得出的年度费用过大（超过18位数字）", "请核对单价、数量和单位")
            continue
        fen[i] = cents
        valid[i] = True
    return decimal_array(fen, valid, 2, MONEY)


#: Bound of price units × quantity × 12 for :func:`_priced_at_once`: 64-bit integers hold it exactly, and its
#: fen stay far below the 18 digits _annual_cost refuses.
_EXACT_IN_INT64 = 2**62


def _priced_at_once(rows: np.ndarray, price: MoneyColumn, quantity: list[int | None], monthly: np.ndarray,
                    fen: np.ndarray, valid: np.ndarray) -> bool:
    """:func:`_annual_cost` of the priced ``rows`` as arrays, when every product fits in 64 bits (the same fen:
    numpy's ``//`` and ``%`` floor as Python's divmod does); False, having set nothing, otherwise."""
    if not len(rows):
        return True
    given = list(map(quantity.__getitem__, rows.tolist()))
    if not set(map(type, given)) <= {int, type(None)}:
        return False
    try:
        q = np.array([1 if v is None else v for v in given], dtype=np.int64)
    except OverflowError:
        return False
    units = price.units[rows]
    months = np.where(monthly[rows], 12, 1)
    if int(np.abs(units).max()) * int(np.abs(q).max()) * 12 >= _EXACT_IN_INT64:
        return False
    units = units * q * months
    cents, rest = units // 100, units % 100
    cents += (rest > 50) | ((rest == 50) & (cents % 2 == 1))
    fen[rows] = cents
    valid[rows] = True
    return True

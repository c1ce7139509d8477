"""What the payment ledger (支付明细) shows about 过程: when money went out, to whom, and how much per contract.

Pure functions of the loaded frames. Every figure is the ledger's own sums (stated by the data), except the
part of a contract that falls in the year when its service runs beyond it (推算, by days of service) and the
execution rate where the budget total is 未披露 (then None, never a guess). A contract's cost for the year follows
the rule lines and contracts share (:func:`~qdanalysis.analyse.network_lines.months_in_service`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qdanalysis.analyse.checks import CHECK_COLUMNS, STATUS_DIFF, STATUS_OK, STATUS_UNKNOWN
from qdanalysis.analyse.linking import item_keys, item_label, link_items
from qdanalysis.analyse.network_lines import months_in_service
from qdanalysis.arrow_memory import system_pool
from qdanalysis.money import is_missing, safe_ratio, sum_known, to_decimal

#: 序时进度: the share of the year's budget that should be spent by each quarter's end.
SCHEDULE = {3: 0.25, 6: 0.50, 9: 0.75, 12: 1.00}
#: The last days of the year counted as its "last ten days" (21–31 December).
LAST_DAYS_FROM = 21
#: Item status in the cross-check of the ledger's sum per item against the budget's 执行数.
AGREES, DIFFERS, EXECUTED_UNDISCLOSED, NOT_IN_BUDGET = "一致", "不一致", "执行数未披露", "预算表中无此项目"


@dataclass(frozen=True)
class PaymentAnalysis:
    """The payment ledger's analyses for one year.

    Attributes:
        total: the sum of every payment (元).
        base: the budget the execution rate is measured against (调整后预算, else 预算数; None: 未披露).
        monthly: month, paid, cumulative, rate (cumulative over ``base``), schedule (序时进度 at quarter ends).
        quarters: quarter, paid, share (of the year's payments), rate and schedule at its end, gap (rate − schedule).
        december_share, last_days_share, q4_share: shares of the year's payments paid in December, in its last
            ten days (21–31 December), and in the fourth quarter.
        items: per budget item: paid, executed, difference (executed − paid), status.
        contracts: per contract (by 合同编号, else by its item and payee): paid, the contract's cost for the year (``in_year``: its annual cost for the months
            in service; ``derived`` when that is not all twelve), excess (paid − in_year), vendor, the payees the
            ledger names, payee_differs.
        no_contract: per item and payee, payments with no contract (no 合同编号 that the 合同台账 knows): paid, count.
    """

    total: Decimal
    base: Decimal | None
    monthly: pd.DataFrame
    quarters: pd.DataFrame
    december_share: float | None
    last_days_share: float | None
    q4_share: float | None
    items: pd.DataFrame
    contracts: pd.DataFrame
    no_contract: pd.DataFrame
    count: int = 0
    notes: list[str] = field(default_factory=list)


def analyse_payments(payments: pd.DataFrame, budget: pd.DataFrame, contracts: pd.DataFrame, totals: dict,
                     year: int) -> PaymentAnalysis | None:
    """Every analysis of the ledger; None for a year without one (nothing is invented for it)."""
    if payments is None or payments.empty:
        return None
    with system_pool():  # pandas' Arrow columns and the kernels below: not a reserved gigabyte of address space
        return _analysis(payments, budget, contracts, totals, year)


def _analysis(payments: pd.DataFrame, budget: pd.DataFrame, contracts: pd.DataFrame, totals: dict,
              year: int) -> PaymentAnalysis:
    linked = link_items(budget, payments)
    by_payee = _by_item_and_payee(linked, contracts)
    if by_payee.any():
        linked = linked.assign(contract_id=linked["contract_id"].where(~by_payee, _matched(linked, contracts)))
    cents = _cents(linked["amount"])
    total = Decimal(int(cents.sum())).scaleb(-2)
    base = _base(totals)
    monthly = payment_months(linked, cents, base)
    quarters = payment_quarters(monthly, total)
    dates = linked["date"]
    december = cents[(dates.dt.month == 12).to_numpy()].sum()
    last = cents[((dates.dt.month == 12) & (dates.dt.day >= LAST_DAYS_FROM)).to_numpy()].sum()
    q4 = cents[(dates.dt.month >= 10).to_numpy()].sum()
    whole = int(cents.sum())
    return PaymentAnalysis(
        total=total, base=base, monthly=monthly, quarters=quarters,
        december_share=safe_ratio(int(december), whole), last_days_share=safe_ratio(int(last), whole),
        q4_share=safe_ratio(int(q4), whole),
        items=paid_per_item(linked, budget, cents),
        contracts=paid_per_contract(linked.assign(by_payee=by_payee), contracts, year),
        no_contract=without_contract(linked, contracts, cents), count=len(linked))


def _cents(amounts: pd.Series) -> np.ndarray:
    """Amounts as integer fen (exact): the ledger's sums are integer sums."""
    if isinstance(amounts.dtype, pd.ArrowDtype) and pa.types.is_decimal(amounts.dtype.pyarrow_dtype):
        arr = pa.array(amounts.array)
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        scaled = pc.cast(pc.multiply(arr, pa.scalar(Decimal(100), arr.type)), pa.decimal128(38, 0), safe=False)
        cents = pc.fill_null(pc.cast(scaled, pa.int64()), 0)
        return cents.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.array([int(to_decimal(v).scaleb(2)) if not is_missing(v) else 0 for v in amounts], dtype=np.int64)


def _base(totals: dict) -> Decimal | None:
    for key in ("adjusted_budget", "budget"):
        value = totals.get(key)
        if not is_missing(value):
            return to_decimal(value)
    return None


def payment_months(payments: pd.DataFrame, cents: np.ndarray, base: Decimal | None) -> pd.DataFrame:
    """Paid per month and cumulatively, the cumulative rate against ``base`` and the 序时进度 at quarter ends."""
    months = payments["date"].dt.month.to_numpy()
    paid = [int(cents[months == m].sum()) for m in range(1, 13)]
    cumulative = np.cumsum(paid).tolist()
    return pd.DataFrame({
        "month": range(1, 13),
        "paid": [Decimal(p).scaleb(-2) for p in paid],
        "cumulative": [Decimal(c).scaleb(-2) for c in cumulative],
        "rate": [safe_ratio(Decimal(c).scaleb(-2), base) if base else None for c in cumulative],
        "schedule": [SCHEDULE.get(m) for m in range(1, 13)],
    })


def payment_quarters(monthly: pd.DataFrame, total: Decimal) -> pd.DataFrame:
    """Per quarter: paid, share of the year's payments, the execution rate and 序时进度 at its end, and the gap."""
    rows = []
    for q in range(1, 5):
        part = monthly[(monthly["month"] > 3 * (q - 1)) & (monthly["month"] <= 3 * q)]
        paid = sum(part["paid"], Decimal(0))
        end = monthly[monthly["month"] == 3 * q].iloc[0]
        rate = end["rate"]
        rows.append({"quarter": f"第{'一二三四'[q - 1]}季度", "paid": paid, "share": safe_ratio(paid, total),
                     "rate": rate, "schedule": SCHEDULE[3 * q],
                     "gap": None if rate is None else rate - SCHEDULE[3 * q]})
    return pd.DataFrame(rows)


def _grouped(payments: pd.DataFrame, keys: list[pd.Series], cents: np.ndarray | None = None) -> pd.DataFrame:
    """Payments summed by ``keys`` in exact fen, vectorised (a 200,000-row ledger in milliseconds): per group the
    keys (``k0``, ``k1``…), ``cents``, ``paid`` (Decimal 元), ``payments`` (count) and the first 项目名称 given; in
    order of first appearance. A blank key is a group of its own."""
    if cents is None:
        cents = _cents(payments["amount"])
    combined = np.zeros(len(payments), dtype=np.int64)
    factored = []
    for key in keys:
        codes, uniques = pd.factorize(key, use_na_sentinel=False)
        combined = combined * max(len(uniques), 1) + codes
        factored.append((codes, uniques))
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    sums = np.zeros(len(first), dtype=np.int64)
    np.add.at(sums, inverse, cents)
    order = np.argsort(first, kind="stable")
    first = first[order]
    out = {f"k{i}": np.asarray(uniques)[codes[first]] for i, (codes, uniques) in enumerate(factored)}
    out.update(cents=sums[order], payments=np.bincount(inverse)[order],
               item=payments["item"].to_numpy()[first], paid=[Decimal(int(c)).scaleb(-2) for c in sums[order]])
    return pd.DataFrame(out)


def paid_per_item(payments: pd.DataFrame, budget: pd.DataFrame, cents: np.ndarray | None = None) -> pd.DataFrame:
    """Per budget item, the ledger's sum against the budget's 执行数: agreeing, differing (both figures), or why not."""
    keyed = item_keys(budget) if not budget.empty else budget
    executed = dict(zip(keyed["code"], keyed["executed"])) if not budget.empty else {}
    names = dict(zip(keyed["code"], keyed["item"])) if not budget.empty else {}
    rows = []
    grouped = _grouped(payments, [payments["item_code"].fillna(payments["item"])], cents)
    for code, paid, count, first in zip(grouped["k0"], grouped["paid"], grouped["payments"], grouped["item"]):
        known = code in executed
        stated = executed.get(code)
        if not known:
            status, diff = NOT_IN_BUDGET, None
        elif is_missing(stated):
            status, diff = EXECUTED_UNDISCLOSED, None
        else:
            diff = to_decimal(stated) - paid
            status = AGREES if abs(diff) <= Decimal("0.01") else DIFFERS
        rows.append({"code": code if known else None, "item": names.get(code, first if isinstance(first, str) else code),
                     "paid": paid, "executed": None if is_missing(stated) else to_decimal(stated),
                     "difference": diff, "status": status, "payments": int(count)})
    return pd.DataFrame(rows, columns=["code", "item", "paid", "executed", "difference", "status", "payments"])


def _in_year(contract: pd.Series, year: int) -> tuple[Decimal | None, bool]:
    """The contract's cost for ``year``, by the rule lines and contracts share: a one-off (一次性) amount whole; an
    annual or monthly contract its annual cost for the months of the year it is in service (推算 when that is
    not all twelve); a contract paid per message has no amount to hold a payment against (None)."""
    billing = str(contract.get("billing") or "")
    amount = contract.get("amount")
    if billing == "一次性":
        return (None, False) if is_missing(amount) else (to_decimal(amount), False)
    annual = contract.get("annual_cost")
    if is_missing(annual):
        if billing not in ("", "年") or is_missing(amount):  # per message, or nothing stated
            return None, False
        annual = amount  # billed by the year (or no billing word): 合同金额 is the annual amount
    months = months_in_service(contract, year)
    if months == 12:
        return to_decimal(annual), False
    return (to_decimal(annual) * months / 12).quantize(Decimal("0.01")), True


def _vendor_contracts(contracts: pd.DataFrame) -> dict[tuple, str]:
    """(item key, vendor) -> 合同编号, for the pairs that name exactly one contract."""
    if contracts is None or contracts.empty or "item_code" not in contracts:
        return {}
    pairs = list(zip(contracts["item_code"].fillna(contracts["item"]), contracts["vendor"]))
    counts = pd.Series(pairs, dtype=object).value_counts() if pairs else pd.Series(dtype=int)
    return {pair: cid for pair, cid in zip(pairs, contracts["contract_id"]) if counts[pair] == 1}


def _by_item_and_payee(payments: pd.DataFrame, contracts: pd.DataFrame) -> pd.Series:
    """The payments that give no 合同编号 the 合同台账 knows, but whose item and payee name exactly one contract
    (its item and its 供应商): they are that contract's payments."""
    unique = _vendor_contracts(contracts)
    ids = set(contracts["contract_id"]) if contracts is not None and not contracts.empty else set()
    if not unique:
        return pd.Series(False, index=payments.index)
    keys = zip(payments["item_code"].fillna(payments["item"]), payments["payee"])
    return pd.Series([cid not in ids and key in unique for cid, key in zip(payments["contract_id"], keys)],
                     index=payments.index)


def _matched(payments: pd.DataFrame, contracts: pd.DataFrame) -> pd.Series:
    unique = _vendor_contracts(contracts)
    keys = zip(payments["item_code"].fillna(payments["item"]), payments["payee"])
    return pd.Series([unique.get(key) for key in keys], index=payments.index, dtype=object)


def paid_per_contract(payments: pd.DataFrame, contracts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per contract the ledger pays: paid against its amount for the year, and its payees against its 供应商.
    ``linked_by`` says how its payments were found: by 合同编号, or by item and payee (where ``payments`` has a
    boolean column ``by_payee`` marking them), or both."""
    columns = ["contract_id", "item", "vendor", "payees", "paid", "in_year", "derived", "excess", "payee_differs",
               "linked_by"]
    if contracts is None or contracts.empty or "contract_id" not in payments:
        return pd.DataFrame(columns=columns)
    known = {c["contract_id"]: c for _, c in contracts.iterrows()}
    rows = []
    named = payments[payments["contract_id"].isin(known.keys())]
    for cid, group in named.groupby("contract_id", sort=False):
        contract = known[cid]
        paid = sum_known(group["amount"]) or Decimal(0)
        in_year, derived = _in_year(contract, year)
        payees = list(dict.fromkeys(p for p in group["payee"] if isinstance(p, str) and p))
        vendor = contract.get("vendor")
        differs = bool(payees) and isinstance(vendor, str) and bool(vendor) and any(p != vendor for p in payees)
        rows.append({"contract_id": cid, "item": contract.get("item"), "vendor": vendor, "payees": "、".join(payees) or None,
                     "paid": paid, "in_year": in_year, "derived": derived,
                     "excess": None if in_year is None else paid - in_year, "payee_differs": differs,
                     "linked_by": _linked_by(group)})
    return pd.DataFrame(rows, columns=columns)


def _linked_by(group: pd.DataFrame) -> str:
    flags = group["by_payee"] if "by_payee" in group else pd.Series(False, index=group.index)
    return "项目和收款人" if flags.all() else "合同编号、项目和收款人" if flags.any() else "合同编号"


def without_contract(payments: pd.DataFrame, contracts: pd.DataFrame, cents: np.ndarray | None = None) -> pd.DataFrame:
    """Payments that name no contract the 合同台账 knows, summed per item and payee, largest first."""
    columns = ["item_code", "item", "payee", "paid", "payments"]
    ids = set(contracts["contract_id"]) if contracts is not None and not contracts.empty else set()
    mask = ~payments["contract_id"].isin(ids).to_numpy() if ids else np.ones(len(payments), dtype=bool)
    free = payments[mask]
    if free.empty:
        return pd.DataFrame(columns=columns)
    grouped = _grouped(free, [free["item_code"].fillna(free["item"]), free["payee"].fillna("（未填收款人）")],
                       None if cents is None else cents[mask])
    grouped = grouped.sort_values("cents", ascending=False, kind="stable")
    out = pd.DataFrame({"item_code": grouped["k0"], "item": [i if isinstance(i, str) else k
                                                             for i, k in zip(grouped["item"], grouped["k0"])],
                        "payee": grouped["k1"], "paid": grouped["paid"], "payments": grouped["payments"].astype(int)})
    return out[columns].reset_index(drop=True)


def payment_checks(analysis: PaymentAnalysis | None) -> pd.DataFrame:
    """The ledger's sum per item against the budget's 执行数, as rows of 数据核对 (:data:`CHECK_COLUMNS`): agreeing,
    or with both figures; empty for a year without a ledger."""
    if analysis is None:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    rows = []
    for r in analysis.items.itertuples():
        label = item_label(r.code, r.item) if r.code is not None else r.item
        paid, executed = r.paid, r.executed
        if r.status == NOT_IN_BUDGET:
            status, detail = STATUS_DIFF, f"支付明细中的项目「{r.item}」在预算执行表中找不到（{r.payments}笔，合计{_wan(paid)}）"
        elif executed is None:
            status, detail = STATUS_UNKNOWN, f"预算执行表未披露执行数；支付明细合计{_wan(paid)}"
        else:
            status = STATUS_OK if r.status == AGREES else STATUS_DIFF
            detail = "" if status == STATUS_OK else f"支付明细合计{_wan(paid)}，执行数{_wan(executed)}"
        diff = None if executed is None else executed - paid
        rows.append({"check": f"{label}：支付明细合计与执行数", "formula": f"支付明细{r.payments}笔之和",
                     "computed": paid, "stated": executed, "difference": diff,
                     "relative": None if diff is None or not paid else float(diff / paid), "status": status,
                     "detail": detail})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def _wan(yuan: Decimal) -> str:
    return f"{(yuan / 10000).quantize(Decimal('0.01'))}万元"

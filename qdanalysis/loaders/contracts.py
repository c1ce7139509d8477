"""Loader for the contract ledger (合同台账)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .. import parsing as P
from ..schema import CONTRACTS, MONEY, PRICE
from ._table import as_date, as_precision, frame, locate, money_value, read_records, provenance, raise_problems

#: Billing bases and the words that mean them.
BILLING = {
    "年": ("年", "按年", "每年", "年度", "包年"),
    "月": ("月", "按月", "每月", "月租"),
    "条": ("条", "按条", "每条", "按量", "据实结算"),
    "一次性": ("一次性", "一次", "总价", "固定总价"),
}

CONTRACT_DTYPES = {
    "contract_id": object, "item_code": object, "item": object, "vendor": object,
    "signed": "date", "signed_precision": object, "start": "date", "end": "date",
    "amount": MONEY, "billing": object, "unit_price": PRICE, "unit_price_per": object, "quantity": "Int64",
    "procurement": object, "renews": object, "paid_in_year": MONEY, "scope": object,
    "annual_cost": MONEY, "note": object, "source": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}


def billing_of(text: str | None) -> str | None:
    """Canonical billing basis (年, 月, 条, 一次性) of a cell's text, or None if unknown."""
    t = P.compact(text)
    if not t:
        return None
    for key, words in BILLING.items():
        if t in words:
            return key
    return None


def annual_cost(billing: str | None, amount: Decimal | None, unit_price: Decimal | None,
                quantity: int = 1) -> Decimal | None:
    """What a contract costs per year: 12 × the monthly fee (× quantity), the annual amount,
    or a one-off amount. Per-message (条) contracts depend on volume: None.
    """
    if billing == "月":
        return None if unit_price is None else (unit_price * quantity * 12).quantize(P.FEN)
    if billing == "年":
        if amount is not None:
            return amount
        return None if unit_price is None else (unit_price * quantity).quantize(P.FEN)
    if billing == "一次性":
        return amount
    return None


def load_contracts(path: str | Path) -> pd.DataFrame:
    """Contracts of a workbook or folder: one row per contract, money in 元 (exact decimals).

    ``annual_cost`` is 12 × the monthly fee × ``quantity`` (blank = 1) for monthly contracts, the amount for annual and
    one-off ones, and empty for contracts paid per message. Dates are datetime64; how much of
    a date the sheet gave is in ``signed_precision`` (day, month or year).

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, CONTRACTS)
    collector_of = {c.file: c for c in collectors}
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for loc in located:
        collector = collector_of[loc.file]
        if "amount" not in loc.col_index and not {"unit_price", "billing"} <= loc.col_index.keys():
            collector.add(loc.sheet, loc.header_row, "合同金额",
                          "缺少「合同金额」列（或「单价」与「计费方式」两列）",
                          "请加入「合同金额」列（也可写作：金额、中标金额），按单价计费的合同可填「单价」和「计费方式」")
            continue
        for rec in read_records(loc, CONTRACTS, collector):
            v = rec.values
            cid = v.get("contract_id")
            if not cid:
                collector.add(loc.sheet, rec.row, loc.where("contract_id"), "缺少合同编号", "每份合同需填写唯一的合同编号")
            elif cid in seen:
                collector.add(loc.sheet, rec.row, loc.where("contract_id"),
                              f"合同编号「{P.shown(cid)}」重复（第一次在第{seen[cid]}行）", "每份合同的编号应唯一")
            else:
                seen[cid] = rec.row
            if not v.get("item"):
                collector.add(loc.sheet, rec.row, loc.where("item"), "缺少项目名称", "请填写该合同对应的预算项目名称")
            billing_text = v.get("billing")
            billing = billing_of(billing_text)
            if billing_text and billing is None:
                collector.add(loc.sheet, rec.row, loc.where("billing"), f"计费方式「{P.shown(billing_text)}」无法识别",
                              "请填写 年、月、条 或 一次性")
            price, amount = v.get("unit_price"), v.get("amount")
            pers = {m.per for m in (price, amount) if m is not None and m.per}
            per_billing = {"月": "月", "年": "年", "条": "条"}
            implied = {per_billing.get(p) for p in pers} - {None}
            if billing is None and len(implied) == 1:
                billing = implied.pop()
            elif billing and implied and implied != {billing}:
                collector.add(loc.sheet, rec.row, loc.where("billing"),
                              f"计费方式「{P.shown(billing_text)}」与金额单位「/{'、/'.join(sorted(pers))}」矛盾",
                              "请核对计费方式或单价的单位")
            amount_yuan = money_value(amount)
            price_yuan = money_value(price)
            if billing == "月" and price_yuan is None and amount is not None and amount.per == "月":
                price_yuan, amount_yuan = amount_yuan, None
            start, end = v.get("start"), v.get("end")
            if start and end and end.date < start.date:
                collector.add(loc.sheet, rec.row, loc.where("end"), "服务结束日期早于服务开始日期", "请核对服务期限")
            quantity = v.get("quantity")
            signed = v.get("signed")
            row = {
                "contract_id": cid, "item_code": v.get("item_code"), "item": v.get("item"),
                "vendor": v.get("vendor"), "signed": as_date(signed), "signed_precision": as_precision(signed),
                "start": as_date(start), "end": as_date(end), "amount": amount_yuan, "billing": billing,
                "unit_price": price_yuan, "unit_price_per": billing if price_yuan is not None else None,
                "quantity": quantity,
                "procurement": v.get("procurement"), "renews": v.get("renews"),
                "paid_in_year": money_value(v.get("paid_in_year")), "scope": v.get("scope"),
                "annual_cost": annual_cost(billing, amount_yuan, price_yuan, 1 if quantity is None else quantity),
                "note": v.get("note"), "source": v.get("source"),
            **provenance(rec),
            }
            rows.append(row)
    raise_problems(collectors)
    return frame(rows, CONTRACT_DTYPES)

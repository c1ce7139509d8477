"""Tiny inline budget and contract tables for the analyses' tests, with the loaders' dtypes (importable from
every test folder)."""

from __future__ import annotations

import pandas as pd

from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.budget import BUDGET_DTYPES
from qdanalysis.read.loaders.contracts import CONTRACT_DTYPES


def budget(*rows):
    return frame([dict(zip(("code", "category", "item", "budget", "executed"), r)) for r in rows], BUDGET_DTYPES)


def contracts(*rows):
    keys = ("contract_id", "item_code", "item", "vendor", "signed", "amount", "billing", "unit_price", "quantity",
            "procurement", "renews", "annual_cost", "paid_in_year", "start", "end")
    out = []
    for r in rows:
        row = dict(zip(keys, r))
        for k in ("signed", "start", "end"):
            row[k] = pd.Timestamp(row[k]) if row.get(k) else None
        row["unit_price_per"] = row["billing"] if row.get("unit_price") is not None else None
        out.append(row)
    return frame(out, CONTRACT_DTYPES)


def payments(*rows):
    """Payments as ``(date, item_code, item, payee, contract_id, amount)``."""
    from qdanalysis.read.loaders.payments import PAYMENT_DTYPES

    keys = ("date", "item_code", "item", "payee", "contract_id", "amount")
    return frame([{**dict(zip(keys, r)), "date": pd.Timestamp(r[0])} for r in rows], PAYMENT_DTYPES)

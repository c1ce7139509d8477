"""Loader for the payment ledger (支付明细, the bureau's 国库集中支付 export): one row per payment.

Read a column at a time, so that a 200,000-row ledger costs little more than reading its cells.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.read import parsing
from qdanalysis.read.columns import (
    LOADER_ORDER,
    Columns,
    date_ns,
    datetimes,
    provenance_columns,
    raise_problems,
    read_columns,
)
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import MONEY, PAYMENTS
from qdanalysis.read.xlsx import collector_paused

PAYMENT_DTYPES = {
    "date": "date", "item_code": object, "item": object, "amount": MONEY, "payee": object, "contract_id": object,
    "economic": object, "memo": object, "voucher": object, "note": object, "source": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}
_TEXT_KEYS = ("item_code", "item", "payee", "contract_id", "economic", "memo", "voucher", "note", "source")


@collector_paused()
def load_payments(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """The payments of a workbook or folder, money in 元 as exact decimals, dates as datetime64.

    Every payment needs a day (支付日期, to the day, in ``year`` when it is given), an amount and its budget
    item (项目代码 or 项目名称).

    Raises:
        MissingTableError: no workbook holds the ledger (it is optional: the year then has none).
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, PAYMENTS)
    collector_of = {c.file: c for c in collectors}
    parts = []
    for loc in located:
        collector = collector_of[loc.file]
        if "item" not in loc.col_index and "item_code" not in loc.col_index:
            collector.add(loc.sheet, loc.header_row, "项目名称", "支付明细缺少「项目名称」或「项目代码」列，无法把支付对应到预算项目",
                          "请在表头行加入「项目代码」或「项目名称」列（与预算执行表一致）")
            continue
        cols = read_columns(loc, PAYMENTS, year=year)
        _check(cols, year)
        cols.flush(collector)
        parts.append(_frame(cols))
    raise_problems(collectors)
    if not parts:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in PAYMENT_DTYPES})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _check(cols: Columns, year: int | None) -> None:
    """Stage the row problems of a payment: no date, a date not to the day or not in the year, no amount, no item."""
    dates = cols.get("date")
    amounts = cols.money("amount")
    items, codes = cols.get("item"), cols.get("item_code")
    raw_dates, raw_amounts = cols.raw["date"], cols.raw["amount"]
    for i in range(len(cols)):
        d = dates[i]
        if d is None and parsing.is_blank(raw_dates[i]):
            cols.add(i, LOADER_ORDER, "date", "缺少支付日期", "请填写支付日期，如 2020-12-25")
        elif d is not None and d.precision != "day":
            cols.add(i, LOADER_ORDER, "date", f"支付日期「{parsing.shown(raw_dates[i])}」没有具体到日",
                     "请填写到日的支付日期，如 2020-12-25；是否年底集中支付按日判断")
        elif d is not None and year is not None and d.date.year != year:
            cols.add(i, LOADER_ORDER, "date", f"支付日期{d.date.isoformat()}不在{year}年",
                     f"{year}年的支付明细只列{year}年内的支付；其他年度的支付请放到该年度的文件夹")
        if not amounts.valid[i] and parsing.is_blank(raw_amounts[i]):
            cols.add(i, LOADER_ORDER + 1, "amount", "缺少支付金额", "请填写本笔支付的金额")
        if not items[i] and not codes[i]:
            key = "item_code" if "item_code" in cols.loc.col_index else "item"
            cols.add(i, LOADER_ORDER + 2, key, "缺少项目代码和项目名称，无法把这笔支付对应到预算项目",
                     "请填写项目代码或项目名称（与预算执行表一致）")


def _frame(cols: Columns) -> pd.DataFrame:
    ns = date_ns(cols.get("date"))
    data = {"date": datetimes(ns), **{k: pd.Series(cols.get(k), dtype=object) for k in ("item_code", "item")},
            "amount": cols.money("amount").array(MONEY)}
    data.update({k: pd.Series(cols.get(k), dtype=object) for k in _TEXT_KEYS if k not in data})
    data.update(provenance_columns(cols))
    return pd.DataFrame({k: data[k] for k in [*PAYMENT_DTYPES, *(h for h in data if h not in PAYMENT_DTYPES)]})

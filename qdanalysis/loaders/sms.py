"""Loader for the SMS settlement sheet (短信结算)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import parsing as P
from ..errors import ValidationError
from ..schema import MONEY, PRICE, SMS
from ._table import frame, locate, money_value, read_records

SMS_DTYPES = {
    "month": "date", "department": object, "count": "Int64", "unit_price": PRICE, "amount": MONEY,
    "note": object, "source": object, "src_file": object, "src_sheet": object, "src_row": "Int64",
}


def load_sms(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """SMS settlements: one row per month (and department). Counts may be empty (not disclosed).

    Args:
        path: workbook or folder.
        year: the year to read ``1月``-style months in; full months (``2020年1月``) need none.

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, SMS)
    collector_of = {c.file: c for c in collectors}
    rows = []
    seen: dict[tuple, int] = {}
    for loc in located:
        collector = collector_of[loc.file]
        for rec in read_records(loc, SMS, collector, year=year):
            v = rec.values
            month = v.get("month")
            if month is None and not P.is_blank(rec.raw.get("month")):
                pass  # already reported by the parser
            elif month is None:
                collector.add(loc.sheet, rec.row, loc.where("month"), "缺少月份", "请填写结算月份，例如 2020年1月")
            else:
                key = (month, v.get("department"))
                if key in seen:
                    collector.add(loc.sheet, rec.row, loc.where("month"),
                                  f"{month:%Y年%m月}{v.get('department') or ''}重复（第一次在第{seen[key]}行）",
                                  "每月每部门只填一行")
                seen.setdefault(key, rec.row)
            price = v.get("unit_price")
            if price is not None and price.per not in (None, "条"):
                collector.add(loc.sheet, rec.row, loc.where("unit_price"),
                              f"单价的单位是「元/{price.per}」，应为每条的价格", "请填写每条短信的单价，例如 0.065元/条")
            row = {
                "month": month, "department": v.get("department"), "count": v.get("count"),
                "unit_price": money_value(price), "amount": money_value(v.get("amount")),
                "note": v.get("note"), "source": v.get("source"),
                "src_file": loc.file, "src_sheet": loc.sheet, "src_row": rec.row,
            }
            row.update({h: P.clean_text(x) or None for h, x in rec.extras.items()})
            rows.append(row)
    problems = [p for c in collectors for p in c.problems]
    if problems:
        raise ValidationError(problems)
    return frame(rows, SMS_DTYPES)

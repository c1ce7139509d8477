"""Loader for the SMS settlement sheet (短信结算)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.domain import SETTLED
from qdanalysis.errors import ValidationError
from qdanalysis.read import parsing
from qdanalysis.read.columns import frame, money_value, provenance, raise_problems, read_records
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import MONEY, PRICE, SMS
from qdanalysis.read.xlsx import collector_paused

SMS_DTYPES = {
    "month": "date", "department": object, "count": "Int64", "unit_price": PRICE, "amount": MONEY,
    "amount_basis": object, "note": object, "source": object, "log_file": object, "src_file": object, "src_sheet": object, "src_row": "Int64",
}


@collector_paused()
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
            if v.get("log_file"):
                pass  # the months come from the log (smslog.rows_from_log checks them)
            elif month is None and not parsing.is_blank(rec.raw.get("month")):
                pass  # already reported by the parser
            elif month is None:
                collector.add(loc.sheet, rec.row, loc.where("month"), "缺少月份", "请填写结算月份，例如 2020年1月")
            else:
                if year is not None and month.year != year:
                    collector.add(loc.sheet, rec.row, loc.where("month"),
                                  f"月份「{parsing.shown(rec.raw.get('month'))}」不在评价年度{year}年内",
                                  f"短信结算表只应包含{year}年各月的结算；其他年度的结算请放到该年度的文件夹中")
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
                "amount_basis": SETTLED if v.get("amount") is not None else None,
                "note": v.get("note"), "source": v.get("source"), "log_file": v.get("log_file"),
            **provenance(rec),
            }
            if row["log_file"]:  # 明细文件: this row becomes the log's month × department rows
                from qdanalysis.read import smslog  # loaded for a log only (10 ms of every year read)

                try:
                    rows += smslog.rows_from_log(row, folder=Path(loc.file).parent, year=year, seen=seen)
                except smslog.PointerError as err:
                    collector.add(loc.sheet, rec.row, loc.where(err.key), err.message, err.hint)
                except ValidationError as err:  # problems inside the log, each naming the log file
                    collector.problems.extend(err.problems)
                continue
            rows.append(row)
    raise_problems(collectors)
    return frame(rows, SMS_DTYPES)

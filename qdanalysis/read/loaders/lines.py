"""Loader for the network line inventory (线路清单)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qdanalysis.money import FEN
from qdanalysis.read import parsing
from qdanalysis.read.columns import as_date, frame, money_value, provenance, raise_problems, read_records
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import LINES, LINES_COUNTED, MONEY, UNITS_COUNTED
from qdanalysis.read.xlsx import collector_paused

LINE_DTYPES = {
    "unit": object, "carrier": object, "line_type": object, "bandwidth_mbps": "float", "count": "Int64",
    "count_unit": object, "monthly_fee": MONEY, "annual_cost": MONEY, "start": "date", "item_code": object, "item": object,
    "note": object, "count_note": object,
    "source": object, "src_file": object, "src_sheet": object, "src_row": "Int64",
}


@collector_paused()
def load_lines(path: str | Path) -> pd.DataFrame:
    """Lines of a workbook or folder. ``monthly_fee`` is per line; ``annual_cost`` = fee × count × 12.

    ``count_unit`` is 单位 where the 数量 cell counts organisations (``92个单位``): each is then
    costed as one line, and the number of lines stays unknown.

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, LINES)
    collector_of = {c.file: c for c in collectors}
    rows = []
    for loc in located:
        collector = collector_of[loc.file]
        for rec in read_records(loc, LINES, collector):
            v = rec.values
            for key, label in (("unit", "单位"), ("carrier", "运营商")):
                if not v.get(key):
                    collector.add(loc.sheet, rec.row, loc.where(key), f"缺少{label}", f"请填写{label}")
            fee = v.get("monthly_fee")
            if fee is not None and fee.per not in (None, "月"):
                collector.add(loc.sheet, rec.row, loc.where("monthly_fee"),
                              f"月租的单位是「元/{fee.per}」，不是按月", "月租请填写每月费用，例如 942元/月")
            count = v.get("count")
            count = 1 if count is None and parsing.is_blank(rec.raw.get("count")) else count
            fee_yuan = money_value(fee)
            annual = None if fee_yuan is None or count is None else (fee_yuan * count * 12).quantize(FEN)
            bw = v.get("bandwidth_mbps")
            row = {
                "unit": v.get("unit"), "carrier": v.get("carrier"), "line_type": v.get("line_type"),
                "bandwidth_mbps": None if bw is None else float(bw), "count": count,
                "count_unit": UNITS_COUNTED if parsing.counts_organisations(rec.raw.get("count")) else LINES_COUNTED,
                "monthly_fee": fee_yuan, "annual_cost": annual, "start": as_date(v.get("start")),
                "item_code": v.get("item_code"), "item": v.get("item"), "note": v.get("note"),
                "source": v.get("source"), "count_note": v.get("count_note"),
            **provenance(rec),
            }
            rows.append(row)
    raise_problems(collectors)
    return frame(rows, LINE_DTYPES)

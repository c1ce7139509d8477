"""Loader for the performance indicators (绩效指标, table 1-1 of an evaluation)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.read import parsing as P
from qdanalysis.read.schema import INDICATORS
from qdanalysis.read.sheet import frame, locate, provenance, raise_problems, read_records
from qdanalysis.read.xlsx import collector_paused

INDICATOR_DTYPES = {
    "level1": object, "level2": object, "name": object,
    "target_op": object, "target_value": "float", "target_unit": object, "target_text": object,
    "actual_value": "float", "actual_unit": object, "actual_text": object, "met": "bool",
    "weight": "float", "item_codes": object, "note": object, "source": object,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}

#: Units that count things; a target in 条 and an actual in 路 count the same kind of thing.
COUNT_UNITS = {"", "条", "路", "个", "件", "次", "项", "家", "户", "人", "人次"}
NEGATIVE_WORDS = ("不健全", "不完善", "否", "无", "未建立", "不合格", "未达标", "未完成")


def units_compatible(target_unit: str, actual_unit: str) -> bool:
    """Whether a target and an actual are measured in the same unit."""
    if target_unit == actual_unit or not target_unit or not actual_unit:
        return True
    return target_unit in COUNT_UNITS and actual_unit in COUNT_UNITS


def is_met(target: P.Target, actual: P.Quantity | None) -> bool | None:
    """Whether ``actual`` meets ``target``; None when unknown (no actual, or units differ)."""
    if actual is None:
        return None
    if target.op == "is":
        if actual.value is not None:
            return None
        if any(actual.text.startswith(w) for w in NEGATIVE_WORDS):
            return False
        return actual.text == target.text or actual.text in P.QUALITATIVE
    if actual.value is None or target.value is None or not units_compatible(target.unit, actual.unit):
        return None
    a, t = actual.value, target.value
    return {">=": a >= t, "<=": a <= t, ">": a > t, "<": a < t, "=": a == t}[target.op]


@collector_paused()
def load_indicators(path: str | Path) -> pd.DataFrame:
    """Indicators with parsed targets and actuals; ``met`` is True, False or <NA> (unknown).

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    located, collectors = locate(path, INDICATORS)
    collector_of = {c.file: c for c in collectors}
    rows = []
    for loc in located:
        collector = collector_of[loc.file]
        for rec in read_records(loc, INDICATORS, collector):
            v = rec.values
            if not v.get("name"):
                collector.add(loc.sheet, rec.row, loc.where("name"), "缺少三级指标名称", "请填写指标名称")
            target = v.get("target")
            if target is None:
                if P.is_blank(rec.raw.get("target")):
                    collector.add(loc.sheet, rec.row, loc.where("target"), "指标值为空",
                                  "请填写指标值，例如 ≥80条、≤2小时、100%、健全")
                continue
            actual = v.get("actual")
            if actual is not None and target.op != "is" and actual.value is not None \
                    and not units_compatible(target.unit, actual.unit):
                collector.add(loc.sheet, rec.row, loc.where("actual"),
                              f"实际完成值的单位「{actual.unit}」与指标值的单位「{target.unit}」不一致",
                              "请使用与指标值相同的单位")
            weight = v.get("weight")
            row = {
                "level1": v.get("level1"), "level2": v.get("level2"), "name": v.get("name"),
                "target_op": target.op, "target_value": _f(target.value), "target_unit": target.unit,
                "target_text": target.text,
                "actual_value": _f(actual.value) if actual else None,
                "actual_unit": actual.unit if actual else None, "actual_text": actual.text if actual else None,
                "met": is_met(target, actual), "weight": _f(weight),
                "item_codes": "、".join(v.get("item_codes") or ()) or None,
                "note": v.get("note"), "source": v.get("source"),
            **provenance(rec),
            }
            rows.append(row)
    raise_problems(collectors)
    return frame(rows, INDICATOR_DTYPES)


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)

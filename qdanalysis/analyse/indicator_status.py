"""Performance indicators: each target against its actual, and the words of the status.

Pure functions; no function here changes its arguments. A ceiling (≤941万元) is met or not; a target
and an actual counted in different units are 口径不一致, and no ratio is claimed.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.fmt import pct
from qdanalysis.money import to_decimal

STATUS_MET, STATUS_NOT_MET, STATUS_UNKNOWN = "已完成", "未完成", "未披露"
#: A target and an actual counted in different units (≥3万条 against 4.8万路): no ratio is claimed.
STATUS_MISMATCH = "口径不一致"


def units_differ(r) -> bool:
    """Whether an indicator's quantitative target and actual are counted in different units."""
    tu, au = r.get("target_unit"), r.get("actual_unit")
    return (r.get("target_op") != "is" and not pd.isna(r.get("target_value")) and not pd.isna(r.get("actual_value"))
            and isinstance(tu, str) and isinstance(au, str) and bool(tu) and bool(au) and tu != au)


#: A cost ceiling within this share of the whole budget repeats 预算执行率 (finding F11).
COST_TARGET_TOLERANCE = Decimal("0.005")
_CEILING_UNITS = {"万元": Decimal(10000), "元": Decimal(1)}


def budget_ceiling(r, budget) -> Decimal | None:
    """An indicator's money ceiling in 元 when it is the whole budget (采购成本 ≤941万元), else None."""
    unit = r.get("target_unit") if isinstance(r.get("target_unit"), str) else ""
    if budget is None or r.get("target_op") not in ("<=", "<") or pd.isna(r.get("target_value")) \
            or unit not in _CEILING_UNITS:
        return None
    ceiling = to_decimal(float(r["target_value"])) * _CEILING_UNITS[unit]
    return ceiling if abs(ceiling - Decimal(budget)) <= Decimal(budget) * COST_TARGET_TOLERANCE else None


def _comparison(op, target_text, actual, status: str, achievement) -> str:
    """The comparison of actual and target in words: a ratio for a quantity, over or under for a ceiling."""
    if status == STATUS_UNKNOWN:
        return "完成值未披露"
    shown = f"实际{actual}" if actual else "实际值未量化"
    if op in ("<=", "<"):
        limit = str(target_text or "").lstrip("≤<＜=").strip()
        return f"{shown}，{'未超过' if status == STATUS_MET else '超过'}上限{limit}"
    if achievement is not None and op in (">=", ">"):
        return f"{shown}，为目标值的{pct(achievement, 0)}"
    return f"{shown}，{'与目标一致' if status == STATUS_MET else '与目标不一致'}"


def indicator_status(indicators: pd.DataFrame) -> pd.DataFrame:
    """Target against actual: the status, the achievement ratio of a quantity to reach (actual /
    target, for ≥ and = targets; NA for a ceiling such as ≤941万元, which is met or not, and where
    the actual is not disclosed), and the comparison in words.

    Returns:
        Columns: level1, level2, name, target_text, actual_text, status, achievement, comparison.
    """
    rows = []
    for _, r in indicators.iterrows():
        met = r["met"]
        status = STATUS_UNKNOWN if pd.isna(met) else (STATUS_MET if met else STATUS_NOT_MET)
        ach = None
        if not pd.isna(r["actual_value"]) and not pd.isna(r["target_value"]) and r["target_value"]:
            if r["target_op"] in (">=", ">", "="):
                ach = r["actual_value"] / r["target_value"]
        actual = None if pd.isna(r["actual_text"]) else r["actual_text"]
        comparison = _comparison(r["target_op"], r["target_text"], actual, status, ach)
        if units_differ(r):
            status = STATUS_MISMATCH
            comparison = (f"指标值以“{r['target_unit']}”计，实际完成值以“{r['actual_unit']}”计，口径不一致"
                          + (f"；按数值为目标值的{pct(ach, 0)}，不能据此判断是否完成" if ach is not None else ""))
            ach = None
        rows.append({"level1": r["level1"], "level2": r["level2"], "name": r["name"], "target_text": r["target_text"],
                     "actual_text": actual, "status": status, "achievement": ach, "comparison": comparison})
    out = pd.DataFrame(rows, columns=["level1", "level2", "name", "target_text", "actual_text", "status", "achievement",
                                      "comparison"])
    out["achievement"] = pd.array(list(out["achievement"]), dtype="Float64")
    return out

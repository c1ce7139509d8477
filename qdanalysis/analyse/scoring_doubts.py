"""The tool's own doubts about an indicator's evidence (待核实): why a stated actual cannot be scored as it is.

An indicator whose target and actual come from the 绩效指标 sheet is 待核实 (not scored until the
evaluator's record confirms it) when the tool itself doubts that evidence:

- its target and actual are counted in different units (≥3万条 against 4.8万路; finding F12);
- its target is a quantity without a unit (≥10万) while the actual has one;
- its target is the whole budget (≤941万元), which repeats 预算执行率 (finding F11: 不科学);
- its actual is a figure of the unit's overall 工作成效 (the 产出与成效 sheet), not one of this project.

Pure functions; nothing here changes its arguments.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qdanalysis.analyse.indicator_status import budget_ceiling, units_differ
from qdanalysis.read import parsing


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def unitless_target(r: Any) -> bool:
    """A quantity target written without a unit (≥10万) whose actual is counted in one (5.1万路)."""
    return (r.get("target_op") in (">=", ">", "=", "<=", "<") and not pd.isna(r.get("target_value"))
            and not _text(r.get("target_unit")) and bool(_text(r.get("actual_unit"))))


def overall_result(r: Any, results: pd.DataFrame | None) -> str:
    """The 产出与成效 row whose figure is this indicator's actual (its source, in words), else ""."""
    actual = parsing.compact(_text(r.get("actual_text")))
    if not actual or results is None or not len(results) or "value" not in results:
        return ""
    for row in results.to_dict("records"):
        figure = parsing.compact(f"{_text(row.get('value')) or row.get('value') or ''}{_text(row.get('unit'))}")
        if figure and figure == actual:
            return _text(row.get("source")) or _text(row.get("name"))
    return ""


def doubts(r: Any, totals: dict, results: pd.DataFrame | None = None) -> list[str]:
    """Why the tool doubts the evidence of one 绩效指标 row, in Chinese; empty when it does not.

    Args:
        r: the indicator's row of the 绩效指标 sheet.
        totals: the year's totals (``budget`` in 元).
        results: the year's 产出与成效 sheet (the unit's overall 工作成效), when it has one.
    """
    if r is None:
        return []
    out = []
    target, actual = _text(r.get("target_text")), _text(r.get("actual_text"))
    if units_differ(r):
        out.append(f"口径不一致：指标值“{target}”以“{r['target_unit']}”计，实际完成值“{actual}”以“{r['actual_unit']}”计")
    elif unitless_target(r):
        out.append(f"指标值“{target}”没有计量单位，实际完成值“{actual}”以“{r['actual_unit']}”计，无法确认是否同一口径")
    if budget_ceiling(r, totals.get("budget")) is not None:
        out.append(f"指标值“{target}”即项目预算总额，与预算执行率重复，指标设置不科学")
    source = overall_result(r, results)
    if source:
        out.append(f"实际完成值“{actual}”是“产出与成效”表所列的单位整体工作成效（{source}），未区分本项目的产出")
    return out

"""Multi-year measures: the figures the trends report compares, one row per year's analysis."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.analyse import analyses as A
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.read.schema import MONEY

MONEY_MEASURES = ("budget", "executed", "line_annual_cost", "sms_amount")
SHARE_MEASURES = ("execution_rate", "itemised_share", "recurring_share")


def year_folders(root: Path) -> list[int]:
    """The years that have a data folder (four digits) under ``root``."""
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def year_measures(analysis: YearAnalysis) -> dict[str, Any]:
    """The measures the trends report compares across years, read from one year's analysis."""
    data, monthly, status = analysis.data, analysis.sms_monthly, analysis.indicator_status
    known_budget = A.sum_known(data.budget["budget"])
    sms_count = None if monthly.empty or monthly["count"].isna().all() else int(monthly["count"].sum())
    sms_amount = None if monthly.empty or monthly["amount"].isna().all() else A.sum_known(monthly["amount"])
    return {
        "year": data.year,
        "budget": data.totals.get("budget"),
        "executed": data.totals.get("executed"),
        "execution_rate": data.totals.get("execution_rate"),
        "itemised_share": A.safe_ratio(known_budget, data.totals.get("budget")),
        "line_annual_cost": A.sum_known(analysis.line_costs["annual_cost"]) if len(analysis.line_costs) else None,
        "sms_count": sms_count,
        "sms_amount": sms_amount,
        "recurring_share": analysis.recurring["share"],
        "contracts": len(data.contracts),
        "renewals": int((data.contracts["renews"].notna() | (data.contracts["procurement"] == "续签")).sum()),
        "indicators_met": int((status["status"] == A.STATUS_MET).sum()),
        "indicators_not_met": int((status["status"] == A.STATUS_NOT_MET).sum()),
        "indicators_unknown": int((status["status"] == A.STATUS_UNKNOWN).sum()),
        "warnings": len(analysis.warnings),
    }


def trend_table(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """One row per year of :func:`year_measures`, money as exact decimals in 元."""
    df = pd.DataFrame([year_measures(a) for a in sorted(analyses, key=lambda a: a.year)])
    if df.empty:
        return df
    for col in MONEY_MEASURES:
        df[col] = pd.array([None if v is None or pd.isna(v) else Decimal(v) for v in df[col]], dtype=MONEY)
    for col in SHARE_MEASURES:
        df[col] = pd.array([None if v is None else float(v) for v in df[col]], dtype="Float64")
    df["sms_count"] = pd.array(list(df["sms_count"]), dtype="Int64")
    return df

"""Network lines across years: each year's lines for their months in service, the price per Mbps of each
carrier and line type, and the line types whose carrier changed (the trends report's §四)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from qdanalysis.analyse import trend_coverage as coverage
from qdanalysis.analyse.growth import relative_change, yearly_growth
from qdanalysis.analyse.year import YearAnalysis


def line_trend(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Each year's lines by carrier and line type, each for its months in service: the year-end list
    (:func:`~qdanalysis.analyse.network_lines.line_costs`) and the line contracts that ended in the year
    (:func:`~qdanalysis.analyse.trend_coverage.ended_lines`).

    Returns:
        The columns of ``line_costs`` with ``year`` in front and ``source`` (年末线路清单, or the contract).
    """
    frames = []
    for a in sorted(analyses, key=lambda a: a.year):
        f = coverage.year_lines(a)
        if len(f):
            f = f.copy()
            f.insert(0, "year", a.year)
            frames.append(f)
    if not frames:
        return pd.DataFrame(columns=["year", "carrier", "line_type", "lines", "units", "bandwidth_mbps",
                                     "monthly_cost", "annual_cost", "full_year", "cost_per_mbps_month", "source"])
    out = pd.concat(frames, ignore_index=True)
    out["cost_per_mbps_month"] = pd.array([None if pd.isna(v) else float(v) for v in out["cost_per_mbps_month"]],
                                          dtype="Float64")
    return out


def unit_price_trend(lines: pd.DataFrame) -> pd.DataFrame:
    """The price per Mbps per month of each carrier and line type across years (推算: 月费 ÷ 带宽).

    Returns:
        One row per carrier and line type with at least one known price: carrier, line_type,
        first_year, last_year, first, last, change, growth (compound, per year), falls (the
        price of each year is lower than the year before: ``fell_years`` of ``steps``).
    """
    cols = ["carrier", "line_type", "first_year", "last_year", "first", "last", "change", "growth",
            "fell_years", "steps"]
    known = lines.dropna(subset=["cost_per_mbps_month"])
    rows = []
    for (carrier, line_type), g in known.groupby(["carrier", "line_type"], sort=False):
        g = g.sort_values("year")
        prices = [float(p) for p in g["cost_per_mbps_month"]]
        years = [int(y) for y in g["year"]]
        steps = [(a, b) for (ya, a), (yb, b) in zip(zip(years, prices), zip(years[1:], prices[1:])) if yb == ya + 1]
        rows.append({"carrier": carrier, "line_type": line_type, "first_year": years[0], "last_year": years[-1],
                     "first": prices[0], "last": prices[-1], "change": relative_change(prices[0], prices[-1]),
                     "growth": yearly_growth(prices[0], prices[-1], years[-1] - years[0]),
                     "fell_years": sum(b < a for a, b in steps), "steps": len(steps)})
    return pd.DataFrame(rows, columns=cols)


def carrier_switches(lines: pd.DataFrame) -> list[dict[str, Any]]:
    """Line types whose carriers changed from one year to the next (省电子政务专网: 中国电信 → 中国联通).

    Returns:
        One dict per change: line_type, year, before (carriers), after (carriers).
    """
    out = []
    if "source" in lines:  # the carriers at each year's end: a line that ended in the year is no longer there
        lines = lines[lines["source"].isna() | (lines["source"] == coverage.YEAR_END_LIST)]
    for line_type, g in lines.groupby("line_type", sort=False):
        by_year = {int(y): sorted(set(gy["carrier"].dropna())) for y, gy in g.groupby("year")}
        years = sorted(by_year)
        for y0, y1 in zip(years, years[1:]):
            if y1 == y0 + 1 and by_year[y0] and by_year[y1] and by_year[y0] != by_year[y1]:
                out.append({"line_type": line_type, "year": y1, "before": by_year[y0], "after": by_year[y1]})
    return out

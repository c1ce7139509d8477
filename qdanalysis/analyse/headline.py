"""The sums and shares a report's sentences quote, computed once with the other analyses.

Each figure is exact (Decimal 元) and keeps 未披露: a sum is None when no row states a figure, a
share is None when either side is unknown. The report's sections quote these fields and compute
nothing of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.spending import ITEMISED, UNITEMISED
from qdanalysis.money import safe_ratio, sum_all, sum_known


@dataclass(frozen=True)
class Headline:
    """The figures the annual report's sentences quote.

    Attributes:
        items_budgeted: how many items state a budget; ``budget_listed`` their sum and
            ``budget_listed_share`` its share of the budget total.
        items_executed: how many items state an executed amount.
        itemised, unitemised: what the items list of the year's spending, and the rest (推算);
            ``itemised_share`` is the listed part's share of the executed total.
        line_annual_cost: the lines' annual cost (推算 from the monthly fees).
        monthly_line_low, monthly_line_high, monthly_line_total: the lowest and highest month's
            cost of the contracts billed monthly, and the year's sum.
        yearly_line_total: the line contracts' cost added up since the first (推算).
        sms_count, sms_amount: messages and their amount over the months that state them.
    """

    items_budgeted: int
    budget_listed: Decimal | None
    budget_listed_share: float | None
    items_executed: int
    itemised: Decimal | None
    unitemised: Decimal | None
    itemised_share: float | None
    line_annual_cost: Decimal | None
    monthly_line_low: Decimal | None
    monthly_line_high: Decimal | None
    monthly_line_total: Decimal | None
    yearly_line_total: Decimal | None
    sms_count: int | None
    sms_amount: Decimal | None


def _spend(spend: pd.DataFrame, row: str):
    amounts = spend.loc[spend["item"] == row, "amount"]
    return amounts.iloc[0] if len(amounts) else None


def _monthly_totals(monthly_lines: pd.DataFrame) -> dict:
    """Each month's cost of the contracts billed monthly, added up exactly; None (未披露) for a month in
    which a contract's cost is not given (monthly_line_cost lists only contracts with a monthly fee)."""
    costs: dict = {}
    for month, cost in zip(monthly_lines.get("month", []), monthly_lines.get("cost", [])):
        costs.setdefault(month, []).append(cost)
    return {month: sum_all(values) for month, values in costs.items()}


def headline(budget: pd.DataFrame, totals: dict, spend: pd.DataFrame, line_costs: pd.DataFrame,
             monthly_lines: pd.DataFrame, yearly_lines: pd.DataFrame, sms_monthly: pd.DataFrame) -> Headline:
    """The report's quoted sums and shares, from the budget, the totals and the analysis frames."""
    listed = sum_known(budget["budget"])
    itemised = _spend(spend, ITEMISED)
    by_month = _monthly_totals(monthly_lines)
    known_months = [v for v in by_month.values() if v is not None]
    counts = sms_monthly["count"] if "count" in sms_monthly else pd.Series(dtype=object)
    return Headline(
        items_budgeted=int(budget["budget"].notna().sum()),
        budget_listed=listed,
        budget_listed_share=safe_ratio(listed, totals.get("budget")),
        items_executed=int(budget["executed"].notna().sum()),
        itemised=itemised,
        unitemised=_spend(spend, UNITEMISED),
        itemised_share=safe_ratio(itemised, totals.get("executed")),
        line_annual_cost=sum_known(line_costs["annual_cost"]) if "annual_cost" in line_costs else None,
        monthly_line_low=min(known_months) if known_months else None,
        monthly_line_high=max(known_months) if known_months else None,
        monthly_line_total=sum_all(by_month.values()),
        yearly_line_total=sum_known(yearly_lines["cost"]) if "cost" in yearly_lines else None,
        sms_count=int(counts.sum()) if counts.notna().any() else None,
        sms_amount=sum_known(sms_monthly["amount"]) if "amount" in sms_monthly else None,
    )

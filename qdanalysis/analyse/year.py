"""One year's analysis, computed once: every analysis frame, the cross-checks, the score and the findings.

:func:`analyse` is a pure function of the year's data, the scoring table and the evaluator's
entries. The notebook's report sections, ``qdanalysis export``, ``summary`` and every later
output read the :class:`YearAnalysis` it returns; none of them recomputes an analysis.

In JupyterLab (:func:`qdanalysis.run.pipeline.analysed_year` loads and analyses)::

    import qdanalysis
    a = qdanalysis.analyse_year(2020)
    a.categories, a.line_costs, a.renewals, a.checks, a.score.total, a.findings
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from qdanalysis.analyse import linking, network_lines, renewals, sms_costs, spending
from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.analyse.findings import Finding
from qdanalysis.analyse.headline import Headline, headline
from qdanalysis.analyse.indicator_status import indicator_status
from qdanalysis.analyse.rules.registry import find_all
from qdanalysis.analyse.scoring import ScoreResult, score
from qdanalysis.analyse.scoring_table import ScoringTable
from qdanalysis.read.year import YearData


@dataclass(frozen=True)
class YearAnalysis:
    """Everything the outputs of one year show, computed once by :func:`analyse`.

    Attributes:
        data: the year's tables as loaded (see :class:`~qdanalysis.read.year.YearData`).
        categories: budget, adjusted budget and executed per category, 未披露 and 合计 rows
            (:func:`~qdanalysis.analyse.spending.spending_by_category`).
        spend: what the data itemises as the year's spending, and what it does not.
        line_costs: annual line cost by carrier and line type.
        prices: the same bandwidth bought from different carriers.
        monthly_lines: month-by-month cost of the contracts billed monthly.
        yearly_lines: cost of the line contracts by year since the first (estimated from
            the current monthly fee: 推算).
        line_count: the lines listed against the line-count target.
        sms_monthly, sms_departments: messages and amounts by month and by department.
        sms_target: a quantity target on SMS turned into money.
        chains: contracts linked into renewal chains.
        renewals: one row per chain: renewals, growth, years since competition.
        recurring: the recurring (刚性) contracts' share of the budget.
        indicator_status: each performance indicator's target, actual and status.
        checks: the cross-checks between tables; ``warnings`` the ones that disagree, in Chinese.
        scoring: the scoring table used (None: not scored).
        score: the score sheet, total and grade (None: not scored).
        findings: the problems the data supports, most severe first.
        limitations: what the data lacks (no payment record, no reported result): the
            report's 其他需要说明的问题, not problems of the bureau.
        headline: the sums and shares the report's sentences quote.
    """

    data: YearData
    categories: pd.DataFrame
    spend: pd.DataFrame
    line_costs: pd.DataFrame
    prices: pd.DataFrame
    monthly_lines: pd.DataFrame
    yearly_lines: pd.DataFrame
    line_count: dict[str, Any]
    sms_monthly: pd.DataFrame
    sms_departments: pd.DataFrame
    sms_target: dict[str, Any]
    chains: pd.DataFrame
    renewals: pd.DataFrame
    recurring: dict[str, Any]
    indicator_status: pd.DataFrame
    checks: pd.DataFrame
    warnings: list[str]
    scoring: ScoringTable | None
    score: ScoreResult | None
    findings: list[Finding]
    limitations: list[Finding]
    headline: Headline

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def demo(self) -> bool:
        """The data is illustrative (示例数据)."""
        return self.data.demo

    def __repr__(self) -> str:
        scored = "未评分" if self.score is None else f"{self.score.total:g}/{self.score.max_total:g}"
        return (f"YearAnalysis({self.year}, findings={len(self.findings)}, warnings={len(self.warnings)}, "
                f"score={scored})")


def analyse(data: YearData, scoring: ScoringTable | None = None, evaluator: dict | None = None) -> YearAnalysis:
    """Analyse one year's data: each analysis runs once, and the findings and score reuse them.

    Args:
        data: the year's tables.
        scoring: the scoring table; None leaves the year unscored (``score`` is None).
        evaluator: the evaluator's entries for the scoring table (see
            :func:`~qdanalysis.analyse.scoring.score`).

    Raises:
        ValidationError: the evaluator's entries or the scoring table do not fit the data.
    """
    d = _linked(data)
    chains = renewals.renewal_chains(d.contracts)
    frames = {
        "categories": spending.spending_by_category(d.budget, d.totals),
        "spend": spending.disclosed_spend(d.budget, d.contracts, d.totals),
        "line_costs": network_lines.line_costs(d.lines, d.year),
        "prices": network_lines.same_bandwidth_prices(d.lines),
        "monthly_lines": network_lines.monthly_line_cost(d.contracts, d.year),
        "yearly_lines": network_lines.yearly_line_cost(d.contracts, d.year),
        "line_count": network_lines.line_count_vs_target(d.lines, d.indicators),
        "sms_monthly": sms_costs.sms_monthly(d.sms),
        "sms_departments": sms_costs.sms_by_department(d.sms),
        "sms_target": sms_costs.sms_target_money(d.sms, d.indicators),
        "chains": chains,
        "renewals": renewals.renewal_summary(chains, d.year),
        "recurring": renewals.recurring_share(d.budget, d.contracts, d.totals),
        "indicator_status": indicator_status(d.indicators),
    }
    checks = cross_checks(d.budget, d.contracts, d.lines, d.totals, d.year, d.self_funds)
    warnings = warnings_from(checks)
    scored = None if scoring is None else score(scoring, d, evaluator, warnings=warnings)
    found = find_all(
        d, checks=checks, chains=chains, renewals=frames["renewals"], recurring=frames["recurring"],
        prices=frames["prices"], indicator_status=frames["indicator_status"],
    )
    quoted = headline(d.budget, d.totals, frames["spend"], frames["line_costs"], frames["monthly_lines"],
                      frames["yearly_lines"], frames["sms_monthly"])
    return YearAnalysis(data=data, **frames, checks=checks, warnings=warnings, scoring=scoring, score=scored,
                        findings=[f for f in found if not f.limitation], limitations=[f for f in found if f.limitation],
                        headline=quoted)


def _linked(data: YearData) -> YearData:
    """The year's data with every contract and line linked to its budget item (by code, else by
    项目名称) and the carriers written one way (青岛电信 → 中国电信), so that each analysis joins and
    groups the tables the same way; the data itself is unchanged."""
    budget = linking.item_keys(data.budget)
    contracts = linking.carriers_written_one_way(linking.link_items(data.budget, data.contracts), "vendor")
    lines = linking.carriers_written_one_way(linking.link_items(data.budget, data.lines), "carrier")
    if budget is data.budget and contracts is data.contracts and lines is data.lines:
        return data
    return replace(data, frames={**data.frames, "budget": budget, "contracts": contracts, "lines": lines})

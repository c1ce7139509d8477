"""What one year's analysis holds (:class:`YearAnalysis`), computed once by :func:`qdanalysis.analyse.engine.analyse`.

The report's sections, ``qdanalysis export``, ``summary`` and every later output read it; none of them
recomputes an analysis. The finding rules read it too, which is why it stands apart from the engine
that runs them.

In JupyterLab (:func:`qdanalysis.run.pipeline.analysed_year` loads and analyses)::

    import qdanalysis
    a = qdanalysis.analyse_year(2020)
    a.categories, a.line_costs, a.renewals, a.checks, a.score.total, a.findings
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from qdanalysis.analyse.findings import Finding
from qdanalysis.analyse.followup import FollowUp
from qdanalysis.analyse.headline import Headline
from qdanalysis.analyse.payments import PaymentAnalysis
from qdanalysis.analyse.scoring import ScoreResult
from qdanalysis.analyse.scoring_table import ScoringTable
from qdanalysis.analyse.team import Rejected
from qdanalysis.read.year import YearData


@dataclass(frozen=True)
class YearAnalysis:
    """Everything the outputs of one year show, computed once by :func:`~qdanalysis.analyse.engine.analyse`.

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
        findings: the problems: the data's (as the team decided them: adopted, amended, or still a
            proposal) and the team's own (评价发现), see :mod:`qdanalysis.analyse.team`.
        limitations: what the data lacks (no payment record, no reported result): the
            report's 其他需要说明的问题, not problems of the bureau.
        rejected: the data's findings the team did not adopt (不采纳), with its reasons.
        headline: the sums and shares the report's sentences quote.
        economic: spending by 支出经济分类 where the budget gives it (the 预算管理一体化 export), else empty
            (:func:`~qdanalysis.analyse.economic.spending_by_economic`).
        payments: what the payment ledger (支付明细) shows about 过程; None for a year without a ledger.
        followup: what became of the year before's problems (上年评价发现问题整改情况); None when nothing is
            known of them (:mod:`qdanalysis.analyse.followup`).
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
    rejected: list[Rejected]
    headline: Headline
    economic: pd.DataFrame | None = None
    payments: PaymentAnalysis | None = None
    followup: FollowUp | None = None

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

"""One year's analysis, computed once: every analysis frame, the cross-checks, the score and the findings.

:func:`analyse` is a pure function of the year's data, the scoring table and the evaluator's
entries; it returns the :class:`~qdanalysis.analyse.year.YearAnalysis` that the report's sections,
``qdanalysis export``, ``summary`` and every later output read. None of them recomputes an analysis.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse import economic, linking, network_lines, payments, renewals, sms_costs, spending
from qdanalysis.analyse.checks import cross_checks, warnings_from
from qdanalysis.analyse.followup import Prior, Unread, follow_up, prior_from_sheet
from qdanalysis.analyse.headline import headline
from qdanalysis.analyse.indicator_status import indicator_status
from qdanalysis.analyse.rules.registry import find_all
from qdanalysis.analyse.scoring import score
from qdanalysis.analyse.scoring_table import ScoringTable
from qdanalysis.analyse.team import with_team
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.read.year import YearData


def analyse(data: YearData, scoring: ScoringTable | None = None, evaluator: dict | None = None,
            no_contract_threshold: Decimal | None = None, previous: Prior | Unread | None = None,
            partial: YearAnalysis | None = None) -> YearAnalysis:
    """Analyse one year's data: each analysis runs once, and the findings and score reuse them.

    Args:
        data: the year's tables.
        scoring: the scoring table; None leaves the year unscored (``score`` is None).
        evaluator: the evaluator's entries for the scoring table (see
            :func:`~qdanalysis.analyse.scoring.score`).
        no_contract_threshold: the threshold (元) of 无合同大额支付 (F24) from the params file; None: the rule's
            default (:data:`~qdanalysis.analyse.rules.payments.NO_CONTRACT_THRESHOLD`).
        previous: the year before's problems (:func:`~qdanalysis.analyse.followup.prior_from_analysis` of its
            analysis); None: those of the 上年主要问题 sheet or the 整改情况 record, if any (see ``followup``);
            an :class:`~qdanalysis.analyse.followup.Unread`: its data folder is there but refused (the follow-up
            says so and then takes the sheet or the record).
        partial: the :func:`frames_only` analysis of the same ``data``, whose frames and headline are taken as
            they are (not computed again).

    Raises:
        ValidationError: the evaluator's entries or the scoring table do not fit the data, or the team's
            发现处理 sheet names a finding the year does not have, or its 整改情况 record a problem the year
            before does not have.
    """
    d = _linked(data)
    partial = partial if partial is not None else frames_only(data, d)
    frames = {name: getattr(partial, name) for name in FRAMES}
    checks = cross_checks(d.budget, d.contracts, d.lines, d.totals, d.year, d.self_funds)
    if frames["payments"] is not None:  # the ledger's sum per item against 执行数
        checks = pd.concat([checks, payments.payment_checks(frames["payments"])], ignore_index=True)
    warnings = warnings_from(checks)
    found = find_all(
        d, checks=checks, chains=frames["chains"], renewals=frames["renewals"], recurring=frames["recurring"],
        prices=frames["prices"], indicator_status=frames["indicator_status"], payments=frames["payments"],
        no_contract_threshold=no_contract_threshold,
    )
    problems, rejected = with_team([f for f in found if not f.limitation], [f for f in found if f.limitation],
                                   d.team_findings, d.decisions)
    unread = previous if isinstance(previous, Unread) else None
    previous = None if unread is not None else previous
    if previous is None and len(d.prior_problems):
        previous = prior_from_sheet(d.prior_problems, d.year - 1)
    followed = follow_up(previous, [f for f in found if not f.limitation], d, unread)
    # the findings' bears_on (the data's and the team's, a rejected one not) feed the score's proposals
    # (系统建议), never its total
    scored = None if scoring is None else score(scoring, d, evaluator, warnings=warnings, findings=problems)
    return YearAnalysis(data=data, **frames, checks=checks, warnings=warnings, scoring=scoring, score=scored,
                        findings=problems, limitations=[f for f in found if f.limitation],
                        rejected=rejected, headline=partial.headline, followup=followed)


#: The analysis frames of a year (:class:`~qdanalysis.analyse.year.YearAnalysis`'s attributes) that
#: :func:`frames_only` computes.
FRAMES = ("categories", "spend", "line_costs", "prices", "monthly_lines", "yearly_lines", "line_count", "sms_monthly",
          "sms_departments", "sms_target", "chains", "renewals", "recurring", "indicator_status", "economic",
          "payments")


def frames_only(data: YearData, linked: YearData | None = None) -> YearAnalysis:
    """The year's analysis frames (:data:`FRAMES`) and headline alone: no cross-checks (an empty frame), no
    warnings, findings or score (what only the frames show, a draft's charts, can be handed over before the rest is
    computed; :func:`analyse` given it computes the rest). ``linked``: ``data`` linked already (:func:`_linked`)."""
    d = linked if linked is not None else _linked(data)
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
        "recurring": renewals.recurring_share(d.budget, d.contracts, d.totals, d.year),
        "indicator_status": indicator_status(d.indicators),
        "economic": economic.spending_by_economic(d.frames.get("economic")),
        "payments": payments.analyse_payments(d.frames.get("payments"), d.budget, d.contracts, d.totals, d.year),
    }
    quoted = headline(d.budget, d.totals, frames["spend"], frames["line_costs"], frames["monthly_lines"],
                      frames["yearly_lines"], frames["sms_monthly"])
    return YearAnalysis(data=data, **frames, checks=pd.DataFrame(), warnings=[], scoring=None, score=None,
                        findings=[], limitations=[], rejected=[], headline=quoted)


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

"""Every finding rule, in one registry: adding a rule is its function (with its :class:`Rule`) and one line here.

Each rule is a pure function over the tables it needs and returns a finding (or a list of them)
only when the data supports it: a rule that finds no evidence returns ``None`` or ``[]``. Missing
data becomes a finding only where the gap is the problem itself (indicators with no reported
result, planned items with no payment record). The rules follow the problems of the seed report's
section 三 and the advice of 四. Rules that rest on an analysis (renewal chains, recurring share,
prices, indicator status) read its result: :func:`qdanalysis.analyse.engine.analyse` and
:func:`qdanalysis.analyse.trends.analyse_trends` compute each analysis once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from qdanalysis.analyse.findings import SEVERITIES, Finding, Rule, sort_findings
from qdanalysis.analyse.payments import PaymentAnalysis
from qdanalysis.analyse.rules.across_years import (
    CATEGORIES_OUTGROWING,
    LONG_RENEWAL_CHAINS,
    PRICE_STANDS,
    UNCHANGED_TARGETS,
)
from qdanalysis.analyse.rules.budget import CONTRADICTIONS, PLAN_VS_PAYMENT, RECURRING_SHARE, UNCOVERED_BUDGET
from qdanalysis.analyse.rules.indicators import (
    COST_TARGET_IS_BUDGET,
    INDICATOR_NOT_MET,
    INDICATORS_WITHOUT_EVIDENCE,
    TARGET_SET_LOW,
    UNIT_PRICED_QUANTITY_TARGET,
    UNITS_INCONSISTENT,
)
from qdanalysis.analyse.rules.payments import (
    LARGE_WITHOUT_CONTRACT,
    PAID_BEYOND_CONTRACT,
    PAYEE_NOT_VENDOR,
    YEAR_END_RUSH,
)
from qdanalysis.analyse.rules.procurement import (
    OVERLAPPING_SCOPES,
    PRICE_DISPARITY,
    RENEWALS_WITHOUT_COMPETITION,
    SUCCESSION_QUESTIONS,
)
from qdanalysis.analyse.rules.standing import (
    DEFAULT_THRESHOLDS,
    MISSED_EVERY_YEAR,
    PERSISTENT_PRICE_GAP,
    STANDING_WITHOUT_COMPETITION,
    StandingThresholds,
)
from qdanalysis.read.year import YearData

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis

#: Every rule: a year's (F01…) and those across years (T01…, in the order the trends report lists them).
RULES: tuple[Rule, ...] = (
    UNCOVERED_BUDGET,
    UNIT_PRICED_QUANTITY_TARGET,
    RECURRING_SHARE,
    OVERLAPPING_SCOPES,
    RENEWALS_WITHOUT_COMPETITION,
    PRICE_DISPARITY,
    PLAN_VS_PAYMENT,
    CONTRADICTIONS,
    INDICATOR_NOT_MET,
    INDICATORS_WITHOUT_EVIDENCE,
    COST_TARGET_IS_BUDGET,
    UNITS_INCONSISTENT,
    TARGET_SET_LOW,
    SUCCESSION_QUESTIONS,
    YEAR_END_RUSH,
    PAID_BEYOND_CONTRACT,
    PAYEE_NOT_VENDOR,
    LARGE_WITHOUT_CONTRACT,
    LONG_RENEWAL_CHAINS,
    PRICE_STANDS,
    CATEGORIES_OUTGROWING,
    UNCHANGED_TARGETS,
    STANDING_WITHOUT_COMPETITION,
    PERSISTENT_PRICE_GAP,
    MISSED_EVERY_YEAR,
)


@dataclass(frozen=True)
class YearEvidence:
    """What a year's rules read: the year's data and the analyses they rest on."""

    data: YearData
    checks: pd.DataFrame
    chains: pd.DataFrame
    renewals: pd.DataFrame
    recurring: dict
    prices: pd.DataFrame
    indicator_status: pd.DataFrame
    payments: PaymentAnalysis | None = None
    #: F24's threshold (元) from the params file; None: the rule's default
    no_contract_threshold: Decimal | None = None


@dataclass(frozen=True)
class YearsEvidence:
    """What the rules across years read: the years' analyses and the comparisons made of them."""

    analyses: list[YearAnalysis]
    chain_table: pd.DataFrame
    chains: pd.DataFrame
    history: pd.DataFrame
    lines: pd.DataFrame
    category_changes: pd.DataFrame
    basis: str
    #: T05's and T06's thresholds: the params file's (params/trends.yaml), else the tool's defaults
    thresholds: StandingThresholds = DEFAULT_THRESHOLDS


def find_all(data: YearData, *, checks: pd.DataFrame, chains: pd.DataFrame, renewals: pd.DataFrame,
             recurring: dict, prices: pd.DataFrame, indicator_status: pd.DataFrame,
             payments: PaymentAnalysis | None = None,
             no_contract_threshold: Decimal | None = None) -> list[Finding]:
    """Every rule of a year on its data and analyses; the findings the data supports, most severe first.

    The keyword arguments are the year's analyses, as :func:`qdanalysis.analyse.engine.analyse`
    computes them once (``renewals`` is the renewal summary of ``chains``; ``payments`` the ledger's analyses,
    None for a year without one; ``no_contract_threshold`` the params file's threshold of F24, None for its default).
    """
    evidence = YearEvidence(data, checks, chains, renewals, recurring, prices, indicator_status, payments,
                            no_contract_threshold)
    return sort_findings([f for rule in RULES if not rule.across_years for f in rule.apply(evidence)])


def find_across_years(evidence: YearsEvidence) -> list[Finding]:
    """Every rule across years, most severe first (in registry order within a severity)."""
    found = [f for rule in RULES if rule.across_years for f in rule.apply(evidence)]
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))

"""What a budget official asks of several years: what re-tendering saves against renewing, what next year's
recurring cost starts from, 结余 by category, every item by year, growth without new categories, the scores
by year, and whether the recurring (刚性) amount grew at all.

Pure functions over the years' analyses and the trends' chains. A figure a year does not state stays None
(未披露): no total adds a part as if it were the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING, Any

import pandas as pd

from qdanalysis.analyse.findings import code_key
from qdanalysis.analyse.rules.standing import months_in_year
from qdanalysis.analyse.spending import TOTAL
from qdanalysis.analyse.trends import relative_change, yearly_growth
from qdanalysis.domain import UNDISCLOSED
from qdanalysis.money import FEN, sum_all, to_decimal

if TYPE_CHECKING:
    from qdanalysis.analyse.trends import Trends
    from qdanalysis.analyse.year import YearAnalysis

RENEWAL, RETENDER = "续签", "重新采购"
#: In the item × year table: the item is not in that year's budget (distinct from 未披露, stated as unknown).
NOT_LISTED = "未列"
#: The recurring amount counts as flat when its compound yearly change stays within this.
FLAT_MARGIN = 0.02


def _by_id(history: pd.DataFrame) -> dict[str, Any]:
    return {r["contract_id"]: r for _, r in history.iterrows()}


def _change(before: pd.Series, after: pd.Series) -> tuple[float | None, str]:
    """The price change from one contract to the next: per unit where both state a unit price for the same unit
    (a line count that moved is not a price change), else per annual amount."""
    same_unit = (isinstance(before.get("unit_price_per"), str) and before.get("unit_price_per") == after.get("unit_price_per")
                 and not pd.isna(before.get("unit_price")) and not pd.isna(after.get("unit_price")))
    if same_unit:
        return relative_change(before["unit_price"], after["unit_price"]), "单价"
    return relative_change(before["annual_cost"], after["annual_cost"]), "年度金额"


def price_changes(chains: pd.DataFrame, chain_table: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Each renewal (a contract renewing the one before without competition) and each re-tender (the first contract
    of a chain procured anew after an earlier chain of the item ended), with its price change.

    Returns:
        Columns: kind (续签 or 重新采购), item_code, item, before (contract), after (contract), year (of ``after``),
        change (ratio; NA when a figure is missing), basis (单价 or 年度金额).
    """
    cols = ["kind", "item_code", "item", "before", "after", "year", "change", "basis"]
    contracts = _by_id(history)
    rows = []
    for _, g in chains.groupby("chain", sort=False):
        g = g.sort_values("step")
        for prev, cur in zip(g.iloc[:-1].itertuples(), g.iloc[1:].itertuples()):
            if cur.renewed:
                change, basis = _change(contracts[prev.contract_id], contracts[cur.contract_id])
                rows.append({"kind": RENEWAL, "item_code": cur.item_code, "item": cur.item, "before": prev.contract_id,
                             "after": cur.contract_id, "year": cur.year, "change": change, "basis": basis})
    for r in chain_table[chain_table["followed_by"].notna()].itertuples():
        last = chains[chains["chain"] == r.chain].sort_values("step").iloc[-1]
        after = contracts[r.followed_by]
        change, basis = _change(contracts[last["contract_id"]], after)
        rows.append({"kind": RETENDER, "item_code": r.item_code, "item": r.item, "before": last["contract_id"],
                     "after": r.followed_by, "year": chains.loc[chains["contract_id"] == r.followed_by, "year"].iloc[0],
                     "change": change, "basis": basis})
    out = pd.DataFrame(rows, columns=cols)
    out["change"] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out["change"]], dtype="Float64")
    return out


def price_change_summary(changes: pd.DataFrame) -> pd.DataFrame:
    """Per kind (续签, 重新采购): how many, how many rose / stayed / fell, the lowest, median and highest change
    (NA where none has a known change)."""
    rows = []
    for kind in (RENEWAL, RETENDER):
        known = [float(v) for v in changes.loc[changes["kind"] == kind, "change"].dropna()]
        rows.append({"kind": kind, "count": int((changes["kind"] == kind).sum()), "known": len(known),
                     "rose": sum(v > 0 for v in known), "flat": sum(v == 0 for v in known),
                     "fell": sum(v < 0 for v in known), "low": min(known) if known else None,
                     "median": median(known) if known else None, "high": max(known) if known else None})
    out = pd.DataFrame(rows)
    for col in ("low", "median", "high"):
        out[col] = pd.array([None if v is None else float(v) for v in out[col]], dtype="Float64")
    return out


def next_year_baseline(last: YearAnalysis) -> pd.DataFrame:
    """Next year's recurring cost as it stands at the end of the last year (推算), item by item: the recurring
    (刚性) items of ``last`` (its ``recurring["items"]``, the annual reports' definition).

    A contract in force next year counts its annual amount for its months then; one ending in the last year, its
    amount that year (持平: to be renewed or re-tendered); an item billed per message, its 执行数 that year (用量持平).
    An item whose figure is missing is None (未披露) and the total is then None too.

    Returns:
        Columns: item_code, item, executed (the last year's), status, baseline, expiring (the part of the
        baseline whose contracts end in the last year), basis.
    """
    year, nxt = last.year, last.year + 1
    ledger = last.data.contracts
    budget = last.data.budget.set_index("code")
    rows = []
    for code in sorted(last.recurring.get("items", []), key=code_key):
        item = budget.loc[code, "item"] if code in budget.index else None
        executed = budget.loc[code, "executed"] if code in budget.index else None
        executed = None if executed is None or pd.isna(executed) else to_decimal(executed)
        parts, states, bases, expiring = [], [], set(), []
        for _, c in ledger[ledger["item_code"] == code].iterrows():
            if c["billing"] == "条" or pd.isna(c["annual_cost"]):
                parts.append(executed)
                states.append(f"{c['contract_id']}按{c['billing'] or '量'}结算" if isinstance(c["billing"], str) else c["contract_id"])
                bases.add(f"{year}年执行数（用量持平）")
                continue
            months = months_in_year(c["start"], c["end"], nxt)
            annual = to_decimal(c["annual_cost"])
            if months is None:  # its term is not stated: whether it runs next year is unknown
                parts.append(None)
                states.append(f"{c['contract_id']}合同期限{UNDISCLOSED}")
            elif months:
                parts.append((annual * months / 12).quantize(FEN))
                states.append(f"{c['contract_id']}在约（至{c['end'].year}年{c['end'].month}月）")
                bases.add("现行合同年度金额" + ("（月费×12）" if c["billing"] == "月" else ""))
            elif months == 0 and not pd.isna(c["end"]) and c["end"].year == year:
                parts.append(annual)
                expiring.append(annual)
                states.append(f"{c['contract_id']}于{year}年到期")
                bases.add(f"{year}年合同金额持平（待续签或重新采购）")
        if not parts:
            continue
        rows.append({"item_code": code, "item": item, "executed": executed, "status": "；".join(states),
                     "baseline": sum_all(parts), "expiring": sum_all(expiring) if expiring else Decimal(0),
                     "basis": "；".join(sorted(bases))})
    return pd.DataFrame(rows, columns=["item_code", "item", "executed", "status", "baseline", "expiring", "basis"])


def category_sums(analysis: YearAnalysis, column: str) -> dict[str, Decimal | None]:
    """Each category's ``column`` (budget or executed) as the sum of its items, None (未披露) when any item does not
    state it: a category summed over part of its items is not the category's figure."""
    budget = analysis.data.budget
    return {c: sum_all(g[column]) for c, g in budget.groupby("category", sort=False) if not pd.isna(c)}


def balances(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """结余 (budget − executed) by category and year, and the year's total from its stated totals.

    Returns:
        One row per category (in the order first seen), then 合计, one column per year: the 结余 in 元, None where
        either figure is not stated for every item of the category, :data:`NOT_LISTED` where the category is not in
        that year's budget. 合计 is the stated budget total minus the stated executed total.
    """
    ordered = sorted(analyses, key=lambda a: a.year)
    cats: list[str] = []
    values: dict[tuple[str, int], Decimal | None] = {}
    for a in ordered:
        budgets, executed = category_sums(a, "budget"), category_sums(a, "executed")
        for c, b in budgets.items():
            if c not in cats:
                cats.append(c)
            e = executed.get(c)
            values[(c, a.year)] = None if b is None or e is None else b - e
    rows = [{"category": c, **{str(a.year): values.get((c, a.year), NOT_LISTED) for a in ordered}} for c in cats]
    total = {"category": TOTAL}
    for a in ordered:
        b, e = a.data.totals.get("budget"), a.data.totals.get("executed")  # None when 未披露 (money.py's convention)
        total[str(a.year)] = to_decimal(b) - to_decimal(e) if b is not None and e is not None else None
    rows.append(total)
    return pd.DataFrame(rows, columns=["category", *(str(a.year) for a in ordered)])


def item_table(analyses: list[YearAnalysis], column: str = "executed") -> pd.DataFrame:
    """Every item's ``column`` (executed or budget) by year: 元, None where the year does not state it, and
    :data:`NOT_LISTED` where the item is not in that year's budget; the 合计 row is each year's stated total."""
    ordered = sorted(analyses, key=lambda a: a.year)
    items: dict[str, str] = {}
    values: dict[tuple[str, int], Any] = {}
    for a in ordered:
        for r in a.data.budget.itertuples():
            if pd.isna(r.code):
                continue
            items.setdefault(r.code, r.item)
            v = getattr(r, column)
            values[(r.code, a.year)] = None if pd.isna(v) else to_decimal(v)
    rows = [{"code": code, "item": items[code], **{str(a.year): values.get((code, a.year), NOT_LISTED) for a in ordered}}
            for code in sorted(items, key=code_key)]
    rows.append({"code": "", "item": TOTAL, **{str(a.year): a.data.totals.get(column) for a in ordered}})
    return pd.DataFrame(rows, columns=["code", "item", *(str(a.year) for a in ordered)])


def like_for_like(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """The budget's change on the year compared before it, whole and without the categories set up or ended between them.

    Returns:
        One row per year after the first: year, previous (the year compared before it: a refused year is passed
        over), change (of the total), new (categories set up that year, text),
        new_amount, ended (categories gone), ended_amount (their budget the year before), like_change
        ((total − new) ÷ (previous total − ended) − 1); NA where a figure is not stated.
    """
    ordered = sorted(analyses, key=lambda a: a.year)
    rows = []
    for before, after in zip(ordered, ordered[1:]):
        b, a_ = category_sums(before, "budget"), category_sums(after, "budget")
        new = [c for c in a_ if c not in b]
        ended = [c for c in b if c not in a_]
        t0, t1 = before.data.totals.get("budget"), after.data.totals.get("budget")
        new_amount = sum_all(a_[c] for c in new) if new else Decimal(0)
        ended_amount = sum_all(b[c] for c in ended) if ended else Decimal(0)
        like = None
        if None not in (t0, t1, new_amount, ended_amount) and not pd.isna(t0) and not pd.isna(t1):
            like = relative_change(to_decimal(t0) - ended_amount, to_decimal(t1) - new_amount)
        rows.append({"year": after.year, "previous": before.year, "change": relative_change(t0, t1), "new": "、".join(new),
                     "new_amount": new_amount if new else None, "ended": "、".join(ended),
                     "ended_amount": ended_amount if ended else None, "like_change": like})
    out = pd.DataFrame(rows, columns=["year", "previous", "change", "new", "new_amount", "ended", "ended_amount", "like_change"])
    for col in ("change", "like_change"):
        out[col] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[col]], dtype="Float64")
    return out


def scores_by_year(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Each year's score proposal: total, maximum, grade and the indicators still awaiting evidence; NA for a year
    the trends run could not score."""
    rows = []
    for a in sorted(analyses, key=lambda a: a.year):
        s = a.score
        rows.append({"year": a.year, "total": None if s is None else float(s.total),
                     "max_total": None if s is None else float(s.max_total), "grade": None if s is None else s.grade,
                     "missing": None if s is None else len(s.missing), "table": None if s is None else s.name})
    return pd.DataFrame(rows, columns=["year", "total", "max_total", "grade", "missing", "table"])


@dataclass(frozen=True)
class Recurring:
    """The recurring (刚性) amount across years, and what its share's changes came from.

    Attributes:
        table: year, recurring (元), budget (元), share; growth: the recurring amount's compound yearly change
            (first to last year); budget_growth: the budget's; flat: the recurring amount moved within
            :data:`FLAT_MARGIN` a year; flagged: the years whose annual analysis raised F03.
    """

    table: pd.DataFrame
    growth: float | None
    budget_growth: float | None
    flat: bool
    flagged: list[int]


def recurring_across_years(analyses: list[YearAnalysis]) -> Recurring:
    """The recurring amount and share of each year (each year's own 刚性 definition), and whether it grew; a year
    whose recurring items' budget is stated only in part has neither (未披露)."""
    ordered = sorted(analyses, key=lambda a: a.year)
    # a year where some recurring item's budget is undisclosed states only part of its recurring amount: 未披露
    whole = [not a.recurring.get("items_undisclosed") for a in ordered]
    table = pd.DataFrame([{"year": a.year, "recurring": a.recurring.get("recurring") if w else None,
                           "budget": a.data.totals.get("budget"), "share": a.recurring.get("share") if w else None}
                          for a, w in zip(ordered, whole)], columns=["year", "recurring", "budget", "share"])
    known = table.dropna(subset=["recurring", "budget"])
    growth = budget_growth = None
    if len(known) >= 2:
        span = int(known["year"].iloc[-1]) - int(known["year"].iloc[0])
        growth = yearly_growth(known["recurring"].iloc[0], known["recurring"].iloc[-1], span)
        budget_growth = yearly_growth(known["budget"].iloc[0], known["budget"].iloc[-1], span)
    flagged = [a.year for a in ordered if any(f.code.split("-")[0] == "F03" for f in a.findings)]
    return Recurring(table, growth, budget_growth, growth is not None and abs(growth) <= FLAT_MARGIN, flagged)


@dataclass(frozen=True)
class BudgetOutlook:
    """Every table of the budget official's page, computed once (:func:`budget_outlook`)."""

    changes: pd.DataFrame
    change_summary: pd.DataFrame
    baseline: pd.DataFrame
    baseline_year: int | None
    balances: pd.DataFrame
    items: pd.DataFrame
    like_for_like: pd.DataFrame
    scores: pd.DataFrame
    recurring: Recurring


def budget_outlook(analyses: list[YearAnalysis], trends: Trends) -> BudgetOutlook:
    """The budget official's tables from the years' analyses and their comparisons."""
    ordered = sorted(analyses, key=lambda a: a.year)
    changes = price_changes(trends.chains, trends.chain_table, trends.history)
    last = ordered[-1] if ordered else None
    return BudgetOutlook(changes, price_change_summary(changes),
                         next_year_baseline(last) if last else pd.DataFrame(),
                         last.year + 1 if last else None, balances(ordered), item_table(ordered), like_for_like(ordered),
                         scores_by_year(ordered), recurring_across_years(ordered))

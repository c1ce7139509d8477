"""Multi-year measures: the figures the trends report compares, one row per year's analysis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from qdanalysis.analyse import trend_coverage as coverage
from qdanalysis.analyse.findings import Finding
from qdanalysis.analyse.growth import relative_change, yearly_growth
from qdanalysis.analyse.indicator_status import STATUS_MET, STATUS_MISMATCH, STATUS_NOT_MET, STATUS_UNKNOWN
from qdanalysis.analyse.renewals import COMPETITIVE, growth_in_chains, link_roots
from qdanalysis.analyse.rules.procurement import RENEWAL_WORDS
from qdanalysis.analyse.rules.registry import YearsEvidence, find_across_years
from qdanalysis.analyse.rules.standing import DEFAULT_THRESHOLDS, StandingThresholds
from qdanalysis.analyse.spending import TOTAL
from qdanalysis.analyse.trend_checks import consistency_checks
from qdanalysis.analyse.trend_lines import carrier_switches, line_trend, unit_price_trend
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.money import round_half_up, safe_ratio, sum_known, to_decimal
from qdanalysis.read.schema import MONEY

MONEY_MEASURES = ("budget", "executed", "line_annual_cost", "sms_amount")
SHARE_MEASURES = ("execution_rate", "itemised_share", "recurring_share")
COUNT_MEASURES = ("sms_count", "contracts", "renewals", "indicators_met", "indicators_not_met", "indicators_unknown",
                  "indicators_mismatch")


def sms_totals(monthly: pd.DataFrame) -> tuple[int | None, Decimal | None]:
    """The year's messages and their cost from its monthly SMS figures; None where no month states one."""
    count = None if monthly.empty or monthly["count"].isna().all() else int(monthly["count"].sum())
    amount = None if monthly.empty or monthly["amount"].isna().all() else sum_known(monthly["amount"])
    return count, amount


def year_measures(analysis: YearAnalysis) -> dict[str, Any]:
    """The measures the trends report compares across years, read from one year's analysis.

    ``coverage`` maps each measure that is not a whole, plainly stated figure to its
    (:mod:`~qdanalysis.analyse.trend_coverage` state, note): a partial sum, an input not provided, or
    a figure taken from another table of the year.
    """
    data, status = analysis.data, analysis.indicator_status
    known_budget = sum_known(data.budget["budget"])
    lines = coverage.line_cost(analysis)
    sms_count, sms_amount = coverage.sms_measures(analysis)
    recurring = coverage.recurring(analysis)
    ledger, indicators = not data.contracts.empty, not status.empty
    measured = {"line_annual_cost": lines, "sms_count": sms_count, "sms_amount": sms_amount,
                "recurring_share": recurring}
    if not ledger:
        measured.update(contracts=coverage.Measure(None, coverage.ABSENT, "合同台账未提供"),
                        renewals=coverage.Measure(None, coverage.ABSENT, "合同台账未提供"))
    if not indicators:
        for col in ("indicators_met", "indicators_not_met", "indicators_unknown", "indicators_mismatch"):
            measured[col] = coverage.Measure(None, coverage.ABSENT, "绩效指标表未提供")
    return {
        "year": data.year,
        "budget": data.totals.get("budget"),
        "executed": data.totals.get("executed"),
        "execution_rate": data.totals.get("execution_rate"),
        "itemised_share": safe_ratio(known_budget, data.totals.get("budget")),
        "line_annual_cost": lines.value,
        "sms_count": sms_count.value,
        "sms_amount": sms_amount.value,
        "recurring_share": recurring.value,
        "contracts": len(data.contracts) if ledger else None,
        "renewals": int((data.contracts["renews"].notna() | (data.contracts["procurement"] == "续签")).sum())
        if ledger else None,
        "indicators_met": int((status["status"] == STATUS_MET).sum()) if indicators else None,
        "indicators_not_met": int((status["status"] == STATUS_NOT_MET).sum()) if indicators else None,
        "indicators_unknown": int((status["status"] == STATUS_UNKNOWN).sum()) if indicators else None,
        "indicators_mismatch": int((status["status"] == STATUS_MISMATCH).sum()) if indicators else None,
        "warnings": len(analysis.warnings),
        "coverage": {k: (m.state, m.note) for k, m in measured.items() if m.state != coverage.WHOLE or m.note},
    }


def measure_state(measures: pd.DataFrame | pd.Series, column: str, row: int | None = None) -> tuple[str, str]:
    """A year's (state, note) of ``column``: :data:`~qdanalysis.analyse.trend_coverage.WHOLE` unless its
    ``coverage`` says otherwise (``measures`` is a row, or a frame with ``row``)."""
    r = measures if row is None else measures.iloc[row]
    cov = r.get("coverage") if hasattr(r, "get") else None
    return cov.get(column, (coverage.WHOLE, "")) if isinstance(cov, dict) else (coverage.WHOLE, "")


def trend_table(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """One row per year of :func:`year_measures`, money as exact decimals in 元."""
    df = pd.DataFrame([year_measures(a) for a in sorted(analyses, key=lambda a: a.year)])
    if df.empty:
        return df
    for col in MONEY_MEASURES:
        df[col] = pd.array([None if v is None or pd.isna(v) else Decimal(v) for v in df[col]], dtype=MONEY)
    for col in SHARE_MEASURES:
        df[col] = pd.array([None if v is None else float(v) for v in df[col]], dtype="Float64")
    for col in COUNT_MEASURES:
        df[col] = pd.array(list(df[col]), dtype="Int64")
    return df


# --- changes between years -----------------------------------------------------------------------

#: Measures compared as amounts (change in %) and as shares (change in percentage points).
CHANGE_AMOUNTS = (("budget", "预算数"), ("executed", "执行数"), ("line_annual_cost", "线路年费用"),
                  ("sms_count", "短信条数"), ("sms_amount", "短信费用"))
CHANGE_SHARES = (("execution_rate", "预算执行率"), ("itemised_share", "列明预算占比"),
                 ("recurring_share", "刚性支出占比"))


def point_change(before, after) -> float | None:
    """The change of a share in percentage points (0.5 → 0.53 is +3.0); None when unknown.

    Computed from the shares as printed (percent to two decimals, 四舍五入), so that the change agrees
    with the two figures beside it (12.72% − 10.10% = +2.62, not the +2.61 of the unrounded shares).
    """
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return None
    return float(round_half_up(to_decimal(after) * 100) - round_half_up(to_decimal(before) * 100))


#: What a change withheld between years of different coverage shows (a partial sum against a whole year).
WITHHELD = "口径不同"

#: The measures whose change from the first year that states them to the last the trends report states.
OVERALL_MEASURES = ("budget", "line_annual_cost", "sms_count")


def overall_change(measures: pd.DataFrame, column: str) -> dict[str, Any] | None:
    """From the first year that states ``column`` whole to the last: both years, both figures, the compound yearly
    growth between them and ``skipped`` (the years whose figure is partial, passed over); None when fewer than
    two years state it whole (a year that does not is passed over, not 0)."""
    if column not in measures:
        return None
    known = measures.dropna(subset=[column])
    whole = [measure_state(r, column)[0] == coverage.WHOLE for _, r in known.iterrows()]
    skipped = [int(y) for y, w in zip(known["year"], whole) if not w]
    known = known[whole]
    if len(known) < 2:
        return None
    first, last = known.iloc[0], known.iloc[-1]
    span = int(last["year"] - first["year"])
    return {"first_year": int(first["year"]), "first": first[column], "last_year": int(last["year"]),
            "last": last[column], "growth": yearly_growth(first[column], last[column], span), "skipped": skipped}


def year_on_year(measures: pd.DataFrame) -> pd.DataFrame:
    """Each year against the year before it: amounts in %, shares in percentage points.

    A change between two years of which either figure is partial or not provided is withheld (NA) and
    named in ``notes`` with both years' coverage: a partial sum against a whole year is no change.

    Returns:
        One row per year after the first, columns ``year``, ``previous``, then for each amount
        of :data:`CHANGE_AMOUNTS` its relative change and for each share of
        :data:`CHANGE_SHARES` its change in points (NA where either year does not state it whole),
        ``notes`` (the withheld changes, Chinese) and ``withheld`` (column -> what its cell shows:
        :data:`WITHHELD`, or 未提供 where a year lacks the input).
    """
    m = measures.sort_values("year").reset_index(drop=True)
    rows = []
    for i in range(1, len(m)):
        before, after = m.iloc[i - 1], m.iloc[i]
        row = {"year": int(after["year"]), "previous": int(before["year"]), "notes": [], "withheld": {}}
        for cols, change in ((CHANGE_AMOUNTS, relative_change), (CHANGE_SHARES, point_change)):
            for col, label in cols:
                s0, s1 = measure_state(before, col), measure_state(after, col)
                if s0[0] == s1[0] == coverage.WHOLE:
                    row[col] = change(before[col], after[col])
                    continue
                row[col] = None
                if s0[0] == s1[0] == coverage.ABSENT:
                    continue  # neither year provides the input: nothing to compare, nothing withheld
                absent = coverage.ABSENT in (s0[0], s1[0])
                row["withheld"][col] = coverage.NOT_PROVIDED if absent else WITHHELD
                row["notes"].append(f"{label}：{row['year']}年为{coverage.coverage_text(*s1)}，"
                                    f"{row['previous']}年为{coverage.coverage_text(*s0)}，"
                                    + ("不计算变化" if absent else "口径不同，不计算变化"))
        rows.append(row)
    cols = ["year", "previous", *(c for c, _ in CHANGE_AMOUNTS), *(c for c, _ in CHANGE_SHARES)]
    out = pd.DataFrame(rows, columns=[*cols, "notes", "withheld"])
    for col in cols[2:]:
        out[col] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[col]], dtype="Float64")
    return out


# --- spending by category ---------------------------------------------------------------------


def category_trend(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Budget and executed amount per category and year, as each year's budget sheet states them.

    The 未逐项列明 remainder of a year (推算: total minus the itemised sum) is kept as its own
    row with ``disclosed`` False; the 合计 row is left out (it is the measures' total).

    Returns:
        Columns: year, category, items, budget, executed, budget_share and executed_share (of the
        year's total budget and total executed), disclosed, budget_partial and executed_partial (some
        of the category's items leave the figure blank: the sum is of the others, a lower bound).
    """
    cols = ["year", "category", "items", "budget", "executed", "budget_share", "executed_share", "disclosed",
            "budget_partial", "executed_partial"]
    frames = []
    for a in sorted(analyses, key=lambda a: a.year):
        cat = a.categories[a.categories["category"] != TOTAL].copy()
        cat.insert(0, "year", a.year)
        items = a.data.budget
        for col in ("budget", "executed"):
            total = a.data.totals.get(col)
            cat[f"{col}_share"] = [safe_ratio(v, total) for v in cat[col]]
            blank = set(items.loc[items[col].isna(), "category"]) if col in items else set()
            cat[f"{col}_partial"] = [bool(d) and c in blank and not pd.isna(v)
                                     for c, d, v in zip(cat["category"], cat["disclosed"], cat[col])]
        frames.append(cat[cols])
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    for col in ("budget_share", "executed_share"):
        out[col] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[col]], dtype="Float64")
    return out


def category_basis(categories: pd.DataFrame) -> str:
    """What the category comparison can rest on: ``executed`` where some year states a category's
    executed amount, else ``budget`` (the itemised budget, as a year with only 预算数 by item states)."""
    named = categories[categories["disclosed"].astype(bool)] if len(categories) else categories
    return "executed" if len(named) and named["executed"].notna().any() else "budget"


def category_changes(categories: pd.DataFrame, measures: pd.DataFrame, column: str = "executed") -> pd.DataFrame:
    """Each category's amount (``column``: executed or budget) from its first year to the last
    compared year, against the total of that column.

    ``growth`` is the compound yearly growth of the category; ``total_growth`` that of the total
    executed over the same years; ``faster`` marks a category growing faster than the total by
    more than :data:`FASTER_MARGIN` a year. A category absent from the first compared year is
    ``new`` (set up in ``first_year``); one absent from the last is ``ended``. ``share_change`` is in
    percentage points.

    A year in which some of the category's items leave ``column`` blank (a partial sum) is passed
    over and listed in ``partial_years``: a partial sum is no year's figure.

    Returns:
        Columns: category, first_year, last_year, first, last, change, growth, total_growth,
        first_share, last_share, share_change, faster, new, ended, partial_years.
    """
    cols = ["category", "first_year", "last_year", "first", "last", "change", "growth", "total_growth",
            "first_share", "last_share", "share_change", "faster", "new", "ended", "partial_years"]
    if categories.empty:
        return pd.DataFrame(columns=cols)
    years = sorted(int(y) for y in measures["year"])
    share = f"{column}_share"
    total = dict(zip(measures["year"].astype(int), measures[column]))
    rows = []
    named = categories[categories["disclosed"].astype(bool)]
    for category, g in named.groupby("category", sort=False):
        g = g.dropna(subset=[column]).sort_values("year")
        if g.empty:
            continue
        flag = f"{column}_partial"
        partial = g[flag].astype(bool) if flag in g else pd.Series(False, index=g.index)
        partial_years = [int(y) for y in g.loc[partial, "year"]]
        stated = (int(g["year"].min()), int(g["year"].max()))  # new or ended by the years it appears in
        g = g[~partial]
        if g.empty:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        y0, y1 = int(first["year"]), int(last["year"])
        growth = yearly_growth(first[column], last[column], y1 - y0)
        total_growth = yearly_growth(total.get(y0), total.get(y1), y1 - y0)
        rows.append({
            "category": category, "first_year": y0, "last_year": y1,
            "first": Decimal(first[column]), "last": Decimal(last[column]),
            "change": relative_change(first[column], last[column]), "growth": growth,
            "total_growth": total_growth, "first_share": first[share], "last_share": last[share],
            "share_change": point_change(first[share], last[share]) if y1 > y0 else None,
            "faster": growth is not None and total_growth is not None and growth - total_growth > FASTER_MARGIN,
            "new": stated[0] > years[0], "ended": stated[1] < years[-1], "partial_years": partial_years,
        })
    out = pd.DataFrame(rows, columns=cols)
    for col in ("first", "last"):
        out[col] = pd.array(list(out[col]), dtype=MONEY)
    for col in ("change", "growth", "total_growth", "first_share", "last_share", "share_change"):
        out[col] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[col]], dtype="Float64")
    return out


#: A category grows faster than the total when its yearly growth exceeds the total's by more than this.
FASTER_MARGIN = 0.02


# --- SMS --------------------------------------------------------------------------------------


def sms_trend(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Messages, cost, price per message (推算: 费用 ÷ 条数) and the quantity target, per year.

    The count and cost are those of :func:`~qdanalysis.analyse.trend_coverage.sms_measures`: a partial
    figure is judged against no target and prices nothing.

    Returns:
        Columns: year, count, amount, unit_price (NA when either figure is unknown or partial), target
        (the message-count target of the year's indicators, NA without one), met (count ≥ target; NA
        when the count is partial), count_state, amount_state (whole, partial, absent), count_note,
        amount_note.
    """
    rows = []
    for a in sorted(analyses, key=lambda a: a.year):
        count, amount = coverage.sms_measures(a)
        target = a.sms_target.get("target_count")
        whole = count.state == amount.state == coverage.WHOLE
        counted = count.value is not None and count.state == coverage.WHOLE
        rows.append({"year": a.year, "count": count.value, "amount": amount.value,
                     "unit_price": None if not whole or not count.value or amount.value is None
                     else float(amount.value / count.value),
                     "target": target, "met": None if not counted or target is None else count.value >= target,
                     "count_state": count.state, "amount_state": amount.state, "count_note": count.note,
                     "amount_note": amount.note})
    out = pd.DataFrame(rows, columns=["year", "count", "amount", "unit_price", "target", "met", "count_state",
                                      "amount_state", "count_note", "amount_note"])
    out["amount"] = pd.array(list(out["amount"]), dtype=MONEY)
    for col in ("count", "target"):
        out[col] = pd.array(list(out[col]), dtype="Int64")
    out["unit_price"] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out["unit_price"]],
                                 dtype="Float64")
    out["met"] = pd.array(list(out["met"]), dtype="boolean")
    return out


# --- recurring contracts across years ------------------------------------------------------------


def contract_history(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """Every contract in any year's ledger, once, from the first year whose ledger lists it.

    Returns:
        The ledger's columns with ``year`` (the ledger it is taken from) and ``years`` (every
        year whose ledger lists it, as text: 2019、2020).
    """
    frames = []
    for a in sorted(analyses, key=lambda a: a.year):
        c = a.data.contracts
        if len(c):
            c = c.copy()
            c.insert(0, "year", a.year)
            frames.append(c)
    if not frames:
        return pd.DataFrame(columns=["year", "years", "contract_id", "item_code", "item", "vendor", "signed", "start",
                                     "end", "billing", "annual_cost", "procurement", "renews"])
    every = pd.concat(frames, ignore_index=True)
    listed = every.groupby("contract_id", sort=False)["year"].apply(lambda ys: "、".join(str(y) for y in sorted(set(ys))))
    first = every.drop_duplicates("contract_id", keep="first").reset_index(drop=True)
    first.insert(1, "years", first["contract_id"].map(listed))
    return first


def chain_history(history: pd.DataFrame) -> pd.DataFrame:
    """The contracts of every year linked into renewal chains, one row per contract.

    A chain follows the ledger's 续签自 links only (across years, a contract procured anew is a
    new chain even with the same vendor); its contracts are billed by year or by month (a
    one-off purchase is no chain). ``renewed`` marks a contract that continues the last one
    without competition (续签); ``retender`` the first contract of a chain that follows an
    earlier, ended chain of the same item (重新招标或重新采购). ``estimated`` marks an annual cost
    derived from a monthly fee (推算：月费×12). ``growth`` is the change of the chain's price against
    its previous contract with a known one: the unit price (单价) where every contract of the chain bills
    by unit (a monthly fee per line with its number of lines), else the annual amount; ``basis`` says
    which, so that a change in the number of lines is never read as a price rise.

    Returns:
        Columns: item_code, item, chain, step, contract_id, year (the contract's start year, else
        the year it was signed), vendor, annual_cost, estimated, procurement, competitive,
        renewed, retender, growth, unit_price, quantity, basis (单价 or 年度金额).
    """
    cols = ["item_code", "item", "chain", "step", "contract_id", "year", "vendor", "annual_cost", "estimated",
            "procurement", "competitive", "renewed", "retender", "growth", "unit_price", "quantity", "basis"]
    c = history[history["billing"].isin(("年", "月"))].copy() if len(history) else history
    if c.empty:
        return pd.DataFrame(columns=cols)
    c["chain"] = link_roots(c["contract_id"], c["renews"])
    when = c["start"].where(c["start"].notna(), c["signed"])
    c["year"] = pd.array([None if pd.isna(t) else int(t.year) for t in when], dtype="Int64")
    c = c.sort_values(["chain", "year"], na_position="last", kind="stable")
    c["step"] = c.groupby("chain").cumcount()
    c["estimated"] = c["billing"] == "月"
    c["competitive"] = c["procurement"].fillna("").apply(lambda p: p in COMPETITIVE)
    c["renewed"] = [isinstance(p, str) and any(w in p for w in RENEWAL_WORDS) for p in c["procurement"]]
    by_unit = (c["billing"] == "月") & c["unit_price"].notna() & c["quantity"].notna()
    unit_chains = {k for k, g in by_unit.groupby(c["chain"]) if bool(g[c.loc[g.index, "annual_cost"].notna()].all())
                   and bool(g.any())}
    c["basis"] = [UNIT_PRICE if k in unit_chains else ANNUAL_AMOUNT for k in c["chain"]]
    price = [p if b == UNIT_PRICE else a for p, a, b in zip(c["unit_price"], c["annual_cost"], c["basis"])]
    c["growth"] = growth_in_chains(c.assign(annual_cost=pd.array(price, dtype=object)))
    span = c.groupby("chain")["year"].agg(["min", "max"])
    c["first_year"] = c["chain"].map(span["min"])
    c = c.sort_values(["item_code", "first_year", "chain", "step"], key=_natural, kind="stable")
    retender = []
    for _, r in c.iterrows():
        earlier = span[(span.index != r["chain"]) & span.index.isin(c.loc[c["item_code"] == r["item_code"], "chain"])]
        retender.append(bool(r["step"] == 0 and not pd.isna(r["year"])
                             and (earlier["max"].dropna() < r["year"]).any()))
    c["retender"] = retender
    return c[cols].reset_index(drop=True)


#: What a chain's growth is measured on: the unit price (a contract billed per line and month) or the annual amount.
UNIT_PRICE, ANNUAL_AMOUNT = "单价", "年度金额"


def _natural(col: pd.Series) -> pd.Series:
    """Sort key that puts item code 1.10 after 1.9."""
    if col.name != "item_code":
        return col
    return col.map(lambda c: tuple(int(p) if p.isdigit() else p for p in str(c).split(".")))


def chain_items(table: pd.DataFrame) -> list[str]:
    """The items with a renewal chain of two contracts or more (``table``: :func:`chain_table`), in its order."""
    linked = table[(table["renewals"] > 0) & (table["links"] > 1)] if len(table) else table
    return list(dict.fromkeys(linked["item_code"])) if len(linked) else []


def chain_table(chains: pd.DataFrame) -> pd.DataFrame:
    """One row per renewal chain: its years, renewals, growth at each renewal and per year.

    Returns:
        Columns: item_code, item, chain, vendor, first_year, last_year, links, renewals,
        renewals_in_a_row (the longest run of 续签 without competition), growths (list of the
        growth at each renewal), growth (compound per year, first to last known cost),
        estimated, retendered (a re-procurement of the item followed the chain), followed_by (the
        contract of that re-procurement, where one can be told: the same vendor's among parallel
        chains), retender_after (the change of the annual amount at it; NA if none followed or an
        amount is unknown), basis (单价 or 年度金额: what ``growth`` and ``growths`` measure),
        first_quantity and last_quantity (the number of lines of a chain billed by unit, shown apart).
    """
    cols = ["item_code", "item", "chain", "vendor", "first_year", "last_year", "links", "renewals",
            "renewals_in_a_row", "growths", "growth", "estimated", "retendered", "followed_by", "retender_after",
            "basis", "first_quantity", "last_quantity"]
    rows = []
    for (item_code, chain), g in chains.groupby(["item_code", "chain"], sort=False):
        g = g.sort_values("step")
        run = best = 0
        for renewed in g["renewed"]:
            run = run + 1 if renewed else 0
            best = max(best, run)
        costed = g.dropna(subset=["annual_cost", "year"])
        basis = g["basis"].iloc[0] if "basis" in g else ANNUAL_AMOUNT
        price = "unit_price" if basis == UNIT_PRICE else "annual_cost"
        growth = None
        if len(costed) >= 2:
            growth = yearly_growth(costed[price].iloc[0], costed[price].iloc[-1],
                                   int(costed["year"].iloc[-1]) - int(costed["year"].iloc[0]))
        quantities = costed["quantity"].dropna() if basis == UNIT_PRICE else pd.Series(dtype=object)
        vendors = g["vendor"].dropna()
        retender_after = None
        after = chains[(chains["item_code"] == item_code) & chains["retender"] & (chains["year"] > g["year"].max())]
        after = after[after["year"] == after["year"].min()] if len(after) else after
        retendered = bool(len(after))
        if len(after) > 1:  # parallel chains (one per carrier): the one that follows is the same vendor's
            after = after[after["vendor"].isin(vendors.iloc[-1:])]
        followed_by = after["contract_id"].iloc[0] if len(after) == 1 else None
        if followed_by is not None and len(costed) and not costed["year"].isna().all():
            retender_after = relative_change(costed["annual_cost"].iloc[-1], after["annual_cost"].iloc[0])
        rows.append({
            "item_code": item_code, "item": g["item"].iloc[0], "chain": chain,
            "vendor": vendors.iloc[-1] if len(vendors) else None,
            "first_year": g["year"].min(), "last_year": g["year"].max(), "links": len(g),
            "renewals": int(g["renewed"].sum()), "renewals_in_a_row": best,
            "growths": [None if pd.isna(x) else float(x) for x in g["growth"].iloc[1:]],
            "growth": growth, "estimated": bool(g["estimated"].any()), "retendered": retendered,
            "followed_by": followed_by, "retender_after": retender_after, "basis": basis,
            "first_quantity": int(quantities.iloc[0]) if len(quantities) else None,
            "last_quantity": int(quantities.iloc[-1]) if len(quantities) else None,
        })
    out = pd.DataFrame(rows, columns=cols)
    for col in ("growth", "retender_after"):
        out[col] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[col]], dtype="Float64")
    return out


@dataclass(frozen=True)
class Trends:
    """Every comparison across years, computed once from the years' analyses; the trends report reads it.

    Attributes:
        measures: :func:`trend_table`; changes: :func:`year_on_year` of it.
        categories: :func:`category_trend`; basis: :func:`category_basis` (executed or budget);
            category_changes: :func:`category_changes` on that basis.
        lines: :func:`line_trend`; prices: :func:`unit_price_trend`; switches: :func:`carrier_switches`.
        sms: :func:`sms_trend`.
        history: :func:`contract_history`; chains: :func:`chain_history`; chain_table: :func:`chain_table`.
        findings: T01–T04, most severe first (none with fewer than two years).
        checks: :func:`~qdanalysis.analyse.trend_checks.consistency_checks`.
        overall: :func:`overall_change` of each of :data:`OVERALL_MEASURES`.
    """

    measures: pd.DataFrame
    changes: pd.DataFrame
    categories: pd.DataFrame
    basis: str
    category_changes: pd.DataFrame
    lines: pd.DataFrame
    prices: pd.DataFrame
    switches: list[dict[str, Any]]
    sms: pd.DataFrame
    history: pd.DataFrame
    chains: pd.DataFrame
    chain_table: pd.DataFrame
    findings: list[Finding]
    checks: pd.DataFrame
    overall: dict[str, dict[str, Any] | None]


def analyse_trends(analyses: list[YearAnalysis], thresholds: StandingThresholds = DEFAULT_THRESHOLDS) -> Trends:
    """Compare the years: each table, finding and check of :class:`Trends`, each computed once; ``thresholds`` are
    T05's and T06's (the params file's, else the tool's defaults)."""
    ordered = sorted(analyses, key=lambda a: a.year)
    measures = trend_table(ordered)
    categories = category_trend(ordered)
    basis = category_basis(categories)
    changes = category_changes(categories, measures, basis)
    lines = line_trend(ordered)
    history = contract_history(ordered)
    chains = chain_history(history)
    table = chain_table(chains)
    found: list[Finding] = []
    if len(ordered) >= 2:
        found = find_across_years(YearsEvidence(ordered, table, chains, history, lines, changes, basis, thresholds))
    return Trends(measures, year_on_year(measures), categories, basis, changes, lines, unit_price_trend(lines),
                  carrier_switches(lines), sms_trend(ordered), history, chains, table, found,
                  consistency_checks(ordered), {c: overall_change(measures, c) for c in OVERALL_MEASURES})


def trend_findings(analyses: list[YearAnalysis]) -> list[Finding]:
    """Every finding across years (T01–T04), most severe first."""
    return analyse_trends(analyses).findings

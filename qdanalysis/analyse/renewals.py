"""Recurring contracts: renewal chains, how long each has run without competition, and the part of
the budget committed to recurring (刚性) contracts.

Pure functions, DataFrames in, DataFrames out; no function here changes its arguments. Money stays
in 元 as exact decimals; a cost the ledger does not state stays NA.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.money_array import money_array
from qdanalysis.domain import ONE_OFF, RECURRING_BILLINGS
from qdanalysis.money import is_missing, safe_ratio, sum_known

COMPETITIVE = ("公开招标", "招标", "竞争性磋商", "竞争性谈判", "询价", "邀请招标", "政府采购")


def link_roots(ids: Iterable, renews: Iterable) -> list:
    """The first contract of each contract's chain, following its 续签自 links among ``ids`` (a link
    to a contract not among them, or a loop, ends the chain)."""
    ids = list(ids)
    parent = dict(zip(ids, renews))

    def root(cid):
        seen = set()
        while isinstance(parent.get(cid), str) and parent[cid] in parent and cid not in seen:
            seen.add(cid)
            cid = parent[cid]
        return cid

    return [root(cid) for cid in ids]


def growth_in_chains(c: pd.DataFrame) -> pd.arrays.FloatingArray:
    """For rows ordered chain by chain (column ``chain``), the change of ``annual_cost`` against the
    chain's previous row with a known cost; NA for the first known cost and for an unknown one."""
    growth = []
    for _, g in c.groupby("chain", sort=False):
        prev = None
        for cost in g["annual_cost"]:
            if pd.isna(cost):
                growth.append(None)
                continue
            growth.append(None if prev is None else float(Decimal(cost) / prev - 1))
            prev = Decimal(cost)
    return pd.array(growth, dtype="Float64")


def renewal_chains(contracts: pd.DataFrame) -> pd.DataFrame:
    """Contracts grouped into renewal chains, oldest first, with growth at each renewal.

    A chain follows the ``renews`` link; contracts without a link join the chain of the
    same item and vendor (in signing order). ``growth`` is the change of ``annual_cost``
    against the previous link with a known cost.

    Returns:
        Columns: chain, step, contract_id, item, vendor, signed, end, billing, annual_cost,
        procurement, competitive, growth, start.
    """
    c = contracts.copy()
    for col in ("start", "end", "billing"):  # a ledger without a term or a billing column says neither
        if col not in c:
            c[col] = None
    c["chain"] = link_roots(c["contract_id"], c["renews"])
    linked = set(c.loc[c["renews"].notna(), "chain"])
    key = c["item"].fillna("") + "|" + c["vendor"].fillna("")
    for k, g in c[~c["chain"].isin(linked)].groupby(key):
        if len(g) > 1 and k.split("|")[1]:
            first = g.sort_values("signed", na_position="last").iloc[0]["contract_id"]
            c.loc[g.index, "chain"] = first
    c = c.sort_values(["chain", "signed"], na_position="last", kind="stable")
    c["step"] = c.groupby("chain").cumcount()
    c["competitive"] = c["procurement"].fillna("").apply(lambda p: p in COMPETITIVE)
    c["growth"] = growth_in_chains(c)
    return c[["chain", "step", "contract_id", "item", "vendor", "signed", "end", "billing", "annual_cost",
              "procurement", "competitive", "growth", "start"]].reset_index(drop=True)


def _cost_basis(contract: pd.Series, annual: Decimal | None, renewed: bool) -> str:
    """Whether a contract's yearly cost is stated by the ledger or derived by the workbook (推算)."""
    if annual is None:
        return "续签金额未披露" if renewed else "年度金额未披露"
    return "推算：月费×12" if contract.get("billing") == "月" else "合同年度金额"


def _ended(contract: pd.Series, year_end: pd.Timestamp) -> bool:
    """Whether a contract's stated term ends before ``year_end``."""
    end = contract.get("end")
    return end is not None and not pd.isna(end) and end < year_end


def _months_to(start: pd.Timestamp, year: int) -> int:
    """Months from ``start``'s month to December of ``year``, both counted (2019-06 to 2020: 19)."""
    return (int(year) - start.year) * 12 + 13 - start.month


def _spent_since(current: pd.Series, annual: Decimal | None, years: int | None, year: int) -> Decimal | None:
    """The current cost over the years since the reference: a monthly contract with a known start
    counts its months in service from that start (2019年6月 to 2020: 19 months, as the yearly line
    cost does), any other the annual cost × ``years``."""
    if annual is None or years is None:
        return None
    start = current.get("start")
    start = current["signed"] if start is None or pd.isna(start) else start
    if current.get("billing") == "月" and not pd.isna(start) and start.year <= int(year):
        return (annual / 12 * _months_to(start, year)).quantize(Decimal("0.01"))
    return annual * years


def renewal_summary(chains: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per chain: renewals, compound growth, and how long it has run without competition.

    ``reference`` is the last competitive procurement on record, else the chain's first
    contract (then ``competition_on_record`` is False: no tender is known since). ``years`` is
    the number of budget years from the reference year to ``year``, both counted (2014—2020: 7).
    ``spent_since`` is the current contract's annual cost × ``years`` (a monthly contract with a
    known start: its monthly cost × its months in service, as :func:`~qdanalysis.analyse.network_lines.yearly_line_cost`
    counts them): an estimate (推算) at today's price, NA when the latest renewal's amount is not
    disclosed (the old price is not assumed). It is a table's figure, not a finding's: it says
    nothing about the year. Chains of contracts billed once (一次性) are purchases, not renewals,
    and chains whose last contract's term ended before the year's end with nothing renewing it
    (a final payment of a finished service, like 1.3's 尾款 in 2020) are not running: both are left out.

    Returns:
        Columns: chain, item, vendor, links, renewals, first_signed, first_cost, last_cost,
        cagr, competition_on_record, reference, years, spent_since, cost_basis (where the latest
        yearly cost comes from: 合同年度金额 stated, 推算：月费×12 derived, or why it is unknown).
    """
    rows = []
    year_end = pd.Timestamp(int(year), 12, 31)
    for chain, g in chains.groupby("chain", sort=False):
        if (g["billing"] == ONE_OFF).all() or _ended(g.iloc[-1], year_end):
            continue
        costs = g.dropna(subset=["annual_cost"])
        first = costs.iloc[0] if len(costs) else None
        last = costs.iloc[-1] if len(costs) else None
        current = g.iloc[-1]
        cagr = None
        if first is not None and last is not None and first["contract_id"] != last["contract_id"] \
                and not pd.isna(first["signed"]) and not pd.isna(last["signed"]):
            years = last["signed"].year - first["signed"].year
            if years > 0:
                ratio = float(Decimal(last["annual_cost"]) / Decimal(first["annual_cost"]))
                cagr = ratio ** (1 / years) - 1
        comp = g[g["competitive"] & g["signed"].notna()]
        on_record = bool(len(comp))
        reference = comp["signed"].max() if on_record else g["signed"].min()
        years = None if pd.isna(reference) or reference.year > year else year - reference.year + 1
        annual = None if pd.isna(current["annual_cost"]) else Decimal(current["annual_cost"])
        spent = _spent_since(current, annual, years, year)
        vendors = g["vendor"].dropna()
        rows.append({
            "chain": chain, "item": g["item"].iloc[0], "vendor": vendors.iloc[-1] if len(vendors) else None,
            "links": len(g), "renewals": int(len(g) - 1), "first_signed": g["signed"].min(),
            "first_cost": None if first is None else Decimal(first["annual_cost"]), "last_cost": annual,
            "cagr": cagr, "competition_on_record": on_record, "reference": reference,
            "years": years, "spent_since": spent, "cost_basis": _cost_basis(current, annual, len(g) > 1),
        })
    out = pd.DataFrame(rows, columns=["chain", "item", "vendor", "links", "renewals", "first_signed", "first_cost",
                                      "last_cost", "cagr", "competition_on_record", "reference", "years",
                                      "spent_since", "cost_basis"])
    for col in ("first_cost", "last_cost", "spent_since"):
        out[col] = money_array(out[col])
    out["years"] = pd.array(list(out["years"]), dtype="Int64")
    out["cagr"] = pd.array(list(out["cagr"]), dtype="Float64")
    return out


def recurring_share(budget: pd.DataFrame, contracts: pd.DataFrame, totals: dict, year: int | None = None) -> dict:
    """The part of the year's budget committed to recurring (刚性) contracts: annual or
    monthly contracts that are renewed or run for more than one year.

    One rule for every item, from the ledger: a contract billed per year, month or message, or a
    renewal, is recurring; one billed once (一次性) is not, nor (given ``year``) one whose stated
    term ended before the year's end and that no contract renews (what it is paid in the year is
    the final payment of a finished service, listed in ``items_ended``); one whose ledger row gives
    no 计费方式 and renews nothing cannot be decided and is listed in ``items_unknown``, never
    counted either way.

    Returns:
        dict with recurring (元), budget (元), share, items (codes), items_undisclosed (recurring
        items whose budget is undisclosed, not counted), items_unknown (undecided items),
        items_ended (items whose only contracts ended during or before the year).
    """
    recurring_codes, unknown, ended = set(), set(), set()
    year_end = None if year is None else pd.Timestamp(int(year), 12, 31)
    renewed = set(contracts["renews"].dropna()) if "renews" in contracts else set()
    for _, c in contracts.iterrows():
        if pd.isna(c["item_code"]):
            continue
        if year_end is not None and _ended(c, year_end) and c["contract_id"] not in renewed:
            ended.add(c["item_code"])
            continue
        if c["billing"] in RECURRING_BILLINGS or not pd.isna(c["renews"]):
            recurring_codes.add(c["item_code"])
        elif is_missing(c["billing"]):
            unknown.add(c["item_code"])
    rec = budget[budget["code"].isin(recurring_codes)]
    amount = sum_known(rec["budget"]) or Decimal(0)
    base = totals.get("budget")
    return {"recurring": amount, "budget": base, "share": safe_ratio(amount, base),
            "items": sorted(recurring_codes), "items_undisclosed": sorted(rec.loc[rec["budget"].isna(), "code"]),
            "items_unknown": sorted(unknown - recurring_codes), "items_ended": sorted(ended - recurring_codes)}

"""Rules across years on situations that stand rather than change: a contract not put to competition for
many years (T05), a price gap between carriers that persists (T06) and a target missed every year (T07).

T01 wants three renewals in a row and T02 a price that falls for one carrier; a single-source line renewed
twice over eleven years, a unit price fixed in one six-year contract or a gap that neither widens nor
narrows escapes both. Each finding states its money at stake and what that figure is made of (推算).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from qdanalysis.analyse.findings import (
    EVERY_INDICATOR,
    HIGH,
    MEDIUM,
    Finding,
    Rule,
    evidence_rows,
    numbered,
    unit_price_text,
)
from qdanalysis.analyse.indicator_status import STATUS_NOT_MET
from qdanalysis.analyse.linking import item_label
from qdanalysis.analyse.renewals import COMPETITIVE, link_roots
from qdanalysis.domain import OUTPUT, PROCESS, UNDISCLOSED
from qdanalysis.fmt import format_number, month_text, times, wan
from qdanalysis.money import FEN, sum_all, to_decimal

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis

#: Years without a competitive procurement (counted from that year through the current contract's end) from
#: which a contract is reported (default of the params key ``standing_years``), and from which it is 高 (a
#: contract never put to competition is 高 too).
STANDING_YEARS, STANDING_YEARS_HIGH = 6, 10
#: One carrier's price per Mbps at least this many times another's, for the same line type, is a gap (default of
#: ``price_gap_ratio``) ...
PRICE_GAP_RATIO = Decimal("1.5")
#: ... reported when it holds in this many consecutive years up to the last (default of ``price_gap_years``); 高
#: from this ratio.
GAP_YEARS, PRICE_GAP_HIGH = 3, 2.0
#: Where the trends report's thresholds are set, as the findings name it.
TRENDS_PARAMS_FILE = "params/trends.yaml"


@dataclass(frozen=True)
class StandingThresholds:
    """T05's and T06's thresholds: the tool's defaults, or the values of the params file (:data:`TRENDS_PARAMS_FILE`).

    Attributes:
        standing_years: years without competitive procurement from which T05 reports a contract.
        price_gap_ratio: one carrier's price per Mbps at least this many times another's is a gap (T06) ...
        price_gap_years: ... reported when it holds this many consecutive years.
        from_params: the keys the params file set (the findings say whose threshold they used).
    """

    standing_years: int = STANDING_YEARS
    price_gap_ratio: Decimal = PRICE_GAP_RATIO
    price_gap_years: int = GAP_YEARS
    from_params: frozenset[str] = frozenset()

    def basis(self, *keys: str) -> str:
        """Whose threshold it is, in Chinese: the params file's, or the tool's default and where to set it."""
        named = "、".join(keys)
        if any(k in self.from_params for k in keys):
            return f"按参数文件 {TRENDS_PARAMS_FILE} 的 {named} 设定"
        return f"本工具默认标准，可在 {TRENDS_PARAMS_FILE} 中以 {named} 设定"


DEFAULT_THRESHOLDS = StandingThresholds()
#: Billing that makes a contract a standing service (a one-off purchase is not one).
RECURRING_BILLING = ("年", "月", "条")
#: Years in a row (all the years compared) an indicator is missed before it is reported.
MISSED_YEARS = 3


def _year_of(row) -> int | None:
    when = row["start"] if not pd.isna(row["start"]) else row["signed"]
    return None if pd.isna(when) else int(pd.Timestamp(when).year)


def months_in_year(start, end, year: int) -> int | None:
    """Months of ``year`` a contract from ``start`` to ``end`` covers (a month begun counts whole); None when a
    date is unknown."""
    if pd.isna(start) or pd.isna(end):
        return None
    s = max(pd.Timestamp(start), pd.Timestamp(year, 1, 1))
    e = min(pd.Timestamp(end), pd.Timestamp(year, 12, 31))
    return 0 if s > e else (e.year - s.year) * 12 + e.month - s.month + 1


def _listed(years_text, year: int) -> bool:
    return isinstance(years_text, str) and str(year) in years_text.split("、")


def _item_executed(analysis: YearAnalysis, code) -> Decimal | None:
    rows = analysis.data.budget[analysis.data.budget["code"] == code]
    return sum_all(rows["executed"]) if len(rows) else None


def chain_amounts(links: pd.DataFrame, analyses: list[YearAnalysis]) -> tuple[dict[int, Decimal | None], bool]:
    """What a contract chain cost in each compared year whose ledger lists one of its contracts.

    A contract with a yearly or monthly amount counts for its months in the year (推算: 年度金额 × 月数 ÷ 12,
    a monthly fee × 12 being the ledger's annual amount); one billed per unit (按条) counts the item's 执行数
    when it is the item's only contract in that year's ledger, else the year is None (未披露).

    Returns:
        ({year: amount or None}, whether some year's amount is an item's 执行数 rather than a contract's).
    """
    out: dict[int, Decimal | None] = {}
    used_executed = False
    code = links["item_code"].iloc[0]
    for a in analyses:
        here = links[[_listed(y, a.year) for y in links["years"]]]
        if here.empty:
            continue
        amounts = []
        for _, c in here.iterrows():
            months = months_in_year(c["start"], c["end"], a.year)
            if not pd.isna(c["annual_cost"]) and months is not None:
                amounts.append((to_decimal(c["annual_cost"]) * months / 12).quantize(FEN))
                continue
            others = a.data.contracts[(a.data.contracts["item_code"] == code)
                                      & ~a.data.contracts["contract_id"].isin(links["contract_id"])]
            amounts.append(_item_executed(a, code) if others.empty else None)
            used_executed = used_executed or others.empty
        out[a.year] = sum_all(amounts)
    return out, used_executed


def _money_text(amounts: dict[int, Decimal | None], used_executed: bool) -> str:
    if not amounts:
        return ""
    years = sorted(amounts)
    total = sum_all(amounts.values())
    span = f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    basis = ("各年度该项目执行数" if used_executed else "各年度合同年度金额按当年在约月数折算，按月计费的年度金额为月费×12")
    if total is None:
        known = [y for y in years if amounts[y] is not None]
        return (f"；{span}涉及金额中" + "、".join(f"{y}年" for y in years if amounts[y] is None) + f"{UNDISCLOSED}"
                + (f"，其余年度合计{wan(sum_all(amounts[y] for y in known))}（推算：{basis}；不含未披露年度，非全期金额）"
                   if known else ""))
    return f"；{span}未经竞争的支出合计约{wan(total)}（推算：{basis}）"


STANDING_WITHOUT_COMPETITION = Rule("T05", PROCESS, across_years=True, bears_on=("政府采购及合同管理规范性",),
                                    read=lambda e: standing_without_competition(e.history, e.analyses, e.thresholds))


def standing_without_competition(history: pd.DataFrame, analyses: list[YearAnalysis],
                                 thresholds: StandingThresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """T05: a contract (with its renewals) in force in the last compared year whose last competitive procurement
    lies ``thresholds.standing_years`` (default :data:`STANDING_YEARS`) or more years back, counted through the
    current contract's end (2014—2024: 11 years); one never procured competitively counts from its first contract.
    The finding states the threshold and whose it is."""
    if history.empty or not analyses:
        return []
    last = max(a.year for a in analyses)
    h = history.copy()
    h["chain"] = link_roots(h["contract_id"], h["renews"])
    h["when"] = [_year_of(r) for _, r in h.iterrows()]
    found = []
    for _, links in h.groupby("chain", sort=False):
        links = links.sort_values("when", na_position="first", kind="stable")
        if not (links["billing"].isin(RECURRING_BILLING).any() or links["renews"].notna().any()):
            continue  # a one-off purchase is not a standing service
        current = links.iloc[-1]
        through = int(current["end"].year) if not pd.isna(current["end"]) else (last if _listed(current["years"], last) else None)
        if through is None or through < last or pd.isna(current["item_code"]):
            continue
        competitive = links[[isinstance(p, str) and p in COMPETITIVE for p in links["procurement"]]]
        never = competitive.empty
        anchor = links.iloc[0] if never else competitive.iloc[-1]
        since = anchor["when"]
        if since is None or pd.isna(since):
            continue
        years = through - int(since) + 1
        if years < thresholds.standing_years:
            continue
        how = anchor["procurement"] if isinstance(anchor["procurement"], str) and anchor["procurement"] else "采购方式未披露"
        renewals = links.iloc[1:] if never else links[links["when"] > since]
        vendor = current["vendor"] if isinstance(current["vendor"], str) and current["vendor"] else UNDISCLOSED
        price = ""
        prices = links["unit_price"].dropna()
        per = current.get("unit_price_per")
        if len(prices) and prices.nunique() == 1 and isinstance(per, str):
            price = (f"，月费{wan(prices.iloc[0])}" if per == "月" else f"，单价{unit_price_text(prices.iloc[0], per)}") + \
                "，期间未调整"
        amounts, used_executed = chain_amounts(links, analyses)
        end_text = f"现行合同（{current['contract_id']}）期至{month_text(current['end'])}" if not pd.isna(current["end"]) \
            else f"现行合同（{current['contract_id']}）期限未披露"
        renewed = f"，此后续签{len(renewals)}次（{'、'.join(renewals['contract_id'])}）" if len(renewals) else \
            "，此后未再组织采购"
        found.append(STANDING_WITHOUT_COMPETITION.finding(
            title=f"{'自始未经竞争性采购' if never else '长期未重新组织竞争性采购'}（{int(since)}—{through}年，共{years}年）",
            severity=HIGH if never or years >= STANDING_YEARS_HIGH else MEDIUM,
            figures={"chain": links["contract_id"].iloc[0], "since": int(since), "through": through, "years": years,
                     "never_competitive": never, "amounts": amounts, "total": sum_all(amounts.values())},
            rows=evidence_rows(("contracts", links.drop(columns=["chain", "when"]))),
            summary=(f"{item_label(current['item_code'], current['item'])}：{vendor}合同自{int(since)}年以{how}方式确定"
                     f"（{anchor['contract_id']}）{price}{renewed}；{end_text}，{int(since)}—{through}年共{years}年"
                     + ("从未经过竞争性采购" if never else "未重新组织竞争性采购")
                     + _money_text(amounts, used_executed)
                     + f"。列示标准：连续{thresholds.standing_years}年及以上未经竞争性采购（{thresholds.basis('standing_years')}）。"),
            recommendation=("现行合同期满前重新组织竞争性采购；确需继续单一来源采购的，按规定履行论证和公示程序，"
                            "并以同类服务的市场价格作为议价依据。")))
    return numbered(found)


PERSISTENT_PRICE_GAP = Rule("T06", PROCESS, across_years=True, bears_on=("政府采购及合同管理规范性",),
                            read=lambda e: persistent_price_gap(e.lines, e.thresholds))


def persistent_price_gap(lines: pd.DataFrame, thresholds: StandingThresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """T06: for one line type, a carrier's price per Mbps at least ``thresholds.price_gap_ratio`` (default
    :data:`PRICE_GAP_RATIO`) times another's in each of ``thresholds.price_gap_years`` (default :data:`GAP_YEARS`) or
    more consecutive years up to the last year both are listed; the finding states the thresholds and whose they are.

    The money at stake is 推算: in each of those years, the dear carrier's line cost × (1 − cheap price ÷ dear
    price), i.e. what its lines would have cost less at the other carrier's price that year.
    """
    if lines.empty:
        return []
    known = lines.dropna(subset=["cost_per_mbps_month"])
    found = []
    for line_type, g in known.groupby("line_type", sort=False):
        by_carrier = {c: gc.set_index(gc["year"].astype(int)) for c, gc in g.groupby("carrier", sort=False)}
        for dear, d in by_carrier.items():
            for cheap, c in by_carrier.items():
                if dear == cheap:
                    continue
                common = sorted(set(d.index) & set(c.index))
                run: list[int] = []
                for y in reversed(common):
                    if (run and y != run[-1] - 1) or float(d.loc[y, "cost_per_mbps_month"]) < \
                            float(thresholds.price_gap_ratio) * float(c.loc[y, "cost_per_mbps_month"]):
                        break
                    run.append(y)
                if len(run) < thresholds.price_gap_years:
                    continue
                run.reverse()
                found.append(_gap_finding(line_type, dear, cheap, d, c, run, g, thresholds))
    return numbered(found)


def _gap_finding(line_type, dear, cheap, d, c, run, g, thresholds: StandingThresholds) -> Finding:
    extra = {}
    for y in run:
        p_dear, p_cheap = to_decimal(float(d.loc[y, "cost_per_mbps_month"])), to_decimal(float(c.loc[y, "cost_per_mbps_month"]))
        cost = d.loc[y, "annual_cost"]
        extra[y] = None if pd.isna(cost) else (to_decimal(cost) * (p_dear - p_cheap) / p_dear).quantize(FEN)
    ratios = [float(d.loc[y, "cost_per_mbps_month"]) / float(c.loc[y, "cost_per_mbps_month"]) for y in run]
    total = sum_all(extra.values())

    def prices(frame) -> str:
        ps = [float(frame.loc[y, "cost_per_mbps_month"]) for y in run]
        low, high = format_number(min(ps)), format_number(max(ps))
        return f"均为{low}元" if low == high else f"在{low}元至{high}元之间"

    ratio = times(min(ratios)) if times(min(ratios)) == times(max(ratios)) else f"{times(min(ratios))}至{times(max(ratios))}"
    trend = "价差未见缩小" if ratios[-1] >= ratios[0] else f"价差有所缩小，但各年均在{times(min(ratios))}以上"
    money = (f"按{cheap}同年单价计算，{dear}该类线路{run[0]}—{run[-1]}年多支出约{wan(total)}"
             f"（推算：各年{dear}线路年费用×（1−{cheap}单价÷{dear}单价））") if total is not None else \
        f"多支出金额因部分年度线路费用{UNDISCLOSED}无法推算"
    return PERSISTENT_PRICE_GAP.finding(
        title=f"同类线路单价长期高于其他运营商（{run[0]}—{run[-1]}年，{ratio}）",
        severity=HIGH if min(ratios) >= PRICE_GAP_HIGH else MEDIUM,
        figures={"line_type": line_type, "carrier": dear, "other": cheap, "first_year": run[0], "last_year": run[-1],
                 "ratio_min": min(ratios), "ratio_max": max(ratios), "extra": extra, "total": total},
        rows=evidence_rows(("lines", g[g["year"].isin(run) & g["carrier"].isin([dear, cheap])])),
        summary=(f"{line_type}：{run[0]}—{run[-1]}年连续{len(run)}年，{dear}每Mbps月费{prices(d)}，{cheap}{prices(c)}，"
                 f"前者为后者的{ratio}（每Mbps月费为推算：月费÷带宽），{trend}；{money}"
                 f"。列示标准：单价为另一运营商的{Decimal(thresholds.price_gap_ratio).normalize():f}倍及以上且连续"
                 f"{thresholds.price_gap_years}年及以上（{thresholds.basis('price_gap_ratio', 'price_gap_years')}）。"),
        recommendation=f"核实{dear}{line_type}的服务内容与定价依据；服务内容相同的，比照{cheap}的价格议价或重新组织竞争性采购。")


MISSED_EVERY_YEAR = Rule("T07", OUTPUT, indicators=(EVERY_INDICATOR,), across_years=True,
                         bears_on=("绩效目标合理性",), read=lambda e: missed_every_year(e.analyses))


def missed_every_year(analyses: list[YearAnalysis]) -> list[Finding]:
    """T07: an indicator reported 未完成 in every compared year (at least :data:`MISSED_YEARS`), with the 执行数 of the
    items it names in those years (as each year's budget sheet states them)."""
    ordered = sorted(analyses, key=lambda a: a.year)
    if len(ordered) < MISSED_YEARS:
        return []
    per_name: dict[str, list] = {}
    for a in ordered:
        ind = a.data.indicators.reset_index(drop=True)
        status = a.indicator_status.reset_index(drop=True)
        for i in range(min(len(ind), len(status))):
            per_name.setdefault(ind.loc[i, "name"], []).append((a, ind.iloc[i], status.loc[i, "status"]))
    found = []
    for name, rows in per_name.items():
        if len(rows) != len(ordered) or any(s != STATUS_NOT_MET for _, _, s in rows):
            continue
        targets = [r["target_text"] for _, r, _ in rows]
        actuals = "、".join(str(r["actual_text"]) for _, r, _ in rows)
        years = [a.year for a, _, _ in rows]
        target = f"目标值每年均为{targets[0]}" if len(set(targets)) == 1 else "目标值各年为" + "、".join(targets)
        codes = rows[-1][1].get("item_codes")
        codes = [c.strip() for c in str(codes).replace("，", "、").replace(",", "、").split("、") if c.strip()] \
            if isinstance(codes, str) else []
        money = ""
        spent = {}
        if codes:
            spent = {a.year: sum_all(_item_executed(a, c) for c in codes) for a, _, _ in rows}
            total = sum_all(spent.values())
            labels = "、".join(codes)
            money = (f"；对应预算项目{labels}在此期间执行数合计{wan(total)}（各年度预算执行表）" if total is not None else
                     f"；对应预算项目{labels}的执行数有年度{UNDISCLOSED}")
        found.append(MISSED_EVERY_YEAR.finding(
            title=f"绩效指标连续{len(years)}年未完成", severity=HIGH,
            figures={"indicator": name, "years": years, "targets": targets, "items": codes, "executed": spent},
            rows=evidence_rows(("indicators", pd.DataFrame([r for _, r, _ in rows]))),
            summary=(f"“{name}”{target}，{years[0]}—{years[-1]}年实际完成值为{actuals}，{len(years)}个年度均未完成{money}。"),
            recommendation=(f"分析“{name}”连续未完成的原因：属于目标脱离实际的，依据历年完成情况重新测算目标值；"
                            "属于实施不到位的，制定分年度完成计划并在预算申报时说明。")))
    return numbered(found)

"""Rules across years (the trends report): a chain renewed again and again without competition
(T01), a carrier's price that stands while another's falls (T02), a category outgrowing the total
(T03) and a target unchanged and met every year (T04)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qdanalysis.analyse.findings import (
    EVERY_INDICATOR,
    HIGH,
    LOW,
    MEDIUM,
    TABLE_COLUMN,
    Finding,
    Rule,
    evidence_rows,
    numbered,
)
from qdanalysis.analyse.indicator_status import STATUS_MET
from qdanalysis.analyse.linking import item_label
from qdanalysis.domain import BASIS_WORDS, DECISION, PROCESS, UNDISCLOSED
from qdanalysis.fmt import format_number, pct, signed_pct, signed_points, wan
from qdanalysis.money import to_decimal

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis

#: Renewals in a row without competition from which a chain is reported, and from which it is 高.
RENEWALS_IN_A_ROW, RENEWALS_IN_A_ROW_HIGH = 3, 5
#: Year-on-year steps in a row over which one carrier's price stands while another's falls.
PRICE_STANDS_STEPS = 2
#: Years with the same target, met in each, from which a target is reported as unchanged.
SAME_TARGET_YEARS = 3


def _contract_rows(history: pd.DataFrame, ids) -> pd.DataFrame:
    return history[history["contract_id"].isin(list(ids))]


def _unit_price_text(costed: pd.DataFrame, r) -> str:
    """A chain billed by unit: the unit price's growth, and the number of lines apart (not a price change).

    A unit price that did not move is said to stand, with the amount's change put down to the
    quantity: T01 is about renewing without competition, and its text must not read as a price rise.
    """
    prices = costed["unit_price"]
    p0, p1 = prices.iloc[0], prices.iloc[-1]
    y0, y1 = int(costed["year"].iloc[0]), int(costed["year"].iloc[-1])
    moved = r.first_quantity != r.last_quantity
    quantity = (f"数量由{int(r.first_quantity)}{'增至' if r.last_quantity > r.first_quantity else '减至'}"
                f"{int(r.last_quantity)}") if moved else ""
    if prices.nunique() == 1:
        text = f"，单价保持{format_number(p0)}元不变"
        return text + (f"，年度金额的变化来自{quantity}" if moved else "")
    if p0 == p1:
        text = f"，单价{y0}年与{y1}年均为{format_number(p0)}元（期间曾有变动）"
        return text + (f"，年度金额的变化来自{quantity}" if moved else "")
    text = f"，其中单价由{format_number(p0)}元变为{format_number(p1)}元，年均{signed_pct(r.growth)}"
    return text + (f"，{quantity}（数量变化不计入单价增幅）" if moved else "")


LONG_RENEWAL_CHAINS = Rule("T01", PROCESS, across_years=True,
                           read=lambda e: long_renewal_chains(e.chain_table, e.chains, e.history))


def long_renewal_chains(table: pd.DataFrame, chains: pd.DataFrame, history: pd.DataFrame) -> list[Finding]:
    """T01: a chain renewed :data:`RENEWALS_IN_A_ROW` times or more in a row without competition."""
    found = []
    for r in table[table["renewals_in_a_row"] >= RENEWALS_IN_A_ROW].itertuples():
        links = chains[chains["chain"] == r.chain].sort_values("step")
        costed = links.dropna(subset=["annual_cost"])
        basis = "（按月费×12推算）" if r.estimated else ""
        money = ""
        if len(costed) >= 2:
            money = (f"；年度金额{basis}由{int(costed['year'].iloc[0])}年的{wan(costed['annual_cost'].iloc[0])}变为"
                     f"{int(costed['year'].iloc[-1])}年的{wan(costed['annual_cost'].iloc[-1])}")
            money += (_unit_price_text(costed, r) if getattr(r, "basis", "") == "单价"
                      else f"，年均{signed_pct(r.growth)}")
        how = links["procurement"].iloc[0]
        how = how if isinstance(how, str) and how else "采购方式未披露"
        label = item_label(r.item_code, r.item)
        found.append(LONG_RENEWAL_CHAINS.finding(
            title="服务合同连续续签，长期未重新竞争",
            severity=HIGH if r.renewals_in_a_row >= RENEWALS_IN_A_ROW_HIGH else MEDIUM,
            figures={"chain": r.chain, "renewals_in_a_row": int(r.renewals_in_a_row), "growth": r.growth,
                     "first_year": int(r.first_year), "last_year": int(r.last_year)},
            rows=evidence_rows(("contracts", _contract_rows(history, links["contract_id"]))),
            summary=(f"{label}：{int(r.first_year)}年合同（{r.chain}，{how}）之后连续续签{int(r.renewals_in_a_row)}次"
                     f"（至{int(r.last_year)}年，供应商{r.vendor if isinstance(r.vendor, str) else UNDISCLOSED}），"
                     f"期间未重新组织竞争性采购{money}。"),
            recommendation="对连续续签三次及以上的服务合同重新组织竞争性采购；续签前进行市场询价，并在合同台账中记载询价结果。"))
    return numbered(found)


PRICE_STANDS = Rule("T02", PROCESS, across_years=True, read=lambda e: price_stands_while_others_fall(e.lines))


def price_stands_while_others_fall(lines: pd.DataFrame) -> list[Finding]:
    """T02: one carrier's price per Mbps stands (or rises) while another's falls, year after year.

    Over the latest :data:`PRICE_STANDS_STEPS` or more consecutive year-on-year steps of one
    line type, carrier A's price per Mbps per month did not fall in any step while carrier B's
    fell in every step. The money at stake is 推算: A's Mbps in the last year × (A's price −
    B's price) × 12.
    """
    known = lines.dropna(subset=["cost_per_mbps_month"])
    found = []
    for line_type, g in known.groupby("line_type", sort=False):
        prices = {c: dict(zip(gc["year"].astype(int), gc["cost_per_mbps_month"].astype(float)))
                  for c, gc in g.groupby("carrier", sort=False)}
        if len(prices) < 2:
            continue
        for stays, p_stay in prices.items():
            for falls, p_fall in prices.items():
                if stays == falls:
                    continue
                years = sorted(set(p_stay) & set(p_fall))
                steps = 0
                for y1 in reversed(years):
                    y0 = y1 - 1
                    if y0 not in p_stay or y0 not in p_fall:
                        break
                    if p_stay[y1] >= p_stay[y0] and p_fall[y1] < p_fall[y0]:
                        steps += 1
                    else:
                        break
                if steps < PRICE_STANDS_STEPS:
                    continue
                last = years[-1]
                first = last - steps
                if p_stay[last] <= p_fall[last]:
                    continue  # the standing carrier is still the cheaper one
                row = g[(g["carrier"] == stays) & (g["year"] == last)].iloc[0]
                extra = None if pd.isna(row["bandwidth_mbps"]) else \
                    (to_decimal(p_stay[last]) - to_decimal(p_fall[last])) * to_decimal(row["bandwidth_mbps"]) * 12
                money = "" if extra is None else (
                    f"按{falls}{last}年单价计算，{stays}同类线路{last}年多支出约{wan(extra)}（推算：带宽×单价差×12个月）")
                found.append(PRICE_STANDS.finding(
                    title="线路单价未随其他运营商同类线路下降", severity=MEDIUM,
                    figures={"line_type": line_type, "carrier": stays, "other": falls, "first_year": first,
                             "last_year": last, "price": p_stay[last], "other_price": p_fall[last], "extra": extra},
                    rows=evidence_rows(("lines", g[g["year"].between(first, last)])),
                    summary=(f"{line_type}：{first}—{last}年，{falls}每Mbps月费由{format_number(p_fall[first])}元降至"
                             f"{format_number(p_fall[last])}元（逐年下降），{stays}"
                             + (f"保持{format_number(p_stay[last])}元不变" if p_stay[first] == p_stay[last] else
                                f"由{format_number(p_stay[first])}元变为{format_number(p_stay[last])}元")
                             + "，未随之下降（每Mbps月费为推算：月费÷带宽）"
                             + (f"；{money}" if money else "") + "。"),
                    recommendation=f"在续签{stays}线路合同前比照其他运营商的现行价格议价，或将线路纳入竞争性采购。"))
    return numbered(found)


CATEGORIES_OUTGROWING = Rule("T03", DECISION, across_years=True,
                             read=lambda e: categories_outgrowing_total(e.category_changes, e.basis))


def categories_outgrowing_total(changes: pd.DataFrame, column: str = "executed") -> list[Finding]:
    """T03: a category whose executed amount (or budget, where no year states executed amounts by
    category) grows faster than the total (not a new one)."""
    word, total_word = BASIS_WORDS[column]
    word += "" if column == "executed" else "（已列明部分）"
    found = []
    for r in changes[changes["faster"] & ~changes["new"]].itertuples():
        found.append(CATEGORIES_OUTGROWING.finding(
            title=f"支出类别增速高于{total_word}", severity=LOW,
            figures={"category": r.category, "growth": r.growth, "total_growth": r.total_growth,
                     "share_change": r.share_change},
            rows=pd.DataFrame(columns=[TABLE_COLUMN]),
            summary=(f"“{r.category}”{word}由{r.first_year}年的{wan(r.first)}增至{r.last_year}年的{wan(r.last)}，"
                     f"年均{signed_pct(r.growth)}，高于{total_word}的年均{signed_pct(r.total_growth)}；占{total_word}的比重由"
                     f"{pct(r.first_share)}变为{pct(r.last_share)}（{signed_points(r.share_change)}）。"),
            recommendation=f"核实“{r.category}”支出增长的原因和依据，在预算申报时说明新增内容及其绩效目标。"))
    return numbered(found)


UNCHANGED_TARGETS = Rule("T04", DECISION, indicators=(EVERY_INDICATOR,), indicator_setting=True, across_years=True,
                         read=lambda e: unchanged_targets(e.analyses))


def unchanged_targets(analyses: list[YearAnalysis]) -> list[Finding]:
    """T04: a quantitative target that stays the same every year and is met every year (目标值长期不变)."""
    rows = []
    for a in sorted(analyses, key=lambda a: a.year):
        ind = a.data.indicators.reset_index(drop=True)
        status = a.indicator_status.reset_index(drop=True)
        for i, r in ind.iterrows():
            if pd.isna(r.get("target_value")):
                continue
            rows.append({"year": a.year, "name": r["name"], "target": r["target_text"], "actual": r["actual_text"],
                         "status": status.loc[i, "status"] if i < len(status) else None,
                         "src_file": r.get("src_file"), "src_sheet": r.get("src_sheet"), "src_row": r.get("src_row")})
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    years = sorted({a.year for a in analyses})
    same = []
    for name, g in frame.groupby("name", sort=False):
        if (len(g) >= SAME_TARGET_YEARS and len(g) == len(years) and g["target"].nunique() == 1
                and (g["status"] == STATUS_MET).all()):
            same.append((name, g))
    if not same:
        return []
    parts = [f"“{name}”目标值每年均为{g['target'].iloc[0]}，各年实际完成值为{'、'.join(str(v) for v in g['actual'])}"
             for name, g in same]
    return [UNCHANGED_TARGETS.finding(
        title="绩效目标值长期不变", severity=MEDIUM,
        figures={"indicators": [n for n, _ in same], "years": len(years)},
        rows=evidence_rows(("indicators", pd.concat([g for _, g in same]))),
        summary=(f"{years[0]}—{years[-1]}年共{len(years)}个年度，{len(same)}项定量指标的目标值未作调整且每年均已完成："
                 + "；".join(parts) + "。"),
        recommendation="根据历年实际完成情况调整绩效目标值，使目标值具有一定挑战性，并说明调整依据。")]

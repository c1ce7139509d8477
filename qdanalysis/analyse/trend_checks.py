"""What one year's data says about another's: the checks across years (跨年度数据核对).

Each check compares the years' own tables (an item's category, a renewal's predecessor, a
contract's terms) and names the years, files, sheets and rows where they disagree; nothing is
corrected. :func:`~qdanalysis.analyse.trends.analyse_trends` runs them once for the trends report.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.analyse.checks import STATUS_DIFF, STATUS_OK
from qdanalysis.analyse.linking import item_label
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.fmt import wan

CONSISTENCY_COLUMNS = ["check", "status", "detail"]
#: A check with nothing to compare (no item or contract appears in two years): neither 一致 nor 不一致.
STATUS_NOTHING = "无可核对"


def _where(r) -> str:
    """``《a.xlsx》「预算执行」表第5行``, or nothing where the row's origin is not kept."""
    file, sheet, row = r.get("src_file"), r.get("src_sheet"), r.get("src_row")
    if not isinstance(file, str) or pd.isna(row):
        return ""
    return f"（《{Path(file).name}》「{sheet}」表第{int(row)}行）"


def consistency_checks(analyses: list[YearAnalysis]) -> pd.DataFrame:
    """What one year's data says about another's: checks across years (跨年度数据核对).

    - 项目类别: an item (same code and name) filed under different categories in different years;
    - 续签关系: a contract renewing one that the previous year's ledger does not list;
    - 合同记载: one contract (same number) written with different terms in two years' ledgers.

    Returns:
        One row per disagreement (status 不一致), one per check that agrees (一致), and one per check
        that found nothing to compare (无可核对),
        columns ``check``, ``status``, ``detail`` (Chinese, naming years, files, sheets and rows).
    """
    ordered = sorted(analyses, key=lambda a: a.year)
    rows: list[dict[str, str]] = []
    if len(ordered) < 2:
        return pd.DataFrame(columns=CONSISTENCY_COLUMNS)
    rows += _category_changes(ordered)
    rows += _dangling_renewals(ordered)
    rows += _restated_contracts(ordered)
    return pd.DataFrame(rows, columns=CONSISTENCY_COLUMNS)


def _agreed(check: str, compared: int, agreed: str, nothing: str) -> dict[str, str]:
    """The row of a check that found no disagreement: 一致 over ``compared`` records, or 无可核对."""
    return {"check": check, "status": STATUS_OK if compared else STATUS_NOTHING, "detail": agreed if compared else nothing}


def _category_changes(ordered: list[YearAnalysis]) -> list[dict[str, str]]:
    check = "项目类别前后一致"
    seen: dict[tuple, list] = {}
    for a in ordered:
        for _, r in a.data.budget.iterrows():
            if isinstance(r["code"], str) and isinstance(r["category"], str):
                seen.setdefault((r["code"], r["item"]), []).append((a.year, r))
    out, common = [], 0
    for (code, item), entries in seen.items():
        if len(entries) < 2:
            continue
        common += 1
        for (y0, r0), (y1, r1) in zip(entries, entries[1:]):
            if r0["category"] != r1["category"]:
                out.append({"check": check, "status": STATUS_DIFF, "detail": (
                    f"项目{item_label(code, item)}在{y0}年归入「{r0['category']}」{_where(r0)}，{y1}年归入"
                    f"「{r1['category']}」{_where(r1)}；分类支出的跨年度比较按各年度自身的归类计算，请核实归类是否调整。")})
    return out or [_agreed(check, common, f"两个及以上年度共有的{common}个项目，各年度的类别归属一致。",
                           "各年度没有相同编号和名称的项目，无从比较。")]


def _dangling_renewals(ordered: list[YearAnalysis]) -> list[dict[str, str]]:
    check = "续签关系可追溯"
    ledgers = {a.year: set(a.data.contracts["contract_id"].dropna()) for a in ordered}
    every = set().union(*ledgers.values())
    out, checked, seen, unchecked = [], 0, set(), set()
    for a in ordered:
        c = a.data.contracts
        for _, r in c[c["renews"].notna()].iterrows():
            if r["contract_id"] in seen:
                continue  # a contract listed in several years' ledgers is one renewal, checked once
            seen.add(r["contract_id"])
            start = r["start"] if not pd.isna(r["start"]) else r["signed"]
            year = a.year if pd.isna(start) else int(start.year)
            previous = year - 1
            if previous not in ledgers or r["renews"] in ledgers[a.year]:
                if previous not in ledgers:
                    unchecked.add(r["contract_id"])
                continue  # no ledger of the year before to look in, or the renewed contract is listed this year
            checked += 1
            if r["renews"] not in ledgers[previous]:
                also = "；其他年度的合同台账中也没有该合同" if r["renews"] not in every else \
                    "，该合同只见于其他年度的合同台账"
                out.append({"check": check, "status": STATUS_DIFF, "detail": (
                    f"{a.year}年合同台账中合同「{r['contract_id']}」{_where(r)}续签自「{r['renews']}」，"
                    f"但{previous}年合同台账中没有该合同{also}；请核对合同编号或补充{previous}年的合同记录。")})
    rest = f"另有{len(unchecked)}份续签合同的上一年度没有合同台账，无从核对。" if unchecked else ""
    return out or [_agreed(check, checked, f"{checked}份续签合同（每份合同计一次）所续的合同均见于上一年度的合同台账。{rest}",
                           "没有可在上一年度合同台账中核对的续签合同。")]


#: Terms of a contract that two years' ledgers must write alike.
RESTATED_TERMS = (("vendor", "供应商"), ("amount", "合同金额"), ("unit_price", "单价"), ("quantity", "数量"),
                  ("start", "起始日期"), ("end", "终止日期"), ("billing", "计费方式"))


def _term_text(key: str, value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "未填写"
    if key == "amount":
        return wan(value)
    if key in ("start", "end"):
        return f"{value.year}年{value.month}月{value.day}日"
    if key == "unit_price":
        return f"{Decimal(value).normalize():f}元"
    return str(value)


def _restated_contracts(ordered: list[YearAnalysis]) -> list[dict[str, str]]:
    check = "同一合同各年度记载一致"
    first: dict[str, tuple[int, pd.Series]] = {}
    out, repeated = [], 0
    for a in ordered:
        for _, r in a.data.contracts.iterrows():
            cid = r["contract_id"]
            if not isinstance(cid, str):
                continue
            if cid not in first:
                first[cid] = (a.year, r)
                continue
            repeated += 1
            y0, r0 = first[cid]
            diffs = [f"{label}由{_term_text(key, r0[key])}变为{_term_text(key, r[key])}" for key, label in RESTATED_TERMS
                     if key in r and _term_text(key, r0[key]) != _term_text(key, r[key])]
            if diffs:
                out.append({"check": check, "status": STATUS_DIFF, "detail": (
                    f"合同「{cid}」在{y0}年合同台账{_where(r0)}与{a.year}年合同台账{_where(r)}中记载不一致："
                    + "，".join(diffs) + "；请核实以哪一年的记载为准。")})
    return out or [_agreed(check, repeated, f"跨年度重复列示的合同共{repeated}次，各项记载一致。",
                           "没有跨年度重复列示的合同。")]

"""What the finance bureau's overview adds to the project-years' own figures: the change from the
year before, the flag of a low execution rate beside a good grade, and each year's totals.

Pure functions of the overview's frame (:func:`qdanalysis.present.overview.overview_frame`): money
in 元 as Decimal, exact; a total that misses a figure says so (``…+未披露``), never passes a partial
sum for the whole.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

import pandas as pd

from qdanalysis.domain import UNDISCLOSED
from qdanalysis.fmt import format_wan, pct, signed_pct
from qdanalysis.money import is_missing, round_half_up, safe_ratio, sum_all, sum_known, to_decimal

#: The execution rate (percent) below which a good grade is flagged, where the portfolio file sets none.
DEFAULT_THRESHOLD = Decimal(90)
#: The grades that a low execution rate contradicts.
GOOD_GRADES = ("优", "良")
#: The money totalled for each year.
TOTALLED = ("budget", "executed", "balance")
#: Key -> header of the totals table (HTML and Excel alike).
TOTAL_COLUMNS: dict[str, str] = {
    "year": "年度",
    "projects": "项目数",
    "budget": "预算数合计（万元）",
    "executed": "执行数合计（万元）",
    "balance": "结余合计（万元）",
    "execution_rate": "预算执行率",
    "budget_change": "预算数较上年",
    "flagged": "执行率提示",
    "findings": "本年问题",
}
NOT_AVAILABLE = "—"
NUM = ' class="num"'


def percent_points(rate: Any) -> Decimal | None:
    """A ratio as the percentage the pages print (two places, 四舍五入); None when missing."""
    return None if is_missing(rate) else round_half_up(to_decimal(rate) * 100, 2)


def add_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with, for each project-year, ``prev_year`` (the project's year before, when
    the portfolio ran it successfully, else None), ``rate_change`` (percentage points between the two
    printed rates, so that the change agrees with them) and ``budget_change`` (a ratio)."""
    out = frame.copy()
    done = {(p, int(y)): row for p, y, row in zip(frame["project"], frame["year"], frame.to_dict("records"))
            if row["status"] != "failed"}
    prev_years, rate_changes, budget_changes = [], [], []
    for project, year, status, rate, budget in zip(frame["project"], frame["year"], frame["status"],
                                                   frame["execution_rate"], frame["budget"]):
        before = done.get((project, int(year) - 1)) if status != "failed" else None
        prev_years.append(None if before is None else int(year) - 1)
        now, then = percent_points(rate), percent_points(None if before is None else before["execution_rate"])
        rate_changes.append(None if now is None or then is None else now - then)
        change = None if before is None else safe_ratio(budget, before["budget"])
        budget_changes.append(None if change is None else change - 1)
    out["prev_year"] = pd.array(prev_years, dtype=object)
    out["rate_change"] = pd.array(rate_changes, dtype=object)
    out["budget_change"] = pd.array(budget_changes, dtype=object)
    return out


def flag_text(rate: Any, grade: Any, threshold: Decimal) -> str:
    """The flag of a good grade beside an execution rate below ``threshold`` (percent, compared as
    printed), or "" when there is none (no rate, no grade, or nothing to flag)."""
    shown = percent_points(rate)
    if shown is None or grade not in GOOD_GRADES or shown >= Decimal(threshold):
        return ""
    return f"执行率低于{format_percent(threshold)}，评为{grade}"


def format_percent(value: Any) -> str:
    """A threshold as typed: ``90`` → ``90%``, ``87.5`` → ``87.5%``."""
    return f"{to_decimal(value).normalize():f}%"


def year_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Each year's totals over the project-years that ran: the money (exact where every project
    states it; else the stated part in ``<key>_known`` with the count missing in ``<key>_missing``),
    the execution rate of the totals, the budget's change from the year before (only when the same
    projects ran in both years and both budgets are whole), the flags and the findings."""
    rows = []
    for year, group in frame.groupby("year", sort=True):
        done = group[group["status"] != "failed"]
        row: dict[str, Any] = {"year": int(year), "count": len(group), "failed": len(group) - len(done),
                               "project_set": frozenset(done["project"])}
        for key in TOTALLED:
            row[key] = sum_all(done[key]) if len(done) else None
            row[f"{key}_known"] = sum_known(done[key])
            row[f"{key}_missing"] = int(sum(is_missing(v) for v in done[key]))
        base = None if row["executed"] is None or row["balance"] is None else row["executed"] + row["balance"]
        row["execution_rate"] = safe_ratio(row["executed"], base)
        row["flagged"] = int((done["flag"] != "").sum())
        row["findings"] = sum_known(done["findings"])
        rows.append(row)
    totals = pd.DataFrame(rows)
    changes = []
    for i, row in enumerate(rows):
        before = rows[i - 1] if i and rows[i - 1]["year"] == row["year"] - 1 else None
        same = before is not None and before["project_set"] == row["project_set"]
        change = safe_ratio(row["budget"], before["budget"]) if same else None
        changes.append(None if change is None else change - 1)
    if len(totals):
        totals["budget_change"] = pd.array(changes, dtype=object)
        totals["projects"] = [f"{r['count']}" + (f"（{r['failed']}个运行失败，未计入）" if r["failed"] else "")
                              for r in rows]
    return totals


def total_text(row: pd.Series, key: str) -> str:
    """A money total in 万元: exact, or the stated part marked ``+未披露``, or 未披露."""
    if not is_missing(row[key]):
        return format_wan(row[key])
    known = row[f"{key}_known"]
    return UNDISCLOSED if is_missing(known) else f"{format_wan(known)}+{UNDISCLOSED}"


def _shown(row: pd.Series, key: str) -> str:
    if key in TOTALLED:
        return total_text(row, key)
    if key == "execution_rate":
        return pct(row[key])
    if key == "budget_change":
        return NOT_AVAILABLE if is_missing(row[key]) else signed_pct(row[key])
    if key == "findings":
        return NOT_AVAILABLE if is_missing(row[key]) else str(int(row[key]))
    if key == "flagged":
        return f"{int(row[key])}个" if row[key] else "无"
    return str(row[key])


def totals_html(totals: pd.DataFrame) -> str:
    """The totals as an HTML table, with what its blanks mean."""
    if totals.empty:
        return '<p class="qd-note">没有项目年度。</p>'
    head = "".join(f'<th scope="col">{escape(label)}</th>' for label in TOTAL_COLUMNS.values())
    body = "".join(
        "<tr>" + "".join(f"<td{'' if key in ('projects', 'year') else NUM}>{escape(_shown(row, key))}</td>"
                         for key in TOTAL_COLUMNS) + "</tr>"
        for _, row in totals.iterrows())
    return (f'<table class="qd-totals"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            '<p class="qd-note">合计只计运行成功的项目年度；某项目的数字未披露时，合计写作“已披露部分+未披露”，执行率不计算。'
            "预算数较上年只在两年运行成功的项目相同时计算，否则为“—”。</p>")


def write_totals_sheet(wb, totals: pd.DataFrame, *, title: str, demo: bool) -> None:
    """The totals as a sheet of ``wb`` (合计), money as numbers where whole, else the text of the page."""
    from qdanalysis.present.render.xlsx import HEADER_WIDTH, header_lines, write_table

    table = totals.copy() if len(totals) else pd.DataFrame(columns=list(TOTAL_COLUMNS))
    for key in TOTALLED:
        if len(table):
            table[key] = [row[key] if not is_missing(row[key]) else total_text(row, key)
                          for _, row in table.iterrows()]
    if len(table):
        table["budget_change"] = [NOT_AVAILABLE if is_missing(v) else v for v in table["budget_change"]]
        table["flagged"] = [int(v) for v in table["flagged"]]
        table["projects"] = [int(v) if v.isdigit() else v for v in table["projects"]]  # a number unless one failed
    columns = {key: header_lines(text, HEADER_WIDTH + 2) for key, text in TOTAL_COLUMNS.items()}
    write_table(wb, "各年度合计", f"{title}：各年度合计", table, columns, money=TOTALLED,
                percent=("execution_rate", "budget_change"), integer=("year", "flagged", "findings"), demo=demo,
                legible=True,
                note=("合计只计运行成功的项目年度；某项目的数字未披露时，合计写作“已披露部分+未披露”，执行率不计算。"
                      "预算数较上年只在两年运行成功的项目相同时计算。"))

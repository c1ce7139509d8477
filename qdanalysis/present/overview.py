"""The finance bureau's overview of a portfolio: one row per project-year, as HTML and Excel.

The rows come from each project-year's run summary (what the annual notebook computed once in
its :class:`~qdanalysis.analyse.year.YearAnalysis` and displayed for the runner, see
:func:`qdanalysis.present.summary.run_payload`); nothing is re-analysed here. A project-year
that failed keeps its row, with its error in place of the figures.

The page is one offline file: the charts are embedded PNG drawn in the reports' chart style with
the bundled Chinese font, the font itself is embedded (subset to the page's characters, as in the
annual report), and a few lines of inline JavaScript order the table by any column. It prints on A4
landscape with page numbers. Beside each row's figures it shows the change from the project's year
before, and flags a project-year whose execution rate is below the portfolio's threshold while its
grade is good (:data:`GOOD_GRADES`); the totals of each year are in :mod:`qdanalysis.present.overview_totals`.

A column is declared once: its key and header in :data:`COLUMNS`, its value in :func:`overview_frame`,
its kind in :data:`MONEY`, :data:`PERCENT`, :data:`INTEGER` or :data:`LINKS` (or its own case in
``_cell``); the HTML table and the workbook follow :data:`COLUMNS`.
"""

from __future__ import annotations

import base64
import io
import math
from copy import copy
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd

from qdanalysis.atomic import atomic_path, write_text
from qdanalysis.domain import DEMO_LABEL, RECURRING_DEFINITION, UNDISCLOSED
from qdanalysis.fmt import format_number, format_wan, pct, signed_pct
from qdanalysis.money import is_missing, round_half_up, to_decimal
from qdanalysis.present.overview_totals import (
    DEFAULT_THRESHOLD,
    GOOD_GRADES,
    add_changes,
    flag_text,
    format_percent,
    totals_html,
    write_totals_sheet,
    year_totals,
)
from qdanalysis.present.render.cells import is_identifier

if TYPE_CHECKING:
    from qdanalysis.present.font_worker import FontWorker

SEVERITY_COLUMNS = {"高": "high", "中": "medium", "低": "low"}
#: Key -> Chinese header, in the order of the table (HTML and Excel alike).
COLUMNS: dict[str, str] = {
    "name": "项目名称",
    "department": "主管部门",
    "year": "年度",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "balance": "结余（万元）",
    "execution_rate": "预算执行率",
    "rate_change": "执行率较上年（百分点）",
    "budget_change": "预算数较上年",
    "grade": "评价等级",
    "total": "得分",
    "flag": "执行率提示",
    "recurring_share": "刚性支出占比",
    "findings": "本年问题",
    "high": "问题（高）",
    "medium": "问题（中）",
    "low": "问题（低）",
    "followup": "上年问题整改（已整改/部分整改/未整改）",
    "status": "运行状态",
    "report": "报告",
    "trends": "多年趋势",
}
#: Where a header breaks into lines (``|``), between words only: a narrow column's header reads 执行率/提示, never
#: 执行率提/示, on the screen, on paper and in the workbook (each line is kept whole). Unlisted headers: one line.
HEADER_BREAKS = {"budget": "预算数|（万元）", "executed": "执行数|（万元）", "balance": "结余|（万元）",
                 "execution_rate": "预算|执行率", "rate_change": "执行率|较上年|（百分点）", "budget_change": "预算数|较上年",
                 "grade": "评价|等级", "flag": "执行率|提示", "recurring_share": "刚性支出|占比", "findings": "本年|问题",
                 "high": "问题|（高）", "medium": "问题|（中）", "low": "问题|（低）",
                 "followup": "上年问题整改|（已整改/|部分整改/|未整改）", "status": "运行|状态", "trends": "多年|趋势"}
#: The workbook's column widths at most (Excel units; text wraps, a figure and a header's line keep their width).
WIDTHS = {"name": 16, "department": 12, "year": 6, "budget": 11, "executed": 11, "balance": 10, "execution_rate": 8,
          "rate_change": 12, "budget_change": 8, "grade": 10, "total": 6, "flag": 10, "recurring_share": 10,
          "findings": 6, "high": 8, "medium": 8, "low": 8, "followup": 14, "status": 16, "report": 10, "trends": 10}
#: The workbook prints in two parts side by side, each with the project's name, department and year, at 9 pt or
#: larger rather than 21 columns squeezed onto one page's width: the budget and its execution, then the problems.
PRINT_PARTS = ("recurring_share",)
#: The width of the 说明 sheet's column (Excel units): a portrait A4 page at full size, in Excel and in LibreOffice.
NOTES_WIDTH = 70
MONEY = ("budget", "executed", "balance")
PERCENT = ("execution_rate", "recurring_share", "budget_change")
INTEGER = ("year", "findings", "high", "medium", "low")
#: Link columns -> (the frame's column holding the address, the text of the link).
LINKS = {"report": ("link", "查看报告"), "trends": ("trends_link", "多年趋势")}
#: Changes from the year before: shown as "—" where the portfolio has no run of that year.
CHANGES = ("rate_change", "budget_change")
STATUS_TEXT = {"ok": "成功", "skipped": "成功", "failed": "失败"}
NOT_AVAILABLE = "—"
#: A project-year whose previous year's problems are not known (its first year, say).
NO_PRIOR = "无上年资料"
#: A project-year whose previous year's data folder is there but refused, nothing else naming its problems.
PRIOR_UNREAD = "上年数据未能读取"
GRADE_ORDER = {"优": 4, "良": 3, "中": 2, "差": 1, "暂不定级": 0, "未评分": -1}


def header_lines(key: str) -> list[str]:
    """The lines of a column's header (:data:`HEADER_BREAKS`): together they are its :data:`COLUMNS` header."""
    return HEADER_BREAKS.get(key, COLUMNS[key]).split("|")


def overview_frame(entries: list[dict[str, Any]], threshold: Decimal = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per project-year from the entries (``project``, ``name``, ``department``, ``year``,
    ``status``, ``error``, ``link``, ``trends``, ``summary``): money in 元 as Decimal, ratios as floats,
    None where the run gives no figure; the changes from the project's year before
    (:func:`~qdanalysis.present.overview_totals.add_changes`) and the flag of an execution rate below
    ``threshold`` (percent) beside a good grade. Pure: the entries are not changed."""
    rows = []
    for e in entries:
        s = e.get("summary") or {}
        findings = s.get("findings") or {}
        failed = e.get("status") == "failed"
        rows.append({
            "project": e["project"], "name": e["name"], "department": e["department"], "year": int(e["year"]),
            "budget": _decimal(s.get("budget")), "executed": _decimal(s.get("executed")),
            "balance": _decimal(s.get("balance")),
            "execution_rate": s.get("execution_rate"),
            "grade": s.get("grade") if s else None,
            "total": s.get("total") if s.get("graded") else None,
            "recurring_share": s.get("recurring_share"),
            "findings": s.get("findings_total", sum(findings.values())) if findings else None,
            **{key: findings.get(level) if s else None for level, key in SEVERITY_COLUMNS.items()},
            "followup": followup_text(s.get("followup")) if s else None, "followup_counts": s.get("followup"),
            "status": "failed" if failed else "ok",
            "error": e.get("error") or "",
            "link": e.get("link"),
            "trends_link": e.get("trends"),
            "demo": bool(s.get("demo")),
            "decided": s.get("findings_decided"),
        })
    frame = pd.DataFrame(rows, columns=["project", *COLUMNS, "error", "link", "trends_link", "demo", "decided",
                                        "followup_counts"])
    frame = add_changes(frame)
    frame["flag"] = [flag_text(rate, grade, threshold) if status != "failed" else ""
                     for rate, grade, status in zip(frame["execution_rate"], frame["grade"], frame["status"])]
    frame.attrs["threshold"] = Decimal(threshold)
    return frame


def followup_text(counts: dict | None) -> str | None:
    """``已整改2、部分整改1、未整改9（待核实1）``; 无上年资料 when the year before is not known."""
    if not counts:
        return NO_PRIOR
    if counts.get("unread"):
        return PRIOR_UNREAD
    return (f"已整改{counts['fixed']}、部分整改{counts['partly']}、未整改{counts['open']}"
            + (f"（待核实{counts['unverified']}）" if counts.get("unverified") else ""))


def _followup_cell(row: pd.Series) -> tuple[str, str]:
    """The counts, each linking to the report's 整改情况 section; sorted by the open (未整改) count."""
    counts = row["followup_counts"]
    if not isinstance(counts, dict):
        return (NOT_AVAILABLE if row["status"] == "failed" else NO_PRIOR), "-1"
    if counts.get("unread"):
        return PRIOR_UNREAD, "-1"
    link = row["link"] if isinstance(row["link"], str) and row["link"] else ""
    anchor = f"{link}#{quote(counts['heading'])}" if link and counts.get("heading") else link
    parts = [("已整改", counts["fixed"]), ("部分整改", counts["partly"]), ("未整改", counts["open"])]
    if counts.get("unverified"):
        parts.append(("待核实", counts["unverified"]))
    shown = "、".join(f'{w}<a href="{escape(anchor)}">{n}</a>' if anchor else f"{w}{n}" for w, n in parts)
    return shown, str(int(counts["open"]))


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else to_decimal(value)


# --------------------------------------------------------------------------- HTML


def _cell(key: str, row: pd.Series) -> tuple[str, str]:
    """(shown HTML, sort key) of one cell."""
    value = row[key]
    if key in LINKS:
        column, text = LINKS[key]
        if isinstance(row[column], str) and row[column]:
            return f'<a href="{escape(row[column])}">{text}</a>', "1"
        return NOT_AVAILABLE, "0"
    if key == "followup":
        return _followup_cell(row)
    if key == "flag":
        return (f'<span class="qd-flag">{escape(value)}</span>', "1") if value else ("", "0")
    if key in CHANGES and is_missing(value) and is_missing(row["prev_year"]):
        return NOT_AVAILABLE, ""  # no run of the year before in the portfolio: nothing to compare
    if key == "status":
        if row["status"] == "failed":
            return f'<span class="qd-failed">失败：{escape(row["error"])}</span>', "0"
        return "成功", "1"
    if is_missing(value):
        if row["status"] == "failed" and key not in ("name", "department", "year"):
            return NOT_AVAILABLE, ""
        if key == "total":
            return NOT_AVAILABLE, ""  # 暂不定级 or 未评分: no total yet, which is not 未披露
        return UNDISCLOSED, ""
    if key in MONEY:
        return format_wan(value), str(value)
    if key == "budget_change":
        return signed_pct(value), repr(float(value))
    if key == "rate_change":
        text = format_number(value)
        return ("" if text.startswith("-") else "+") + text, str(value)
    if key in PERCENT:
        return pct(value), repr(float(value))
    if key == "total":
        return f"{round_half_up(value, 2):f}", repr(float(value))
    if key == "grade":
        return escape(str(value)), str(GRADE_ORDER.get(str(value), -2))
    if key in INTEGER:
        return str(int(value)), str(int(value))
    return escape(str(value)), escape(str(value))


_NUMERIC = set(MONEY) | set(PERCENT) | set(INTEGER) | set(LINKS) | {"total", "grade", "status", "rate_change",
                                                                       "flag", "followup"}
#: Columns of a word or two, never broken (a failed run's error is a span that wraps).
_SHORT = {"grade", "status", "year"}
#: Columns of figures: right-aligned, never broken (not the year: a label, aligned as text as in every table).
_FIGURES = {key for key in (*MONEY, *PERCENT, *INTEGER, "total", "rate_change") if not is_identifier(COLUMNS[key])}
#: Columns of a few words (已整改2、部分整改1; 执行率低于90%，评为优): broken between words only.
_WORDS = {"followup", "flag"}

_SORT_SCRIPT = """
document.querySelectorAll('table.qd-sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], rows = Array.from(body.rows);
      var up = th.getAttribute('aria-sort') !== 'ascending', numeric = th.dataset.type === 'number';
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
        if (x === '' || y === '') { return (x === '') - (y === ''); }
        var d = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, 'zh-CN');
        return up ? d : -d;
      });
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""

_STYLE = """
:root { --qd-cjk-font-family: "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
        "PingFang SC", sans-serif; }
body { font-family: var(--qd-cjk-font-family); max-width: 1400px; margin: 24px auto; padding: 0 16px; color: #333; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
.qd-note { color: #6E6E6E; font-size: 13px; margin: 4px 0; }
.qd-warning { color: #B23B00; font-weight: bold; }
table.qd-sortable, table.qd-totals { border-collapse: collapse; font-size: 13px; width: 100%; }
table.qd-totals { width: auto; }
table.qd-sortable th, table.qd-sortable td, table.qd-totals th, table.qd-totals td {
  border: 1px solid #D0D0D0; padding: 4px 5px; }
table.qd-sortable th, table.qd-totals th { background: #DDEBF7; font-weight: bold; }
table.qd-sortable th { cursor: pointer; user-select: none; white-space: nowrap; }
table.qd-sortable td.words { word-break: keep-all; }
table.qd-sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.qd-sortable th[aria-sort=descending]::after { content: " ▼"; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.link, td.short { white-space: nowrap; }
td.short .qd-failed { white-space: normal; display: inline-block; min-width: 9em; }
table.qd-sortable td:nth-child(1) { min-width: 8em; } table.qd-sortable td:nth-child(2) { min-width: 6em; }
tr.qd-flagged td { background: #FFF1E0; }
.qd-flag { color: #B23B00; font-weight: bold; }
ul.qd-flags li { margin: 4px 0; }
.qd-failed { color: #9F1D1D; }
figure { margin: 16px 0; } figure img { max-width: 100%; }
@page {
  size: A4 landscape;
  margin: 12mm 10mm 14mm 10mm;
  @bottom-center {
    content: "第 " counter(page) " 页，共 " counter(pages) " 页";
    font-family: "Noto Sans SC", sans-serif;
    font-size: 9pt;
    color: #555;
  }
}
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; margin: 0 0 6pt; } h2 { font-size: 12pt; margin: 12pt 0 6pt; break-after: avoid; }
  .qd-note { font-size: 8.5pt; }
  .qd-screen { display: none; }
  table.qd-sortable, table.qd-totals { font-size: 8pt; }
  table.qd-sortable th, table.qd-sortable td, table.qd-totals th, table.qd-totals td { padding: 2px 3px; }
  table.qd-sortable th[aria-sort]::after { content: ""; }
  table.qd-sortable td:nth-child(1) { min-width: 7em; } table.qd-sortable td:nth-child(2) { min-width: 5em; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  tr.qd-flagged td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  figure { break-inside: avoid; margin: 6pt 0; } figure img { max-height: 78mm; }
}
"""


def overview_notes(frame: pd.DataFrame) -> list[str]:
    """The lines under the title: what the page covers, the units, the threshold, the definitions."""
    failed = int((frame["status"] == "failed").sum())
    threshold = format_percent(frame.attrs.get("threshold", DEFAULT_THRESHOLD))
    done = frame[frame["status"] != "failed"]
    decided = sum(int(v) for v in done["decided"] if not is_missing(v))
    findings = sum(int(v) for v in done["findings"] if not is_missing(v))
    return [
        f"共 {len(frame)} 个项目年度（{frame['project'].nunique()} 个项目）"
        + (f"，其中 {failed} 个运行失败，原因见“运行状态”列" if failed else "，全部运行成功") + "。",
        "金额单位：万元（保留两位小数，四舍五入）；“未披露”表示数据未给出，不按零计；“—”表示该项目年度运行失败、"
        "项目组合中没有上一年度的运行结果，或暂不定级而尚无得分，没有数字。",
        "结余 = 预算数（有调整后预算数时为调整后预算数，与预算执行率的分母一致）− 执行数。"
        "“较上年”与项目组合中同一项目的上一年度比较：执行率为两年百分比（四舍五入后）之差，预算数为增减幅度。",
        f"执行率提示：预算执行率低于 {threshold} 而评价等级为{'或'.join(GOOD_GRADES)}的项目年度，整行标出"
        "（阈值为项目组合文件的 flag_execution_below，未写时为 90）。",
        "评价等级和得分为按评分表计算的建议，以评价组的评价记录为准。" + RECURRING_DEFINITION,
        f"本年问题为各年度报告“主要问题与建议”所列问题的条数，按严重程度分列；共 {findings} 条，"
        f"其中评价组已确认或自行提出的 {decided} 条，其余为工具提出、待评价组确认。",
        "上年问题整改：上年评价发现的问题本年已整改、部分整改、未整改的个数（评价组未核实的为系统建议），"
        "点击数字查看该报告的整改情况一节；按此列排序即按未整改个数排序。",
    ]


def overview_html(frame: pd.DataFrame, *, title: str, charts: list[tuple[bytes, str]]) -> str:
    """The overview page: title, notes, the year totals, the flags, the sortable table and the
    charts (PNG bytes, alt text); the Chinese font is not yet embedded (see :func:`embed_font`)."""
    demo = bool(frame["demo"].any())
    head = "".join(
        f'<th scope="col" data-type="{"number" if key in _NUMERIC else "text"}">'
        f'{"<br>".join(escape(line) for line in header_lines(key))}</th>' for key in COLUMNS)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for key in COLUMNS:
            shown, sort = _cell(key, row)
            cls = ' class="num"' if key in _FIGURES else (
                ' class="link"' if key in LINKS else ' class="short"' if key in _SHORT else
                ' class="words"' if key in _WORDS else "")
            cells.append(f'<td{cls} data-sort="{escape(sort)}">{shown}</td>')
        flagged = ' class="qd-flagged"' if row["flag"] else ""
        body.append(f"<tr{flagged}>" + "".join(cells) + "</tr>")
    warning = (f'<p class="qd-warning">【{DEMO_LABEL}】本页使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。</p>'
               if demo else "")
    flagged = frame[frame["flag"] != ""]
    flags = ("<ul class=\"qd-flags\">" + "".join(
        f"<li>{escape(row['name'])}{int(row['year'])}年：{escape(_flag_sentence(row))}</li>"
        for _, row in flagged.iterrows()) + "</ul>") if len(flagged) else (
        '<p class="qd-note">没有执行率低于阈值而评价等级为'
        f'{"或".join(GOOD_GRADES)}的项目年度。</p>')
    figures = "".join(
        f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{escape(alt)}">'
        f"<figcaption class=\"qd-note\">{escape(alt)}</figcaption></figure>" for png, alt in charts)
    threshold = format_percent(frame.attrs.get("threshold", DEFAULT_THRESHOLD))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{warning}\n"
        + "".join(f'<p class="qd-note">{escape(n)}</p>' for n in overview_notes(frame))
        + f"\n<h2>一、各年度合计</h2>\n{totals_html(year_totals(frame))}\n"
        f"<h2>二、执行率低于 {threshold} 而评价等级为{'或'.join(GOOD_GRADES)}的项目年度</h2>\n{flags}\n"
        '<h2>三、各项目年度一览</h2>\n<p class="qd-note qd-screen">点击表头可按该列排序，再次点击反向排序。</p>\n'
        f'<table class="qd-sortable"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>\n<h2>四、图表</h2>\n{figures}\n'
        f"<script>{_SORT_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _flag_sentence(row: pd.Series) -> str:
    """One flagged project-year in words: its grade, its rate against the threshold, what was left unspent."""
    balance = "结余未披露" if is_missing(row["balance"]) else f"结余{format_wan(row['balance'])}万元"
    return (f"评价等级「{row['grade']}」（建议），预算执行率{pct(row['execution_rate'])}，{balance}"
            f"（预算数{format_wan(row['budget'])}万元，执行数{format_wan(row['executed'])}万元）。")


def embed_font(page: str, worker: FontWorker | None = None) -> str:
    """The page with its Chinese font embedded, subset to its characters (as the annual report does): by
    ``worker`` when it was asked for exactly these characters (and did not fail), else here (the same bytes)."""
    from qdanalysis.present.webfont import font_face_css, subset_woff

    subset = worker.subset if worker is not None else subset_woff
    return page.replace("</head>", f"<style>\n{font_face_css(page, subset=subset)}\n</style>\n</head>", 1)


# --------------------------------------------------------------------------- charts


def overview_charts(frame: pd.DataFrame) -> list[tuple[bytes, str]]:
    """The execution rate and recurring share across projects (each project's latest year with
    figures), and each project's years; as PNG bytes with their alt text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from qdanalysis.present import style

    done = frame[frame["status"] != "failed"]
    demo = bool(frame["demo"].any())
    charts = []
    if len(done):
        latest = done.sort_values("year").groupby("project", sort=False).tail(1).set_index("project")
        latest = latest.loc[[p for p in frame["project"].unique() if p in latest.index]]
        labels = [f"{style.wrap_label(n, 14)}（{y}年）" for n, y in zip(latest["name"], latest["year"])]
        height = max(3.0, 0.5 * len(latest) + 1.6)
        fig, ax = style.new_figure(10, height)
        ax.remove()
        axes = fig.subplots(1, 2, sharey=True)
        for axis, key, text, colour in ((axes[0], "execution_rate", "预算执行率", "#0072B2"),
                                        (axes[1], "recurring_share", "刚性支出占比", "#E69F00")):
            values = [math.nan if is_missing(v) else float(v) * 100 for v in latest[key]]
            bars = axis.barh(range(len(values)), [0 if math.isnan(v) else v for v in values], color=colour)
            axis.set_yticks(range(len(values)), labels)
            axis.set_title(f"{text}（%）")
            axis.set_xlim(0, 110)
            for bar, v in zip(bars, values):
                axis.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2,
                          UNDISCLOSED if math.isnan(v) else f"{v:.2f}%", va="center", fontsize=9)
        axes[0].invert_yaxis()  # the axes share y: once puts the portfolio's first project on top
        style.finish(fig, source="各项目最近一个年度的运行摘要（年度分析结果）", demo=demo)
        charts.append((_png(fig, plt), "各项目预算执行率与刚性支出占比（各项目最近一个年度）"))

        fig, ax = style.new_figure(10, 4.2)
        ax.remove()
        axes = fig.subplots(1, 2, sharex=True)
        years = sorted(done["year"].unique())
        for axis, key, text in ((axes[0], "execution_rate", "预算执行率"), (axes[1], "recurring_share", "刚性支出占比")):
            for project in frame["project"].unique():
                points = done[done["project"] == project].sort_values("year").dropna(subset=[key])
                if len(points):
                    axis.plot(points["year"], [float(v) * 100 for v in points[key]], marker="o",
                              label=points["name"].iloc[0])
            axis.set_title(f"历年{text}（%）")
            axis.set_xticks(years, [f"{y}年" for y in years])
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=min(4, len(names)), fontsize=8, frameon=False,
                   bbox_to_anchor=(0.5, 1.0))
        style.finish(fig, source="各项目各年度的运行摘要（年度分析结果）；运行失败的年度不绘出", demo=demo)
        charts.append((_png(fig, plt), "各项目历年预算执行率与刚性支出占比"))
    return charts


def _png(fig, plt) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


# --------------------------------------------------------------------------- Excel


def write_overview_workbook(frame: pd.DataFrame, out: str | Path, *, title: str) -> Path:
    """The overview table as an Excel workbook (same columns; a failed row carries its error; the
    links are live, the header has an autofilter), with the year totals on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from qdanalysis.present.render.xlsx import print_in_parts, write_table

    wb = Workbook()
    wb.remove(wb.active)
    table = frame.copy()
    table["status"] = [("失败：" + e) if s == "failed" else "成功" for s, e in zip(table["status"], table["error"])]
    for key, (column, text) in LINKS.items():
        table[key] = [text if isinstance(link, str) and link else NOT_AVAILABLE for link in table[column]]
    table["rate_change"] = [None if is_missing(v) else float(v) for v in table["rate_change"]]
    for key, mark in (("followup", "、"), ("flag", "，")):  # a line a part, not broken inside 未整改 or 评为优
        table[key] = [v.replace(mark, mark + "\n") if isinstance(v, str) else v for v in table[key]]
    for key in CHANGES:  # no year before in the portfolio: nothing to compare, not 未披露
        table[key] = [NOT_AVAILABLE if is_missing(v) and is_missing(p) else v
                      for v, p in zip(table[key], table["prev_year"])]
    columns = {key: "\n".join(header_lines(key)) for key in COLUMNS}
    starts = [list(COLUMNS).index(key) + 1 for key in PRINT_PARTS]
    threshold = format_percent(frame.attrs.get("threshold", DEFAULT_THRESHOLD))
    write_table(wb, "总览", title, table, columns, money=MONEY, percent=PERCENT, integer=INTEGER,
                number_formats={"rate_change": "+0.00;-0.00;0.00"}, demo=bool(frame["demo"].any()),
                note=f"注：“未披露”表示数据未给出，不按零计；“—”表示没有数字；执行率提示的阈值为{threshold}；"
                     "评价等级和得分为建议，以评价组的评价记录为准。各列的含义和口径见“说明”工作表。",
                max_widths=WIDTHS, legible=True, note_columns=3)  # the note within the columns every page repeats
    ws = wb["总览"]
    print_in_parts(ws, [ws.column_dimensions[get_column_letter(j)].width for j in range(1, len(COLUMNS) + 1)],
                   starts, title_cols="A:C")
    keys = list(columns)
    figures = [j for j, key in enumerate(keys, start=1) if key not in ("name", "department", "year", "status",
                                                                       "flag", *LINKS)]
    last = 2 + len(frame)
    for i, (_, row) in enumerate(frame.iterrows(), start=3):
        for j in figures:
            if row["status"] == "failed" and ws.cell(row=i, column=j).value in (None, UNDISCLOSED, "—"):
                ws.cell(row=i, column=j).value = NOT_AVAILABLE
        for key, (column, _) in LINKS.items():
            if isinstance(row[column], str) and row[column]:
                cell = ws.cell(row=i, column=keys.index(key) + 1)
                cell.hyperlink = row[column]  # relative to the workbook's folder, as on the page
                align = copy(cell.alignment)
                cell.style = "Hyperlink"
                cell.alignment = align  # the named style would reset it: the link sits with its row's text
    ws.auto_filter.ref = f"A2:{get_column_letter(len(keys))}{last}"
    write_totals_sheet(wb, year_totals(frame), title=title, demo=bool(frame["demo"].any()))
    _notes_sheet(wb, frame, title=title)
    with atomic_path(out, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Path(out)


def _notes_sheet(wb, frame: pd.DataFrame, *, title: str) -> None:
    """The page's notes (:func:`overview_notes`) as a sheet of their own, one a row, wrapped, printed on their own
    pages: the table's printed parts are not crossed by a long note."""
    from openpyxl.styles import Alignment

    from qdanalysis.fmt import display_width
    from qdanalysis.present.render.xlsx import CAPTION_FONT, LINE_HEIGHT, print_setup, safe_text

    ws = wb.create_sheet("说明")
    demo = f"（{DEMO_LABEL}，非真实数据）" if frame["demo"].any() else ""
    safe_text(ws.cell(row=1, column=1), f"{title}：说明{demo}")
    ws.cell(row=1, column=1).font = CAPTION_FONT
    ws.column_dimensions["A"].width = NOTES_WIDTH
    for i, line in enumerate(overview_notes(frame), start=2):
        cell = ws.cell(row=i, column=1)
        safe_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = LINE_HEIGHT * max(1, -(-display_width(line) // (NOTES_WIDTH - 2)))
    print_setup(ws, NOTES_WIDTH, title_rows="1:1")


def write_overview(entries: list[dict[str, Any]], folder: str | Path, *, title: str,
                   threshold: Decimal = DEFAULT_THRESHOLD, font_worker: FontWorker | None = None) -> tuple[Path, Path]:
    """Write ``<folder>/index.html`` (with its font embedded) and ``<folder>/portfolio.xlsx``.

    Args:
        entries: one per project-year (see :func:`overview_frame`).
        folder: the overview's folder.
        title: the page's title.
        threshold: the execution rate (percent) below which a good grade is flagged.
        font_worker: a :class:`~qdanalysis.present.font_worker.FontWorker` started early (it parses the font while
            this draws the charts), which subsets the font while this writes the workbook; it is used up (stopped
            if not needed). None: the font is subset here, after the workbook. The page is the same either way.

    Returns:
        The two paths.
    """
    folder = Path(folder)
    try:
        frame = overview_frame(entries, threshold)
        page = overview_html(frame, title=title, charts=overview_charts(frame))
        if font_worker is not None:
            from qdanalysis.present.webfont import characters_of

            font_worker.ask(characters_of(page))
        xlsx_path = write_overview_workbook(frame, folder / "portfolio.xlsx", title=title)
        html_path = write_text(folder / "index.html", embed_font(page, font_worker))
    finally:
        if font_worker is not None:
            font_worker.stop()
    return html_path, xlsx_path

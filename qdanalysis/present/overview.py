"""The finance bureau's overview of a portfolio: one row per project-year, as HTML and Excel.

The rows come from each project-year's run summary (what the annual notebook computed once in
its :class:`~qdanalysis.analyse.year.YearAnalysis` and displayed for the runner, see
:func:`qdanalysis.present.summary.run_payload`); nothing is re-analysed here. A project-year
that failed keeps its row, with its error in place of the figures.

The page is one offline file: the charts are embedded PNG drawn in the reports' chart style with
the bundled Chinese font, and a few lines of inline JavaScript order the table by any column.
"""

from __future__ import annotations

import base64
import io
import math
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from qdanalysis.atomic import atomic_path, write_text
from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.fmt import format_wan, pct
from qdanalysis.money import is_missing, round_half_up, to_decimal

SEVERITY_COLUMNS = {"高": "high", "中": "medium", "低": "low"}
#: Key -> Chinese header, in the order of the table (HTML and Excel alike).
COLUMNS: dict[str, str] = {
    "name": "项目名称",
    "department": "主管部门",
    "year": "年度",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "execution_rate": "预算执行率",
    "grade": "评价等级",
    "total": "得分",
    "recurring_share": "刚性支出占比",
    "high": "问题（高）",
    "medium": "问题（中）",
    "low": "问题（低）",
    "followup": "上年问题整改（已整改/部分整改/未整改）",
    "status": "运行状态",
    "report": "报告",
}
MONEY = ("budget", "executed")
PERCENT = ("execution_rate", "recurring_share")
INTEGER = ("year", "high", "medium", "low")
STATUS_TEXT = {"ok": "成功", "skipped": "成功", "failed": "失败"}
NOT_AVAILABLE = "—"
#: A project-year whose previous year's problems are not known (its first year, say).
NO_PRIOR = "无上年资料"
GRADE_ORDER = {"优": 4, "良": 3, "中": 2, "差": 1, "暂不定级": 0, "未评分": -1}


def overview_frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per project-year from the entries (``project``, ``name``, ``department``, ``year``,
    ``status``, ``error``, ``link``, ``summary``): money in 元 as Decimal, ratios as floats, None where
    the run gives no figure. Pure: the entries are not changed."""
    rows = []
    for e in entries:
        s = e.get("summary") or {}
        findings = s.get("findings") or {}
        failed = e.get("status") == "failed"
        rows.append({
            "project": e["project"], "name": e["name"], "department": e["department"], "year": int(e["year"]),
            "budget": _decimal(s.get("budget")), "executed": _decimal(s.get("executed")),
            "execution_rate": s.get("execution_rate"),
            "grade": s.get("grade") if s else None,
            "total": s.get("total") if s.get("graded") else None,
            "recurring_share": s.get("recurring_share"),
            **{key: findings.get(level) if s else None for level, key in SEVERITY_COLUMNS.items()},
            "followup": followup_text(s.get("followup")) if s else None, "followup_counts": s.get("followup"),
            "status": "failed" if failed else "ok",
            "error": e.get("error") or "",
            "link": e.get("link"),
            "demo": bool(s.get("demo")),
        })
    return pd.DataFrame(rows, columns=["project", *COLUMNS, "error", "link", "demo", "followup_counts"])


def followup_text(counts: dict | None) -> str | None:
    """``已整改2、部分整改1、未整改9（待核实1）``; 无上年资料 when the year before is not known."""
    if not counts:
        return NO_PRIOR
    return (f"已整改{counts['fixed']}、部分整改{counts['partly']}、未整改{counts['open']}"
            + (f"（待核实{counts['unverified']}）" if counts.get("unverified") else ""))


def _followup_cell(row: pd.Series) -> tuple[str, str]:
    """The counts, each linking to the report's 整改情况 section; sorted by the open (未整改) count."""
    counts = row["followup_counts"]
    if not isinstance(counts, dict):
        return (NOT_AVAILABLE if row["status"] == "failed" else NO_PRIOR), "-1"
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
    if key == "report":
        if isinstance(row["link"], str) and row["link"]:
            return f'<a href="{escape(row["link"])}">查看报告</a>', "1"
        return NOT_AVAILABLE, "0"
    if key == "followup":
        return _followup_cell(row)
    if key == "status":
        if row["status"] == "failed":
            return f'<span class="qd-failed">失败：{escape(row["error"])}</span>', "0"
        return "成功", "1"
    if is_missing(value):
        if row["status"] == "failed" and key not in ("name", "department", "year"):
            return NOT_AVAILABLE, ""
        return UNDISCLOSED, ""
    if key in MONEY:
        return format_wan(value), str(value)
    if key in PERCENT:
        return pct(value), repr(float(value))
    if key == "total":
        return f"{round_half_up(value, 2):f}", repr(float(value))
    if key == "grade":
        return escape(str(value)), str(GRADE_ORDER.get(str(value), -2))
    if key in INTEGER:
        return str(int(value)), str(int(value))
    return escape(str(value)), escape(str(value))


_NUMERIC = set(MONEY) | set(PERCENT) | set(INTEGER) | {"total", "grade", "status", "report", "followup"}

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
body { font-family: var(--qd-cjk-font-family); max-width: 1280px; margin: 24px auto; padding: 0 16px; color: #333; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
.qd-note { color: #6E6E6E; font-size: 13px; }
.qd-warning { color: #B23B00; font-weight: bold; }
table.qd-sortable { border-collapse: collapse; font-size: 13px; width: 100%; }
table.qd-sortable th, table.qd-sortable td { border: 1px solid #D0D0D0; padding: 4px 6px; }
table.qd-sortable th { background: #DDEBF7; cursor: pointer; white-space: nowrap; user-select: none; }
table.qd-sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.qd-sortable th[aria-sort=descending]::after { content: " ▼"; }
table.qd-sortable td.num { text-align: right; white-space: nowrap; }
table.qd-sortable td.link { white-space: nowrap; }
table.qd-sortable td:nth-child(1) { min-width: 11em; } table.qd-sortable td:nth-child(2) { min-width: 8em; }
.qd-failed { color: #9F1D1D; }
figure { margin: 16px 0; } figure img { max-width: 100%; }
"""


def overview_html(frame: pd.DataFrame, *, title: str, charts: list[tuple[bytes, str]]) -> str:
    """The overview page: title, notes, the sortable table and the charts (PNG bytes, alt text)."""
    demo = bool(frame["demo"].any())
    failed = int((frame["status"] == "failed").sum())
    head = "".join(
        f'<th scope="col" data-type="{"number" if key in _NUMERIC else "text"}">{escape(label)}</th>'
        for key, label in COLUMNS.items())
    body = []
    for _, row in frame.iterrows():
        cells = []
        for key in COLUMNS:
            shown, sort = _cell(key, row)
            cls = ' class="num"' if key in MONEY or key in PERCENT or key in INTEGER or key == "total" else (
                ' class="link"' if key == "report" else "")
            cells.append(f'<td{cls} data-sort="{escape(sort)}">{shown}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = [
        f"共 {len(frame)} 个项目年度（{frame['project'].nunique()} 个项目）"
        + (f"，其中 {failed} 个运行失败，原因见“运行状态”列" if failed else "，全部运行成功") + "。",
        "金额单位：万元（保留两位小数，四舍五入）；“未披露”表示数据未给出，不按零计；“—”表示该项目年度运行失败，没有数字。",
        "刚性支出占比：按年或按月计费、逐年续签的合同占预算的比例。问题数为各年度报告“主要问题与建议”按严重程度的条数。",
        "上年问题整改：上年评价发现的问题本年已整改、部分整改、未整改的个数（评价组未核实的为系统建议），点击数字查看该报告的整改情况一节；"
        "按此列排序即按未整改个数排序。",
        "点击表头可按该列排序，再次点击反向排序。",
    ]
    warning = (f'<p class="qd-warning">【{DEMO_LABEL}】本页使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。</p>'
               if demo else "")
    figures = "".join(
        f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" alt="{escape(alt)}">'
        f"<figcaption class=\"qd-note\">{escape(alt)}</figcaption></figure>" for png, alt in charts)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{warning}\n"
        + "".join(f'<p class="qd-note">{escape(n)}</p>' for n in notes)
        + f'\n<h2>一、各项目年度一览</h2>\n<table class="qd-sortable"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>\n<h2>二、图表</h2>\n{figures}\n'
        f"<script>{_SORT_SCRIPT}</script>\n</body>\n</html>\n"
    )


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
    """The overview table as an Excel workbook (same columns; a failed row carries its error)."""
    from openpyxl import Workbook

    from qdanalysis.present.render.xlsx import write_table

    wb = Workbook()
    wb.remove(wb.active)
    table = frame.copy()
    table["status"] = [("失败：" + e) if s == "failed" else "成功" for s, e in zip(table["status"], table["error"])]
    table["report"] = [link if isinstance(link, str) and link else NOT_AVAILABLE for link in table["link"]]
    columns = dict(COLUMNS)
    write_table(wb, "总览", title, table, columns, money=MONEY, percent=PERCENT, integer=INTEGER,
                demo=bool(frame["demo"].any()),
                note="“未披露”表示数据未给出，不按零计；“—”表示该项目年度运行失败，没有数字，原因见“运行状态”列。")
    ws = wb["总览"]
    figures = [j for j, key in enumerate(columns, start=1) if key not in ("name", "department", "year", "status",
                                                                          "report")]
    for i, failed in enumerate(frame["status"] == "failed", start=3):
        for j in figures:
            if failed and ws.cell(row=i, column=j).value in (None, UNDISCLOSED, "—"):
                ws.cell(row=i, column=j).value = NOT_AVAILABLE
    with atomic_path(out, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Path(out)


def write_overview(entries: list[dict[str, Any]], folder: str | Path, *, title: str) -> tuple[Path, Path]:
    """Write ``<folder>/index.html`` and ``<folder>/portfolio.xlsx``.

    Returns:
        The two paths.
    """
    folder = Path(folder)
    frame = overview_frame(entries)
    html_path = write_text(folder / "index.html", overview_html(frame, title=title, charts=overview_charts(frame)))
    return html_path, write_overview_workbook(frame, folder / "portfolio.xlsx", title=title)

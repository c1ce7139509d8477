"""Tests for qdanalysis.present.overview: the overview table, page, charts and workbook from run summaries."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from browser import _OFFLINE_FLAGS, CHROMIUM, chromium_available
from openpyxl import load_workbook

from qdanalysis.present.overview import (
    COLUMNS,
    header_lines,
    overview_charts,
    overview_frame,
    overview_html,
    write_overview,
)


def summary(year: int, budget: str, rate: float | None, share: float | None, grade: str = "良",
            total: float | None = 85.5, demo: bool = False, executed: str | None = None,
            balance: str | None = "0.00") -> dict:
    return {"year": year, "demo": demo, "score": "", "budget": budget, "executed": executed or budget,
            "execution_rate": rate, "graded": total is not None, "grade": grade, "total": total, "max_total": 100.0,
            "recurring_share": share, "findings": {"高": 2, "中": 3, "低": 0}, "findings_decided": 1,
            "balance": balance}


def entry(project: str, name: str, year: int, s: dict | None, status: str = "ok", error: str = "") -> dict:
    return {"project": project, "name": name, "department": f"{name}主管局", "year": year, "status": status,
            "error": error, "link": f"../{project}/{year}/1.0-annual-report.html" if s else None,
            "trends": f"../{project}/trends/2.0-multi-year-trends.html", "summary": s or {}}


ENTRIES = [
    entry("a", "甲项目", 2020, summary(2020, "9410000.00", 0.98266, 0.5396)),
    entry("a", "甲项目", 2021, None, "failed", "数据未通过校验：预算执行表第12行合计与明细不符"),
    entry("b", "乙项目", 2021, summary(2021, "12345678.91", 0.85, None, grade="暂不定级", total=None)),
]


@pytest.fixture(scope="module")
def written_to(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("overview") / "portfolio"


@pytest.fixture(scope="module")
def written(written_to) -> tuple[Path, Path]:
    """``write_overview(ENTRIES, written_to, title="测试总览")``, once for the module: (page, workbook). The tests
    read them, never change them."""
    return write_overview(ENTRIES, written_to, title="测试总览")


def test_one_row_per_project_year_with_the_figures_of_its_summary():
    frame = overview_frame(ENTRIES)

    assert list(frame["project"]) == ["a", "a", "b"] and list(frame["year"]) == [2020, 2021, 2021]
    first = frame.iloc[0]
    assert first["budget"] == Decimal("9410000.00") and first["execution_rate"] == 0.98266
    assert (first["grade"], first["total"], first["high"], first["medium"], first["low"]) == ("良", 85.5, 2, 3, 0)
    assert first["findings"] == 5 and first["balance"] == Decimal("0.00") and first["flag"] == ""
    with_team = overview_frame([entry("a", "甲项目", 2020, {**summary(2020, "1.00", 0.9, 0.1), "findings_total": 7})])
    assert with_team["findings"].iloc[0] == 7  # two of the team's findings carry no severity
    failed = frame.iloc[1]
    assert failed["status"] == "failed" and "合计与明细不符" in failed["error"] and failed["budget"] is None
    assert frame.iloc[2]["grade"] == "暂不定级" and pd.isna(frame.iloc[2]["total"])  # not graded: no total shown
    assert ENTRIES[0]["summary"]["budget"] == "9410000.00"  # the entries are not changed


def test_the_page_shows_figures_errors_and_links_and_sorts_by_every_column():
    html = overview_html(overview_frame(ENTRIES), title="总览<测试>", charts=[(b"\x89PNG", "图一")])

    assert "<title>总览&lt;测试&gt;</title>" in html and "<script" in html and "http" not in html.replace(
        "http-equiv", "")
    assert html.count("data-type=") == len(COLUMNS)  # the sortable table: one header per column
    assert '<td class="num" data-sort="9410000.00">941.00</td>' in html
    assert '<td class="num" data-sort="0.98266">98.27%</td>' in html
    assert '<td class="num" data-sort="">未披露</td>' in html  # 乙's recurring share is not given: never 0
    assert "失败：数据未通过校验：预算执行表第12行合计与明细不符" in html
    assert '<a href="../a/2020/1.0-annual-report.html">查看报告</a>' in html
    assert '<a href="../a/trends/2.0-multi-year-trends.html">多年趋势</a>' in html
    assert "共 3 个项目年度（2 个项目），其中 1 个运行失败" in html
    assert 'src="data:image/png;base64,iVBORw==" alt="图一"' in html
    assert "示例数据" not in html


def test_a_demo_portfolio_says_so():
    entries = [entry("a", "甲项目", 2020, summary(2020, "100.00", 0.5, 0.1, demo=True))]
    assert "【示例数据】本页使用程序生成的示例数据" in overview_html(overview_frame(entries), title="t", charts=[])


@pytest.mark.slow
def test_charts_are_png_for_projects_and_years():
    charts = overview_charts(overview_frame(ENTRIES))

    assert [alt for _, alt in charts] == ["各项目预算执行率与刚性支出占比（各项目最近一个年度）", "各项目历年预算执行率与刚性支出占比"]
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000 for png, _ in charts)


def test_no_chart_when_every_project_year_failed():
    assert overview_charts(overview_frame([ENTRIES[1]])) == []


@pytest.mark.slow
def test_the_workbook_holds_the_same_table(written, written_to):
    html, xlsx = written

    assert html == written_to / "index.html" and html.is_file()
    ws = load_workbook(xlsx)["总览"]
    assert ws["A1"].value == "测试总览（金额单位：万元）"
    assert [c.value.replace("\n", "") for c in ws[2]] == list(COLUMNS.values())  # a narrow column's header breaks
    assert [c.value for c in ws[3]] == ["甲项目", "甲项目主管局", 2020, 941.0, 941.0, 0.0, 0.98266, "—", "—", "良", 85.5,
                                        None, 0.5396, 5, 2, 3, 0, "无上年资料", "成功", "查看报告",
                                        "多年趋势"]
    failed = dict(zip(COLUMNS, [c.value for c in ws[4]]))
    assert {failed[k] for k in ("budget", "executed", "balance", "execution_rate", "grade", "total",
                                "recurring_share", "findings", "high")} == {"—"}
    assert failed["status"] == "失败：数据未通过校验：预算执行表第12行合计与明细不符"
    assert ws.cell(row=5, column=list(COLUMNS).index("recurring_share") + 1).value == "未披露"


def test_the_workbook_filters_and_links(written):
    _, xlsx = written

    wb = load_workbook(xlsx)
    ws = wb["总览"]
    assert ws.auto_filter.ref == "A2:U5"  # the header row and every project-year
    report = ws.cell(row=3, column=list(COLUMNS).index("report") + 1)
    trends = ws.cell(row=3, column=list(COLUMNS).index("trends") + 1)
    assert report.value == "查看报告" and report.hyperlink.target == "../a/2020/1.0-annual-report.html"
    assert trends.hyperlink.target == "../a/trends/2.0-multi-year-trends.html"
    assert ws.cell(row=4, column=list(COLUMNS).index("report") + 1).hyperlink is None  # failed, nothing to open
    totals = wb["各年度合计"]
    assert [c.value for c in totals[3]][:6] == [2020, 1, 941.0, 941.0, 0.0, 1.0]
    assert [c.value for c in totals[4]][:5] == [2021, "2（1个运行失败，未计入）", 1234.57, 1234.57, 0.0]


def test_a_good_grade_beside_a_low_execution_rate_is_flagged_with_its_threshold():
    # 优 at 78% execution, about 720万 unspent: the case the overview must not hide
    low = summary(2022, "33185300.00", 0.7824, 0.2, grade="优", total=92.0, executed="25965500.00",
                  balance="7219800.00")
    entries = [entry("e", "教育城域网", 2022, low),
               entry("f", "政务云", 2022, summary(2022, "100.00", 0.7, 0.2, grade="暂不定级", total=None)),
               entry("g", "视频专网", 2022, summary(2022, "100.00", 0.89996, 0.2, grade="良"))]  # printed 90.00%

    frame = overview_frame(entries)
    assert list(frame["flag"]) == ["执行率低于90%，评为优", "", ""]
    html = overview_html(frame, title="t", charts=[])
    assert '<tr class="qd-flagged">' in html and html.count('class="qd-flagged"') == 1
    assert "<h2>二、执行率低于 90% 而评价等级为优或良的项目年度</h2>" in html
    assert "教育城域网2022年：评价等级「优」（建议），预算执行率78.24%，结余721.98万元" in html
    assert "阈值为项目组合文件的 flag_execution_below" in html
    assert list(overview_frame(entries, Decimal("75"))["flag"]) == ["", "", ""]
    assert overview_frame(entries, Decimal("95"))["flag"].iloc[2] == "执行率低于95%，评为良"


def test_changes_from_the_year_before_agree_with_the_printed_rates():
    entries = [entry("a", "甲项目", 2020, summary(2020, "10000000.00", 0.10104, 0.5)),
               entry("a", "甲项目", 2021, summary(2021, "11000000.00", 0.12716, 0.5))]

    frame = overview_frame(entries)
    assert frame["rate_change"].iloc[1] == Decimal("2.62")  # 12.72 - 10.10, as printed
    assert abs(frame["budget_change"].iloc[1] - 0.1) < 1e-12 and frame["prev_year"].iloc[0] is None
    html = overview_html(frame, title="t", charts=[])
    assert '<td class="num" data-sort="2.62">+2.62</td>' in html and '<td class="num" data-sort="">—</td>' in html
    assert "+10.00%" in html


def test_the_page_prints_on_a4_landscape_with_page_numbers_and_its_font(written):
    html, _ = written
    page = html.read_text(encoding="utf-8")

    assert "size: A4 landscape" in page and 'counter(page) " 页，共 " counter(pages)' in page
    assert '@font-face { font-family: "Noto Sans SC"' in page and "data:font/woff;base64," in page
    assert "刚性支出占比：按年、按月或按条持续付费或续签的合同" in page


@pytest.mark.slow
@pytest.mark.skipif(not chromium_available() and not os.environ.get("CI"), reason="chromium not installed")
def test_clicking_a_header_orders_the_rows_in_the_browser(written, tmp_path):
    html, _ = written
    page = tmp_path / "click.html"
    col = list(COLUMNS).index("execution_rate")
    click = (f"<script>var th = document.querySelectorAll('table.qd-sortable th')[{col}]; th.click(); th.click();"
             "document.title = Array.from(document.querySelectorAll('table.qd-sortable tbody tr'))"
             f".map(function (r) {{ return r.cells[{col}].textContent; }}).join(',');</script></body>")
    page.write_text(html.read_text(encoding="utf-8").replace("</body>", click), encoding="utf-8")
    with tempfile.TemporaryDirectory() as home:
        dom = subprocess.run([str(CHROMIUM), *_OFFLINE_FLAGS, f"--user-data-dir={Path(home) / 'p'}", "--dump-dom",
                              page.as_uri()], capture_output=True, text=True, timeout=90,
                             env={**os.environ, "HOME": home}).stdout

    assert "<title>98.27%,85.00%,—</title>" in dom  # descending; the failed row stays last


def test_last_years_problems_link_to_the_reports_section_and_sort_by_open():
    counts = {"year": 2020, "fixed": 2, "partly": 1, "open": 9, "unverified": 0, "heading": "十一、上年评价发现问题整改情况"}
    entries = [entry("a", "甲项目", 2021, {**summary(2021, "100.00", 0.5, 0.1), "followup": counts}),
               entry("b", "乙项目", 2020, summary(2020, "100.00", 0.5, 0.1))]
    frame = overview_frame(entries)
    assert frame.iloc[0]["followup"] == "已整改2、部分整改1、未整改9" and frame.iloc[1]["followup"] == "无上年资料"
    html = overview_html(frame, title="t", charts=[])
    anchor = "../a/2021/1.0-annual-report.html#%E5%8D%81%E4%B8%80%E3%80%81%E4%B8%8A%E5%B9%B4%E8%AF%84%E4%BB%B7" \
             "%E5%8F%91%E7%8E%B0%E9%97%AE%E9%A2%98%E6%95%B4%E6%94%B9%E6%83%85%E5%86%B5"
    assert (f'<td class="words" data-sort="9">已整改<a href="{anchor}">2</a>、部分整改<a href="{anchor}">1</a>、'
            f'未整改<a href="{anchor}">9</a></td>') in html
    assert '<td class="words" data-sort="-1">无上年资料</td>' in html
    unread = overview_frame([entry("c", "丙项目", 2021, {**summary(2021, "100.00", 0.5, 0.1),
                                                        "followup": {"year": 2020, "unread": True}})])
    assert unread.iloc[0]["followup"] == "上年数据未能读取"
    assert '<td class="words" data-sort="-1">上年数据未能读取</td>' in overview_html(unread, title="t", charts=[])
    assert '<th scope="col" data-type="number">上年问题整改<br>（已整改/<br>部分整改/<br>未整改）</th>' in html


def test_the_workbook_prints_legibly_on_landscape_a4(written, tmp_path):
    # 21 columns in two printed parts side by side (the budget, then the problems), each with name, department and
    # year, at 9 pt or larger: not one page wide at 7 pt (6.8 pt in LibreOffice), as before
    from openpyxl.utils import get_column_letter

    from qdanalysis.present.overview import NOTES_WIDTH, PRINT_PARTS, WIDTHS, overview_notes
    from qdanalysis.present.render import xlsx as render

    _, xlsx = written
    wb = load_workbook(xlsx)
    ws = wb["总览"]
    widths = [ws.column_dimensions[get_column_letter(j)].width for j in range(1, len(COLUMNS) + 1)]
    setup = ws.page_setup
    assert setup.orientation == "landscape" and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert 100 >= setup.scale >= 100 * 9 / 11 and ws.print_title_rows == "$1:$2" and ws.print_title_cols == "$A:$C"
    start = list(COLUMNS).index(PRINT_PARTS[0])
    assert [b.id for b in ws.col_breaks.brk] == [start] and get_column_letter(start + 1) == "M"  # 刚性支出占比 on
    for part in (sum(widths[:start]), sum(widths[:3]) + sum(widths[start:])):
        assert part * setup.scale / 100 <= render.LANDSCAPE_WIDTH  # each part fits its page at that scale
    assert [key for w, key in zip(widths, COLUMNS) if w > WIDTHS[key]] == ["total"]  # a figure (85.50) keeps its width
    for j, key in enumerate(COLUMNS, start=1):  # each line of a header fits its column: 执行率/提示, never 执行率提/示
        header = ws.cell(row=2, column=j).value
        assert header.split("\n") == header_lines(key) and widths[j - 1] >= max(map(render.display_width,
                                                                                   header.split("\n"))) + 2
    assert ws.cell(row=2, column=list(COLUMNS).index("flag") + 1).value == "执行率\n提示"
    counts = {"year": 2020, "fixed": 2, "partly": 1, "open": 9, "unverified": 0, "heading": "十一、整改情况"}
    low = {**summary(2021, "100.00", 0.5, 0.1, grade="优"), "followup": counts}
    _, parts = write_overview([entry("a", "甲项目", 2021, low)], tmp_path / "parts", title="t")
    row = dict(zip(COLUMNS, (c.value for c in load_workbook(parts)["总览"][3])))
    assert row["followup"] == "已整改2、\n部分整改1、\n未整改9"  # a line a part, never 未整/改9
    assert row["flag"] == "执行率低于90%，\n评为优"
    report = ws.cell(row=3, column=list(COLUMNS).index("report") + 1)
    assert report.style == "Hyperlink" and report.alignment.vertical == ws.cell(row=3, column=1).alignment.vertical
    note = ws.cell(row=ws.max_row, column=1)
    assert note.value.startswith("注：“未披露”表示") and "见“说明”工作表" in note.value and note.alignment.wrap_text
    assert f"A{ws.max_row}:C{ws.max_row}" in {str(r) for r in ws.merged_cells.ranges}  # within the repeated columns
    notes = wb["说明"]  # the page's notes, on pages of their own, at full size
    assert [c.value for c in notes["A"]][1:] == overview_notes(overview_frame(ENTRIES))
    assert notes.column_dimensions["A"].width == NOTES_WIDTH and notes.page_setup.orientation == "portrait"
    assert notes["A2"].alignment.wrap_text and notes.row_dimensions[3].height > render.LINE_HEIGHT


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") and not os.environ.get("CI"), reason="LibreOffice not installed")
def test_libreoffice_prints_the_two_parts_each_with_its_rows_names(written, tmp_path):
    _, xlsx = written
    profile = tmp_path / "profile"  # a LibreOffice profile of its own: another soffice may be running
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "portfolio.pdf"
    pages = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    overview = [p for p in pages if "测试总览（金额单位：万元）" in p]
    assert len(overview) == 2  # the budget part, then the problems part: each on one page's width
    assert "预算数" in overview[0] and "刚性支出" not in overview[0]
    assert "刚性支出" in overview[1] and "预算数" not in overview[1]
    assert all("甲项目" in p and "2020" in p for p in overview)  # name and year on both parts
    info = subprocess.run(["pdfinfo", "-l", "-1", pdf], check=True, capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert [float(w) > float(h) for w, h in sizes[:2]] == [True, True]  # landscape A4



def test_a_header_breaks_between_words_only_on_the_screen_and_on_paper():
    # 执行率/提示 and 运行/状态, never 执行率提/示 or 运行状/态: each line is kept whole, the lines make the header
    assert all("".join(header_lines(key)) == label for key, label in COLUMNS.items())
    assert header_lines("flag") == ["执行率", "提示"] and header_lines("status") == ["运行", "状态"]
    html = overview_html(overview_frame(ENTRIES), title="t", charts=[])
    assert '<th scope="col" data-type="number">执行率<br>提示</th>' in html
    assert '<th scope="col" data-type="number">运行<br>状态</th>' in html
    assert "table.qd-sortable th { cursor: pointer; user-select: none; white-space: nowrap; }" in html
    assert '<td class="words" data-sort="1"><span class="qd-flag">' not in html  # no flag among ENTRIES
    assert "table.qd-sortable td.words { word-break: keep-all; }" in html  # 已整改2、部分整改1: between words
    assert '<td class="short" data-sort="2020">2020</td>' in html  # the year is a label, not a right-aligned figure


def test_a_font_worker_gives_the_same_page_and_is_used_up(written, tmp_path, monkeypatch):
    from qdanalysis.present import font_worker as module
    from qdanalysis.present.font_worker import FontWorker

    plain, _ = written  # without a worker, in a folder of its own
    worker = FontWorker()
    html, _ = write_overview(ENTRIES, tmp_path / "worker", title="测试总览", font_worker=worker)
    assert worker.asked and html.read_bytes() == plain.read_bytes()
    with pytest.raises(module.FontWorkerError, match="已结束"):
        worker.result()

    def failed(self, timeout=0.0):
        raise module.FontWorkerError("字体子集进程失败：测试")

    monkeypatch.setattr(FontWorker, "result", failed)  # a failed worker: the subset is made here, the same page
    html, _ = write_overview(ENTRIES, tmp_path / "failed", title="测试总览", font_worker=FontWorker())
    assert html.read_bytes() == plain.read_bytes()

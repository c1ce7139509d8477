"""The 2020 report as the finance bureau gets it: one HTML file, offline, every section, Chinese charts,
its Chinese font embedded, and (``run --pdf``) an A4 PDF that prints every column of every table."""

from __future__ import annotations

import base64
import html as htmllib
import io
import os
import re
import shutil
import subprocess

import pytest
from browser import chromium_available, screenshot

from qdanalysis.present.html_export import find_external_resources
from qdanalysis.run.runner import run_year

SECTIONS = ["一、项目概况", "二、预算执行", "三、分类支出", "四、网络线路", "五、金宏短信", "六、合同续签与成本增长",
            "七、绩效目标完成情况", "八、产出与成效", "九、评分", "十、主要问题与建议", "十一、其他需要说明的问题",
            "十二、数据核对"]


A4_POINTS = (595, 842)
RIGHT_MARGIN_MM = 14  # the template's @page margin
needs_pdf = pytest.mark.skipif((not chromium_available() or not shutil.which("pdfinfo")) and not os.environ.get("CI"),
                               reason="chromium or poppler-utils not installed")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = run_year(2020, out=out, pdf=chromium_available())
    assert result.ok, result.error
    # the runner prints which table scored, from what the notebook displayed for it (not in the report)
    assert result.score.startswith("评分表：params/scoring-2020.yaml（") and "待补充佐证 19 项（78 分）" in result.score
    return result


@pytest.fixture(scope="module")
def report(result):
    return result.html


@pytest.fixture(scope="module")
def pdf(result):
    assert result.notice == "" and result.pdf == result.html.with_suffix(".pdf")
    return result.pdf


def poppler(tool: str, *args) -> str:
    return subprocess.run([tool, *map(str, args)], check=True, capture_output=True, text=True).stdout


def page_texts(pdf) -> list[str]:
    return poppler("pdftotext", "-layout", pdf, "-").split("\f")[:-1]


def test_report_is_one_offline_file(report):
    html = report.read_text(encoding="utf-8")
    assert report.stat().st_size < 3 * 1024 * 1024
    assert find_external_resources(html) == []
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"'](https?:)?//", html)
    assert "cdnjs" not in html and "mathjax" not in html.lower().replace("mathjax_", "")
    assert 'lang="zh-CN"' in html


def test_no_code_every_section_and_the_facts(report):
    html = report.read_text(encoding="utf-8")
    assert "AnnualReport.build" not in html and "show(report" not in html
    assert "vnd.qdanalysis" not in html and "待补充佐证 19 项（78 分）" not in html  # the runner's line stays out
    for section in SECTIONS:
        assert section in html, section
    for figure in ("941.00万元", "924.68万元", "98.27%", "9.6倍", "39.00万元", "51%", "104.00万元", "-13.5%"):
        assert figure in html, figure


def test_charts_are_embedded_pngs(report):
    from PIL import Image

    html = report.read_text(encoding="utf-8")
    tags = re.findall(r"<img [^>]+>", html)
    images = [(re.search(r'src="data:image/png;base64,([^"]+)"', t).group(1), re.search(r'alt="([^"]*)"', t).group(1))
              for t in tags]
    # no chart of twelve 未披露 months (SMS) or of twelve equal months (line fees): a sentence says each
    assert len(images) == 9
    assert {alt for _, alt in images} >= {"预算数与执行数", "同带宽价格对比", "绩效指标完成情况"} and "月度短信" not in {alt for _, alt in images}
    for data, _ in images:
        with Image.open(io.BytesIO(base64.b64decode(data))) as im:
            assert im.width >= 600 and im.height >= 300


@pytest.mark.skipif(not chromium_available() and not os.environ.get("CI"), reason="chromium not installed")
def test_renders_offline_in_chromium(report, tmp_path):
    from PIL import Image

    png = screenshot(report, tmp_path / "report.png", width=1200, height=3000)
    with Image.open(png) as im:
        gray = im.convert("L")
        top = gray.crop((0, 0, 1200, 1500))
        assert len(top.getcolors(maxcolors=1 << 16) or []) > 50  # text and charts, not a blank page
        assert top.getextrema()[0] < 60  # dark text is drawn


def test_the_chinese_font_is_embedded_as_a_subset_of_the_page(report):
    from fontTools.ttLib import TTFont

    page = report.read_text(encoding="utf-8")
    # WOFF (zlib), not WOFF2: the browsers of older intranet PCs (IE 9-11) read WOFF only, and it is subset
    # in a third of the time
    faces = re.findall(r'@font-face \{ font-family: "Noto Sans SC";[^}]*url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)'
                       r' format\("woff"\)', page)
    assert len(faces) == 1
    woff = base64.b64decode(faces[0])
    font = TTFont(io.BytesIO(woff))
    assert font.flavor == "woff" and font["name"].getDebugName(1) == "Noto Sans SC"
    covered = set(map(chr, font.getBestCmap()))
    text = re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S))
    shown = {ch for ch in htmllib.unescape(text) if ord(ch) > 0x7E and ch.isprintable()}
    assert len(shown) > 500 and shown - covered == set()  # every character the report shows has its glyph
    assert {"第", "页", "共"} <= covered  # the page numbers printed by the @page rule
    assert len(covered) < 1000 and len(woff) < 200 * 1024  # a subset: the whole font has 30,000 glyphs, 10.6 MB


@needs_pdf
def test_the_pdf_is_a4_with_page_numbers_and_chinese_text(pdf):
    info = poppler("pdfinfo", pdf)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == A4_POINTS
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 8 <= pages <= 20  # 13 pages in November 2026 (17 US Letter pages, columns cut, before)
    texts = page_texts(pdf)
    assert len(texts) == pages
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页，共 {pages} 页" in text
    whole = "".join(texts)
    for section in SECTIONS:
        assert section in whole, section
    assert "941.00" in whole and "98.27%" in whole
    fonts = poppler("pdffonts", pdf).splitlines()[2:]
    named = [line.split()[0] for line in fonts if not line.startswith("[none]")]
    # the embedded web font draws the text: no system font (the test machines have no Chinese one)
    assert named and all(re.fullmatch(r"[A-Z]{6}\+NotoSansSC-Regular", n) for n in named)
    assert all(line.split()[-5] == "yes" for line in fonts)  # emb


@needs_pdf
def test_wide_tables_wrap_inside_the_page_with_their_header_on_every_page(pdf):
    boxes = poppler("pdftotext", "-bbox", pdf, "-")
    right = A4_POINTS[0] - RIGHT_MARGIN_MM / 25.4 * 72
    for number, page in enumerate(boxes.split("<page ")[1:], start=1):
        edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', page)]
        assert max(edges) <= right + 1, f"page {number}: text beyond the right margin at {max(edges):.0f} pt"
    texts = page_texts(pdf)
    header = re.compile(r"一级(?:指标)?\s+二级指标\s+三级指标\s+分值\s+评分规则\s+指标值\s+实际完成值\s+得分\s+状态\s+计分依据\s+佐证材料")
    # every column of the 11-column score table on paper, and its header row again on each page it spans
    assert len([t for t in texts if header.search(t)]) >= 2
    last_rows = [t for t in texts if re.search(r"^\s*合计\s+100\.00", t, re.M)]
    assert len(last_rows) == 1 and header.search(last_rows[0])


@needs_pdf
def test_charts_are_never_split_across_pages(pdf):
    rows = [line.split() for line in poppler("pdfimages", "-list", pdf).splitlines()[2:]]
    images = [r for r in rows if r[2] == "image"]
    assert len(images) == 9  # the nine charts, each drawn once: a chart cut by a page break is drawn twice

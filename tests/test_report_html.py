"""The 2020 report as the finance bureau gets it: one HTML file, offline, every section, Chinese charts."""

from __future__ import annotations

import base64
import io
import os
import re

import pytest
from browser import chromium_available, screenshot

from qdanalysis.present.html_export import find_external_resources
from qdanalysis.run.runner import run_year

SECTIONS = ["一、项目概况", "二、预算执行", "三、分类支出", "四、网络线路", "五、金宏短信", "六、合同续签与成本增长",
            "七、绩效目标完成情况", "八、产出与成效", "九、评分", "十、主要问题与建议", "十一、其他需要说明的问题",
            "十二、数据核对"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = run_year(2020, out=out)
    assert result.ok, result.error
    # the runner prints which table scored, from what the notebook displayed for it (not in the report)
    assert result.score.startswith("评分表：params/scoring-2020.yaml（") and "待补充佐证 8 项（66 分）" in result.score
    return result.html


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
    assert "vnd.qdanalysis" not in html and "待补充佐证 8 项（66 分）" not in html  # the runner's line stays out
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
    assert len(images) == 10  # no chart of twelve 未披露 months: the SMS section says it in one sentence
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

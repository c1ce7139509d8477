"""Blocks as HTML: every text escaped here and only here, styles as classes, tables and charts embedded."""

from __future__ import annotations

import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from qdanalysis.present.blocks import NOTE, TITLE, WARNING, Chart, Table, TableLayout, bold, para
from qdanalysis.present.render import html as render


def test_text_is_escaped_and_bold_parts_are_bold():
    p = para("{name}：{value}", name=bold("<b>甲</b>"), value="a & b")
    assert render.inline(p) == "<b>&lt;b&gt;甲&lt;/b&gt;</b>：a &amp; b"
    assert render.paragraph_html(p) == '<p class="qd-p"><b>&lt;b&gt;甲&lt;/b&gt;</b>：a &amp; b</p>'
    assert render.esc(None) == "" and render.esc(3) == "3"


def test_each_style_has_its_class_and_the_title_brings_the_css():
    assert render.paragraph_html(para("注", NOTE)) == '<p class="qd-note">注</p>'
    assert render.paragraph_html(para("警", WARNING)) == '<p class="qd-warning">警</p>'
    title = render.paragraph_html(para("2020年报告", TITLE))
    assert title.startswith("<style>") and title.endswith('<h1 class="qd-title">2020年报告</h1>')


LAYOUT = TableLayout("t", "测试表", {"item": "项目", "amount": "金额（万元）"}, money=("amount",), note="注：<说明>")


def test_a_table_has_its_caption_header_cells_and_note():
    frame = pd.DataFrame({"item": ["<script>", "一个超过十六个字符的很长很长的项目名称啊"], "amount": [1230000, None]})
    out = render.table_html(Table(LAYOUT, frame, number=2))
    assert out.startswith('<div class="qd-table-wrap"><p class="qd-caption"><b>表2 测试表</b></p>')
    assert '<thead><tr><th class="qd-keep">项目</th><th>金额（万元）</th></tr></thead>' in out
    assert '<td class="qd-short">&lt;script&gt;</td><td class="qd-num">123.00</td>' in out
    assert '<td class="qd-long">一个超过十六个字符的很长很长的项目名称啊</td><td class="qd-short">未披露</td>' in out
    assert out.endswith('<p class="qd-note">注：&lt;说明&gt;</p></div>')


@pytest.mark.parametrize(("text", "cls"), [
    ("-3.65%", "qd-num"), ("152.30+未披露", "qd-num"), ("SL-2019-2.2-DX", "qd-code"), ("未披露", "qd-short"),
    ("一个超过十六个字符的很长很长的项目名称啊", "qd-long")])
def test_figures_are_right_aligned_and_codes_unbroken(text, cls):
    assert render.cell_class(text) == cls
    css = render.REPORT_CSS
    assert "td.qd-num {\n  text-align: right; white-space: nowrap;" in css and "td.qd-code { white-space: nowrap; }" in css


def test_a_demo_table_says_so_in_its_caption():
    out = render.table_html(Table(LAYOUT, pd.DataFrame({"item": ["甲"], "amount": [1]}), demo=True))
    assert '<b>测试表（示例数据）</b>' in out


def test_a_chart_is_drawn_when_rendered_and_embedded_as_a_png_with_its_alt_text():
    def draw():
        fig = plt.figure(figsize=(2, 1), dpi=50)
        fig.add_subplot().bar([1], [1])
        return fig

    out = render.block_html(Chart("c", draw, "图<1>"))
    head, data = out.split("base64,", 1)
    png = base64.b64decode(data.split('"', 1)[0])
    assert head == '<figure class="qd-figure"><img src="data:image/png;' and png.startswith(b"\x89PNG")
    assert out.endswith('alt="图&lt;1&gt;"></figure>')
    assert not plt.get_fignums()  # the figure is closed once embedded


def test_block_html_dispatches_by_kind():
    assert render.block_html(para("一段")) == '<p class="qd-p">一段</p>'
    assert render.block_html(Table(LAYOUT, pd.DataFrame({"item": [], "amount": []}))).startswith('<div class="qd-table-wrap">')


def test_headings_in_markdown_for_the_notebook_and_in_html_for_the_page():
    assert render.heading_markdown("一、项目概况", "说明。") == "## 一、项目概况\n\n说明。"
    assert render.heading_markdown("一、项目概况", "") == "## 一、项目概况"
    assert render.section_html("一、<概况>", "说明") == '<h2>一、&lt;概况&gt;</h2><p class="qd-p">说明</p>'
    assert render.section_html("二、执行", "") == "<h2>二、执行</h2>"


def test_show_displays_each_block_the_report_shows(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    hidden = Table(LAYOUT, pd.DataFrame({"item": [], "amount": []}), shown=False)
    render.show([para("一段"), hidden, para("二段")])
    assert [o.data for o in shown] == ['<p class="qd-p">一段</p>', '<p class="qd-p">二段</p>']
    shown.clear()
    render.show_heading("一、项目概况", "说明。")
    assert [type(o).__name__ for o in shown] == ["Markdown"] and shown[0].data == "## 一、项目概况\n\n说明。"


def test_a_figure_in_a_column_of_text_is_unbroken_but_not_pushed_right():
    layout = TableLayout("t", "指标", {"a": "指标值", "b": "实际完成值"})
    out = render.table_html(Table(layout, pd.DataFrame({"a": ["≥80条", "100%"], "b": ["91条", "99.2%"]})))
    assert '<td class="qd-short">≥80条</td><td class="qd-num">91条</td>' in out
    assert '<td class="qd-code">100%</td><td class="qd-num">99.2%</td>' in out


def test_item_codes_and_sequence_numbers_are_codes_aligned_as_text_and_money_stays_right():
    layout = TableLayout("t", "逐项", {"no": "序号", "code": "编号", "amount": "金额（万元）"}, money=("amount",))
    out = render.table_html(Table(layout, pd.DataFrame({"no": ["1", "2"], "code": ["1.1", "1.10"],
                                                        "amount": [667000, 33100]})))
    assert '<td class="qd-code">1</td><td class="qd-code">1.1</td><td class="qd-num">66.70</td>' in out
    assert '<td class="qd-code">2</td><td class="qd-code">1.10</td><td class="qd-num">3.31</td>' in out
    assert "td.qd-code { white-space: nowrap; }" in render.REPORT_CSS  # never broken, left as the header's text


def test_a_short_header_stays_on_one_line_beside_long_text_a_long_one_wraps():
    """The 主要问题 table: 严重程度 over cells of one character (高, 中) beside long 依据 wrapped no more a character
    per line."""
    layout = TableLayout("主要问题", "主要问题与建议", {"severity": "严重程度", "basis": "依据", "amount": "年度金额（万元）"},
                         money=("amount",))
    frame = pd.DataFrame({"severity": ["高"], "basis": ["长" * 200], "amount": [1230000]})
    out = render.table_html(Table(layout, frame))
    assert '<th class="qd-keep">严重程度</th><th class="qd-keep">依据</th><th>年度金额（万元）</th>' in out
    screen, paper = render.REPORT_CSS.split("@media print {\n  .jp-RenderedHTMLCommon")
    assert "table.qd-table th.qd-keep { white-space: nowrap; }" in screen  # one line on a 1280 px screen
    assert "table.qd-table th.qd-keep { white-space: normal; min-width: 2em; }" in paper  # 严重 / 程度 on A4

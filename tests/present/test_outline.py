"""A report as an ordered tuple of sections: blocks built once, shown tables numbered in order, titled sections
numbered 一、二、…; shown in a notebook or written as one HTML fragment."""

from __future__ import annotations

import pandas as pd
import pytest

from qdanalysis.present.blocks import Table, TableLayout, para
from qdanalysis.present.outline import Outline
from qdanalysis.present.sections.base import Section


def _table(name: str, shown: bool = True) -> Table:
    return Table(TableLayout(name, f"{name}表", {"a": "甲"}), pd.DataFrame({"a": [1]}), shown=shown)


@pytest.fixture
def calls():
    return []


@pytest.fixture
def outline(calls):
    def head(ctx):
        calls.append("head")
        return [para("{t}", "title", t=ctx["title"])]

    def first(ctx):
        calls.append("first")
        return [para("第一节。"), _table("一"), _table("明细", shown=False)]

    def second(ctx):
        calls.append("second")
        return [_table("二"), para("第二节。"), _table("三")]

    sections = [Section("head", "", "", head), Section("first", "概况", "概况说明。", first),
                Section("second", "执行", "", second)]
    return Outline({"title": "报告"}, sections)


def test_shown_tables_are_numbered_in_order_of_appearance_and_detail_sheets_are_not(outline):
    assert outline.numbers() == {"一": 1, "二": 2, "三": 3}
    assert [b.caption for b in outline.blocks("first") if isinstance(b, Table)] == ["表1 一表", "明细表"]
    assert outline.blocks("second")[2].caption == "表3 三表"


def test_each_sections_blocks_are_built_once(outline, calls):
    outline.blocks("second")
    outline.numbers()
    outline.parts()
    outline.html()
    assert calls == ["head", "first", "second"]


def test_only_titled_sections_have_a_numbered_heading(outline):
    assert outline.headings() == {"first": "一、概况", "second": "二、执行"}
    assert [(h, i, len(b)) for h, i, b in outline.parts()] == [("", "", 1), ("一、概况", "概况说明。", 3), ("二、执行", "", 3)]
    assert outline.section("second").title == "执行"


def test_the_html_fragment_holds_headings_and_shown_blocks_only(outline):
    out = outline.html()
    assert '<h1 class="qd-title">报告</h1><h2>一、概况</h2><p class="qd-p">概况说明。</p><p class="qd-p">第一节。</p>' in out
    assert "表1 一表" in out and "明细表" not in out and out.index("表2 二表") < out.index("第二节。")
    assert out.count("<h2>") == 2


def test_show_displays_headings_as_markdown_then_the_blocks(outline, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append((type(obj).__name__, obj.data)))
    outline.show()
    kinds = [k for k, _ in shown]
    assert kinds == ["HTML", "Markdown", "HTML", "HTML", "Markdown", "HTML", "HTML", "HTML"]
    assert shown[1] == ("Markdown", "## 一、概况\n\n概况说明。") and shown[4] == ("Markdown", "## 二、执行")

"""Renderer-neutral blocks: paragraphs of parts, tables of raw values formatted only as text, charts."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from qdanalysis.present.blocks import (
    DERIVED,
    NOTE,
    STATED,
    UNDISCLOSED,
    Chart,
    Figure,
    Paragraph,
    Placeholder,
    Table,
    TableLayout,
    Text,
    bold,
    derived,
    figure,
    joined,
    para,
    plain_text,
    table,
    text_cell,
)


def test_a_template_becomes_parts_values_of_parts_kept_other_values_plain_text():
    p = para("预算{budget}，其中{rest}未列明（{n:,}项）。{who}", NOTE, key="budget", budget="941.00万元",
             rest=derived("401.37万元", "执行数减已列明的金额"), n=1234, who=Placeholder("评价结论"))
    assert p.parts == (Text("预算941.00万元，其中"), Figure("401.37万元", DERIVED, "执行数减已列明的金额"),
                       Text("未列明（1,234项）。"), Placeholder("评价结论"))
    assert (p.style, p.key) == (NOTE, "budget")
    assert p.text == "预算941.00万元，其中401.37万元未列明（1,234项）。【待评价组填写：评价结论】"


def test_adjacent_plain_parts_of_the_same_weight_are_one_run():
    p = para("{a}{b}{c}", a="甲", b=bold("乙"), c=bold("丙"))
    assert p.parts == (Text("甲"), Text("乙丙", bold=True))
    both = joined(para("一。"), para("二{x}", x=bold("三")))
    assert both.parts == (Text("一。二"), Text("三", bold=True)) and both.style == "p"


def test_figures_say_what_they_are():
    assert figure("941.00万元") == Figure("941.00万元", STATED)
    assert figure("未披露").kind == UNDISCLOSED
    assert derived("81.72万元", "月租之差×12").kind == DERIVED == "推算"
    assert not Figure("1").bold and not Placeholder("x").bold and bold(12) == Text("12", bold=True)


LAYOUT = TableLayout("明细", "预算明细", {"item": "项目", "budget": "预算数（万元）", "rate": "执行率", "n": "项目数",
                                          "month": "月份", "reference": "最近采购", "note": "备注", "extra": "另列"},
                     money=("budget",), percent=("rate",), integer=("n",), dates=("month", "reference"),
                     text={"note": lambda v: f"〔{v}〕"}, note="注：示例。")


def frame() -> pd.DataFrame:
    return pd.DataFrame({"item": ["甲", None], "budget": [Decimal("667000.00"), None], "rate": [0.9827, None],
                         "n": [1234, None], "month": [pd.Timestamp("2020-03-01"), pd.NaT],
                         "reference": [pd.Timestamp("2014-01-01"), pd.NaT], "note": ["说明", "无"]})


def test_a_table_is_written_as_text_by_the_kind_of_each_column():
    text = Table(LAYOUT, frame()).text_frame()
    assert list(text.columns) == ["项目", "预算数（万元）", "执行率", "项目数", "月份", "最近采购", "备注", "另列"]
    assert list(text.iloc[0]) == ["甲", "66.70", "98.27%", "1234", "2020年3月", "2014年", "〔说明〕", "—"]
    assert list(text.iloc[1]) == ["—", "未披露", "未披露", "未披露", "未披露", "未披露", "〔无〕", "—"]


def test_a_table_is_numbered_only_when_the_report_numbers_it():
    t = Table(LAYOUT, frame())
    assert (t.key, t.caption) == ("明细", "预算明细")
    t.number = 3
    assert t.caption == "表3 预算明细"


def test_plain_text_holds_paragraphs_and_tables_never_charts():
    blocks = [para("第一段。"), Chart("c", lambda: pytest.fail("drawn"), "图"), Table(LAYOUT, frame().iloc[:1], number=1)]
    assert plain_text(blocks) == ("第一段。\n表1 预算明细项目,预算数（万元）,执行率,项目数,月份,最近采购,备注,另列\n"
                                  "甲,66.70,98.27%,1234,2020年3月,2014年,〔说明〕,—\n注：示例。")


def test_a_table_declared_where_it_is_made():
    t = table(pd.DataFrame({"year": [2020], "budget": [9410000], "share": [0.5]}), {"year": "年度", "budget": "预算数",
              "share": "占比"}, "各年度预算", money=["budget"], percent=["share"], formats={"year": str}, demo=True,
              note="注")
    assert (t.key, t.caption, t.demo, t.number, t.layout.note) == ("各年度预算", "各年度预算", True, None, "注")
    assert list(t.text_frame().iloc[0]) == ["2020", "941.00", "50.00%"]


def test_a_missing_label_is_a_dash_and_any_other_value_its_text():
    assert text_cell(None) == "—" and text_cell(float("nan")) == "—" and text_cell(pd.NaT) == "—"
    assert text_cell(0) == "0" and text_cell("未披露") == "未披露"


def test_a_paragraph_is_its_parts_in_order():
    assert Paragraph((Text("a"), Figure("1"), Text("b", bold=True))).text == "a1b"


def test_a_reference_to_a_table_says_its_number_once_the_output_gives_one():
    from qdanalysis.present.blocks import Ref, numbered

    p = para("分类见{ref}，{missing}未列出。", ref=Ref("分类支出"), missing=Ref("同带宽价格"))
    assert p.text == "分类见“分类支出”表，“同带宽价格”表未列出。"  # no number yet: the table's name, never a guess
    done = numbered(p, {"分类支出": 3})
    assert done.text == "分类见表3，“同带宽价格”表未列出。" and p.text.startswith("分类见“分类支出”表")  # a copy
    assert numbered(para("没有引用。"), {"分类支出": 3}).text == "没有引用。"

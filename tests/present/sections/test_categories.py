"""三、分类支出: the largest category, the 未逐项列明 remainder as 推算, its note only where the row is."""

from __future__ import annotations

from section_checks import context, figures, paragraphs, shape

from qdanalysis.present.sections import categories


def test_2020_names_the_largest_category_and_the_derived_remainder(ctx2020):
    blocks = categories.blocks(ctx2020)
    assert shape(blocks) == ["p", "chart:category_spending", "table:分类支出"]
    assert paragraphs(blocks) == [
        "按类别看，已列明金额最多的是“网络线路及安全保障”（253.42万元，占预算总额26.93%）；“未逐项列明”部分为433.28万元"
        "（46.04%，推算：预算合计减已列明数），图中以斜线表示，不按零计。"]
    assert figures(blocks) == [("433.28万元", "推算", "预算合计减已列明数"), ("46.04%", "推算", "预算合计减已列明数")]


def test_the_table_notes_the_remainder_row(ctx2020):
    table = categories.table(ctx2020)
    assert table.layout.note.startswith("注：“未逐项列明”一行的项目已分别计入上列各类的项目数")
    assert list(table.frame["category"])[-2:] == ["未逐项列明", "合计"]
    assert [t.key for t in categories.sheets(ctx2020)] == ["分类支出"]


def test_without_a_remainder_there_is_neither_its_sentence_nor_its_note(analysis2020):
    cats = analysis2020.categories
    ctx = context(analysis2020, categories=cats[cats["category"] != "未逐项列明"])
    blocks = categories.blocks(ctx)
    assert paragraphs(blocks) == ["按类别看，金额最多的是“网络线路及安全保障”（253.42万元，占预算总额26.93%）；各项目均列明了预算数。"]
    assert figures(blocks) == [] and categories.table(ctx).layout.note == ""


def test_without_any_category_budget_only_the_chart_and_the_table_remain(analysis2020):
    cats = analysis2020.categories.assign(budget=None)
    assert shape(categories.blocks(context(analysis2020, categories=cats))) == ["chart:category_spending",
                                                                                "table:分类支出"]

"""What a table cell's text is, shared by the HTML, Word and Excel renderers."""

from __future__ import annotations

import pytest

from qdanalysis.present.render import cells


@pytest.mark.parametrize(("text", "kind"), [
    ("-3.65%", cells.NUMBER), ("−3.65%", cells.NUMBER), ("1,234.50", cells.NUMBER), ("1 234.50", cells.NUMBER),
    ("636.24万", cells.NUMBER), ("+2.62个百分点", cells.NUMBER), ("152.30+未披露", cells.NUMBER),
    ("34→36", cells.NUMBER), ("9.62倍", cells.NUMBER), ("SL-2019-2.2-DX", cells.CODE), ("未披露", cells.SHORT),
    ("口径不同", cells.SHORT), ("2019年", cells.SHORT), ("其后未重新采购，续签前未进行市场询价", cells.LONG)])
def test_each_cell_is_a_figure_a_code_or_text(text, kind):
    assert cells.cell_kind(text) == kind
    assert cells.is_figure(text) == (kind == cells.NUMBER)
    assert cells.unbroken(text) == (kind in (cells.NUMBER, cells.CODE))


@pytest.mark.parametrize(("text", "marked"), [("-3.65%", True), ("91条", True), ("1,234.50", True), ("+2", True),
                                              ("1.1", False), ("12", False), ("SL-2019-2.2-DX", False)])
def test_a_spreadsheet_tells_a_figure_from_an_item_code_by_its_marks(text, marked):
    assert cells.is_marked_figure(text) is marked


def test_a_column_mixing_figures_with_text_keeps_its_figures_with_the_text():
    # 指标值: ≥80条 and 健全 are text; 100% among them stays on one line but is not pushed right
    assert cells.column_kinds(["≥80条", "100%", "健全"]) == [cells.SHORT, cells.CODE, cells.SHORT]
    assert cells.column_kinds(["-3.65%", "未披露", "—", "152.30+未披露"]) == [cells.NUMBER, cells.SHORT, cells.SHORT,
                                                                          cells.NUMBER]


@pytest.mark.parametrize("header", ["编号", "项目编号", "序号", "上年序号", "合同编号", "问题编号", "年度", "起始年度",
                                    "项目\n编号"])
def test_a_column_of_identifiers_holds_codes_aligned_as_text_not_figures(header):
    # item codes 1.1, 1.10 and sequence numbers are not money: kept whole, but not pushed right
    assert cells.is_identifier(header)
    assert cells.column_kinds(["1.1", "1.10", "12", "F05-1", "2020", "—"], header) == [
        cells.CODE, cells.CODE, cells.CODE, cells.CODE, cells.CODE, cells.SHORT]


@pytest.mark.parametrize("header", ["金额（万元）", "2020年", "年度数", "项目", "执行率", ""])
def test_other_columns_keep_their_figures_right_aligned(header):
    assert not cells.is_identifier(header)
    assert cells.column_kinds(["1.10", "66.70"], header) == [cells.NUMBER, cells.NUMBER]

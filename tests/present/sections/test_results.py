"""八、产出与成效: the results as the sheet states them, or a placeholder for the evaluation team."""

from __future__ import annotations

from section_checks import context, paragraphs, placeholders, shape

from qdanalysis.present.sections import results


def test_2020_lists_the_sheets_results(ctx2020):
    blocks = results.blocks(ctx2020)
    assert shape(blocks) == ["p", "table:产出与成效"]
    assert paragraphs(blocks) == ["“产出与成效”表列有15项产出和成效，数值按来源原文列示，未经本工作簿核实。"]
    assert list(blocks[1].text_frame().columns) == ["名称", "数值", "单位", "来源"]


def test_without_the_sheet_the_team_is_asked_to_fill_it(analysis2020):
    blocks = results.blocks(context(analysis2020, frames={"results": analysis2020.data.results.iloc[0:0]}))
    assert shape(blocks) == ["warning"]
    assert placeholders(blocks) == ["产出与成效（可在“产出与成效”表中逐项填写名称、数值、单位和来源）"]


def test_the_sheet_and_the_dimension(ctx2020):
    [sheet] = results.sheets(ctx2020)
    assert sheet.key == "产出与成效" and len(sheet.frame) == 15
    assert results.SECTION.dimension == "产出"

"""八、产出与成效: the results as the sheet states them, or a placeholder for the evaluation team."""

from __future__ import annotations

from section_checks import context, paragraphs, placeholders, shape

from qdanalysis.present.sections import results


def test_2020_lists_the_sheets_results(ctx2020):
    blocks = results.blocks(ctx2020)
    assert shape(blocks) == ["p", "table:产出与成效"]
    assert paragraphs(blocks) == ["“产出与成效”表列有15项产出和成效，数值按来源原文列示，未经本工作簿核实。其中2项为本项目"
                                  "绩效指标的完成值；其余13项为单位整体工作成效，数据未载明由本项目资金形成，不作为本项目的产出。"]
    table = blocks[1].text_frame()
    assert list(table.columns) == ["名称", "数值", "单位", "口径", "来源"]
    scope = dict(zip(table["名称"], table["口径"]))
    assert scope["市视频监控资源共享平台汇聚视频资源"] == "本项目指标：整合视频监控数量"  # 5.1万路, the indicator's actual
    for bureau_wide in ("中央数据库归集数据总量", "全市网上流转文件总数", "第二次全国重点城市网上政务服务能力评估排名（2021年5月）"):
        assert scope[bureau_wide] == "单位整体工作成效", bureau_wide  # 13亿条, 8000万件, the 2021年5月 ranking


def test_without_the_sheet_the_team_is_asked_to_fill_it(analysis2020):
    blocks = results.blocks(context(analysis2020, frames={"results": analysis2020.data.results.iloc[0:0]}))
    assert shape(blocks) == ["warning"]
    assert placeholders(blocks) == ["项目产出与成效（名称、数值、单位和来源）"]


def test_the_sheet_and_the_dimension(ctx2020):
    [sheet] = results.sheets(ctx2020)
    assert sheet.key == "产出与成效" and len(sheet.frame) == 15
    assert results.SECTION.dimension == "产出"

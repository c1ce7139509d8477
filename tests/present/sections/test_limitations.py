"""十一、其他需要说明的问题: what the data lacks, each with what to supply; not the unit's problems."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.present.sections import limitations


def test_2020_lists_each_limitation_with_what_to_supply(ctx2020):
    blocks = limitations.blocks(ctx2020)
    assert shape(blocks) == ["p", "p", "note", "p", "note", "p", "note"]
    texts = paragraphs(blocks)
    assert texts[0] == "以下3项属于数据本身的局限，不列为项目单位的问题；补充相关材料后，相应结论应重新核对。"
    assert texts[1].startswith("绩效指标缺少完成值佐证：11个绩效指标中8个（72.73%）没有报告完成值")
    assert texts[2].startswith("需补充：项目单位为每个指标明确数据来源和采集方式")
    # the items the source says were carried out are not said to be unknown
    assert texts[3].startswith("计划项目无支付或合同记录：29个预算项目中17个无支付或合同记录，执行数未披露。其中1.9 青岛市级视频监控资源"
                               "共享平台服务项目、4.1 规划执行情况评估、4.2 青岛市智慧城市建设情况评估共3个项目，资料述及其实施情况")
    # the 1.2/1.3/1.4 network-maintenance overlap, as a question for the team
    assert texts[5].startswith("相近运维项目的接续与分工待核实：1.3 网络设备、Radware负载均衡、网闸等设备的维保及配件的合同服务期至"
                               "2020年4月3日")


def test_each_limitation_carries_the_key_the_draft_places_it_by_and_a_bold_title(ctx2020):
    items = [b for b in limitations.blocks(ctx2020) if b.key]
    assert [b.key for b in items] == ["limitation", "limitation", "limitation"]
    assert [p.text for p in items[0].parts if p.bold] == ["绩效指标缺少完成值佐证"]


def test_no_limitation_is_said_in_one_sentence(analysis2020):
    blocks = limitations.blocks(context(analysis2020, limitations=[]))
    assert paragraphs(blocks) == ["数据未显示需要说明的局限。"]


def test_the_excel_sheet_lists_them_and_is_not_shown_in_the_report(ctx2020):
    [sheet] = limitations.sheets(ctx2020)
    assert (sheet.key, sheet.shown, len(sheet.frame)) == ("数据局限", False, 3)
    assert sheet.layout.caption == "其他需要说明的问题（数据局限）"

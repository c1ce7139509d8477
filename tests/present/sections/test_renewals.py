"""六、合同续签与成本增长: the recurring share, each renewal's growth, the years without competition."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.present.sections import renewals


def test_2020_sentences(ctx2020):
    blocks = renewals.blocks(ctx2020)
    assert shape(blocks) == ["p", "p", "p", "p", "p", "chart:renewals", "table:合同续签"]
    assert paragraphs(blocks) == [
        "按年、按月或按条持续付费的项目（刚性支出）列明预算507.72万元，占预算总额53.96%（11个项目；其中2个项目预算未披露，未计入）。",
        "“电子政务机房UPS等关键设备维护服务费”自2019年起续签1次，续签金额未披露（2019年合同金额66.70万元），无法计算增长。",
        "“电子政务核心网络设备安全设备维护费”自2019年起续签1次，续签金额未披露（2019年合同金额72.80万元），无法计算增长。",
        "“全市机关Internet专线费”（中国联通）自2014年的合同起未见竞争性采购（2014—2020年，共7个年度），"
        "按现年度金额推算期间支出约638.40万元（推算：91.20万元×7个年度）。",
        "“金宏短信平台通信费”（供应商未披露）自2017年的合同起未见竞争性采购（2017—2020年，共4个年度）。"]


def test_items_whose_billing_is_not_written_are_named_as_not_counted(analysis2020):
    recurring = {**analysis2020.recurring, "items_unknown": ["1.4 维保", "1.8 蓄电池"]}
    first = paragraphs(renewals.blocks(context(analysis2020, recurring=recurring)))[0]
    assert first.endswith("另有2个项目（1.4 维保、1.8 蓄电池）的合同未写明计费方式，无法判断是否持续付费，未计入。")


def test_a_renewal_with_its_amounts_gives_its_growth_and_a_tender_on_record_says_when(analysis2020):
    summary = analysis2020.renewals.copy()
    summary.loc[7, "cagr"] = 0.05
    summary.loc[4, "competition_on_record"] = True
    texts = paragraphs(renewals.blocks(context(analysis2020, renewals=summary)))
    assert "“电子政务机房UPS等关键设备维护服务费”自2019年起续签1次，年均增长5.00%。" in texts
    assert ("“全市机关Internet专线费”（中国联通）最近一次竞争性采购在2014年（2014—2020年，共7个年度），"
            "按现年度金额推算期间支出约638.40万元（推算：91.20万元×7个年度）。") in texts


def test_the_table_names_an_undisclosed_vendor_so(ctx2020):
    [sheet] = renewals.sheets(ctx2020)
    assert sheet.key == "合同续签" and len(sheet.frame) == 12
    vendors = list(sheet.text_frame()["供应商"])
    assert vendors[0] == "未披露" and vendors[4] == "中国联通"
    assert renewals.SECTION.dimension == "过程"

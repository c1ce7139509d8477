"""六、合同续签与成本增长: the recurring share, each renewal's growth, the years without competition."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.present.sections import renewals


def test_2020_sentences(ctx2020):
    blocks = renewals.blocks(ctx2020)
    assert shape(blocks) == ["p", "p", "p", "p", "p", "chart:renewals", "table:合同续签"]
    assert paragraphs(blocks) == [
        # 1.3's contract ended on 2020-04-03: a tail payment, not recurring
        "按年、按月或按条持续付费或续签的合同所对应的项目（刚性支出）列明预算507.72万元，占预算总额53.96%（10个项目；其中1个项目预算未披露，未计入）。"
        "1.3的合同服务期已在本年内结束、未续签，本年支付为尾款，不计为刚性支出。",
        "“电子政务机房UPS等关键设备维护服务费”自2019年起续签1次，续签金额未披露（2019年合同金额66.70万元），无法计算增长。",
        "“电子政务核心网络设备安全设备维护费”自2019年起续签1次，续签金额未披露（2019年合同金额72.80万元），无法计算增长。",
        # the 2014 contract is itself a 续租: at least 7 years; the sum since 2014 stays in the table (推算)
        "“全市机关Internet专线费”（中国联通）自2014年续租合同起未见竞争性采购（2014—2020年，至少7年）。",
        "“金宏短信平台通信费”（供应商未披露）自2017年的合同起未见竞争性采购（2017—2020年，共4个年度）。"]


def test_items_whose_billing_is_not_written_are_named_as_not_counted(analysis2020):
    recurring = {**analysis2020.recurring, "items_unknown": ["1.4 维保", "1.8 蓄电池"]}
    first = paragraphs(renewals.blocks(context(analysis2020, recurring=recurring)))[0]
    assert "另有2个项目（1.4 维保、1.8 蓄电池）的合同未写明计费方式，无法判断是否持续付费，未计入。" in first


def test_a_renewal_with_its_amounts_gives_its_growth_and_a_tender_on_record_says_when(analysis2020):
    summary = analysis2020.renewals.copy()
    summary.loc[7, "cagr"] = 0.05
    assert summary.loc[7, "item"] == "电子政务机房UPS等关键设备维护服务费" and summary.loc[4, "vendor"] == "中国联通"
    summary.loc[4, "competition_on_record"] = True
    texts = paragraphs(renewals.blocks(context(analysis2020, renewals=summary)))
    assert "“电子政务机房UPS等关键设备维护服务费”自2019年起续签1次，年均增长5.00%。" in texts
    assert "“全市机关Internet专线费”（中国联通）最近一次竞争性采购在2014年（2014—2020年，共7个年度）。" in texts


def test_the_table_names_an_undisclosed_vendor_so(ctx2020):
    [sheet] = renewals.sheets(ctx2020)
    assert sheet.key == "合同续签" and len(sheet.frame) == 11  # 1.3 ended in 2020: not a running contract
    assert sheet.layout.columns["spent_since"] == "期间推算支出（万元）"  # the sums since the first contracts are 推算
    vendors = list(sheet.text_frame()["供应商"])
    assert vendors[0] == "未披露" and vendors[4] == "中国联通"
    assert renewals.SECTION.dimension == "过程"

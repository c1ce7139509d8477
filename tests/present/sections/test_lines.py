"""四、网络线路: line costs (推算), the same bandwidth's prices, monthly and yearly costs, the line-count target."""

from __future__ import annotations

from decimal import Decimal

from section_checks import context, figures, paragraphs, shape

from qdanalysis.present.sections import lines


def test_2020_blocks_in_order(ctx2020):
    assert shape(lines.blocks(ctx2020)) == [
        "p", "chart:line_costs", "table:线路费用", "note", "p", "chart:bandwidth_prices", "p",
        "p", "chart:yearly_line_cost", "p", "chart:line_count"]  # twelve equal months: a sentence, no chart


def test_2020_sentences(ctx2020):
    cost, note, price, monthly, yearly, count = paragraphs(lines.blocks(ctx2020))
    # the 92 units are the 2018 count of organisations, and one line each is an assumption: said wherever they are used
    assert cost == ("线路清单列有3条线路，另有92个单位的接入线路（2018年外联网单位数；每单位线路条数未披露，按每单位1条假设测算），"
                    "按月租测算年费用218.72万元（推算：月租×数量×12）。")
    assert note == ("注：单位接入（主、副线路）一行的92个单位（2018年外联网单位数；每单位线路条数未披露）按每单位1条假设测算，"
                    "月费用8.67万元、年费用104.00万元。")
    assert price == ("同为1000M互联网出口，中国联通月租7.60万元，是中国电信（0.79万元）的9.6倍；两条线路服务等级是否相同有待核实；"
                     "如服务可比，年价差约81.72万元（推算：月租之差×12）。")
    assert monthly == ("按合同台账中按月计费的合同推算，2020年线路每月18.23万元，全年合计218.72万元（推算：合同月费×数量，"
                       "服务期内逐月计，为合同应计费用，不是支付记录）（其中单位接入按2018年外联网单位数92个、每单位1条假设测算）。")
    # a sum since the first contract says nothing about the year: the chart alone shows the estimate
    assert yearly == "自2014年最早的线路合同起，按合同月费推算的逐年费用见下图（以当前月费推算，并非历年实际支付）。"
    assert count == ("绩效目标“保障网络线路数量≥80条”：线路清单列有3条线路和92个单位的接入线路（2018年外联网单位数；每单位条数未披露，"
                     "线路总数不详，无法据此判断是否达到目标）；完成值未披露。")


def test_every_estimate_is_a_derived_figure_with_its_basis(ctx2020):
    basis = "合同月费×数量，服务期内逐月计"
    assert figures(lines.blocks(ctx2020)) == [("218.72万元", "推算", "月租×数量×在用月数"), ("81.72万元", "推算", "月租之差×12"),
                                              ("每月18.23万元", "推算", basis), ("218.72万元", "推算", basis)]


def test_a_year_without_a_line_inventory_says_so(analysis2020):
    blocks = lines.blocks(context(analysis2020, frames={"lines": analysis2020.data.lines.iloc[0:0]}))
    assert shape(blocks) == ["note"] and paragraphs(blocks) == ["本年度未提供线路清单。"]


def test_lines_counted_in_lines_only_and_a_reported_count(analysis2020):
    count = {**analysis2020.line_count, "units": 0, "reported": 85}
    texts = paragraphs(lines.blocks(context(analysis2020, line_count=count)))
    assert texts[0] == "线路清单共3条线路，按月租测算年费用218.72万元（推算：月租×条数×12）。"
    assert texts[-1] == "绩效目标“保障网络线路数量≥80条”：线路清单列有3条；报告完成值为85条。"


def test_months_that_cost_differently_give_a_range(analysis2020):
    ctx = context(analysis2020, headline={"monthly_line_low": Decimal("100000"), "monthly_line_high": Decimal("182264")})
    assert "2020年线路月费用在10.00万元至18.23万元之间，全年合计218.72万元（推算：" in paragraphs(lines.blocks(ctx))[3]


def test_months_that_differ_get_a_chart_and_a_sheet_equal_months_neither(analysis2020):
    monthly = analysis2020.monthly_lines
    first = monthly.index[0]
    cheaper = monthly.assign(cost=[c / 2 if i == first else c for i, c in zip(monthly.index, monthly["cost"])])
    ctx = context(analysis2020, monthly_lines=cheaper)
    assert "chart:monthly_line_cost" in shape(lines.blocks(ctx))
    sheet = lines.sheets(ctx)[-1]
    assert sheet.key == "月度线路费用" and sheet.layout.columns["cost"] == "费用（推算，万元）"
    assert "推算" in sheet.layout.caption


def test_without_monthly_contracts_earlier_years_or_a_target_those_parts_are_left_out(analysis2020):
    ctx = context(analysis2020, monthly_lines=analysis2020.monthly_lines.iloc[0:0],
                  yearly_lines=analysis2020.yearly_lines[analysis2020.yearly_lines["year"] == 2020],
                  line_count={**analysis2020.line_count, "target_text": ""},
                  prices=analysis2020.prices.iloc[0:0])
    assert shape(lines.blocks(ctx)) == ["p", "chart:line_costs", "table:线路费用", "note"]


def test_the_sheets_hold_the_prices_as_detail_and_no_months_that_all_cost_the_same(ctx2020):
    costs, prices = lines.sheets(ctx2020)  # 48 rows of the same four monthly fees would say nothing more
    assert [(t.key, t.shown) for t in (costs, prices)] == [("线路费用", True), ("同带宽价格", False)]
    assert lines.SECTION.dimension == "产出"


def test_the_price_per_mbps_is_written_with_two_decimals_or_undisclosed():
    fmt = lines.LINE_COSTS.text["cost_per_mbps_month"]
    assert fmt(Decimal("76.5")) == "76.50" and fmt(None) == "未披露" and fmt(float("nan")) == "未披露"

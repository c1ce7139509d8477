"""四、网络线路: line costs by carrier and type, the same bandwidth's prices, monthly and yearly costs,
and the lines listed against the line-count target."""

from __future__ import annotations

from qdanalysis.domain import UNDISCLOSED
from qdanalysis.fmt import format_number, times, wan
from qdanalysis.money import is_missing
from qdanalysis.present.blocks import NOTE, Block, Chart, Table, TableLayout, derived, drawing, para
from qdanalysis.present.sections.base import Context, Section

LINE_COSTS = TableLayout(
    "线路费用", "线路费用",
    {"carrier": "运营商", "line_type": "线路类型", "lines": "条数", "units": "按单位计数（个）",
     "bandwidth_mbps": "带宽（Mbps）", "monthly_cost": "月费用（万元）", "annual_cost": "年费用（推算，万元）",
     "cost_per_mbps_month": "每Mbps月费用（元）"},
    money=("monthly_cost", "annual_cost"), integer=("lines", "units", "bandwidth_mbps"),
    number_formats={"cost_per_mbps_month": "0.00"},
    text={"cost_per_mbps_month": lambda v: UNDISCLOSED if is_missing(v) else format_number(v, 2)})

PRICES = TableLayout(
    "同带宽价格", "同带宽线路价格对比",
    {"line_type": "线路类型", "bandwidth_mbps": "带宽（Mbps）", "carrier": "运营商", "monthly_fee": "月费（万元）",
     "ratio_to_cheapest": "为最低价的倍数"},
    money=("monthly_fee",), integer=("bandwidth_mbps",), number_formats={"ratio_to_cheapest": '0.0"倍"'})

MONTHLY_LINES = TableLayout(
    "月度线路费用", "按月计费线路合同的月度费用（推算：合同月费×数量，服务期内逐月计）",
    {"month": "月份", "item_code": "项目编号", "item": "项目", "vendor": "供应商", "cost": "费用（推算，万元）"},
    money=("cost",), dates=("month",), detail=True)


def blocks(ctx: Context) -> list[Block]:
    d, an = ctx.data, ctx.analysis
    costs, prices, count = an.line_costs, an.prices, an.line_count
    if d.lines.empty:
        return [para("本年度未提供线路清单。", NOTE)]
    source = ctx.source("线路清单")
    total_annual = derived(wan(an.headline.line_annual_cost), "月租×数量×在用月数")
    months = "12" if costs["full_year"].all() else f"{d.year}年在用月数（自起租日期起算）"
    if count["units"]:
        out: list[Block] = [para(
            "线路清单列有{n}条线路，另有{units}个单位的接入线路（{basis}每单位线路条数未披露，按每单位1条假设测算），"
            "按月租测算年费用{annual}（推算：月租×数量×{months}）。", n=count["lines"], units=count["units"],
            basis=_units_basis(count), annual=total_annual, months=months)]
    else:
        out = [para("线路清单共{n}条线路，按月租测算年费用{annual}（推算：月租×条数×{months}）。", n=count["lines"],
                    annual=total_annual, months=months)]
    out.append(Chart("line_costs", drawing("lines", "line_costs", costs, source=source, demo=ctx.demo, year=d.year),
                     "线路费用"))
    out.append(ctx.table(LINE_COSTS, costs))
    out += _units_note(costs, count)
    for (line_type, bw), g in prices.groupby(["line_type", "bandwidth_mbps"], sort=False):
        hi, lo = g.iloc[0], g.iloc[-1]
        out.append(para(
            "同为{bw}M{lt}，{hc}月租{hf}，是{lc}（{lf}）的{ratio}；两条线路服务等级是否相同有待核实；"
            "如服务可比，年价差约{diff}（推算：月租之差×12）。",
            bw=format_number(bw, 0), lt=line_type, hc=hi["carrier"], hf=wan(hi["monthly_fee"]), lc=lo["carrier"],
            lf=wan(lo["monthly_fee"]), ratio=times(hi["ratio_to_cheapest"]),
            diff=derived(wan(hi["annual_gap"]), "月租之差×12")))
    if len(prices):
        out.append(Chart("bandwidth_prices", drawing("lines", "bandwidth_prices", prices, source=source, demo=ctx.demo,
                                                                             year=d.year), "同带宽价格对比"))
    out += _monthly(ctx) + _yearly(ctx) + _count(ctx)
    return out


def _units_basis(count: dict) -> str:
    """``2018年外联网单位数；`` where the data says what the organisations counted are, else empty."""
    return f"{count['units_note']}；" if count.get("units_note") else ""


def _units_note(costs, count: dict) -> list[Block]:
    """Under the table: the rows counted in organisations are costed on an assumption (one line each)."""
    by_unit = costs[costs["lines"].isna() & costs["units"].fillna(0).astype(int).gt(0)]
    if by_unit.empty:
        return []
    rows = "；".join(f"{r.line_type}一行的{int(r.units)}个单位（{_units_basis(count)}每单位线路条数未披露）"
                    f"按每单位1条假设测算，月费用{wan(r.monthly_cost)}、年费用{wan(r.annual_cost)}" for r in by_unit.itertuples())
    return [para("注：{rows}。", NOTE, rows=rows)]


def _monthly(ctx: Context) -> list[Block]:
    d, monthly, h = ctx.data, ctx.analysis.monthly_lines, ctx.analysis.headline
    if not len(monthly):
        return []
    low, high = h.monthly_line_low, h.monthly_line_high
    basis = "合同月费×数量，服务期内逐月计"
    spread = (derived(f"每月{wan(low)}", basis) if low == high
              else derived(f"月费用在{wan(low)}至{wan(high)}之间", basis))
    count = ctx.analysis.line_count
    counted = f"{count['units_note']}{count['units']}个" if count.get("units_note") else f"{count['units']}个单位"
    units = f"（其中单位接入按{counted}、每单位1条假设测算）" if count["units"] else ""
    text = para("按合同台账中按月计费的合同推算，{year}年线路{spread}，全年合计{total}（推算：{basis}，"
                "为合同应计费用，不是支付记录）{units}。", year=d.year, spread=spread,
                total=derived(wan(h.monthly_line_total), basis), basis=basis, units=units)
    if not varies(monthly):  # twelve equal bars would repeat the sentence: no chart
        return [text]
    return [text, Chart("monthly_line_cost", drawing("lines", "monthly_line_cost",
        monthly, source=ctx.source("合同台账"), demo=ctx.demo, year=d.year), "月度线路费用（推算）")]


def varies(monthly) -> bool:
    """Whether the months' line costs differ (a contract starting or ending within the year): only then do the
    months say more than one monthly figure, in a chart or a sheet."""
    totals = monthly.groupby("month")["cost"].sum()
    return len(totals) > 1 and totals.nunique() > 1


def _yearly(ctx: Context) -> list[Block]:
    d, yearly = ctx.data, ctx.analysis.yearly_lines
    if not (len(yearly) and yearly["year"].nunique() > 1):
        return []
    first = int(yearly["year"].min())
    source = ctx.source("合同台账") + "；按合同月费推算"
    return [para("自{first}年最早的线路合同起，按合同月费推算的逐年费用见下图（以当前月费推算，并非历年实际支付）。",
                 first=first),
            Chart("yearly_line_cost", drawing("lines", "yearly_line_cost", yearly, source=source, demo=ctx.demo,
                                                                      year=d.year), "历年线路费用")]


def _count(ctx: Context) -> list[Block]:
    d, count = ctx.data, ctx.analysis.line_count
    if not count["target_text"]:
        return []
    reported = count["reported"]
    listed = (f"{count['lines']}条线路和{count['units']}个单位的接入线路（{_units_basis(count)}每单位条数未披露，线路总数不详，"
              "无法据此判断是否达到目标）" if count["units"] else f"{count['lines']}条")
    return [para("绩效目标“保障网络线路数量{target}”：线路清单列有{listed}；{reported}。",
                 target=count["target_text"], listed=listed,
                 reported="完成值未披露" if reported is None else f"报告完成值为{format_number(reported, 0)}条"),
            Chart("line_count", drawing("lines", "line_count", count, source=ctx.source("线路清单", "绩效指标"),
                                                          demo=ctx.demo, year=d.year), "线路数量与目标")]


def sheets(ctx: Context) -> list[Table]:
    an = ctx.analysis
    out = [ctx.table(LINE_COSTS, an.line_costs), ctx.table(PRICES, an.prices, shown=False)]
    if len(an.monthly_lines) and varies(an.monthly_lines):
        out.append(ctx.table(MONTHLY_LINES, an.monthly_lines, shown=False))
    return out


SECTION = Section("lines", "网络线路",
                  "按运营商和线路类型的费用、同等带宽的价格对比、按合同服务期逐月计费的费用，以及线路数量与绩效目标。",
                  blocks, sheets, dimension="产出")

"""五、金宏短信: messages and their cost by month and department, and what a quantity target costs."""

from __future__ import annotations

from qdanalysis.domain import SETTLED, UNDISCLOSED
from qdanalysis.fmt import count_text, format_number, wan
from qdanalysis.present.blocks import NOTE, Block, Chart, Table, TableLayout, derived, drawing, para
from qdanalysis.present.sections.base import Context, Section

SMS_DEPARTMENTS = TableLayout(
    "各部门短信", "各部门短信",
    {"department": "部门", "count": "条数", "amount": "金额（万元）", "months_disclosed": "有数据的月数"},
    money=("amount",), integer=("count", "months_disclosed"), text={"count": count_text})

SMS_MONTHLY = TableLayout(
    "短信月度", "金宏短信月度发送量与费用",
    {"month": "月份", "count": "条数", "amount": "金额（万元）", "amount_basis": "金额依据"},
    money=("amount",), integer=("count",), dates=("month",), detail=True)


def blocks(ctx: Context) -> list[Block]:
    d, an = ctx.data, ctx.analysis
    if d.sms.empty:
        return [para("本年度未提供短信结算表。", NOTE)]
    monthly, target, depts = an.sms_monthly, an.sms_target, an.sms_departments
    known = monthly["count"].notna().sum()
    out: list[Block] = []
    if known == 0:
        out.append(para("短信结算表给出单价{price}元/条，未给出各月发送条数和结算金额（{n}个月均未披露）。",
                        price=format_number(target["unit_price"], 3) if target["unit_price"] is not None
                        else UNDISCLOSED, n=len(monthly)))
    else:
        settled = set(monthly["amount_basis"].dropna()) <= {SETTLED}
        amount = wan(an.headline.sms_amount)
        out.append(para("全年发送{count}条，{label}{amount}（{n}个月有数据）。", count=count_text(an.headline.sms_count),
                        label=SETTLED if settled else "按条数×单价测算的金额",
                        amount=amount if settled else derived(amount, "条数×单价"), n=int(known)))
    if target.get("implied") is not None:
        out.append(para(
            "该服务按{price}元/条据实结算，完成数量目标“{op}{count}条”对应支出不低于{money}（推算：目标条数×单价）；"
            "以发送量下限为目标，易导致无效发送、增加财政支出。", op="≥" if target["target_op"] == ">=" else "",
            count=count_text(target["target_count"]), price=format_number(target["unit_price"], 3),
            money=derived(wan(target["implied"]), "目标条数×单价")))
    if known:  # a chart of twelve 未披露 bars would say no more than the sentence above
        out.append(Chart("sms_monthly", drawing("sms", "sms_monthly", monthly, target, source=ctx.source("短信结算", "绩效指标"),
                                                                   demo=ctx.demo, year=d.year), "月度短信"))
    if len(depts):
        out.append(Chart("sms_departments", drawing("sms", "sms_departments", depts, source=ctx.source("短信结算"),
                                                                           demo=ctx.demo, year=d.year), "各部门短信"))
        out.append(ctx.table(SMS_DEPARTMENTS, depts))
    return out


def sheets(ctx: Context) -> list[Table]:
    """The departments' and the months' sheets, each only where the year gives figures for it (a sheet of
    empty rows or of twelve 未披露 months says nothing the report's sentence does not)."""
    an = ctx.analysis
    out = []
    if len(an.sms_departments):
        out.append(ctx.table(SMS_DEPARTMENTS, an.sms_departments))
    if an.sms_monthly["count"].notna().any() or an.sms_monthly["amount"].notna().any():
        out.append(ctx.table(SMS_MONTHLY, an.sms_monthly, shown=False))
    return out


SECTION = Section("sms", "金宏短信", "短信按条计费、据实结算：发送量、费用，以及数量目标折算的金额。", blocks, sheets,
                  dimension="产出")

"""支付进度: what the payment ledger (支付明细) shows about 过程; shown only for a year that has a ledger."""

from __future__ import annotations

import pandas as pd

from qdanalysis.analyse.payments import AGREES, DIFFERS, EXECUTED_UNDISCLOSED, NOT_IN_BUDGET, SCHEDULE
from qdanalysis.fmt import pct, wan
from qdanalysis.present.blocks import Block, Chart, Table, TableLayout, drawing, para
from qdanalysis.present.sections.base import Context, Section

#: The cross-check's outcomes, in the order the report counts them.
STATUSES = (AGREES, DIFFERS, EXECUTED_UNDISCLOSED, NOT_IN_BUDGET)
#: Rows of the largest payments without a contract that the report lists (the Excel sheet lists all).
NO_CONTRACT_SHOWN = 10

QUARTERS = TableLayout(
    "支付进度", "分季度支付与序时进度",
    {"quarter": "季度", "paid": "当季支付（万元）", "share": "占全年支付比例", "rate": "季末累计执行率",
     "schedule": "序时进度", "gap": "与序时进度之差"},
    money=("paid",), percent=("share", "rate", "schedule", "gap"),
    note="注：累计执行率 = 累计支付 ÷ 预算（调整后预算，未调整的取年初预算）。")
MONTHLY = TableLayout(
    "月度支付", "月度支付明细", {"month": "月份", "paid": "当月支付（万元）", "cumulative": "累计支付（万元）",
                                "rate": "累计执行率"},
    money=("paid", "cumulative"), percent=("rate",), integer=("month",), detail=True)
ITEMS = TableLayout(
    "支付与执行数核对", "支付明细与预算执行数核对",
    {"code": "编号", "item": "项目名称", "paid": "支付明细合计（万元）", "executed": "执行数（万元）",
     "difference": "差额（万元）", "status": "核对结果"},
    money=("paid", "executed", "difference"), note="注：差额 = 执行数 − 支付明细合计。")
CONTRACTS = TableLayout(
    "按合同支付", "按合同的支付与合同金额",
    {"contract_id": "合同编号", "item": "项目名称", "vendor": "合同供应商", "payees": "支付明细中的收款人",
     "paid": "本年支付（万元）", "in_year": "合同本年金额（万元）", "basis": "本年金额口径", "excess": "支付减合同本年金额（万元）",
     "linked_by": "支付对应合同的依据"},
    money=("paid", "in_year", "excess"))
NO_CONTRACT = TableLayout(
    "无合同支付", "未对应合同的支付（按项目和收款人）",
    {"item": "项目名称", "payee": "收款人", "payments": "笔数", "paid": "金额（万元）"},
    money=("paid",), integer=("payments",))


def _contracts(p) -> pd.DataFrame:
    return p.contracts.assign(basis=["推算（按本年服务月数折算）" if d else "合同金额" for d in p.contracts["derived"]])


def blocks(ctx: Context) -> list[Block]:
    p = ctx.analysis.payments
    if p is None:
        return []
    out: list[Block] = [para("支付明细列示全年支付{n}笔，合计{total}。12月支付占全年的{dec}，其中12月21日至31日支付占{last}；"
                             "第四季度支付占{q4}。", n=p.count, total=wan(p.total), dec=pct(p.december_share),
                             last=pct(p.last_days_share), q4=pct(p.q4_share))]
    if p.base is None:
        out.append(para("预算合计未披露，无法按序时进度计算各季度末的累计执行率。"))
    else:
        ends = p.quarters
        out.append(para("按预算{base}计，各季度末累计执行率依次为{rates}，序时进度为{schedule}。", base=wan(p.base),
                        rates="、".join(pct(r) for r in ends["rate"]),
                        schedule="、".join(pct(s) for s in SCHEDULE.values())))
    out.append(Chart("payment_progress", drawing("payments", "payment_progress",
        p.monthly, source=ctx.source("支付明细", "预算执行"), demo=ctx.demo, year=ctx.data.year), "支付进度"))
    out.append(ctx.table(QUARTERS, p.quarters))
    counts = p.items["status"].value_counts()
    out.append(para("按项目汇总支付明细，与预算执行表的执行数核对：{counts}" + ("（不一致的两个数均列于下表）。" if DIFFERS in counts
                                                                  else "。"),
                    counts="，".join(f"{status}{int(counts[status])}个项目" for status in STATUSES if status in counts)))
    out.append(ctx.table(ITEMS, p.items))
    if len(p.contracts):
        contracts = _contracts(p)
        if contracts["derived"].any():
            out.append(para("本年只有部分月份在服务期内的合同（{n}份），合同本年金额为推算数：年度金额×本年服务月数÷12"
                            "（表中“本年金额口径”列注明）。", n=int(contracts["derived"].sum())))
        out.append(ctx.table(CONTRACTS, contracts))
    if len(p.no_contract):
        out.append(ctx.table(NO_CONTRACT, p.no_contract.head(NO_CONTRACT_SHOWN)))
    return out


def sheets(ctx: Context) -> list[Table]:
    p = ctx.analysis.payments
    if p is None:
        return []
    out = [ctx.table(QUARTERS, p.quarters), ctx.table(MONTHLY, p.monthly), ctx.table(ITEMS, p.items)]
    if len(p.contracts):
        out.append(ctx.table(CONTRACTS, _contracts(p)))
    if len(p.no_contract):
        out.append(ctx.table(NO_CONTRACT, p.no_contract))
    return out


SECTION = Section("payments", "支付进度", "支付明细（国库集中支付）显示的支付时间、收款人和按合同的支付额；未提供支付明细的年度不列本节。",
                  blocks, sheets, dimension="过程", optional=True)

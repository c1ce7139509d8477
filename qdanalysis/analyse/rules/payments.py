"""Rules on the payment ledger (支付明细), dimension 过程: money paid in a rush at the year's end (F21), paid beyond
the contract (F22), to a payee other than the contract's vendor (F23), and large payments with no contract (F24).

Each reads the year's :class:`~qdanalysis.analyse.payments.PaymentAnalysis` (None for a year without a ledger:
then no rule finds anything). The thresholds are the tool's proposal; the evaluation team decides.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.analyse.findings import HIGH, MEDIUM, Finding, Rule, evidence_rows, join
from qdanalysis.domain import PROCESS
from qdanalysis.fmt import pct, wan

#: December's share of the year's payments from which it is reported (中), and from which it is 高.
#: A month is 1/12 (8.33%) of an evenly paced year.
DECEMBER_SHARE = 0.30
DECEMBER_HIGH = 0.50
#: Payments to one payee for one item with no contract, from this sum (元) on, when the params file sets no
#: ``no_contract_threshold``. The default is the 分散采购限额标准 for services of 《中央预算单位政府集中采购目录及标准
#: （2020年版）》（国办发〔2019〕55号）, 100万元; local budget units follow their province's or city's own 限额标准,
#: which the evaluation team must check and set in the params file.
NO_CONTRACT_THRESHOLD = Decimal("1000000")
#: Where the default threshold comes from, as the finding states it.
THRESHOLD_BASIS = "参照国办发〔2019〕55号分散采购限额标准（服务类100万元），须按本地现行政府采购限额标准核对"
#: Where a threshold set in the params file comes from, as the finding states it.
THRESHOLD_SET = "按参数文件 no_contract_threshold 设定"
#: Excess over the contract (元) below which nothing is reported: rounding in a ledger.
EXCESS_TOLERANCE = Decimal("0.01")


def _ledger_rows(evidence, mask) -> pd.DataFrame:
    payments = evidence.data.frames.get("payments")
    return payments[mask(payments)] if payments is not None and not payments.empty else pd.DataFrame()


# --- F21 年底集中支付 ---------------------------------------------------------------------------


def year_end_rush(evidence) -> Finding | None:
    """December's share of the year's payments at or above :data:`DECEMBER_SHARE` (F21)."""
    p = evidence.payments
    if p is None or p.december_share is None or p.december_share < DECEMBER_SHARE:
        return None
    december = p.monthly["paid"].iloc[11]
    q3 = p.quarters.iloc[2]
    text = (f"支付明细显示，全年支付{wan(p.total)}（{p.count}笔）中，12月支付{wan(december)}，占{pct(p.december_share)}；"
            f"其中12月21日至31日支付占全年的{pct(p.last_days_share)}，第四季度支付占{pct(p.q4_share)}")
    if q3["rate"] is not None:
        text += f"；截至9月末累计支付占预算的{pct(q3['rate'])}" + ("，低于序时进度75%" if q3["rate"] < 0.75 else "")
    rows = _ledger_rows(evidence, lambda df: df["date"].dt.month == 12)
    return YEAR_END_RUSH.finding(
        title="年底集中支付", severity=HIGH if p.december_share >= DECEMBER_HIGH else MEDIUM,
        figures={"total": p.total, "december": december, "december_share": p.december_share,
                 "last_days_share": p.last_days_share, "q4_share": p.q4_share, "q3_rate": q3["rate"]},
        rows=evidence_rows(("payments", rows)), summary=text,
        recommendation="按序时进度安排支付，合同约定分期付款节点；对年底集中支付的款项核实服务是否已按期完成、验收后再付款。")


YEAR_END_RUSH = Rule("F21", PROCESS, read=year_end_rush, bears_on=("资金使用合规性", "预算执行率"),
                     shrinks=("december_share", "12月支付占比"))


# --- F22 支付超合同金额 -------------------------------------------------------------------------


def paid_beyond_contract(evidence) -> Finding | None:
    """Contracts the ledger paid beyond their amount for the year (F22); a pro-rated amount is 推算."""
    p = evidence.payments
    if p is None or p.contracts.empty:
        return None
    over = p.contracts[[x is not None and x > EXCESS_TOLERANCE for x in p.contracts["excess"]]]
    if over.empty:
        return None
    parts = []
    for r in over.itertuples():
        basis = "（推算：按本年服务月数折算）" if r.derived else ""
        parts.append(f"合同{r.contract_id}（{r.item}）本年支付{wan(r.paid)}，合同本年金额{wan(r.in_year)}{basis}，"
                     f"超出{wan(r.excess)}")
    stated = over[~over["derived"].astype(bool)]
    excess = sum(over["excess"], Decimal(0))
    rows = _ledger_rows(evidence, lambda df: df["contract_id"].isin(set(over["contract_id"])))
    return PAID_BEYOND_CONTRACT.finding(
        title="支付超合同金额", severity=HIGH if len(stated) else MEDIUM,
        figures={"contracts": len(over), "excess": excess, "derived": len(over) - len(stated)},
        rows=evidence_rows(("payments", rows)), summary="；".join(parts),
        recommendation="核实超出合同金额部分的依据（补充协议、变更审批）；无依据的，按合同约定结算并追回多付款项。")


PAID_BEYOND_CONTRACT = Rule("F22", PROCESS, read=paid_beyond_contract,
                            bears_on=("资金使用合规性", "制度执行有效性"), shrinks=("contracts", "超合同支付的合同数"))


# --- F23 收款人与合同供应商不一致 ----------------------------------------------------------------


def payee_not_vendor(evidence) -> Finding | None:
    """Payments under a contract to a payee other than the contract's 供应商 (F23)."""
    p = evidence.payments
    if p is None or p.contracts.empty:
        return None
    differ = p.contracts[p.contracts["payee_differs"].astype(bool)]
    if differ.empty:
        return None
    text = join((f"合同{r.contract_id}（{r.item}）的供应商为{r.vendor}，支付明细中的收款人为{r.payees}，其中"
                 + join(y for y in r.payees.split("、") if y != r.vendor) + "不是合同供应商"
                 for r in differ.itertuples()), "；")
    vendors = dict(zip(differ["contract_id"], differ["vendor"]))
    rows = _ledger_rows(evidence, lambda df: [c in vendors and isinstance(y, str) and y != vendors[c]
                                              for c, y in zip(df["contract_id"], df["payee"])])
    return PAYEE_NOT_VENDOR.finding(
        title="收款人与合同供应商不一致", severity=MEDIUM, figures={"contracts": len(differ), "payments": len(rows)},
        rows=evidence_rows(("payments", rows)), summary=text,
        recommendation="核实向非合同供应商付款的依据（分包、债权转让等书面文件）；无依据的，按合同约定向供应商支付。")


PAYEE_NOT_VENDOR = Rule("F23", PROCESS, read=payee_not_vendor, bears_on=("资金使用合规性",),
                        shrinks=("contracts", "收款人不一致的合同数"))


# --- F24 无合同大额支付 -------------------------------------------------------------------------


def large_without_contract(evidence, threshold: Decimal | None = None) -> Finding | None:
    """Payments to one payee for one item, with no contract, summing to the threshold or more (F24).

    The threshold is ``threshold``, else the evidence's ``no_contract_threshold`` (the params file's), else
    :data:`NO_CONTRACT_THRESHOLD`; the finding says which, and that the default is to be checked.
    """
    if threshold is None:
        threshold = getattr(evidence, "no_contract_threshold", None)
    basis = THRESHOLD_BASIS if threshold is None else THRESHOLD_SET
    threshold = NO_CONTRACT_THRESHOLD if threshold is None else Decimal(threshold)
    p = evidence.payments
    if p is None or p.no_contract.empty:
        return None
    large = p.no_contract[[v >= threshold for v in p.no_contract["paid"]]]
    if large.empty:
        return None
    text = join((f"{r.item}向{r.payee}支付{r.payments}笔共{wan(r.paid)}" for r in large.itertuples()), "；")
    text += f"，均未对应合同台账中的合同（阈值{wan(threshold)}，{basis}）"
    pairs = set(zip(large["item_code"], large["payee"]))
    rows = _ledger_rows(evidence, lambda df: [(c if isinstance(c, str) else i, y) in pairs
                                              for c, i, y in zip(df["item_code"], df["item"], df["payee"])])
    return LARGE_WITHOUT_CONTRACT.finding(
        title="无合同大额支付", severity=MEDIUM,
        figures={"pairs": len(large), "paid": sum(large["paid"], Decimal(0)), "threshold": threshold},
        rows=evidence_rows(("payments", rows)), summary=text,
        recommendation="达到采购限额标准的支出应依法采购并签订合同；请补充合同或说明未签合同的原因。")


LARGE_WITHOUT_CONTRACT = Rule("F24", PROCESS, read=large_without_contract,
                              bears_on=("资金使用合规性", "政府采购及合同管理规范性"),
                              shrinks=("pairs", "无合同大额支付笔数"))

"""The trends report's 支付进度 section: the share paid in December and in the fourth quarter, year by year.

A year without a payment ledger says 未提供 in its row, never zero; when no year has a ledger, the section is not shown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qdanalysis.fmt import pct
from qdanalysis.present.blocks import Block, Table, TableLayout, para

NOT_PROVIDED = "未提供"

PAYMENT_SHARES = TableLayout(
    "各年度支付进度", "各年度支付进度",
    {"year": "年度", "count": "支付笔数", "total": "全年支付（万元）", "december_share": "12月支付占比",
     "last_days_share": "12月21日至31日支付占比", "q4_share": "第四季度支付占比", "ledger": "支付明细"},
    money=("total",), percent=("december_share", "last_days_share", "q4_share"), integer=("count",))


def payment_shares(report: Any) -> pd.DataFrame:
    """``report``: the :class:`~qdanalysis.present.trends_report.TrendsReport` (its years' analyses). One row per analysed year: its ledger's shares, or 未提供 where the year has no ledger."""
    rows = []
    for a in report.analyses:
        p = a.payments
        rows.append({"year": a.year, "count": None if p is None else p.count, "total": None if p is None else p.total,
                     "december_share": None if p is None else p.december_share,
                     "last_days_share": None if p is None else p.last_days_share,
                     "q4_share": None if p is None else p.q4_share, "ledger": NOT_PROVIDED if p is None else "已提供"})
    return pd.DataFrame(rows, columns=list(PAYMENT_SHARES.columns))


def blocks(report: Any) -> list[Block]:
    shares = payment_shares(report)
    given = shares[shares["ledger"] != NOT_PROVIDED]
    if given.empty:
        return []
    out: list[Block] = []
    top = given.loc[given["december_share"].astype(float).idxmax()]
    out.append(para("提供支付明细的{n}个年度中，12月支付占全年比例最高的是{year}年（{share}）；未提供支付明细的年度在表中注明“未提供”，"
                    "不按零计。", n=len(given), year=int(top["year"]), share=pct(top["december_share"])))
    out.append(Table(PAYMENT_SHARES, shares, report.demo))
    return out

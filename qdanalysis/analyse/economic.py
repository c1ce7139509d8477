"""Spending by 支出经济分类: what the 预算管理一体化 export itemises per economic class (30213 维修（护）费 …)."""

from __future__ import annotations

import pandas as pd

from qdanalysis.money import safe_ratio, sum_all

#: The label of the total row.
TOTAL = "合计"
MONEY_KEYS = ("budget", "adjusted_budget", "executed")


def spending_by_economic(economic: pd.DataFrame) -> pd.DataFrame:
    """Budget, adjusted budget and executed per 支出经济分类, largest executed first, then a 合计 row.

    A class's sum is 未披露 (None) where one of its rows leaves the figure blank, never a partial sum.

    Args:
        economic: the budget's rows by 支出经济分类 (``YearData.economic``).

    Returns:
        Columns: economic, items, budget, adjusted_budget, executed, execution_rate (executed over the
        adjusted budget, else the budget), share (of the total executed). Empty when the data has no class.
    """
    columns = ["economic", "items", *MONEY_KEYS, "execution_rate", "share"]
    if economic is None or economic.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for name, group in economic.groupby("economic", sort=False):
        rows.append({"economic": name, "items": int(group[["code", "item"]].drop_duplicates().shape[0]),
                     **{k: sum_all(group[k]) for k in MONEY_KEYS}})
    total = {"economic": TOTAL, "items": int(economic[["code", "item"]].drop_duplicates().shape[0]),
             **{k: sum_all(economic[k]) for k in MONEY_KEYS}}
    out = pd.DataFrame(rows)
    out["_order"] = [-(r["executed"] if r["executed"] is not None else -1) for r in rows]
    out = out.sort_values("_order", kind="stable").drop(columns="_order")
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["execution_rate"] = [safe_ratio(r.executed, r.adjusted_budget if r.adjusted_budget is not None else r.budget)
                             for r in out.itertuples()]
    out["share"] = [safe_ratio(r.executed, total["executed"]) for r in out.itertuples()]
    return out[columns]

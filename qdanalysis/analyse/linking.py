"""Linking the ledger and the lines to budget items, and writing carriers one way.

Pure functions: tables in, new tables out (or the table itself when nothing is to change); no
function here changes its arguments. :func:`qdanalysis.analyse.engine.analyse` links a year's tables
once, so that every analysis joins and groups them the same way.
"""

from __future__ import annotations

import re

import pandas as pd

from qdanalysis.money import is_missing


def item_label(code, item) -> str:
    """``1.1 机房维护``; the name alone where the item has no code (its key is then its name)."""
    return f"{code} {item}" if not is_missing(code) and code != item else str(item)


def is_approximate(item: pd.Series, column: str) -> bool:
    """Whether the budget sheet wrote this item's ``column`` as approximate (约90万元)."""
    marked = item.get("approximate")
    return isinstance(marked, str) and column in marked.split("、")


def item_keys(budget: pd.DataFrame) -> pd.DataFrame:
    """The budget with every item's key in ``code``: its code where the sheet gives one, else its
    项目名称 (the data contract makes the code optional). Returns the budget itself when every
    item has a code."""
    if budget.empty or budget["code"].notna().all():
        return budget
    keyed = budget.copy()
    keyed["code"] = pd.Series([c if not pd.isna(c) else i for c, i in zip(budget["code"], budget["item"])],
                              index=budget.index, dtype=object)
    return keyed


def link_items(budget: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (contracts or lines) with ``item_code`` naming its budget item: the code the row
    gives, else the key (:func:`item_keys`) of the budget item with the same 项目名称. A row that
    names no budget item keeps NA. Returns the table itself when nothing is to be filled."""
    if table.empty or "item_code" not in table or table["item_code"].notna().all():
        return table
    by_name = dict(zip(budget["item"], item_keys(budget)["code"])) if not budget.empty else {}
    linked = table.copy()
    codes = [c if not pd.isna(c) else by_name.get(i) for c, i in zip(table["item_code"], table["item"])]
    linked["item_code"] = pd.Series(codes, index=table.index, dtype=object)
    return linked


#: Carriers by the word their branches share: 青岛联通 and 中国联通 are one carrier, written one way.
CARRIERS = {"联通": "中国联通", "电信": "中国电信", "移动": "中国移动", "广电": "中国广电"}
_CARRIER_SEP = re.compile(r"[、，,/和及]+")


def carrier_name(name):
    """``青岛电信`` → ``中国电信``; ``青岛联通、青岛电信`` → ``中国联通、中国电信``; other names unchanged."""
    if not isinstance(name, str) or not any(word in name for word in CARRIERS):
        return name
    parts = [p.strip() for p in _CARRIER_SEP.split(name) if p.strip()]
    named = [next((full for word, full in CARRIERS.items() if word in p), p) for p in parts]
    return "、".join(dict.fromkeys(named))


def carriers_written_one_way(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` with the carriers in ``column`` written one way (:func:`carrier_name`); the table
    itself when nothing changes."""
    if table.empty or column not in table:
        return table
    names = [carrier_name(v) for v in table[column]]
    if all((a is b) or a == b for a, b in zip(names, table[column])):
        return table
    out = table.copy()
    out[column] = pd.Series(names, index=table.index, dtype=object)
    return out

"""Loader for the budget-execution sheet (预算执行): items, subtotals and the programme total."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from qdanalysis.errors import MissingTableError, ValidationError
from qdanalysis.read import parsing
from qdanalysis.read.columns import Record, columns_frame, frame, money_value, raise_problems, read_records
from qdanalysis.read.folder import shared_reads
from qdanalysis.read.loaders import budget_system
from qdanalysis.read.loaders.budget_checks import (  # noqa: F401 - BUDGET_DTYPES, in_unit: imported from here by others
    BUDGET_DTYPES,
    MONEY_KEYS,
    SUBTOTAL_DTYPES,
    TOLERANCE,
    BudgetSheet,
    _adjustment,
    _check_stands,
    _check_sum,
    _marker,
    _total_against_subtotals,
    _totals,
    in_unit,
)
from qdanalysis.read.locate import locate
from qdanalysis.read.schema import BUDGET, BUDGET_SYSTEM, SUBTOTAL_WORDS
from qdanalysis.read.xlsx import collector_paused


@collector_paused()
def read_budget(path: str | Path) -> BudgetSheet:
    """Load the budget table of a workbook or a folder of workbooks.

    Raises:
        ValidationError: every problem of the file, each naming sheet, row and column.
    """
    with shared_reads():  # the layouts are told apart by their headers and heading rows: each workbook read once
        found, system_collectors = locate(path, BUDGET_SYSTEM, required=False)
        found = [loc for loc in found if budget_system.is_system_layout(loc)]
        exports = [loc for loc in found if budget_system.has_headings(loc)]
        if exports:  # a sheet without 类别 and without headings beside them is not the budget: left alone
            return budget_system.read_system_budget(path, exports, system_collectors,
                                                     skip=frozenset((loc.file, loc.sheet) for loc in found))
        try:
            located, collectors = locate(path, BUDGET)
        except MissingTableError:
            if found:  # the budget's columns without 类别 and without heading rows: say what would make it readable
                raise ValidationError(budget_system.no_category(found[0])) from None
            raise
    items: list[Record] = []
    subtotal_rows: list[tuple[Record, list[Record]]] = []
    total: Record | None = None
    seen: dict[str, Record] = {}
    seen_codes: dict[str, Record] = {}
    by_category: dict[object, list[Record]] = {}  # items so far, by category (a scan per subtotal is quadratic)
    collector_of = {c.file: c for c in collectors}
    for loc in located:
        collector = collector_of[loc.file]
        records = read_records(loc, BUDGET, collector)
        group_start = len(items)
        for rec in records:
            kind = _marker(rec)
            if kind == "subtotal":
                cat = rec.values.get("category")
                named = cat and not any(w in cat for w in SUBTOTAL_WORDS)
                members = list(by_category.get(cat, ())) if named else items[group_start:]
                subtotal_rows.append((rec, members))
                group_start = len(items)
                continue
            if kind == "total":
                if total is not None:
                    collector.add(loc.sheet, rec.row, loc.where("item"),
                                  f"出现第二个合计行（第一个在第{total.row}行）", "每张表只保留一个合计行")
                total = rec
                continue
            if not rec.values.get("item"):
                collector.add(loc.sheet, rec.row, loc.where("item"), "缺少项目名称",
                              "请填写项目名称；说明文字请以「注：」开头放在表格下方")
                continue
            if not rec.values.get("category"):
                collector.add(loc.sheet, rec.row, loc.where("category"), "缺少类别",
                              "请填写类别，或在合并单元格/该类首行写明类别")
            name = rec.values["item"]
            if name in seen:
                first = seen[name]
                collector.add(loc.sheet, rec.row, loc.where("item"),
                              f"项目「{parsing.shown(name)}」重复出现（第一次在{first.loc.sheet}第{first.row}行）",
                              "同一年度每个项目只能出现一次，请合并或改名")
            else:
                seen[name] = rec
            code = rec.values.get("code")
            if code:
                if code in seen_codes and seen_codes[code].values.get("item") != name:
                    first = seen_codes[code]
                    collector.add(loc.sheet, rec.row, loc.where("code"),
                                  f"编号「{parsing.shown(code)}」重复（第一次在第{first.row}行）", "每个项目的编号应唯一")
                seen_codes.setdefault(code, rec)
            items.append(rec)
            by_category.setdefault(rec.values.get("category"), []).append(rec)
    undisclosed: dict[str, Decimal | None] = {k: None for k in MONEY_KEYS}
    mismatches: dict[str, list[tuple[int, Decimal]]] = {}
    for rec, members in subtotal_rows:
        _check_stands(collector_of[rec.loc.file], rec, members, "subtotal")
        _check_sum(collector_of[rec.loc.file], rec, rec.loc.where, members, "小计", mismatches=mismatches)
    if total is not None:
        collector = collector_of[total.loc.file]
        _check_stands(collector, total, items, "total")
        against_items = _check_sum(collector, total, total.loc.where, items, "合计", undisclosed)
        if subtotal_rows:
            subs = [s for s, _ in subtotal_rows]
            _total_against_subtotals(collector, total, subs, against_items, mismatches)
    raise_problems(collectors)
    return BudgetSheet(
        items=_items_frame(items),
        subtotals=_subtotal_frame(subtotal_rows),
        totals=_totals(total, items),
        undisclosed=undisclosed,
        total_row=None if total is None else total.row,
    )


def _item_row(rec: Record) -> dict[str, object]:
    row = {k: rec.values.get(k) for k in ("code", "category", "item", "note", "source", "implementation")}
    row.update({k: money_value(rec.values.get(k)) for k in MONEY_KEYS})
    row.update(src_file=rec.loc.file, src_sheet=rec.loc.sheet, src_row=rec.row, adjustment=_adjustment(rec))
    approximate = [k for k in MONEY_KEYS if getattr(rec.values.get(k), "approximate", False)]
    row["approximate"] = "、".join(approximate) or None  # the money columns written as 约…
    row.update({h: parsing.clean_text(v) or None for h, v in rec.extras.items()})
    return row


_TEXT_KEYS = ("code", "category", "item", "note", "source", "implementation")


def _items_frame(items: list[Record]) -> pd.DataFrame:
    """``frame`` of each item's :func:`_item_row`, gathered column by column: no dict per item (a ledger may
    have a million). The same frame: the columns in frame's order, a later key of a row overwriting an earlier."""
    columns: dict[str, list] = {k: [] for k in BUDGET_DTYPES}  # _item_row's keys (tests/read/loaders/test_budget.py)
    texts = [(k, columns[k].append) for k in _TEXT_KEYS]
    money = [(k, columns[k].append) for k in MONEY_KEYS]
    src_file, src_sheet, src_row = columns["src_file"].append, columns["src_sheet"].append, columns["src_row"].append
    adjustment, approximate = columns["adjustment"].append, columns["approximate"].append
    base = len(columns)
    for n, rec in enumerate(items):
        values = rec.values
        for k, append in texts:
            append(values.get(k))
        approx = None
        for k, append in money:
            m = values.get(k)
            append(money_value(m))
            if getattr(m, "approximate", False):
                approx = k if approx is None else f"{approx}、{k}"
        src_file(rec.loc.file)
        src_sheet(rec.loc.sheet)
        src_row(rec.row)
        adjustment(_adjustment(rec))
        approximate(approx)
        if rec.extras:
            for h, v in rec.extras.items():
                col = columns.get(h)
                if col is None:
                    col = columns[h] = [None] * n
                if len(col) > n:  # a key of the row already (an extra column headed like one of the item's keys)
                    col[n] = parsing.clean_text(v) or None
                else:
                    col.append(parsing.clean_text(v) or None)
        if len(columns) > base:
            for col in columns.values():
                if len(col) == n:
                    col.append(None)
    return columns_frame(columns, len(items), BUDGET_DTYPES)


def _subtotal_frame(subtotals: list[tuple[Record, list[Record]]]) -> pd.DataFrame:
    rows = []
    for rec, members in subtotals:
        cat = rec.values.get("category")
        if not cat or any(w in cat for w in SUBTOTAL_WORDS):
            cat = members[0].values.get("category") if members else None
        rows.append({"category": cat, **{k: money_value(rec.values.get(k)) for k in MONEY_KEYS}, "src_row": rec.row})
    return frame(rows, SUBTOTAL_DTYPES)


def load_budget(path: str | Path) -> pd.DataFrame:
    """Budget items of a workbook or folder, money in 元 as exact decimals.

    Columns: code, category, item, budget, adjusted_budget, executed, note, source,
    src_file, src_sheet, src_row, then any extra columns of the sheet. ``df.attrs`` holds
    ``totals`` and ``undisclosed`` (see :class:`BudgetSheet`).
    """
    sheet = read_budget(path)
    df = sheet.items
    df.attrs["totals"] = sheet.totals
    df.attrs["undisclosed"] = sheet.undisclosed
    return df

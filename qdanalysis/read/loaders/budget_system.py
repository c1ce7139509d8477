"""Loader for the budget-execution table as the 预算管理一体化系统 exports it (the 一体化 layout).

The export has no 类别 column: categories are heading rows (``一、关键设备维护服务费``, ``（一）…``) that carry
their subtotals; items are numbered (``1.``, ``（1）``, ``①``) and keyed by a long 项目代码; one item may take
several rows, one per 支出经济分类, which together are the item; the 合计 row comes first. This module reads
that layout into the same :class:`~qdanalysis.read.loaders.budget.BudgetSheet` the hand-typed layout gives,
plus the rows by 支出经济分类 (``economic``). A heading row is checked against its items like a 小计 and is
never an item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.errors import Problem, ProblemCollector
from qdanalysis.money import sum_all
from qdanalysis.read import parsing
from qdanalysis.read.columns import Record, frame, money_value, raise_problems, read_records
from qdanalysis.read.loaders.budget_checks import (
    BUDGET_DTYPES,
    SUBTOTAL_DTYPES,
    BudgetSheet,
    _check_stands,
    _check_sum,
    _total_against_subtotals,
    _totals,
)
from qdanalysis.read.locate import Located, locate
from qdanalysis.read.schema import BUDGET, BUDGET_SYSTEM, MONEY, SUBTOTAL_WORDS

MONEY_KEYS = ("budget", "adjusted_budget", "executed")

#: The rows of each item by 支出经济分类, as the export lists them.
ECONOMIC_DTYPES = {
    "code": object, "category": object, "item": object, "economic": object,
    "budget": MONEY, "adjusted_budget": MONEY, "executed": MONEY,
    "src_file": object, "src_sheet": object, "src_row": "Int64",
}
#: The extra column of an item that shows its second-level heading (（一）…) when the sheet has one.
SUBCATEGORY = "二级分类"
#: The extra column of an item that lists its 支出经济分类, as written, joined with 、.
ECONOMIC_LIST = "支出经济分类"

_CN_NUM = "一二三四五六七八九十"
#: ``一、…``: a first-level heading (a category).
_LEVEL1 = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]\s*")
#: ``（一）…``: a second-level heading.
_LEVEL2 = re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]\s*[、.．]?\s*")
#: An item's number: ``1.``, ``1、``, ``（1）``, ``①``.
_ITEM_NUMBER = re.compile(r"^(?:(?P<n>\d+)\s*[.．、](?!\d)|[（(]\s*(?P<p>\d+)\s*[）)]|(?P<c>[\u2460-\u2473]))\s*")
_TOTAL_NAMES = ("合计", "总计", "总合计", "合计数")


def is_system_layout(loc: Located) -> bool:
    """Whether a sheet found by the 一体化 header is that layout: its header has no 类别 column
    (a sheet that has one is the hand-typed layout, read by the budget loader)."""
    category = BUDGET.column("category").names
    return not any(parsing.split_header(h)[0] in category for h in loc.extras)


def has_headings(loc: Located) -> bool:
    """Whether a located sheet has a heading row (``一、…``, ``（一）…``, or ``一`` in its 序号 column): what tells
    the 一体化 export from a sheet that merely lacks the 类别 column."""
    item, code = loc.col_index.get("item"), loc.col_index.get("code")
    for _, values in loc.rows:
        for j in (item, code):
            cell = values[j] if j is not None and j < len(values) else None
            if isinstance(cell, str) and cell.strip():
                text = cell.strip()
                if heading_level(text) or (j == code and heading_level(text + "、")):
                    return True
    return False


def no_category(loc: Located) -> Problem:
    """The problem of a sheet with the budget's columns but neither a 类别 column nor heading rows."""
    category = BUDGET.column("category")
    return Problem(loc.file, loc.sheet, loc.header_row, category.header, f"缺少必填列「{category.header}」",
                   f"请在表头行加入「{category.header}」列（也可写作：{'、'.join(category.synonyms)}）；"
                   "预算管理一体化系统导出的表，请保留「一、…」「（一）…」分类标题行，程序据此确定类别")


def heading_level(text: str) -> tuple[int, str] | None:
    """``(1, name)`` for ``一、name``, ``(2, name)`` for ``（一）name``; None for any other text."""
    for level, pattern in ((1, _LEVEL1), (2, _LEVEL2)):
        m = pattern.match(text)
        if m:
            return level, text[m.end():].strip()
    return None


def item_number(text: str) -> tuple[str | None, str]:
    """An item name's leading number and the name without it: ``1.机房运维`` -> ``("1", "机房运维")``."""
    m = _ITEM_NUMBER.match(text)
    if not m:
        return None, text
    number = m.group("n") or m.group("p") or str(ord(m.group("c")) - 0x2460 + 1)
    return number, text[m.end():].strip()


@dataclass
class _Group:
    """A heading row and the item rows under it."""

    rec: Record
    level: int
    name: str
    members: list[Record] = field(default_factory=list)


@dataclass
class _Item:
    """One item: its rows (one per 支出经济分类, or one)."""

    key: str
    name: str
    number: str | None
    category: str | None
    subcategory: str | None
    rows: list[Record] = field(default_factory=list)


@dataclass
class SystemBudget:
    """What the 一体化 sheets hold: item records grouped, heading rows, 小计 rows and the 合计 row."""

    items: list[_Item] = field(default_factory=list)
    headings: list[_Group] = field(default_factory=list)
    subtotals: list[tuple[Record, list[Record]]] = field(default_factory=list)
    total: Record | None = None


def _v(rec: Record, key: str) -> str:
    """A cell's parsed text (the columns of this layout are text or codes, parsed once per distinct value)."""
    return rec.values.get(key) or ""


def _texts(rec: Record) -> tuple[str, str]:
    return _v(rec, "code"), _v(rec, "item")


def _is_total(rec: Record, name: str | None = None) -> bool:
    """Whether ``rec`` is the 合计 row; ``name`` is its 项目名称 compacted, when the caller has it already."""
    code, item = _texts(rec)
    if name is None:
        name = parsing.compact(item) if item else ""
    return (bool(code) and parsing.compact(code) in _TOTAL_NAMES) or (bool(name) and name in _TOTAL_NAMES)


def _heading(rec: Record) -> tuple[int, str] | None:
    """The heading a row is, by its 序号 (``一``, ``（一）``) or by its name (``一、…``)."""
    code, name = _texts(rec)
    if code:
        found = heading_level(code) or heading_level(code + "、")
        if found and not found[1]:  # 序号 一 or （一）, the name in 项目名称
            inner = heading_level(name)
            return found[0], inner[1] if inner else name
        if found and not name:  # the whole heading written in the 序号 column
            return found
    return heading_level(name)


def read_system_sheets(located: list[Located], collector_of: dict[str, ProblemCollector]) -> SystemBudget:
    """Group the rows of the 一体化 sheets into headings, items and the 合计 row; every problem to its collector."""
    out = SystemBudget()
    seen: dict[str, _Item] = {}
    for loc in located:
        collector = collector_of[loc.file]
        open_groups: list[_Group] = []  # the headings the next item falls under, outermost first
        last: _Item | None = None
        records = list(read_records(loc, BUDGET_SYSTEM, collector))
        headings = [_heading(r) for r in records]  # each row's texts read once
        for rec, heading in zip(records, headings):
            item = _v(rec, "item")
            name = parsing.compact(item) if item else ""  # compacted once, for the 合计 and the 小计 tests
            if _is_total(rec, name):
                if out.total is not None:
                    collector.add(loc.sheet, rec.row, loc.where("item"),
                                  f"出现第二个合计行（第一个在第{out.total.row}行）", "每张表只保留一个合计行")
                else:
                    out.total = rec
                last = None
                continue
            if any(w in name for w in SUBTOTAL_WORDS):
                members = open_groups[-1].members if open_groups else []
                out.subtotals.append((rec, list(members)))
                last = None
                continue
            if heading is not None:
                level, name = heading
                _check_heading_row(collector, rec, name)
                open_groups = [g for g in open_groups if g.level < level]
                group = _Group(rec, level, name)
                open_groups.append(group)
                out.headings.append(group)
                last = None
                continue
            last = _item_row(collector, rec, last, open_groups, seen, out)
    return out


def _check_heading_row(collector: ProblemCollector, rec: Record, name: str) -> None:
    if not name:
        collector.add(rec.loc.sheet, rec.row, rec.loc.where("item"), "分类标题行没有分类名称",
                      "请在编号后写明分类名称，如「一、关键设备维护服务费」")
    if _v(rec, "item_code") or _v(rec, "economic"):
        collector.add(rec.loc.sheet, rec.row, rec.loc.where("item"),
                      f"「{parsing.shown(_v(rec, 'item'))}」按编号是分类标题行（一、…／（一）…），却填写了项目代码或支出经济分类",
                      "分类标题行只写分类名称和小计金额；如果这是一个明细项目，请改用阿拉伯数字编号（如「1.」）")


def _item_row(collector: ProblemCollector, rec: Record, last: _Item | None, open_groups: list[_Group],
              seen: dict[str, _Item], out: SystemBudget) -> _Item | None:
    """Add an item row: a new item, or the next 支出经济分类 row of the item just above."""
    loc = rec.loc
    name_text = _v(rec, "item")
    number, name = item_number(name_text)
    code_number = _v(rec, "code") or None
    item_code = rec.values.get("item_code")
    economic = _v(rec, "economic")
    if not name and not item_code:
        if last is not None and economic:
            _add_row(collector, last, rec)
            _join(rec, open_groups)
            return last
        collector.add(loc.sheet, rec.row, loc.where("item"), "缺少项目名称",
                      "请填写项目名称；同一项目按支出经济分类分行时，可以合并单元格或只在首行写项目名称，"
                      "但各行须紧挨在该项目首行之下；说明文字请以「注：」开头放在表格下方")
        return last
    key = item_code or name
    if last is not None and last.key == key:
        _add_row(collector, last, rec)
        _join(rec, open_groups)
        return last
    if not open_groups:
        collector.add(loc.sheet, rec.row, loc.where("item"),
                      f"项目「{parsing.shown(name)}」上方没有分类标题行（如「一、关键设备维护服务费」），无法确定它的类别",
                      "请在该项目上方加一行分类标题（一、…），或改用带「类别」列的预算执行表")
    if key in seen:
        first = seen[key].rows[0]
        what = f"项目代码「{parsing.shown(item_code)}」" if item_code else f"项目「{parsing.shown(name)}」"
        collector.add(loc.sheet, rec.row, loc.where("item_code" if item_code else "item"),
                      f"{what}重复出现（第一次在{first.loc.sheet}第{first.row}行）",
                      "同一项目按支出经济分类分行时，这些行应紧挨在一起；不同项目请使用不同的项目代码或名称")
        return None
    level1 = next((g.name for g in open_groups if g.level == 1), None)
    level2 = next((g.name for g in open_groups if g.level == 2), None)
    item = _Item(key, name, number or code_number, level1 or level2, level2 if level1 else None, [rec])
    seen[key] = item
    out.items.append(item)
    _join(rec, open_groups)
    return item


def _add_row(collector: ProblemCollector, item: _Item, rec: Record) -> None:
    """A further row of ``item``: each row of a multi-row item names its own 支出经济分类."""
    rows = [*item.rows, rec]
    classes = [_v(r, "economic") for r in rows]
    loc = rec.loc
    if not all(classes):
        blank = next(r for r, c in zip(rows, classes) if not c)
        collector.add(loc.sheet, blank.row, loc.where("economic"),
                      f"项目「{parsing.shown(item.name)}」有{len(rows)}行（第{rows[0].row}-{rec.row}行），"
                      f"但第{blank.row}行没有填写支出经济分类，无法判断这些行是分项还是重复",
                      "同一项目分多行时，每行填写各自的支出经济分类（如 30213 维修（护）费）；"
                      "如果其中一行是该项目的合计，请删除该行（程序会按项目自动加总）")
    elif classes[-1] in classes[:-1]:
        first = rows[classes.index(classes[-1])]
        collector.add(loc.sheet, rec.row, loc.where("economic"),
                      f"项目「{parsing.shown(item.name)}」的支出经济分类「{parsing.shown(classes[-1])}」"
                      f"出现两次（第{first.row}行和第{rec.row}行）",
                      "同一项目的同一经济分类只写一行，请合并金额")
    item.rows.append(rec)


def _join(rec: Record, open_groups: list[_Group]) -> None:
    for group in open_groups:
        group.members.append(rec)


def item_frame_rows(budget: SystemBudget) -> list[dict[str, Any]]:
    """One row per item: its amounts summed over its rows (未披露 in a column where a row leaves it blank)."""
    rows = []
    for item in budget.items:
        first = item.rows[0]
        values = [r.values for r in item.rows]  # each row's cells, looked up once per key below
        row: dict[str, Any] = {"code": item.key if first.values.get("item_code") else item.number,
                               "category": item.category, "item": item.name}
        approximate = []
        for k in MONEY_KEYS:
            cells = [v.get(k) for v in values]
            row[k] = sum_all([money_value(c) for c in cells])
            if any(getattr(c, "approximate", False) for c in cells):
                approximate.append(k)
        row.update(note=_joined(v.get("note") or "" for v in values),
                   source=_joined(v.get("source") or "" for v in values),
                   src_file=first.loc.file, src_sheet=first.loc.sheet, src_row=first.row)
        row["approximate"] = "、".join(approximate) or None
        if item.subcategory:
            row[SUBCATEGORY] = item.subcategory
        classes = [c for c in (v.get("economic") or "" for v in values) if c]
        if classes:
            row[ECONOMIC_LIST] = "、".join(classes)
        for h in first.extras:
            values = {parsing.clean_text(r.extras.get(h)) for r in item.rows}
            row[h] = values.pop() or None if len(values) == 1 else None  # a column such as 执行率 per row
        rows.append(row)
    return rows


def _joined(texts) -> str | None:
    kept = list(dict.fromkeys(t for t in texts if t))
    return "；".join(kept) or None


def economic_frame(budget: SystemBudget) -> pd.DataFrame:
    """The rows of each item by 支出经济分类 (empty when the sheet has no such column)."""
    rows = []
    for item in budget.items:
        code = item.key if item.rows[0].values.get("item_code") else item.number
        for r in item.rows:
            values = r.values
            economic = values.get("economic") or ""
            if not economic:
                continue
            row = {"code": code, "category": item.category, "item": item.name, "economic": economic}
            for k in MONEY_KEYS:
                row[k] = money_value(values.get(k))
            row.update(src_file=r.loc.file, src_sheet=r.loc.sheet, src_row=r.row)
            rows.append(row)
    return frame(rows, ECONOMIC_DTYPES)


def all_rows(budget: SystemBudget) -> list[Record]:
    """Every item row (each 支出经济分类 row), in sheet order: what a heading or the 合计 adds up."""
    return [r for item in budget.items for r in item.rows]


def stated(rec: Record) -> dict[str, Decimal | None]:
    return {k: money_value(rec.values.get(k)) for k in MONEY_KEYS}


def read_system_budget(path: str | Path, located: list[Located], collectors: list[ProblemCollector], *,
                       skip: frozenset[tuple[str, str]] = frozenset()) -> BudgetSheet:
    """The budget of the 一体化 sheets ``located`` (found in ``path``), checked as the hand-typed layout is:
    each heading row and 小计 against its items, the 合计 against every item and against the headings. ``skip``
    names other sheets of that header that are not the budget (no heading rows): no hand-typed table either.

    Raises:
        ValidationError: every problem, each naming sheet, row and column.
    """
    collector_of = {c.file: c for c in collectors}
    skip = skip | frozenset((loc.file, loc.sheet) for loc in located)
    typed, typed_collectors = locate(path, BUDGET, required=False, skip=skip)
    for loc in typed:
        collector_of[loc.file].add(
            loc.sheet, loc.header_row, "", f"工作表「{loc.sheet}」是手工填写版式的预算执行表，而「{located[0].sheet}」"
            "是预算管理一体化系统导出的预算执行表；同一年度只能有一张预算执行表",
            "请只保留其中一张（另一张移出年度文件夹，或改名为不含「预算」的工作表并删除其表头）")
    budget = read_system_sheets(located, collector_of)
    rows = all_rows(budget)
    mismatches: dict[str, list[tuple[int, Decimal]]] = {}
    for group in budget.headings:
        collector = collector_of[group.rec.loc.file]
        amounts = [k for k in MONEY_KEYS if money_value(group.rec.values.get(k)) is not None]
        if amounts and not group.members:
            collector.add(group.rec.loc.sheet, group.rec.row, group.rec.loc.where("item"),
                          f"分类标题行「{parsing.shown(group.name)}」下没有明细项目，却填写了金额，无法核对",
                          "请在该分类标题行下方列出它的明细项目，或删除该行的金额")
            continue
        _check_sum(collector, group.rec, group.rec.loc.where, group.members, f"分类「{parsing.shown(group.name)}」小计",
                   mismatches=mismatches if group.level == _top_level(budget) else None)
    for rec, members in budget.subtotals:
        _check_stands(collector_of[rec.loc.file], rec, members, "subtotal")
        _check_sum(collector_of[rec.loc.file], rec, rec.loc.where, members, "小计")
    undisclosed: dict[str, Decimal | None] = {k: None for k in MONEY_KEYS}
    total = budget.total
    if total is not None:
        collector = collector_of[total.loc.file]
        _check_stands(collector, total, rows, "total")
        against_items = _check_sum(collector, total, total.loc.where, rows, "合计", undisclosed)
        top = [g.rec for g in budget.headings if g.level == _top_level(budget) and g.members]
        if top:
            _total_against_subtotals(collector, total, top, against_items, mismatches)
    raise_problems([*collectors, *typed_collectors])
    subtotal_rows = [{"category": g.name, **stated(g.rec), "src_row": g.rec.row} for g in budget.headings]
    subtotal_rows += [{"category": members[0].values.get("category") if members else None, **stated(rec),
                       "src_row": rec.row} for rec, members in budget.subtotals]
    return BudgetSheet(
        items=frame(item_frame_rows(budget), BUDGET_DTYPES),
        subtotals=frame(subtotal_rows, SUBTOTAL_DTYPES),
        totals=_totals(total, rows),
        undisclosed=undisclosed,
        total_row=None if total is None else total.row,
        economic=economic_frame(budget),
    )


def _top_level(budget: SystemBudget) -> int:
    return min((g.level for g in budget.headings), default=1)

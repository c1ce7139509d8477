"""What both layouts of the budget table share: the loaded sheet (:class:`BudgetSheet`), its dtypes, and the
checks of a 小计, heading or 合计 row against its items (amounts in the sheet's own unit)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal

import pandas as pd

from qdanalysis.domain import NOT_ADJUSTED, UNDISCLOSED
from qdanalysis.errors import ProblemCollector
from qdanalysis.money import sum_all
from qdanalysis.read import parsing
from qdanalysis.read.columns import Record, money_value
from qdanalysis.read.schema import MONEY, SUBTOTAL_WORDS, TOTAL_WORDS

MONEY_KEYS = ("budget", "adjusted_budget", "executed")
TOLERANCE = Decimal("0.01")

BUDGET_DTYPES = {
    "code": object, "category": object, "item": object,
    "budget": MONEY, "adjusted_budget": MONEY, "executed": MONEY,
    "note": object, "source": object, "src_file": object, "src_sheet": object, "src_row": "Int64",
    "adjustment": object, "approximate": object, "implementation": object,
}
SUBTOTAL_DTYPES = {"category": object, "budget": MONEY, "adjusted_budget": MONEY, "executed": MONEY, "src_row": "Int64"}


@dataclass
class BudgetSheet:
    """A loaded budget: item rows, stated subtotals, and the total row as the sheet states it.

    Attributes:
        items: one row per budget item (see :data:`BUDGET_DTYPES`).
        subtotals: the sheet's 小计 rows: category and stated amounts.
        totals: ``budget``, ``adjusted_budget``, ``executed`` (Decimal 元 or None) and
            ``execution_rate`` (executed / adjusted budget, else / budget), from the 合计 row;
            without a 合计 row, the items' sums where every item is known; and ``adjustment``:
            未调整 when no item nor the 合计 row states an adjusted figure or says 未披露, 未披露
            when one says 未披露 and no adjusted total is stated, else None.
        undisclosed: per money column, the stated total minus the items that state a figure
            (the 未披露 part: not itemised), or None where there is no stated total.
        total_row: Excel row of the 合计 row, if any.
        economic: the rows of each item by 支出经济分类, where the sheet is the 预算管理一体化 export
            (:mod:`qdanalysis.read.loaders.budget_system`); None for the hand-typed layout.
    """

    items: pd.DataFrame
    subtotals: pd.DataFrame
    totals: dict[str, object]
    undisclosed: dict[str, Decimal | None] = field(default_factory=dict)
    total_row: int | None = None
    economic: pd.DataFrame | None = None  # the 一体化 layout's rows by 支出经济分类 (None: the sheet has none)


def _marker(rec: Record) -> str | None:
    text = _marker_text(rec)
    if any(w in text for w in SUBTOTAL_WORDS):
        return "subtotal"
    if any(w in text for w in TOTAL_WORDS):
        return "total"
    return None


#: A character :func:`parsing.compact` would remove or fold besides NFKC: a space of any kind, an invisible one.
_NOT_COMPACT = re.compile(r"\s|" + parsing._INVISIBLE.pattern)  # noqa: SLF001 - its one definition


def _compact(value: object) -> str:
    """:func:`parsing.compact`, at once for text it leaves as it is (NFKC already, no space, nothing invisible):
    a million rows each test their 编号, 类别 and 项目名称 for 小计 and 合计."""
    if type(value) is str and unicodedata.is_normalized("NFKC", value) and _NOT_COMPACT.search(value) is None:
        return value
    return parsing.compact(value)


def _marker_text(rec: Record) -> str:
    raw = rec.raw
    return _compact(raw.get("code")) + _compact(raw.get("category")) + _compact(raw.get("item"))


def _check_stands(collector: ProblemCollector, rec: Record, members: list[Record], kind: str) -> None:
    """A row is a subtotal or total only where it stands as one: it states an amount that its
    items can be checked against. A row whose name merely contains 小计, 合计 or 总额 (an item
    renamed 「设备运维总额服务」) would otherwise leave the items silently."""
    words = SUBTOTAL_WORDS if kind == "subtotal" else TOTAL_WORDS
    text = _marker_text(rec)
    word = next(w for w in words if w in text)
    label = "小计" if kind == "subtotal" else "合计"
    stated = [k for k in MONEY_KEYS if money_value(rec.values.get(k)) is not None]
    if not members:
        why = "它上方没有属于它的明细项目" if kind == "subtotal" else "表中没有明细项目"
    elif not stated:
        why = "它没有填写任何金额"
    elif parsing.compact(rec.raw.get("code")) and not any(
            money_value(m.values.get(k)) is not None for m in members for k in stated):
        # An item keeps its 编号 when renamed; a subtotal over items that all leave the
        # figure undisclosed stands without one (the stated figure is then the 未披露 part).
        why = "它有编号，像是明细项目，而它所汇总的明细项目都没有填写对应的金额"
    else:
        return
    name = parsing.shown(rec.raw.get("item")) or parsing.shown(rec.raw.get("category")) or parsing.shown(rec.raw.get("code"))
    collector.add(rec.loc.sheet, rec.row, rec.loc.where("item"),
                  f"「{name}」含有「{word}」，会被当作{label}行而不计入明细，但无法核对：{why}",
                  f"如果这是一个明细项目，请从名称中去掉「{word}」；如果是{label}行，请填写金额，"
                  f"并放在{'所属明细项目的下方' if kind == 'subtotal' else '全部明细项目的下方'}")


def in_unit(amount: Decimal, unit: str | None) -> str:
    """An amount in the sheet's own unit: ``185.40万元`` in a 万元 sheet, ``4.00元`` in a 元 sheet."""
    if unit == "万元":
        value = amount / 10000
        shown = value.quantize(Decimal("0.01")) if value == value.quantize(Decimal("0.01")) else value.normalize()
        return f"{shown}万元"
    return f"{amount.quantize(Decimal('0.01'))}元"


def _check_sum(collector: ProblemCollector, rec: Record, where, members: list[Record], label: str,
               undisclosed: dict[str, Decimal | None] | None = None,
               mismatches: dict[str, list[tuple[int, Decimal]]] | None = None) -> dict[str, Decimal]:
    """Compare a subtotal/total row with its members, column by column; amounts in the sheet's unit,
    相差 always the stated figure minus the members' sum. Returns that difference where it is not zero."""
    out: dict[str, Decimal] = {}
    for key in MONEY_KEYS:
        stated = money_value(rec.values.get(key))
        if stated is None:
            continue
        unit = rec.loc.col_unit.get(key) or rec.loc.sheet_unit
        known = [money_value(m.values.get(key)) for m in members]
        present = [v for v in known if v is not None]
        total = sum(present, Decimal(0))
        rows = _rows_text([m.row for m in members])
        if len(present) == len(known) and members:
            if abs(total - stated) > TOLERANCE:
                out[key] = stated - total
                collector.add(
                    rec.loc.sheet, rec.row, where(key),
                    f"{label}{in_unit(stated, unit)}与明细（第{rows}行）之和{in_unit(total, unit)}不符，"
                    f"相差{in_unit(stated - total, unit)}（表列数减明细之和）",
                    "请核对明细金额或合计金额",
                )
                if mismatches is not None:
                    mismatches.setdefault(key, []).append((len(collector.problems) - 1, stated - total))
        elif total - stated > TOLERANCE:
            collector.add(
                rec.loc.sheet, rec.row, where(key),
                f"已填写的明细（第{rows}行）之和{in_unit(total, unit)}已超过{label}{in_unit(stated, unit)}",
                "请核对明细金额或合计金额",
            )
        if undisclosed is not None:
            undisclosed[key] = stated - total
    return out


def _total_against_subtotals(collector: ProblemCollector, total: Record, subs: list[Record],
                             against_items: dict[str, Decimal], mismatches: dict[str, list[tuple[int, Decimal]]]) -> None:
    """The 合计 against the sum of the 小计 rows. Where it agrees with the items and differs from the
    小计 only by their own errors, it is not a second error: the 小计's message says what follows from it."""
    probe = ProblemCollector(collector.file)
    differences = _check_sum(probe, total, total.loc.where, subs, "合计（与各小计之和）")
    for problem in probe.problems:
        key = next(k for k, col in ((k, total.loc.where(k)) for k in MONEY_KEYS) if col == problem.column)
        explained = mismatches.get(key, [])
        if key not in against_items and explained and \
                sum(d for _, d in explained) == -differences.get(key, Decimal(0)):
            unit = total.loc.col_unit.get(key) or total.loc.sheet_unit
            for index, _ in explained:
                first = collector.problems[index]
                collector.problems[index] = replace(
                    first, message=f"{first.message}；第{total.row}行合计与各小计之和因此相差"
                                   f"{in_unit(differences[key], unit)}（合计与明细一致）")
            continue
        collector.problems.append(problem)


def _rows_text(rows: list[int]) -> str:
    if not rows:
        return "无"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"{rows[0]}-{rows[-1]}" if len(rows) > 1 else str(rows[0])
    return "、".join(map(str, rows))


def _adjustment(rec: Record) -> str | None:
    """未调整 for a blank 调整后预算数 (or none in the sheet), 未披露 where the cell says so, None for a figure."""
    if money_value(rec.values.get("adjusted_budget")) is not None:
        return None
    return UNDISCLOSED if parsing.compact(rec.raw.get("adjusted_budget")) == UNDISCLOSED else NOT_ADJUSTED


def _totals(total: Record | None, items: list[Record]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in MONEY_KEYS:
        if total is not None:
            out[key] = money_value(total.values.get(key))
        else:
            values = [money_value(i.values.get(key)) for i in items]
            out[key] = sum_all(values)
    base = out["adjusted_budget"] or out["budget"]
    out["execution_rate"] = (out["executed"] / base) if out["executed"] is not None and base else None
    states = {_adjustment(r) for r in [*items, *([total] if total is not None else [])]}
    out["adjustment"] = (None if out["adjusted_budget"] is not None
                         else NOT_ADJUSTED if states == {NOT_ADJUSTED}
                         else UNDISCLOSED if UNDISCLOSED in states else None)
    return out

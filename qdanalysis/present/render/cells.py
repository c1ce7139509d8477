"""What a table cell's text is, for every renderer: a figure (right-aligned, never broken), a code
(never broken at its hyphens), or text (short: one line; long: wrapped).

A column of identifiers (its header says so: 编号, 序号, 项目编号, 合同编号, 年度 …) holds codes, not figures: its
``1.1``, ``12`` or ``2020`` is kept on one line and aligned as text (left), never pushed right like money.

Declared once here so that the HTML, Word and Excel outputs align and break the same cells alike.
"""

from __future__ import annotations

import re

#: A cell that is a figure (``-3.65%``, ``1,234.50``, ``636.24万``, ``+2.62个百分点``, ``152.30+未披露``, ``34→36``):
#: right-aligned and never broken inside.
NUMBER_CELL = re.compile(r"^[+\-−]?[\d,]+(\.\d+)?(%|万|万元|元|条|个百分点|倍)?(\+未披露)?$|^\d+→\d+$")
#: A code (a contract number ``SL-2019-2.2-DX``, an item code ``2.2``): never broken at its hyphens.
CODE_CELL = re.compile(r"^[A-Za-z]{1,6}-[A-Za-z0-9.\-]+$")
#: A bare number (``1.1``, ``12``): a figure in a table of text, but in a spreadsheet, where figures are written as
#: numbers, an item code or a sequence number kept as text.
PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)*$")
#: The header of a column of identifiers: item, problem and contract codes, sequence numbers, years used as labels
#: (``年度``, ``起始年度``); a header may carry a line break (the spreadsheet's ``项目\n编号``).
IDENTIFIER_HEADER = re.compile(r"(编号|序号|代码|编码|年度|年份)$")
#: Cells longer than this many characters wrap; shorter ones stay on one line.
LONG_CELL = 16

NUMBER, CODE, LONG, SHORT = "num", "code", "long", "short"
#: What a cell holds where a figure is not given: it sides with the figures of its column.
BLANKS = frozenset({"未披露", "未提供", "—", "-", ""})


def cell_kind(text: str) -> str:
    """:data:`NUMBER`, :data:`CODE`, :data:`LONG` (text that wraps) or :data:`SHORT`; spaces inside a figure
    (``1 234.50``) do not make it text."""
    if NUMBER_CELL.match(text.replace(" ", "")):
        return NUMBER
    if CODE_CELL.match(text):
        return CODE
    return LONG if len(text) > LONG_CELL else SHORT


def is_figure(text: str) -> bool:
    """The text is a figure: right-aligned, never broken."""
    return cell_kind(text) == NUMBER


def is_marked_figure(text: str) -> bool:
    """A figure that says so by its sign, unit, percent or separators (``-3.65%``, ``91条``, ``1,234.50``): in a
    spreadsheet's text, where a bare ``1.1`` is an item code."""
    return is_figure(text) and not PLAIN_NUMBER.match(text)


def unbroken(text: str) -> bool:
    """The text is a figure or a code: kept on one line."""
    return cell_kind(text) in (NUMBER, CODE)


def is_identifier(header: str) -> bool:
    """The column headed ``header`` holds identifiers (:data:`IDENTIFIER_HEADER`): codes, aligned as text."""
    return bool(IDENTIFIER_HEADER.search("".join(str(header).split())))


def column_kinds(texts: list[str], header: str = "") -> list[str]:
    """The kinds of one column's cells (:func:`cell_kind`), figures aligned as their column is: in a column that
    mixes figures with text (指标值: ``≥80条``, ``100%``, ``健全``) a figure is kept on one line (:data:`CODE`)
    but not pushed right, away from the text around it; in a column of identifiers (``header``, see
    :func:`is_identifier`) every short cell is a :data:`CODE` (``1.1``, ``F05-1``, ``2020``, ``合计``)."""
    kinds = [cell_kind(t) for t in texts]
    if is_identifier(header):
        return [LONG if k == LONG else SHORT if t.strip() in BLANKS else CODE for t, k in zip(texts, kinds)]
    mixed = any(k != NUMBER and t.strip() not in BLANKS for t, k in zip(texts, kinds))
    return [CODE if mixed and k == NUMBER else k for k in kinds]

"""How figures are written for people: 万元 with two decimals, percentages, counts, dates.

Text only: the numbers come from :mod:`qdanalysis.money` (rounding half up, 四舍五入, as in the
seed report and Chinese finance tables) and the words from :mod:`qdanalysis.domain`. A missing
value is written 未披露, never 0. This module imports no plotting library, so the command
line and the export use it without the cost of matplotlib.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from qdanalysis.domain import UNDISCLOSED
from qdanalysis.money import WAN, is_missing, round_half_up, to_decimal

#: The MIME type of the run summary a notebook displays for the runner (kept out of the report).
SUMMARY_MIME = "application/vnd.qdanalysis.summary+json"


def placeholder(what: str) -> str:
    """A visible request to the evaluation team (【待评价组填写：…】), the form Word's search finds."""
    return f"【待评价组填写：{what}】"


def format_number(value: Any, places: int = 2) -> str:
    """A number with ``places`` decimals, rounded half-up; missing -> 未披露."""
    if is_missing(value):
        return UNDISCLOSED
    return f"{round_half_up(value, places):f}"


def format_wan(yuan: Any) -> str:
    """An amount in 元 shown in 万元 with two decimals: ``9246800`` -> ``"924.68"``."""
    if is_missing(yuan):
        return UNDISCLOSED
    return format_number(to_decimal(yuan) / WAN)


def wan(yuan: Any) -> str:
    """元 → ``941.00万元``; 未披露 when unknown."""
    text = format_wan(yuan)
    return text if text == UNDISCLOSED else f"{text}万元"


def pct(ratio: Any, places: int = 2) -> str:
    """A ratio as a percentage: ``0.98266`` → ``98.27%``; 未披露 when unknown."""
    if is_missing(ratio):
        return UNDISCLOSED
    return f"{format_number(to_decimal(ratio) * 100, places)}%"


def signed_pct(ratio: Any, places: int = 2) -> str:
    """A change as a signed percentage: ``0.0676`` → ``+6.76%``, ``-0.05`` → ``-5.00%``; 未披露 when unknown."""
    text = pct(ratio, places)
    return text if text == UNDISCLOSED or text.startswith("-") else "+" + text


def signed_points(points: Any, places: int = 2) -> str:
    """A change of a share in percentage points: ``2.6149`` → ``+2.61个百分点``; 未披露 when unknown."""
    if is_missing(points):
        return UNDISCLOSED
    text = format_number(points, places)
    return f"{'' if text.startswith('-') else '+'}{text}个百分点"


def times(ratio: Any) -> str:
    """``9.62`` → ``9.6倍``."""
    return f"{format_number(ratio, 1)}倍"


def count_text(n: Any) -> str:
    """A count as the seed report writes it: ``600万``, ``5.1万``, ``92``."""
    if is_missing(n):
        return UNDISCLOSED
    value = to_decimal(n)
    if value >= WAN:
        return f"{round_half_up(value / WAN, 2).normalize():f}万"
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value.normalize():f}"


def date_text(ts: Any, precision: str | None = "day") -> str:
    """A date to the precision the data gives: ``2019年``, ``2019年9月``, ``2019年8月10日``."""
    if is_missing(ts):
        return UNDISCLOSED
    if precision == "year":
        return f"{ts.year}年"
    if precision == "month":
        return f"{ts.year}年{ts.month}月"
    return f"{ts.year}年{ts.month}月{ts.day}日"


def month_text(ts: Any) -> str:
    return date_text(ts, "month")


_NAMED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def years_named(text: str) -> list[int]:
    """The years a text names (``2020年``, ``2019—2020``), in order."""
    return [int(y) for y in _NAMED_YEAR.findall(text)]


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet or a table: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NUMERALS = "一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (for 1 to 99), as a report numbers its parts."""
    tens, ones = divmod(int(n), 10)
    head = "" if tens == 0 else "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[ones - 1] if ones else "")

"""How figures are written for people: 万元 with two decimals, percentages, counts, dates.

Rounding is half up (四舍五入), as in the seed report and Chinese finance tables. A missing
value is written 未披露, never 0. This module imports no plotting library, so the command
line and the export use it without the cost of matplotlib.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

#: The MIME type of the run summary a notebook displays for the runner (kept out of the report).
SUMMARY_MIME = "application/vnd.qdanalysis.summary+json"

UNDISCLOSED_LABEL = "未披露"
#: What every chart, table and report made from illustrative data says.
DEMO_LABEL = "示例数据"


def placeholder(what: str) -> str:
    """A visible request to the evaluation team (【待评价组填写：…】), the form Word's search finds."""
    return f"【待评价组填写：{what}】"


def is_missing(value: Any) -> bool:
    """None, NaN, pd.NA, NaT and Decimal NaN are missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        if value != value:  # NaN and NaT are not equal to themselves
            return True
    except TypeError:  # pd.NA refuses comparison
        return True
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def to_decimal(value: Any) -> Decimal:
    """Decimal of a number as written: ``repr`` of a float is its shortest round-trip form."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(float(value)))  # float() also unwraps numpy.float64
    try:
        return Decimal(str(int(value)) if hasattr(value, "__index__") else str(value))
    except (InvalidOperation, ValueError) as exc:
        raise TypeError(f"不是数值：{value!r}") from exc


def round_half_up(value: Any, places: int = 2) -> Decimal:
    """Round half away from zero (四舍五入), as in Chinese finance tables."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Any, places: int = 2) -> str:
    """A number with ``places`` decimals, rounded half-up; missing -> 未披露."""
    if is_missing(value):
        return UNDISCLOSED_LABEL
    return f"{round_half_up(value, places):f}"


def format_wan(yuan: Any) -> str:
    """An amount in 元 shown in 万元 with two decimals: ``9246800`` -> ``"924.68"``."""
    if is_missing(yuan):
        return UNDISCLOSED_LABEL
    return format_number(to_decimal(yuan) / 10000)


def wan(yuan: Any) -> str:
    """元 → ``941.00万元``; 未披露 when unknown."""
    text = format_wan(yuan)
    return text if text == UNDISCLOSED_LABEL else f"{text}万元"


def pct(ratio: Any, places: int = 2) -> str:
    """A ratio as a percentage: ``0.98266`` → ``98.27%``; 未披露 when unknown."""
    if is_missing(ratio):
        return UNDISCLOSED_LABEL
    return f"{format_number(to_decimal(ratio) * 100, places)}%"


def signed_pct(ratio: Any, places: int = 2) -> str:
    """A change as a signed percentage: ``0.0676`` → ``+6.76%``, ``-0.05`` → ``-5.00%``; 未披露 when unknown."""
    text = pct(ratio, places)
    return text if text == UNDISCLOSED_LABEL or text.startswith("-") else "+" + text


def signed_points(points: Any, places: int = 2) -> str:
    """A change of a share in percentage points: ``2.6149`` → ``+2.61个百分点``; 未披露 when unknown."""
    if is_missing(points):
        return UNDISCLOSED_LABEL
    text = format_number(points, places)
    return f"{'' if text.startswith('-') else '+'}{text}个百分点"


def times(ratio: Any) -> str:
    """``9.62`` → ``9.6倍``."""
    return f"{format_number(ratio, 1)}倍"


def count_text(n: Any) -> str:
    """A count as the seed report writes it: ``600万``, ``5.1万``, ``92``."""
    if is_missing(n):
        return UNDISCLOSED_LABEL
    value = to_decimal(n)
    if value >= 10000:
        return f"{round_half_up(value / 10000, 2).normalize():f}万"
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value.normalize():f}"


def date_text(ts: Any, precision: str | None = "day") -> str:
    """A date to the precision the data gives: ``2019年``, ``2019年9月``, ``2019年8月10日``."""
    if is_missing(ts):
        return UNDISCLOSED_LABEL
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

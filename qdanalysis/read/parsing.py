"""Parsers for the cell values that real bureau spreadsheets contain.

Each parser takes one raw cell value (str, number, date or None) and returns a typed value,
or raises :class:`CellError` with a Chinese message and hint. Loaders turn a CellError into a
:class:`~qdanalysis.errors.Problem` that names the cell. Money is handled as
:class:`decimal.Decimal` in 元 so that nothing is lost to binary floating point.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from qdanalysis.domain import UNDISCLOSED
from qdanalysis.money import FEN, to_decimal

PRICE_QUANTUM = Decimal("0.0001")

#: Money units a sheet, a header or a cell may state, with their factor to 元.
MONEY_UNITS: dict[str, Decimal] = {"万元": Decimal(10000), "元": Decimal(1)}
#: Billing periods a cell may carry after its unit (``7.6万元/月``).
PER_UNITS = ("月", "年", "条", "次", "项", "路", "个")

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


_SPACES = re.compile(r"\s+")
_ASCII_SPACES = re.compile(r"[ \t\r\n]+")
#: Cells that hold no value: empty, dashes, and the word 未披露 (the data says outright it is not disclosed).
_BLANKS = frozenset(("", "-", "—", "/", "--", "——", UNDISCLOSED))


class CellError(ValueError):
    """A cell value could not be parsed. Carries a Chinese message and hint."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


#: Characters that show nothing (zero-width spaces and joiners, the byte-order mark, soft
#: hyphens, direction marks, variation selectors, Hangul fillers): removed from every text,
#: so that 「机房运维\u200b」 and 「机房运维」 are one name to the duplicate check and the links.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)


def normalize_text(value: object) -> str:
    """Text of a cell with full-width forms folded (NFKC), invisible characters removed,
    spaces trimmed and collapsed."""
    if value is None:
        return ""
    if type(value) is str and value.isascii() and value.isprintable() and "  " not in value \
            and value[:1] != " " and value[-1:] != " ":
        return value  # plain ASCII (codes, numbers): nothing to fold, trim or collapse
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value)))
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def clean_text(value: object) -> str:
    """Text of a cell as the user wrote it, only trimmed and rid of invisible characters
    (names, notes and sources keep their full-width punctuation and circled numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    if not text.isascii():
        text = _INVISIBLE.sub("", text).replace("\u3000", " ").replace("\xa0", " ")
    return _ASCII_SPACES.sub(" ", text).strip()


def name_text(value: object) -> str:
    """:func:`clean_text` of a cell where a name or other text is expected; a logical value (TRUE/FALSE)
    there is more likely damage than data (Excel shows TRUE where the file says 1) and is refused."""
    if type(value) is bool:
        raise CellError(
            f"单元格是逻辑值（{'TRUE' if value else 'FALSE'}），此处应为文字（名称），可能是文件损坏或由其他程序错误生成",
            "请用Excel或WPS打开该文件，把该单元格改为正确的文字后保存",
        )
    return clean_text(value)


def compact(value: object) -> str:
    """Normalized text with every space removed (for matching headers and keywords)."""
    return normalize_text(value).replace(" ", "")


def finding_code(value: object) -> str:
    """A problem's code (F04, H01, T05-1) written one way, however a sheet writes it (`` f04 ``, ``Ｆ04``)."""
    return compact(value).upper()


SHOWN_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(value: object) -> str:
    """A cell value as an error message may quote it: normalised, at most ``SHOWN_CHARS``
    characters, control characters made visible (a cell must not drive the terminal)."""
    text = normalize_text(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + f"…（共{len(text)}个字符）"
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind in (int, float):  # the common numeric cell: only NaN is blank
        return value != value
    if kind is str and len(value) > 4 and not value[0].isspace() and not value[-1].isspace():
        return False  # longer than any blank marker, no spaces to trim
    return normalize_text(value) in _BLANKS


def plain_ascii(texts) -> bool:
    """Whether every value is printable ASCII text, not empty, without a doubled, leading or trailing
    space: such a text reads the same through :func:`clean_text`, :func:`name_text` and :func:`normalize_text`,
    and is never blank (:func:`is_blank`) when longer than 4 characters. Checked on the texts joined, at C
    speed; a TypeError when one is not text."""
    joined = "|".join(texts)
    return (joined.isascii() and joined.isprintable() and "  " not in joined and "||" not in joined
            and " |" not in joined and "| " not in joined and joined[:1] not in ("", " ", "|")
            and joined[-1:] not in (" ", "|"))


_INNER_SPACE = re.compile(r"[0-9][ ]+[0-9.,]|[0-9.,][ ]+[0-9]")


def _check_spacing(value: object) -> None:
    """Refuse a number with spaces inside (``4 5 0``): one number or several cannot be told.
    Spaces around a number, or between it and its unit, are fine; so are thousands commas."""
    if isinstance(value, str) and " " in (text := normalize_text(value)) and _INNER_SPACE.search(text):
        raise CellError(
            f"「{shown(value)}」的数字中间有空格，无法确定是一个数还是几个数",
            "请删去数字中间的空格；千分位请用逗号，例如 1,234.56",
        )


_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


MAX_NUMBER_CHARS = 64


def _to_decimal(text: str) -> Decimal:
    """Decimal of a plain number string; thousands separators only in groups of three."""
    if len(text) > MAX_NUMBER_CHARS:  # no real figure is this long; Decimal would take it whole
        raise CellError(f"「{shown(text)}」位数过多，不是有效的数字", "请核对该数值")
    if _GROUPED_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        raise CellError(f"「{shown(text)}」不是数字", "请只填写数字，例如 66.7 或 1,234.56")
    try:
        return Decimal(text)
    except InvalidOperation:  # an exponent beyond what Decimal holds, e.g. 1e99999999999999999999
        raise CellError(f"「{shown(text)}」超出可处理的数值范围", "请核对该数值") from None


def _number_of(value: object) -> Decimal:
    """Decimal of a numeric cell without binary noise (66.7 stays 66.7)."""
    if isinstance(value, bool):
        raise CellError(f"「{shown(value)}」不是数字", "请填写数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise CellError("单元格不是有效数字", "请填写数字")
        # Excel stores doubles; 15 significant digits is what Excel itself shows and keeps,
        # so 0.30000000000000004 is 0.3 and 66.7 stays 66.7.
        return to_decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError("单元格不是有效数字", "请填写数字")
        return value
    raise CellError(f"「{shown(value)}」不是数字", "请填写数字")


@dataclass(frozen=True, slots=True)  # slots: one per money cell, a million in a big ledger
class Money:
    """A parsed money cell: amount in 元 and, when the cell said so, its billing period."""

    yuan: Decimal
    per: str | None = None
    unit_stated: bool = False
    #: The cell wrote the amount as approximate (``约90万元``): the figure stays 约 wherever it is shown.
    approximate: bool = False


#: Digits of the money columns (``decimal128(18, 2)``, prices ``decimal128(18, 4)``).
MONEY_DIGITS = 18

_MONEY_RE = re.compile(
    r"^(?P<approx>约为|大约|约)?(?P<num>[+-]?[\d.,]+)(?P<unit>万元|元|万)?(?:/(?P<per>" + "|".join(PER_UNITS) + r"))?$"
)


def parse_money(
    value: object, default_unit: str | None, *, quantum: Decimal = FEN, allow_negative: bool = False
) -> Money | None:
    """Parse a money cell into 元.

    Args:
        value: the raw cell value.
        default_unit: ``"万元"`` or ``"元"`` from the header or the sheet's ``单位：`` line;
            None when the sheet does not say. A unit written in the cell wins.
        quantum: precision to keep (fen for amounts, 0.0001 元 for unit prices).
        allow_negative: refunds and corrections may be negative; budgets may not.

    Returns:
        None for an empty cell, else a :class:`Money`.

    Raises:
        CellError: not a number, no unit can be told, or finer than ``quantum``.
    """
    if is_blank(value):
        return None
    per = None
    unit = None
    approximate = False
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = _number_of(value)
    elif isinstance(value, str):
        _check_spacing(value)
        text = compact(value).replace("RMB", "").replace("¥", "").replace("￥", "")
        m = _MONEY_RE.match(text)
        if not m:
            raise CellError(
                f"金额「{shown(value)}」无法识别为数字",
                "请填写数字，可带单位，例如 66.7、66.7万元、942元/月",
            )
        number = _to_decimal(m.group("num"))
        unit = m.group("unit")
        if unit == "万":
            unit = "万元"
        per = m.group("per")
        approximate = m.group("approx") is not None
    else:
        raise CellError(f"金额「{shown(value)}」不是数字", "请填写数字")
    stated = unit is not None
    unit = unit or default_unit
    if unit is None:
        raise CellError(
            "无法判断金额单位（元还是万元）",
            "请在表头写明单位，例如「预算数（万元）」，或在表格上方加一行「单位：万元」",
        )
    limit = _MONEY_LIMITS.get(quantum) or Decimal(10) ** (MONEY_DIGITS + quantum.as_tuple().exponent)
    if number.is_finite() and number and number.adjusted() >= limit.adjusted():  # before any arithmetic
        raise _too_large(value, limit)
    yuan = number * MONEY_UNITS[unit]
    if abs(yuan) >= limit:
        raise _too_large(value, limit)
    rounded = yuan.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded != yuan:
        raise CellError(
            f"金额「{shown(value)}」精度超过{'分' if quantum == FEN else '0.0001元'}",
            "金额应精确到分（0.01元），请核对该数值",
        )
    if rounded < 0 and not allow_negative:
        raise CellError(f"金额「{shown(value)}」为负数", "预算和合同金额不能为负数，请核对")
    return Money(rounded, per, stated, approximate)


_MONEY_LIMITS = {q: Decimal(10) ** (MONEY_DIGITS + q.as_tuple().exponent) for q in (FEN, PRICE_QUANTUM)}


def _too_large(value: object, limit: Decimal) -> CellError:
    return CellError(f"金额「{shown(value)}」过大（超过{limit:,.0f}元）", "请核对数值和单位（元还是万元）")


def parse_unit_line(text: object) -> str | None:
    """The money unit of a ``单位：万元`` line (or a cell containing one), else None."""
    m = re.search(r"(?:金额)?单位[:：]?\s*(万元|元)", compact(text))
    return m.group(1) if m else None


_HEADER_UNIT_RE = re.compile(r"^(?P<name>.*?)[(\[](?P<unit>[^()\[\]]*)[)\]]$")


def split_header(text: object) -> tuple[str, str | None]:
    """Header name and unit: ``预算数（万元）`` -> (``预算数``, ``万元``).

    The unit part is returned as written (e.g. ``元/月``, ``条``); callers decide
    whether it is a money unit. A trailing ``*`` (required marker) is dropped.
    """
    t = compact(text).rstrip("*")
    m = _HEADER_UNIT_RE.match(t)
    if m and m.group("name"):
        return m.group("name"), m.group("unit")
    return t, None


def money_unit_of(unit: str | None) -> str | None:
    """``万元`` or ``元`` if the header unit names one (``万元``, ``元/月``), else None."""
    if not unit:
        return None
    if unit.startswith("万元") or unit == "万":
        return "万元"
    if unit.startswith("元"):
        return "元"
    return None


def parse_decimal(value: object, *, what: str = "数值") -> Decimal | None:
    """A plain number (thousands separators, full-width digits, a trailing % kept as-is)."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _number_of(value)
    _check_spacing(value)
    text = compact(value).rstrip("%")
    try:
        return _to_decimal(text)
    except CellError:
        raise CellError(f"{what}「{shown(value)}」不是数字", "请只填写数字") from None


_MAGNITUDE = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000)}


@dataclass(frozen=True)
class Quantity:
    """A number with an optional magnitude word and unit: ``5.1万路`` = 51000 路."""

    value: Decimal | None
    unit: str
    text: str


_QUANTITY_RE = re.compile(r"^(?P<num>[+-]?[\d.,]+)(?P<mag>万|亿|千)?(?P<unit>[^\d]*)$")


def parse_quantity(value: object) -> Quantity | None:
    """Parse ``80条``, ``5.1万路``, ``924.68万元``, ``95%``, ``2小时``; text like ``健全`` keeps value None."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = _number_of(value)
        return Quantity(number, "", normalize_text(value))
    _check_spacing(value)
    text = compact(value)
    m = _QUANTITY_RE.match(text)
    if not m:
        if re.search(r"\d", text):
            raise CellError(f"「{shown(value)}」无法识别为数量", "请写成数字加单位，例如 80条、5.1万路、95%")
        return Quantity(None, "", text)
    number = _to_decimal(m.group("num"))
    unit = m.group("unit")
    mag = m.group("mag")
    if mag == "万" and unit == "元":
        unit = "元"
    if mag:
        number = number * _MAGNITUDE[mag]
    return Quantity(number, unit, text)


#: Largest count accepted: a million rows of it still sum within Int64.
MAX_COUNT = 10**12


#: Words after a count that count organisations, not lines or messages: ``92个单位``, ``92家``.
ORGANISATION_UNITS = ("个单位", "家单位", "单位", "家", "户")


def counts_organisations(value: object) -> bool:
    """Whether a count cell counts organisations (``92个单位``, ``92家``) rather than things (``92条``, ``92``)."""
    if not isinstance(value, str):
        return False
    try:
        q = parse_quantity(value)
    except CellError:
        return False
    return q is not None and q.unit in ORGANISATION_UNITS


def parse_count(value: object, *, what: str = "数量") -> int | None:
    """A whole count: ``92``, ``1,234``, ``１２３``, ``12.5万``."""
    if type(value) is int and 0 <= value <= MAX_COUNT:  # the common case, without the text path
        return value
    q = parse_quantity(value)
    if q is None:
        return None
    if q.value is None or q.unit not in ("", "条", "个", "条线路", "路", "次", "条短信", *ORGANISATION_UNITS):
        raise CellError(f"{what}「{shown(value)}」不是整数", "请填写整数，例如 92")
    if q.value != q.value.to_integral_value() or q.value < 0:
        raise CellError(f"{what}「{shown(value)}」不是非负整数", "请填写整数，例如 92")
    if q.value > MAX_COUNT:
        raise CellError(f"{what}「{shown(value)}」过大（超过{MAX_COUNT:,}）", "请核对该数值")
    return int(q.value)


_OPS = [
    ("≥", ">="), (">=", ">="), ("不低于", ">="), ("不少于", ">="), ("大于等于", ">="), ("至少", ">="),
    ("≤", "<="), ("<=", "<="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("小于等于", "<="),
    ("以内", "<="), (">", ">"), ("大于", ">"), ("高于", ">"), ("<", "<"), ("小于", "<"), ("低于", "<"),
    ("=", "="), ("等于", "="), ("达到", ">="),
]
#: Qualitative targets that a yes/no judgement can meet.
QUALITATIVE = ("健全", "完善", "合格", "达标", "是", "有效", "满意", "及时", "规范", "完成", "按时完成")


@dataclass(frozen=True)
class Target:
    """An indicator target: operator, value (None for qualitative), unit and the text."""

    op: str
    value: Decimal | None
    unit: str
    text: str


def parse_target(value: object) -> Target:
    """Parse a target cell: ``≥80条``, ``>=80``, ``不低于95%``, ``≤2小时``, ``100%``, ``健全``, ``≥10万``.

    Raises:
        CellError: empty, or a text that is neither a comparison nor a known qualitative target.
    """
    text = compact(value)
    if not text:
        raise CellError("指标值为空", "请填写指标值，例如 ≥80条、≤2小时、100%、健全")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Target("=", _number_of(value), "", text)
    _check_spacing(value)
    rest = text
    op = "="
    for word, sym in _OPS:
        if rest.startswith(word):
            op, rest = sym, rest[len(word):]
            break
        if word == "以内" and rest.endswith(word):
            op, rest = sym, rest[: -len(word)]
            break
    if rest in QUALITATIVE:
        return Target("is", None, "", text)
    try:
        q = parse_quantity(rest)
    except CellError:
        q = None
    if q is None or q.value is None:
        raise CellError(
            f"指标值「{shown(value)}」无法识别",
            "请写成比较符加数值和单位（如 ≥80条、≤2小时、不低于95%、100%），或定性目标（如 健全）",
        )
    return Target(op, q.value, q.unit, text)


@dataclass(frozen=True)
class ParsedDate:
    """A date and how much of it the sheet gave: ``day``, ``month`` or ``year``."""

    date: dt.date
    precision: str


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), "day"),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:份)?$"), "month"),
    (re.compile(r"^(\d{4})年?(?:度)?$"), "year"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "day"),
]


#: Dates outside these are typing errors (and beyond what datetime64[ns] holds past 2262).
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


def parse_date(value: object, *, allow_year: bool = True) -> ParsedDate | None:
    """Parse Excel dates, serial numbers and ``2019-08-10``, ``2019/8/10``, ``2019年8月10日``,
    ``2019年8月``, ``2019.08``, ``2019年``. Month/year-only dates keep their precision.

    Raises:
        CellError: not a date, a date that does not exist, or one outside 1900–2200.
    """
    parsed = _parse_date(value, allow_year)
    if parsed is not None and not DATE_MIN <= parsed.date <= DATE_MAX:
        raise CellError(f"日期「{shown(value if isinstance(value, str) else parsed.date)}」超出合理范围"
                        f"（{DATE_MIN.year}–{DATE_MAX.year}年）", "请核对年份")
    return parsed


def _parse_date(value: object, allow_year: bool) -> ParsedDate | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return ParsedDate(value.date(), "day")
    if isinstance(value, dt.date):
        return ParsedDate(value, "day")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise CellError("日期无效", "请填写日期，例如 2019-08-10")
        if 1900 <= value <= 2200 and float(value).is_integer():
            if not allow_year:
                raise CellError(f"日期「{shown(value)}」只有年份", "请写明月份，例如 2020年1月")
            return ParsedDate(dt.date(int(value), 1, 1), "year")
        if 1 <= value < 2958466:
            day = _EXCEL_EPOCH + dt.timedelta(days=float(value))
            return ParsedDate(day.date(), "day")
        raise CellError(f"日期「{shown(value)}」无效", "请填写日期，例如 2019-08-10")
    text = compact(value)
    for pattern, precision in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if precision == "year" and not allow_year:
            break
        _check_spacing(value)
        parts = [int(g) for g in m.groups()]
        year, month, day = parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        try:
            return ParsedDate(dt.date(year, month, day), precision)
        except ValueError:
            raise CellError(f"日期「{shown(value)}」不存在", "请核对年、月、日") from None
    raise CellError(
        f"日期「{shown(value)}」无法识别",
        "请写成 2019-08-10、2019/8/10、2019年8月10日、2019年8月 或 2019.08",
    )


def parse_month(value: object, year: int | None = None) -> dt.date | None:
    """A settlement month, as the first day of that month. ``1月`` needs ``year``."""
    if is_blank(value):
        return None
    _check_spacing(value)
    text = compact(value)
    m = re.match(r"^(\d{1,2})月(?:份)?$", text)
    if m and year is not None:
        month = int(m.group(1))
        if 1 <= month <= 12:
            return dt.date(year, month, 1)
    try:
        parsed = parse_date(value, allow_year=False)
    except CellError:
        parsed = None
    if parsed is None:
        raise CellError(f"月份「{shown(value)}」无法识别", "请写成 2020年1月 或 2020-01")
    return parsed.date.replace(day=1)


_BANDWIDTH_RE = re.compile(r"^(?P<num>[\d.]+)(?P<unit>G|M|K)?(?:B|BPS|B/S|BIT/S|兆)?$", re.IGNORECASE)


def parse_bandwidth(value: object) -> Decimal | None:
    """Bandwidth in Mbps: ``1000M``, ``1000Mbps``, ``1G``, ``100兆``, ``512K``, ``100``."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _number_of(value)
    _check_spacing(value)
    text = compact(value).upper()
    m = _BANDWIDTH_RE.match(text)
    if not m:
        raise CellError(f"带宽「{shown(value)}」无法识别", "请写成 1000M、1G 或 100Mbps")
    number = _to_decimal(m.group("num"))
    factor = {"G": Decimal(1000), "K": Decimal("0.001")}.get((m.group("unit") or "M").upper(), Decimal(1))
    return number * factor


def parse_codes(value: object) -> tuple[str, ...]:
    """A list of item codes: ``2.1、2.2、2.3`` (also commas, semicolons or spaces)."""
    if is_blank(value):
        return ()
    if isinstance(value, float) and value.is_integer():
        return (str(int(value)),)
    if isinstance(value, (int, float)):
        return (repr(value) if isinstance(value, float) else str(value),)
    parts = re.split(r"[、,;；\s]+", normalize_text(value))
    return tuple(p for p in parts if p)

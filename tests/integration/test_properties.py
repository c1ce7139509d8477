"""The cell parsers under fuzzing: whatever a cell holds, a parser returns a value or raises CellError.

A cell may hold any text, a float (nan and inf included: a hostile file can store them), an
int of any size, a bool, a date, a time or a duration. Nothing else may escape a parser:
an InvalidOperation, an OverflowError or a ValueError would reach the user as an internal
error. The values a parser returns must also fit the frame the loaders build (decimal128
money, datetime64[ns] dates, Int64 counts), or the crash only moves one step later.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qdanalysis.money import FEN
from qdanalysis.read import parsing as P

settings.register_profile("qdanalysis-fuzz", deadline=None, max_examples=300,
                          suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings.get_profile("qdanalysis-fuzz")
CJK = re.compile(r"[\u4e00-\u9fff]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# --- what a cell can hold ------------------------------------------------------------------

# Characters that real sheets mix into numbers, dates, units and targets.
NUMERIC_ALPHABET = (
    "0123456789０１２３４５６７８９.,，．、-+－＋ %％eE万亿千元¥￥/月年日条路次个:：单位（）()[]"
    "≥≤><=不低于高超过以内大小等至少达到健全是否 \t\n\u3000\xa0\x00\x07\x1b\u202e"
)
numeric_text = st.text(alphabet=NUMERIC_ALPHABET, max_size=40)
number_like = st.builds(
    lambda sign, digits, frac, unit: f"{sign}{digits}{frac}{unit}",
    st.sampled_from(["", "-", "+", "－", "≥", "不低于", "≤"]),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,6}|[0-9０-９]{1,40}", fullmatch=True),
    st.from_regex(r"([.．][0-9]{0,12})?", fullmatch=True),
    st.sampled_from(["", "万元", "元", "万", "元/月", "万元/年", "元/条", "%", "条", "万条", "亿", "小时", "M", "G"]),
)
date_text = st.builds(
    lambda y, m, d, sep: sep.join(str(x) for x in (y, m, d)) if sep in "-/." else f"{y}年{m}月{d}日",
    st.integers(-1, 12000), st.integers(-1, 14), st.integers(-1, 33), st.sampled_from(["-", "/", ".", "年"]),
)
huge_ints = st.integers(min_value=-(10**400), max_value=10**400)
cell_values = st.one_of(
    st.none(),
    st.text(max_size=60),
    numeric_text,
    number_like,
    date_text,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e20, max_value=1e20),
    st.integers(min_value=-(2**70), max_value=2**70),
    huge_ints,
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
EXAMPLES = [
    1e300, -1e300, float("nan"), float("inf"), 10**400, 2958465, 2958466, 0, -1, 1e-300, True, "1e99999999999999999999",
    "9" * 5000, "9" * 5000 + "万", "１" * 64 + "元", "≥" + "1" * 500 + "亿", "0000-00-00", "9999年99月99日",
    dt.date.max, dt.date.min, dt.datetime.max, Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+999999"), "\x1b[2J",
]


def with_examples(**fixed):
    """Try every hostile example first (``fixed`` gives the test's other arguments)."""

    def decorate(test):
        for value in EXAMPLES:
            test = example(value=value, **fixed)(test)
        return test

    return decorate


MONEY_LIMIT = {FEN: Decimal(10) ** 16, P.PRICE_QUANTUM: Decimal(10) ** 14}


def assert_cell_error(err: P.CellError, value: object) -> None:
    """A refusal a user can read: Chinese, short, and no control character echoed."""
    assert CJK.search(err.message), (value, err.message)
    assert len(err.message) < 300, (value, err.message[:300])
    assert not CONTROL.search(err.message), (value, err.message)
    assert isinstance(err.hint, str)


def outcome(parse, value):
    """The parser's result, or None after checking its CellError. Any other exception fails the test."""
    try:
        return parse(value)
    except P.CellError as err:
        assert_cell_error(err, value)
        return None


# --- money -----------------------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(value=cell_values, unit=st.sampled_from([None, "元", "万元"]), quantum=st.sampled_from([FEN, P.PRICE_QUANTUM]),
       negative=st.booleans())
@with_examples(unit="元", quantum=FEN, negative=False)
def test_money_never_raises_anything_but_cell_error(value, unit, quantum, negative):
    money = outcome(lambda v: P.parse_money(v, unit, quantum=quantum, allow_negative=negative), value)
    if money is None:
        return
    assert isinstance(money, P.Money)
    assert money.yuan.is_finite() and money.yuan == money.yuan.quantize(quantum)
    assert abs(money.yuan) < MONEY_LIMIT[quantum]
    assert negative or money.yuan >= 0
    assert money.per in (None, *P.PER_UNITS)
    # It fits the loaders' money columns exactly.
    scale = -quantum.as_tuple().exponent
    assert pa.array([money.yuan], pa.decimal128(18, scale))[0].as_py() == money.yuan


@FUZZ
@given(cents=st.integers(min_value=0, max_value=10**15), unit=st.sampled_from(["元", "万元"]))
def test_money_round_trips_through_its_text_forms(cents, unit):
    amount = Decimal(cents).scaleb(-2)
    factor = P.MONEY_UNITS[unit]
    expected = amount * factor
    if expected >= 10**16 or expected != expected.quantize(FEN):
        return
    forms = [f"{amount}", f"{amount:,}", f" {amount} ", f"{amount}{unit}", f"¥{amount:,}",
             f"{amount}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))]
    for text in forms:
        money = P.parse_money(text, unit)
        assert money.yuan == expected, text


@FUZZ
@given(value=st.floats(min_value=0, max_value=1e11, allow_nan=False))
def test_money_float_cells_match_their_15_digit_text(value):
    """A number cell and the same number typed as text give the same amount (or both are refused)."""
    as_number = outcome(lambda v: P.parse_money(v, "元"), value)
    as_text = outcome(lambda v: P.parse_money(v, "元"), format(value, ".15g"))
    if "e" not in format(value, ".15g"):
        assert as_number == as_text


# --- dates -------------------------------------------------------------------------------------


money_cells = st.one_of(
    cell_values,
    st.sampled_from([0.1 + 0.2, 66.7, 1.005, 942.0, -0.0, 1e15, 1e16, 123456789.12345, 0.0001, 0.00005, 2.0**53 + 2]),
    st.integers(min_value=-10, max_value=10**17),
    st.builds(lambda c: c / 100, st.integers(min_value=0, max_value=10**16)),
    st.builds(lambda c: c / 10000, st.integers(min_value=0, max_value=10**14)),
)


@pytest.mark.slow
@FUZZ
@given(values=st.lists(money_cells, max_size=40), unit=st.sampled_from([None, "元", "万元"]),
       kind=st.sampled_from(["money", "price"]))
def test_a_money_column_reads_as_its_cells_do_one_by_one(values, unit, kind):
    # The column reader checks numeric cells as arrays; each cell must come out exactly as
    # parse_money gives it, and each refusal with parse_money's message.
    from qdanalysis.read.columns import read_columns
    from qdanalysis.read.locate import Located
    from qdanalysis.read.schema import Column, SheetSchema

    table = SheetSchema("t", "合同", ("合同",), (Column("amount", "金额", (), True, kind=kind),))
    loc = Located("f.xlsx", "合同", 1, {"amount": 0}, {"amount": "金额"}, {"amount": unit}, None, {},
                  rows=[(i + 2, [v]) for i, v in enumerate(values)])
    cols = read_columns(loc, table)
    problems = {i: message for i, _, _, message, _ in cols.staged}
    quantum = P.PRICE_QUANTUM if kind == "price" else FEN
    for i, value in enumerate(values):
        got = cols.values["amount"][i]
        try:
            expected = P.parse_money(value, unit, quantum=quantum)
        except P.CellError as err:
            assert (got, problems.get(i)) == (None, err.message), value
            continue
        assert i not in problems, (value, problems[i])
        assert got == expected, (value, got, expected)
        if expected is not None and expected.yuan:
            assert str(got.yuan) == str(expected.yuan)  # the same exponent: 66.70, 0.0650


@FUZZ
@given(value=cell_values, allow_year=st.booleans())
@with_examples(allow_year=True)
def test_date_never_raises_anything_but_cell_error(value, allow_year):
    parsed = outcome(lambda v: P.parse_date(v, allow_year=allow_year), value)
    if parsed is None:
        return
    assert isinstance(parsed, P.ParsedDate) and type(parsed.date) is dt.date
    assert parsed.precision in ("day", "month", "year")
    assert allow_year or parsed.precision != "year"
    assert P.DATE_MIN <= parsed.date <= P.DATE_MAX
    pd.Series([parsed.date]).astype("datetime64[ns]")  # fits the loaders' date columns


@FUZZ
# From 1906 on: serial numbers 1900–2200 are read as years (a cell holding 2019 is a year).
@given(day=st.dates(min_value=dt.date(1906, 2, 1), max_value=dt.date(2200, 12, 31)))
def test_a_date_reads_the_same_in_every_form(day):
    serial = (day - dt.date(1899, 12, 30)).days
    forms = [day, dt.datetime.combine(day, dt.time(15, 30)), serial, float(serial) + 0.25, day.isoformat(),
             f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}",
             f"{day.year}.{day.month:02d}.{day.day:02d}",
             day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))]
    for form in forms:
        parsed = P.parse_date(form)
        assert (parsed.date, parsed.precision) == (day, "day"), form


@FUZZ
@given(value=cell_values, year=st.one_of(st.none(), st.integers(1900, 2200)))
@with_examples(year=2020)
def test_month_never_raises_anything_but_cell_error(value, year):
    month = outcome(lambda v: P.parse_month(v, year), value)
    if month is not None:
        assert type(month) is dt.date and month.day == 1 and P.DATE_MIN <= month <= P.DATE_MAX


# --- units -------------------------------------------------------------------------------------


@FUZZ
@given(value=cell_values)
@with_examples()
def test_unit_parsers_never_raise(value):
    assert P.parse_unit_line(value) in (None, "元", "万元")
    name, unit = P.split_header(value)
    assert isinstance(name, str) and (unit is None or isinstance(unit, str))
    assert P.money_unit_of(unit) in (None, "元", "万元")


@FUZZ
@given(name=st.sampled_from(["预算数", "执行数", "合同金额", "月租"]), unit=st.sampled_from(["万元", "元"]),
       left=st.sampled_from(["(", "（", "["]), spaces=st.sampled_from(["", " ", "\u3000"]))
def test_header_units_in_every_bracket(name, unit, left, spaces):
    right = {"(": ")", "（": "）", "[": "]"}[left]
    header = f"{spaces}{name}{spaces}{left}{unit}{right}{spaces}"
    parsed_name, parsed_unit = P.split_header(header)
    assert (parsed_name, P.money_unit_of(parsed_unit)) == (name, unit)
    assert P.parse_unit_line(f"{spaces}单位{spaces}：{unit}") == unit


# --- targets and quantities ------------------------------------------------------------------


@FUZZ
@given(value=cell_values)
@with_examples()
def test_target_never_raises_anything_but_cell_error(value):
    target = outcome(P.parse_target, value)
    if target is None:
        return
    assert target.op in (">=", "<=", ">", "<", "=", "is")
    assert (target.value is None) == (target.op == "is")
    assert target.value is None or target.value.is_finite()
    assert isinstance(target.unit, str) and isinstance(target.text, str)


@FUZZ
@given(op=st.sampled_from([("≥", ">="), (">=", ">="), ("不低于", ">="), ("≤", "<="), ("<=", "<="), ("", "=")]),
       number=st.decimals(min_value=0, max_value=10**9, places=2), unit=st.sampled_from(["", "条", "%", "小时", "路"]))
def test_targets_read_back(op, number, unit):
    word, symbol = op
    target = P.parse_target(f"{word}{number}{unit}")
    assert (target.op, target.value, target.unit) == (symbol, number, unit)


@pytest.mark.slow
@FUZZ
@given(value=cell_values)
@with_examples()
def test_other_parsers_never_raise_anything_but_cell_error(value):
    quantity = outcome(P.parse_quantity, value)
    assert quantity is None or isinstance(quantity, P.Quantity)
    count = outcome(P.parse_count, value)
    assert count is None or (type(count) is int and 0 <= count <= P.MAX_COUNT)
    decimal = outcome(P.parse_decimal, value)
    assert decimal is None or isinstance(decimal, Decimal)
    bandwidth = outcome(P.parse_bandwidth, value)
    assert bandwidth is None or isinstance(bandwidth, Decimal)
    codes = outcome(P.parse_codes, value)
    assert codes is None or all(isinstance(c, str) and c for c in codes)
    assert isinstance(P.shown(value), str) and len(P.shown(value)) <= P.SHOWN_CHARS + 20


@pytest.mark.parametrize("value", EXAMPLES, ids=[repr(v)[:30] for v in EXAMPLES])
def test_hostile_examples_through_every_parser(value):
    """The fixed examples once more, through every parser, so a failure names its value."""
    for parse in (lambda v: P.parse_money(v, "元"), lambda v: P.parse_money(v, "万元", quantum=P.PRICE_QUANTUM),
                  P.parse_date, lambda v: P.parse_month(v, 2020), P.parse_target, P.parse_quantity, P.parse_count,
                  P.parse_decimal, P.parse_bandwidth, P.parse_codes, P.parse_unit_line, P.split_header):
        outcome(parse, value)


@pytest.mark.slow
@FUZZ
@given(cells=st.lists(st.one_of(st.none(), st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1)), max_size=50),
       scale=st.sampled_from([2, 4]))
def test_decimal_columns_built_from_integers_are_exact(cells, scale):
    import numpy as np

    from qdanalysis.read.columns import decimal_array
    from qdanalysis.read.schema import MONEY, PRICE

    units = np.array([0 if c is None else c for c in cells], dtype=np.int64)
    valid = np.array([c is not None for c in cells], dtype=bool)
    arr = decimal_array(units, valid, scale, MONEY if scale == 2 else PRICE)
    assert [None if pd.isna(v) else v for v in arr] == [None if c is None else Decimal(c).scaleb(-scale) for c in cells]
    assert arr.dtype == (MONEY if scale == 2 else PRICE)

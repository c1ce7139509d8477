"""Cell parsers: money, dates, targets, quantities, bandwidth."""

import datetime as dt
from decimal import Decimal

import pytest

from qdanalysis.read import parsing as P


@pytest.mark.parametrize(
    "value, unit, yuan, per",
    [
        (66.7, "万元", "667000.00", None),
        ("66.7", "万元", "667000.00", None),
        ("６６．７", "万元", "667000.00", None),
        (" 66.7 ", "万元", "667000.00", None),
        ("1,234,567.89", "元", "1234567.89", None),
        ("１，２３４．５", "元", "1234.50", None),
        ("66.7万元", "元", "667000.00", None),  # the cell's own unit wins over the sheet's
        ("66.7万", None, "667000.00", None),
        ("7.6万元/月", None, "76000.00", "月"),
        ("942元/月", "万元", "942.00", "月"),
        (22.797, "万元", "227970.00", None),
        (924.68, "万元", "9246800.00", None),
        (0.1 + 0.2, "万元", "3000.00", None),  # binary noise is not precision
        (941, "万元", "9410000.00", None),
        ("¥1,000", "元", "1000.00", None),
    ],
)
def test_money(value, unit, yuan, per):
    money = P.parse_money(value, unit)
    assert money.yuan == Decimal(yuan)
    assert money.per == per


@pytest.mark.parametrize("value, yuan", [("约90", "900000.00"), ("约为90万元", "900000.00"), ("大约 66.7", "667000.00")])
def test_an_approximate_amount_keeps_its_约(value, yuan):
    money = P.parse_money(value, "万元")
    assert money.yuan == Decimal(yuan) and money.approximate
    assert not P.parse_money("90", "万元").approximate


@pytest.mark.parametrize("value", [None, "", "  ", "-", "—", "未披露"])
def test_money_blank_is_unknown(value):
    assert P.parse_money(value, "万元") is None


@pytest.mark.parametrize(
    "value, unit, words",
    [
        ("六十六", "万元", "无法识别"),
        ("12,34", "元", "不是数字"),
        ("66.7", None, "无法判断金额单位"),
        (66.7, None, "无法判断金额单位"),
        ("-5", "万元", "负数"),
        ("12.345", "元", "精度"),
        ("1.2.3", "元", "不是数字"),
    ],
)
def test_money_refused(value, unit, words):
    with pytest.raises(P.CellError, match=words):
        P.parse_money(value, unit)


def test_unit_price_keeps_sub_fen():
    assert P.parse_money("0.065元/条", None, quantum=P.PRICE_QUANTUM).yuan == Decimal("0.0650")


@pytest.mark.parametrize(
    "value, date, precision",
    [
        (dt.datetime(2019, 8, 10), dt.date(2019, 8, 10), "day"),
        (dt.date(2019, 8, 10), dt.date(2019, 8, 10), "day"),
        (43687, dt.date(2019, 8, 10), "day"),
        ("2019-08-10", dt.date(2019, 8, 10), "day"),
        ("2019/8/10", dt.date(2019, 8, 10), "day"),
        ("2019年8月10日", dt.date(2019, 8, 10), "day"),
        ("２０１９年８月１０日", dt.date(2019, 8, 10), "day"),
        ("2019年8月", dt.date(2019, 8, 1), "month"),
        ("2019.08", dt.date(2019, 8, 1), "month"),
        ("2014年", dt.date(2014, 1, 1), "year"),
        (2014, dt.date(2014, 1, 1), "year"),
    ],
)
def test_dates(value, date, precision):
    parsed = P.parse_date(value)
    assert (parsed.date, parsed.precision) == (date, precision)


@pytest.mark.parametrize("value, words", [("2019-02-30", "不存在"), ("去年八月", "无法识别"), ("2019年13月", "不存在")])
def test_dates_refused(value, words):
    with pytest.raises(P.CellError, match=words):
        P.parse_date(value)


@pytest.mark.parametrize(
    "text, op, value, unit",
    [
        ("≥80条", ">=", "80", "条"),
        (">=80", ">=", "80", ""),
        ("＞＝80", ">=", "80", ""),
        ("不低于95%", ">=", "95", "%"),
        ("≤2小时", "<=", "2", "小时"),
        ("100%", "=", "100", "%"),
        ("≥10万", ">=", "100000", ""),
        ("≥600万条", ">=", "6000000", "条"),
        ("≤941万元", "<=", "9410000", "元"),
        ("2小时以内", "<=", "2", "小时"),
    ],
)
def test_targets(text, op, value, unit):
    t = P.parse_target(text)
    assert (t.op, t.value, t.unit) == (op, Decimal(value), unit)


def test_qualitative_target():
    t = P.parse_target("健全")
    assert (t.op, t.value, t.text) == ("is", None, "健全")


@pytest.mark.parametrize("text", ["", "很多", "≥八十条", "≥"])
def test_target_refused(text):
    with pytest.raises(P.CellError, match="指标值"):
        P.parse_target(text)


@pytest.mark.parametrize(
    "text, value, unit",
    [("5.1万路", "51000", "路"), ("924.68万元", "9246800", "元"), ("95%", "95", "%"), ("1.5亿条", "150000000", "条")],
)
def test_quantity(text, value, unit):
    q = P.parse_quantity(text)
    assert (q.value, q.unit) == (Decimal(value), unit)


@pytest.mark.parametrize("text, mbps", [("1000M", 1000), ("1G", 1000), ("100Mbps", 100), ("100兆", 100), (1000, 1000)])
def test_bandwidth(text, mbps):
    assert P.parse_bandwidth(text) == Decimal(mbps)


@pytest.mark.parametrize("text, count", [("92", 92), ("１２３", 123), ("1,234", 1234), ("12.5万", 125000), (92.0, 92)])
def test_count(text, count):
    assert P.parse_count(text) == count


@pytest.mark.parametrize("text, count, organisations", [
    ("92个单位", 92, True), ("92家", 92, True), ("92 家单位", 92, True), ("92户", 92, True),
    ("92条", 92, False), ("92条线路", 92, False), ("92", 92, False), (92, 92, False), ("92个", 92, False)])
def test_count_of_organisations(text, count, organisations):
    # A line inventory may count organisations whose own lines it does not give (92个单位)
    assert P.parse_count(text) == count
    assert P.counts_organisations(text) is organisations


@pytest.mark.parametrize("text", ["9.5", "-3", "很多"])
def test_count_refused(text):
    with pytest.raises(P.CellError):
        P.parse_count(text)


def test_month_without_year_needs_year():
    assert P.parse_month("3月", 2020) == dt.date(2020, 3, 1)
    with pytest.raises(P.CellError, match="月份"):
        P.parse_month("3月")


@pytest.mark.parametrize("header, name, unit", [("预算数（万元）", "预算数", "万元"), ("金额(元)", "金额", "元"),
                                                ("月租（元/月）", "月租", "元/月"), ("预算数*", "预算数", None)])
def test_split_header(header, name, unit):
    assert P.split_header(header) == (name, unit)


# --- issue 17: spaces inside numbers, invisible characters -----------------------------


@pytest.mark.parametrize(("parse", "value"), [
    (lambda v: P.parse_money(v, "元"), "4 5 0"),
    (lambda v: P.parse_money(v, "元"), "45 0万元"),
    (lambda v: P.parse_money(v, "元"), "1 234.5"),
    (lambda v: P.parse_money(v, "元"), "1, 234"),
    (lambda v: P.parse_money(v, "元"), "66 .7"),
    (lambda v: P.parse_money(v, "元"), "６６\u3000７"),
    (lambda v: P.parse_decimal(v), "9 5"),
    (lambda v: P.parse_count(v), "1 2"),
    (lambda v: P.parse_quantity(v), "8 0条"),
    (lambda v: P.parse_target(v), "≥8 0条"),
    (lambda v: P.parse_bandwidth(v), "10 00M"),
    (lambda v: P.parse_date(v), "2019 08 10"),
    (lambda v: P.parse_month(v, 2020), "1 2月"),
])
def test_spaces_inside_a_number_are_refused(parse, value):
    with pytest.raises(P.CellError) as info:
        parse(value)
    assert "的数字中间有空格，无法确定是一个数还是几个数" in info.value.message
    assert "千分位请用逗号" in info.value.hint


@pytest.mark.parametrize(("value", "yuan"), [
    ("1,234.56", "1234.56"), ("１２３４．５６", "1234.56"), ("  450 ", "450.00"), ("450 元", "450.00"),
    ("约 90 万元", "900000.00"), ("7.6 万元/月", "76000.00"),
])
def test_unambiguous_separators_are_accepted(value, yuan):
    assert P.parse_money(value, "元").yuan == Decimal(yuan)


@pytest.mark.parametrize(("value", "text"), [
    ("≥ 80 条", "80"), ("2019 年 8 月 10 日", None), ("2020 年 1 月", None),
])
def test_spaces_between_a_number_and_its_words_are_accepted(value, text):
    if text:
        assert P.parse_target(value).value == Decimal(text)
    else:
        assert P.parse_date(value) is not None


@pytest.mark.parametrize("ch", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u202e"])
def test_invisible_characters_are_removed_from_texts(ch):
    assert P.clean_text(f"机房{ch}维护") == "机房维护"
    assert P.normalize_text(f"{ch}预算数") == "预算数"
    assert P.clean_text(ch) == "" and P.is_blank(ch)


def test_a_logical_value_where_a_name_is_expected_is_refused():
    assert P.name_text(" 机房维护 ") == "机房维护" and P.name_text(None) == ""
    with pytest.raises(P.CellError) as err:
        P.name_text(True)
    assert err.value.message == "单元格是逻辑值（TRUE），此处应为文字（名称），可能是文件损坏或由其他程序错误生成"
    assert err.value.hint == "请用Excel或WPS打开该文件，把该单元格改为正确的文字后保存"


@pytest.mark.parametrize("written", ["F04", " f04 ", "Ｆ04", "f 04"])
def test_a_finding_code_is_written_one_way(written):
    assert P.finding_code(written) == "F04"


@pytest.mark.parametrize(("texts", "plain"), [
    (["HT2020-0001", "HT 2", "a-b"], True), ([], False), (["HT", ""], False), (["HT", " a"], False),
    (["HT", "a "], False), (["a  b"], False), (["a\tb"], False), (["合同"], False), (["Ａ"], False),
    (["a|", "b"], False), (["a", "|b"], False), (["a\u200b"], False),
])
def test_plain_ascii_texts_read_the_same_through_every_text_function(texts, plain):
    assert P.plain_ascii(texts) is plain
    if plain:
        assert all(P.clean_text(t) == P.normalize_text(t) == P.name_text(t) == t for t in texts)


def test_plain_ascii_refuses_a_value_that_is_not_text():
    with pytest.raises(TypeError):
        P.plain_ascii(["HT1", 7])

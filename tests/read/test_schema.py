"""The input contract, declared once: every table's columns, headers and synonyms."""

from __future__ import annotations

import pyarrow as pa
import pytest

from qdanalysis.domain import NOT_YET_EVIDENCED
from qdanalysis.read import schema

TABLES = [schema.BUDGET, schema.CONTRACTS, schema.LINES, schema.SMS, schema.INDICATORS, schema.SELF_EVALUATION,
          schema.SELF_FUNDS, schema.RESULTS, schema.PROJECT, schema.RECORD]


def test_money_is_exact_to_the_fen_and_prices_finer():
    assert schema.MONEY.pyarrow_dtype == pa.decimal128(18, 2) and schema.PRICE.pyarrow_dtype == pa.decimal128(18, 4)


def test_a_column_is_known_by_its_header_and_its_synonyms():
    col = schema.Column("budget", "预算数", ("预算金额", "年初预算"))
    assert col.names == ("预算数", "预算金额", "年初预算") and not col.required and col.kind == "text"


def test_a_table_finds_its_columns_by_key_and_lists_the_required_ones():
    assert schema.BUDGET.column("budget").header == "预算数"
    assert {c.key for c in schema.BUDGET.required} >= {"item", "budget"}
    with pytest.raises(KeyError):
        schema.BUDGET.column("no_such_column")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_no_two_columns_of_a_table_share_a_key_or_a_header(table):
    keys = [c.key for c in table.columns]
    names = [n for c in table.columns for n in c.names]
    assert len(keys) == len(set(keys)), keys
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_every_column_has_a_known_kind_and_every_table_a_title(table):
    kinds = {"text", "code", "codes", "money", "price", "date", "month", "count", "bandwidth", "target", "quantity",
             "decimal"}
    assert table.title and table.sheet_names
    assert {c.kind for c in table.columns} <= kinds
    assert all(c.periods is None or c.kind in ("money", "price") for c in table.columns)


def test_the_words_that_end_or_total_a_table():
    assert "合计" in schema.TOTAL_WORDS and schema.SUBTOTAL_WORDS == ("小计",)
    assert schema.LEVEL_WORDS == ("达成", "部分达成", "未达成") and NOT_YET_EVIDENCED == "待补充佐证"
    assert not hasattr(schema, "NOT_YET_EVIDENCED")  # a word of the domain, declared once in qdanalysis.domain
    assert any(p.startswith("注") for p in schema.NOTE_PREFIXES)


def test_a_team_sheet_ends_with_who_and_when_is_named_only_and_says_its_example_is_not_read():
    sheet = schema.team_sheet("x", "测试", ("测试表",), (schema.Column("title", "问题", (), True),), "一个问题一行；选填。",
                              evaluator="填写本条的评价组成员", date_synonym="核查日期", example=("【示例】甲", "张三", ""))
    assert [c.header for c in sheet.columns] == ["问题", "评价人", "日期"]
    assert sheet.column("date").names == ("日期", "核查日期") and sheet.column("date").kind == "date"
    assert sheet.column("evaluator").hint == "填写本条的评价组成员" and sheet.by_name_only
    assert sheet.description == "一个问题一行；选填。以“【示例】”开头的行是填写示例，不读取，可删除。"
    plain = schema.team_sheet("y", "测试", ("测试表",), (), "选填。", evaluator="评价组成员", date_synonym="评价日期")
    assert plain.description == "选填。" and plain.example == ()
    for table in (schema.RECORD, schema.TEAM_FINDINGS, schema.FINDING_DECISIONS, schema.FOLLOWUP):
        assert [c.key for c in table.columns[-2:]] == ["evaluator", "date"] and table.by_name_only

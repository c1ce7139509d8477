"""Tests for qdanalysis.present.overview_totals: changes from the year before, the flag, each year's totals."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from qdanalysis.present.overview_totals import (
    add_changes,
    flag_text,
    format_percent,
    percent_points,
    totals_html,
    year_totals,
)


def frame(*rows: tuple) -> pd.DataFrame:
    """(project, year, status, budget, executed, balance, rate, flag, findings) rows, money in 元."""
    return pd.DataFrame([{
        "project": p, "year": y, "status": s, "budget": None if b is None else Decimal(b),
        "executed": None if e is None else Decimal(e), "balance": None if bal is None else Decimal(bal),
        "execution_rate": r, "flag": f, "findings": n} for p, y, s, b, e, bal, r, f, n in rows])


ROWS = frame(
    ("a", 2020, "ok", "1000000.00", "900000.00", "100000.00", 0.9, "", 3),
    ("b", 2020, "ok", "2000000.00", "1560000.00", "440000.00", 0.78, "执行率低于90%，评为优", 5),
    ("a", 2021, "ok", "1100000.00", "1045000.00", "55000.00", 0.95, "", 2),
    ("b", 2021, "ok", "2200000.00", None, None, None, "", 4),
    ("c", 2021, "failed", None, None, None, None, "", None),
)


def test_the_change_is_from_the_same_project_a_year_earlier():
    out = add_changes(ROWS)

    assert list(out["prev_year"]) == [None, None, 2020, 2020, None]
    assert out["rate_change"].iloc[2] == Decimal("5.00") and out["rate_change"].iloc[3] is None  # 2021 undisclosed
    assert abs(out["budget_change"].iloc[2] - 0.1) < 1e-12 and abs(out["budget_change"].iloc[3] - 0.1) < 1e-12
    assert "prev_year" not in ROWS  # the frame given is not changed


def test_the_flag_compares_the_rate_as_printed_against_the_threshold():
    assert flag_text(0.7824, "优", Decimal(90)) == "执行率低于90%，评为优"
    assert flag_text(0.7824, "良", Decimal("87.5")) == "执行率低于87.5%，评为良"
    assert flag_text(0.89996, "优", Decimal(90)) == ""  # printed 90.00%: not below
    assert flag_text(0.5, "中", Decimal(90)) == flag_text(0.5, "暂不定级", Decimal(90)) == ""
    assert flag_text(None, "优", Decimal(90)) == ""
    assert percent_points(0.12716) == Decimal("12.72") and format_percent(Decimal("90")) == "90%"


def test_a_year_total_is_exact_or_says_what_is_missing():
    totals = year_totals(ROWS).set_index("year")

    y2020 = totals.loc[2020]
    assert (y2020["budget"], y2020["executed"], y2020["balance"]) == (
        Decimal("3000000.00"), Decimal("2460000.00"), Decimal("540000.00"))
    assert y2020["execution_rate"] == 0.82 and y2020["flagged"] == 1 and y2020["findings"] == 8
    assert y2020["projects"] == "2" and y2020["budget_change"] is None
    y2021 = totals.loc[2021]
    assert y2021["executed"] is None and y2021["executed_known"] == Decimal("1045000.00")
    assert pd.isna(y2021["execution_rate"]) and y2021["projects"] == "3（1个运行失败，未计入）"
    assert abs(y2021["budget_change"] - 0.1) < 1e-12  # a and b ran in both years


def test_the_budget_change_is_withheld_when_the_projects_differ():
    rows = frame(("a", 2020, "ok", "100.00", "90.00", "10.00", 0.9, "", 1),
                 ("a", 2021, "ok", "100.00", "90.00", "10.00", 0.9, "", 1),
                 ("b", 2021, "ok", "100.00", "90.00", "10.00", 0.9, "", 1))
    assert year_totals(rows)["budget_change"].iloc[1] is None


def test_the_totals_table_marks_a_partial_sum():
    html = totals_html(year_totals(ROWS))

    assert '<td class="num">300.00</td><td class="num">246.00</td><td class="num">54.00</td>' in html
    assert '<td class="num">104.50+未披露</td>' in html and '<td class="num">未披露</td>' in html
    assert "<td>3（1个运行失败，未计入）</td>" in html and '<td class="num">+10.00%</td>' in html

"""Tests for qdanalysis.present.charts.sms: messages per month against the target, and per department.

The 2020 report discloses no counts, so the charts are also drawn from a tiny synthetic frame.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from chart_checks import (
    SMS_TARGET,
    SOURCE,
    assert_hatched,
    assert_source,
    assert_undisclosed_panel,
    joined,
    sms_raw,
    texts,
    titles,
)

from qdanalysis.analyse import sms_costs as A
from qdanalysis.present import style
from qdanalysis.present.charts import sms as sms_charts


def test_sms_monthly_2020_shows_twelve_undisclosed_months_and_the_implied_money(y2020):
    fig = sms_charts.sms_monthly(A.sms_monthly(y2020.sms), A.sms_target_money(y2020.sms, y2020.indicators),
                                 source=SOURCE, year=2020)

    assert titles(fig) == "2020年金宏短信平台月度发送量（万条）"
    assert_hatched(fig, 12)
    body = joined(fig)
    assert "600万条 × 0.065元 = 39.00 万元" in body
    assert texts(fig).count(style.UNDISCLOSED_LABEL) == 12
    assert list(fig.axes[0].get_yticks()) == []  # stub heights mean nothing


def test_sms_monthly_with_counts():
    fig = sms_charts.sms_monthly(A.sms_monthly(sms_raw()), SMS_TARGET, source=SOURCE, year=2021)

    body = texts(fig)
    assert body.count("46") == 2 and "43" in body  # 万条: Jan 43, Feb and Mar 46
    assert_hatched(fig, 1)  # April
    assert "已披露 3/4 个月，合计 135 万条、8.78 万元，为目标的 23%" in joined(fig)
    assert "月均目标 50万条" in body
    assert "600万条 × 0.065元 = 39.00 万元" in joined(fig)


def test_sms_monthly_empty_is_an_undisclosed_panel():
    empty = A.sms_monthly(sms_raw().iloc[0:0])
    fig = sms_charts.sms_monthly(empty, SMS_TARGET, source=SOURCE)

    assert_undisclosed_panel(fig)
    assert "39.00 万元" in joined(fig)


def test_sms_departments_2020_is_an_undisclosed_panel(y2020):
    fig = sms_charts.sms_departments(A.sms_by_department(y2020.sms), source=SOURCE, year=2020)

    assert titles(fig) == "2020年各部门金宏短信发送量（万条）"
    assert_undisclosed_panel(fig)
    assert_source(fig)


def test_sms_departments_with_counts():
    fig = sms_charts.sms_departments(A.sms_by_department(sms_raw()), source=SOURCE, year=2021)

    body = texts(fig)
    assert {"60（3.90万元）", "48（3.12万元）", "27（1.76万元）"} <= set(body)
    assert_hatched(fig, 0)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["市政府办公厅", "市公安局", "市卫健委"]
    assert "3个部门，已披露合计 135 万条" in joined(fig)


def test_sms_departments_merges_the_tail():
    raw = sms_raw()
    fig = sms_charts.sms_departments(A.sms_by_department(raw), source=SOURCE, top=2)

    assert fig.axes[0].get_yticklabels()[-1].get_text() == "其他1个部门"

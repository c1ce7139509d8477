"""Tests for qdanalysis.present.charts.lines: line costs, prices, monthly and yearly cost, line count."""

from __future__ import annotations

from decimal import Decimal

import matplotlib
import pytest

matplotlib.use("Agg")

import pandas as pd
from chart_checks import (
    SOURCE,
    assert_hatched,
    joined,
    texts,
    titles,
)

from qdanalysis.analyse import network_lines as A
from qdanalysis.present import style
from qdanalysis.present.charts import base
from qdanalysis.present.charts import lines as line_charts
from qdanalysis.read.schema import MONEY


def test_line_costs_2020(y2020):
    fig = line_charts.line_costs(A.line_costs(y2020.lines), source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年网络线路年费用")
    body = joined(fig)
    assert "91.20（月费7.60；76元/Mbps·月）" in body
    assert "9.48（月费0.79；7.9元/Mbps·月）" in body
    assert "104.00" in body
    # the 92 organisations are the 2018 count, and one line each an assumption
    assert "按单位列出的接入线路（2018年外联网单位数）：每单位按1条假设计费用（每单位线路条数未披露）" in body
    assert_hatched(fig, 0)


def test_bandwidth_prices_2020(y2020):
    fig = line_charts.bandwidth_prices(A.same_bandwidth_prices(y2020.lines), source=SOURCE, year=2020)

    assert titles(fig) == "2020年同为1000M互联网出口，中国联通月费是中国电信的9.6倍"
    body = texts(fig)
    assert "9.6倍" in body
    assert "7.60" in body and "0.79" in body


def test_monthly_line_cost_2020(y2020):
    fig = line_charts.monthly_line_cost(A.monthly_line_cost(y2020.contracts, 2020), source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年按月计费线路合同的月度费用")
    body = texts(fig)
    assert body.count("18.23") == 12  # 7.6 + 0.79 + 8.6664 + 1.17 each month
    assert "全年合计 218.72 万元（推算）" in joined(fig) and "推算：合同应计月费" in joined(fig)  # derived, and says so
    assert len(fig.axes[0].get_legend().get_texts()) == 4


def test_monthly_line_cost_with_an_undisclosed_fee_is_hatched_not_zero():
    months = [pd.Timestamp(2021, m, 1) for m in (1, 2)]
    monthly = pd.DataFrame({"month": months * 2, "contract_id": ["X", "X", "Y", "Y"], "item": ["专线"] * 2 + ["接入"] * 2,
                            "vendor": ["甲"] * 2 + [None] * 2,
                            "cost": pd.array([Decimal("76000"), Decimal("76000"), Decimal("7900"), None], dtype=MONEY)})
    fig = line_charts.monthly_line_cost(monthly, source=SOURCE, year=2021)

    assert_hatched(fig, 1)
    body = texts(fig)
    assert "8.39" in body and f"7.60+{style.UNDISCLOSED_LABEL}" in body
    assert "接入（供应商未披露）" in body


def test_yearly_line_cost_2020_says_earlier_years_are_estimates(y2020):
    fig = line_charts.yearly_line_cost(A.yearly_line_cost(y2020.contracts, 2020), source=SOURCE, year=2020)

    body = texts(fig)
    assert body.count("91.20") == 5  # 2014-2018: the Unicom line alone
    assert "218.72" in body and "203.39" in body
    assert "并非实际支付" in joined(fig)


def test_line_count_2020(y2020):
    fig = line_charts.line_count(A.line_count_vs_target(y2020.lines, y2020.indicators), source=SOURCE, year=2020)

    # 3 lines and 92 organisations whose lines are not counted: no total to set against the target
    assert titles(fig) == "2020年保障网络线路数量：清单3条及92个单位的接入线路，目标≥80条"
    body = joined(fig).replace("\n", "")  # axis labels wrap
    assert "95条" not in body and "80条" in body and "线路清单合计\n3条＋92个单位" in joined(fig)
    assert "92个单位的接入线路条数未披露，清单线路总数不详，不能与目标比较" in body
    assert_hatched(fig, 2)  # the inventory's total and the report's actual


def test_line_count_counted_in_lines_is_compared(y2020):
    lines = y2020.lines.assign(count_unit="条")  # as if the 92 were lines
    fig = line_charts.line_count(A.line_count_vs_target(lines, y2020.indicators), source=SOURCE, year=2020)
    assert titles(fig).startswith("2020年保障网络线路数量：清单95条，目标≥80条")
    assert "95条" in texts(fig)
    assert_hatched(fig, 1)  # only the report's actual


@pytest.mark.slow
def test_line_charts_name_contracts_by_item_not_by_ledger_number(y2020):
    from qdanalysis.analyse.engine import analyse

    a = analyse(y2020)
    legends = []
    for fig in (line_charts.yearly_line_cost(a.yearly_lines, source=SOURCE, year=2020),
                line_charts.monthly_line_cost(a.monthly_lines, source=SOURCE, year=2020)):
        legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
        assert legend and not any("HT-" in t for t in legend), legend
        legends.append(legend)
    assert "中国联通（2.1）" in legends[0] and "2.1 全市机关Internet专线费（中国电信）" in legends[1]


@pytest.mark.slow
def test_earlier_years_of_line_cost_are_drawn_as_estimates(y2020):
    from qdanalysis.analyse.engine import analyse

    fig = line_charts.yearly_line_cost(analyse(y2020).yearly_lines, source=SOURCE, year=2020)
    ax = fig.axes[0]
    estimated = [b for b in ax.patches if b.get_gid() == "estimated"]
    assert estimated and all(b.get_x() + b.get_width() / 2 < 6 for b in estimated)  # 2014-2019, never 2020
    assert all(b.get_hatch() == base.ESTIMATE_HATCH for b in estimated)
    legend = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert base.ESTIMATE_LABEL in legend

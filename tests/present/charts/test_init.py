"""Every chart of qdanalysis.present.charts: a figure with its source, the demo badge, no zero bar, glyphs,
a 未披露 panel for an empty frame, inputs untouched: what the package's docstring promises of every chart.
Each chart module's own checks are in test_<module>.py beside this file.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from chart_checks import (
    SMS_TARGET,
    SOURCE,
    assert_no_zero_bars,
    assert_source,
    assert_undisclosed_panel,
    contracts_raw,
    glyph_warnings,
    renewals_chart,
    sms_raw,
    texts,
    trends_frame,
)
from matplotlib.figure import Figure

from qdanalysis.analyse import indicator_status, network_lines, renewals, sms_costs, spending
from qdanalysis.present import style
from qdanalysis.present.charts import budget as budget_charts
from qdanalysis.present.charts import categories as category_charts
from qdanalysis.present.charts import indicators as indicator_charts
from qdanalysis.present.charts import lines as line_charts
from qdanalysis.present.charts import renewals as renewal_charts
from qdanalysis.present.charts import sms as sms_charts
from qdanalysis.present.charts import trends as trend_charts

# --- one builder per chart, for the parametrised checks -----------------------------------------


def _charts_2020(y):
    return {
        "category_spending": lambda **k: category_charts.category_spending(spending.spending_by_category(y.budget, y.totals), **k),
        "budget_execution": lambda **k: budget_charts.budget_execution(y.totals, **k),
        "disclosed_spend": lambda **k: budget_charts.disclosed_spend(spending.disclosed_spend(y.budget, y.contracts, y.totals), **k),
        "line_costs": lambda **k: line_charts.line_costs(network_lines.line_costs(y.lines), **k),
        "bandwidth_prices": lambda **k: line_charts.bandwidth_prices(network_lines.same_bandwidth_prices(y.lines), **k),
        "monthly_line_cost": lambda **k: line_charts.monthly_line_cost(network_lines.monthly_line_cost(y.contracts, 2020), **k),
        "yearly_line_cost": lambda **k: line_charts.yearly_line_cost(network_lines.yearly_line_cost(y.contracts, 2020), **k),
        "line_count": lambda **k: line_charts.line_count(network_lines.line_count_vs_target(y.lines, y.indicators), **k),
        "sms_monthly": lambda **k: sms_charts.sms_monthly(sms_costs.sms_monthly(y.sms), sms_costs.sms_target_money(y.sms, y.indicators), **k),
        "sms_departments": lambda **k: sms_charts.sms_departments(sms_costs.sms_by_department(y.sms), **k),
        "renewals": lambda **k: renewals_chart(y.contracts, **k),
        "indicators": lambda **k: indicator_charts.indicators(indicator_status.indicator_status(y.indicators), **k),
    }


def _charts_synthetic():
    return {
        "sms_monthly_synthetic": lambda **k: sms_charts.sms_monthly(sms_costs.sms_monthly(sms_raw()), SMS_TARGET, **k),
        "sms_departments_synthetic": lambda **k: sms_charts.sms_departments(sms_costs.sms_by_department(sms_raw()), **k),
        "renewals_synthetic": lambda **k: renewals_chart(contracts_raw(), **k),
        "trend_money": lambda **k: trend_charts.trend(trends_frame(), "executed", "专项业务费执行数（万元）",
                                                      **{kk: v for kk, v in k.items() if kk != "year"}),
        "trend_count": lambda **k: trend_charts.trend(trends_frame(), "lines", "保障网络线路数量（条）", money=False,
                                                      **{kk: v for kk, v in k.items() if kk != "year"}),
    }


NAMES_2020 = list(_charts_2020(None))
NAMES_SYNTHETIC = list(_charts_synthetic())


def build(name: str, y, **kwargs) -> Figure:
    charts = {**_charts_2020(y), **_charts_synthetic()}
    return charts[name](source=SOURCE, year=2020, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_every_chart_is_a_figure_with_source_and_no_missing_glyphs(name, y2020):
    fig = build(name, y2020)

    assert isinstance(fig, Figure)
    assert_source(fig)
    assert not any(style.DEMO_LABEL in t for t in texts(fig))
    assert glyph_warnings(fig) == []
    assert not any(t in ("nan", "NaN", "<NA>", "None") or "nan" in t.split() for t in texts(fig))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_demo_adds_the_example_badge(name, y2020):
    fig = build(name, y2020, demo=True)

    assert any(t.get_text() == style.DEMO_LABEL for t in fig.texts)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_no_chart_draws_a_zero_bar(name, y2020):
    assert_no_zero_bars(build(name, y2020))


# --- empty inputs for every frame-taking chart ------------------------------------------------------------


def _empty(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0]


@pytest.mark.parametrize("name", ["category_spending", "disclosed_spend", "line_costs", "bandwidth_prices",
                                  "monthly_line_cost", "yearly_line_cost", "sms_departments", "renewals",
                                  "indicators"])
@pytest.mark.slow
def test_empty_frames_give_an_undisclosed_panel(name, y2020):
    frames = {
        "category_spending": spending.spending_by_category(y2020.budget, y2020.totals),
        "disclosed_spend": spending.disclosed_spend(y2020.budget, y2020.contracts, y2020.totals),
        "line_costs": network_lines.line_costs(y2020.lines),
        "bandwidth_prices": network_lines.same_bandwidth_prices(y2020.lines),
        "monthly_line_cost": network_lines.monthly_line_cost(y2020.contracts, 2020),
        "yearly_line_cost": network_lines.yearly_line_cost(y2020.contracts, 2020),
        "sms_departments": sms_costs.sms_by_department(y2020.sms),
        "renewals": renewals.renewal_chains(y2020.contracts),
        "indicators": indicator_status.indicator_status(y2020.indicators),
    }
    extra = (renewals.renewal_summary(_empty(frames[name]), 2020),) if name == "renewals" else ()
    module = {"category_spending": category_charts, "disclosed_spend": budget_charts, "line_costs": line_charts,
              "bandwidth_prices": line_charts, "monthly_line_cost": line_charts, "yearly_line_cost": line_charts,
              "sms_departments": sms_charts, "renewals": renewal_charts, "indicators": indicator_charts}[name]
    fig = getattr(module, name)(_empty(frames[name]), *extra, source=SOURCE, year=2020)

    assert_undisclosed_panel(fig)
    assert_source(fig)
    assert glyph_warnings(fig) == []


@pytest.mark.slow
def test_charts_do_not_modify_their_inputs(y2020):
    cat = spending.spending_by_category(y2020.budget, y2020.totals)
    chains = renewals.renewal_chains(contracts_raw())
    before = (cat.copy(), chains.copy())
    category_charts.category_spending(cat, source=SOURCE)
    renewal_charts.renewals(chains, renewals.renewal_summary(chains, 2020), source=SOURCE)

    pd.testing.assert_frame_equal(cat, before[0])
    pd.testing.assert_frame_equal(chains, before[1])

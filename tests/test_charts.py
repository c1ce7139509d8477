"""Tests for qdanalysis.present.charts: titles, 未披露 bars, 万元 labels, notes, empty inputs, glyphs.

The 2020 charts are drawn from the shipped data; the multi-year, SMS and renewal charts
also from tiny synthetic frames, since the 2020 report discloses none of those figures.
"""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import qdanalysis as q
from qdanalysis.analyse import analyses as A
from qdanalysis.present import style
from qdanalysis.present.charts import base
from qdanalysis.present.charts import budget as budget_charts
from qdanalysis.present.charts import categories as category_charts
from qdanalysis.present.charts import indicators as indicator_charts
from qdanalysis.present.charts import lines as line_charts
from qdanalysis.present.charts import renewals as renewal_charts
from qdanalysis.present.charts import sms as sms_charts
from qdanalysis.present.charts import trends as trend_charts
from qdanalysis.read.schema import MONEY, PRICE

SOURCE = "《青岛市大数据局2020年度专项业务费绩效评价报告》"


def renewals_chart(contracts, **kwargs):
    """The renewals chart of a contracts table, with the chains and summary the year's analysis makes."""
    chains = A.renewal_chains(contracts)
    return renewal_charts.renewals(chains, A.renewal_summary(chains, 2020), **kwargs)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def y2020():
    return q.load_year(2020)


# --- synthetic frames --------------------------------------------------------------------------


def sms_raw() -> pd.DataFrame:
    """Three departments over four months; April's counts are not disclosed."""
    rows = []
    counts = {"市政府办公厅": [200_000, 210_000, 190_000, None], "市公安局": [150_000, 160_000, 170_000, None],
              "市卫健委": [80_000, 90_000, 100_000, None]}
    for dept, per_month in counts.items():
        for m, c in enumerate(per_month, start=1):
            rows.append({"month": pd.Timestamp(2021, m, 1), "department": dept, "count": c,
                         "unit_price": Decimal("0.065"), "amount": None})
    out = pd.DataFrame(rows)
    out["count"] = pd.array(out["count"], dtype="Int64")
    out["unit_price"] = pd.array(out["unit_price"], dtype=PRICE)
    out["amount"] = pd.array(out["amount"], dtype=MONEY)
    return out


SMS_TARGET = {"target_count": 6_000_000, "target_op": ">=", "unit_price": Decimal("0.0650"),
              "implied": Decimal("390000.00")}


def contracts_raw() -> pd.DataFrame:
    """Two renewal chains with growth, one chain whose last renewal is undisclosed, one single contract."""
    rows = [
        ("A-2016", None, "机房维护", "甲公司", "2016-03-01", "500000", "公开招标"),
        ("A-2018", "A-2016", "机房维护", "甲公司", "2018-03-01", "550000", "续签"),
        ("A-2020", "A-2018", "机房维护", "甲公司", "2020-03-01", "605000", "续签"),
        ("B-2017", None, "互联网出口线路", "乙公司", "2017-01-01", "800000", "竞争性磋商"),
        ("B-2020", "B-2017", "互联网出口线路", "乙公司", "2020-01-01", "960000", "续签"),
        ("C-2019", None, "安全设备维保", None, "2019-09-01", "728000", "公开招标"),
        ("C-2020", "C-2019", "安全设备维保", None, "2020-01-01", None, "续签"),
        ("D-2020", None, "数字证书", "丙公司", "2020-05-01", "408000", "公开招标"),
    ]
    out = pd.DataFrame(rows, columns=["contract_id", "renews", "item", "vendor", "signed", "annual_cost",
                                      "procurement"])
    out["signed"] = pd.to_datetime(out["signed"])
    out["annual_cost"] = pd.array([None if v is None else Decimal(v) for v in out["annual_cost"]], dtype=MONEY)
    return out


def trends_frame() -> pd.DataFrame:
    """Five years of executed spending; 2018 not disclosed."""
    out = pd.DataFrame({"year": [2016, 2017, 2018, 2019, 2020],
                        "executed": [Decimal("8000000"), Decimal("8500000"), None, Decimal("9300000"),
                                     Decimal("9246800")],
                        "lines": [70, 75, None, 90, 95]})
    out["executed"] = pd.array(out["executed"], dtype=MONEY)
    out["lines"] = pd.array(out["lines"], dtype="Int64")
    return out


# --- helpers -----------------------------------------------------------------------------------


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def joined(fig: Figure) -> str:
    return "\n".join(texts(fig))


def titles(fig: Figure) -> str:
    parts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center")]
    return "\n".join(p for p in parts if p)


def bars(fig: Figure) -> list[Rectangle]:
    """Bar rectangles of every axes (legend handles and the 未披露 panel excluded)."""
    out = []
    for ax in fig.axes:
        for container in ax.containers:
            out += [b for b in container if isinstance(b, Rectangle) and b.get_visible()]
    return out


def undisclosed(fig: Figure) -> list[Rectangle]:
    return [b for b in bars(fig) if b.get_gid() == "undisclosed"]


def assert_no_zero_bars(fig: Figure) -> None:
    for b in bars(fig):
        assert b.get_width() > 0 and b.get_height() > 0, "a bar of zero size stands for a value"


def assert_hatched(fig: Figure, n: int) -> None:
    hatched = undisclosed(fig)
    assert len(hatched) == n
    assert all(b.get_hatch() == style.UNDISCLOSED_HATCH for b in hatched)
    assert_no_zero_bars(fig)


def assert_source(fig: Figure) -> None:
    assert any(t.get_text().startswith(style.SOURCE_PREFIX + SOURCE) for t in fig.texts)


def assert_undisclosed_panel(fig: Figure) -> None:
    panel = [t for t in fig.findobj(Text) if t.get_gid() == "undisclosed-message"]
    assert len(panel) == 1
    assert panel[0].get_text().startswith(style.UNDISCLOSED_LABEL)
    assert len(panel[0].get_text()) > len(style.UNDISCLOSED_LABEL) + 4  # says what is missing
    assert bars(fig) == []


def glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in caught]
    return [m for m in messages if "missing from font" in m or "Glyph" in m]


# --- one builder per chart, for the parametrised checks -----------------------------------------


def _charts_2020(y):
    return {
        "category_spending": lambda **k: category_charts.category_spending(A.spending_by_category(y.budget, y.totals), **k),
        "budget_execution": lambda **k: budget_charts.budget_execution(y.totals, **k),
        "disclosed_spend": lambda **k: budget_charts.disclosed_spend(A.disclosed_spend(y.budget, y.contracts, y.totals), **k),
        "line_costs": lambda **k: line_charts.line_costs(A.line_costs(y.lines), **k),
        "bandwidth_prices": lambda **k: line_charts.bandwidth_prices(A.same_bandwidth_prices(y.lines), **k),
        "monthly_line_cost": lambda **k: line_charts.monthly_line_cost(A.monthly_line_cost(y.contracts, 2020), **k),
        "yearly_line_cost": lambda **k: line_charts.yearly_line_cost(A.yearly_line_cost(y.contracts, 2020), **k),
        "line_count": lambda **k: line_charts.line_count(A.line_count_vs_target(y.lines, y.indicators), **k),
        "sms_monthly": lambda **k: sms_charts.sms_monthly(A.sms_monthly(y.sms), A.sms_target_money(y.sms, y.indicators), **k),
        "sms_departments": lambda **k: sms_charts.sms_departments(A.sms_by_department(y.sms), **k),
        "renewals": lambda **k: renewals_chart(y.contracts, **k),
        "indicators": lambda **k: indicator_charts.indicators(A.indicator_status(y.indicators), **k),
    }


def _charts_synthetic():
    return {
        "sms_monthly_synthetic": lambda **k: sms_charts.sms_monthly(A.sms_monthly(sms_raw()), SMS_TARGET, **k),
        "sms_departments_synthetic": lambda **k: sms_charts.sms_departments(A.sms_by_department(sms_raw()), **k),
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


@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_every_chart_is_a_figure_with_source_and_no_missing_glyphs(name, y2020):
    fig = build(name, y2020)

    assert isinstance(fig, Figure)
    assert_source(fig)
    assert not any(style.DEMO_LABEL in t for t in texts(fig))
    assert glyph_warnings(fig) == []
    assert not any(t in ("nan", "NaN", "<NA>", "None") or "nan" in t.split() for t in texts(fig))


@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_demo_adds_the_example_badge(name, y2020):
    fig = build(name, y2020, demo=True)

    assert any(t.get_text() == style.DEMO_LABEL for t in fig.texts)


@pytest.mark.parametrize("name", NAMES_2020 + NAMES_SYNTHETIC)
def test_no_chart_draws_a_zero_bar(name, y2020):
    assert_no_zero_bars(build(name, y2020))


# --- budget --------------------------------------------------------------------------------------


def test_category_spending_2020(y2020):
    fig = category_charts.category_spending(A.spending_by_category(y2020.budget, y2020.totals), source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年专项业务费预算按类别分布")
    # categories 4 and 5 have no figure at all, and the 20 unitemised items make up 433.28
    assert_hatched(fig, 3)
    body = joined(fig)
    assert "433.28（推算，占46.0%）" in body and "未披露 433.28" not in body  # derived, not undisclosed
    assert "213.50（占22.7%）" in body and "253.42" in body and "40.80" in body
    assert "941.00" in body
    assert max(b.get_width() for b in undisclosed(fig)) == pytest.approx(433.28)


def test_budget_execution_2020(y2020):
    fig = budget_charts.budget_execution(y2020.totals, source=SOURCE, year=2020)

    assert titles(fig) == "2020年专项业务费预算执行情况：执行率 98.27%"
    body = texts(fig)
    assert "941.00" in body and "924.68" in body
    assert_hatched(fig, 1)  # the adjusted budget is not disclosed
    assert "结余 16.32 万元" in joined(fig)


def test_budget_execution_without_figures_is_an_undisclosed_panel():
    fig = budget_charts.budget_execution({"budget": None, "adjusted_budget": None, "executed": None}, source=SOURCE)

    assert "执行率 未披露" in titles(fig)
    assert_undisclosed_panel(fig)


def test_disclosed_spend_2020(y2020):
    fig = budget_charts.disclosed_spend(A.disclosed_spend(y2020.budget, y2020.contracts, y2020.totals), source=SOURCE,
                            year=2020)

    assert "2020年支出逐项列明情况" in titles(fig)
    body = joined(fig)
    assert "未逐项列明 401.37" in body and "已列明 523.31" in body
    assert "14.45（本年支付）" in body and "66.70（预算数）" in body and "90.00（预算数，约数）" in body
    assert "（56.6%）" in body
    assert_hatched(fig, 1)
    assert undisclosed(fig)[0].get_width() == pytest.approx(401.37015)


# --- network lines ---------------------------------------------------------------------------------


def test_line_costs_2020(y2020):
    fig = line_charts.line_costs(A.line_costs(y2020.lines), source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年网络线路年费用")
    body = joined(fig)
    assert "91.20（月费7.60；76元/Mbps·月）" in body
    assert "9.48（月费0.79；7.9元/Mbps·月）" in body
    assert "104.00" in body
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
    assert "全年合计 218.72 万元" in joined(fig)
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


# --- SMS ---------------------------------------------------------------------------------------------


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


# --- renewals ------------------------------------------------------------------------------------------


def test_renewals_2020_marks_the_undisclosed_renewal_amounts(y2020):
    fig = renewals_chart(y2020.contracts, source=SOURCE, year=2020)

    assert "2020年续签合同各期年度金额" in titles(fig)
    assert_hatched(fig, 2)  # HT-2020-1.1 and HT-2020-1.2: renewed, amount not disclosed
    body = texts(fig)
    assert "66.70" in body and "72.80" in body
    assert sum("续签金额未披露" in t for t in body) == 2


def test_renewals_with_growth():
    fig = renewals_chart(contracts_raw(), source=SOURCE)

    body = joined(fig)
    # 50 -> 55 -> 60.5 over 2016-2020: +10% a step, 4.9% a year; 80 -> 96 over 2017-2020: 6.3% a year
    assert "2016—2020年年均增长 +4.9%" in body
    assert "2017—2020年年均增长 +6.3%" in body
    assert "55.00\n+10.0%" in body and "96.00\n+20.0%" in body
    assert_hatched(fig, 1)  # C-2020
    assert "数字证书" not in body  # a single contract is no renewal chain


def test_renewals_empty_is_an_undisclosed_panel():
    fig = renewals_chart(contracts_raw().iloc[0:0], source=SOURCE)

    assert_undisclosed_panel(fig)


# --- indicators ----------------------------------------------------------------------------------------


def test_indicators_2020(y2020):
    status = A.indicator_status(y2020.indicators)
    fig = indicator_charts.indicators(status, source=SOURCE, year=2020)

    assert titles(fig).startswith("2020年绩效指标完成情况")
    body = texts(fig)
    assert "51%（5.1万路），未完成" in body
    assert "160%（4.8万路）" not in body  # 条 against 路: no ratio is drawn
    assert "口径不一致：指标值以“条”计，实际完成值以“路”计，口径不一致；按数值为目标值的160%，不能据此判断是否完成" in body
    assert "已完成：实际924.68万元，未超过上限941万元" in body and "102%（924.68万元）" not in body
    assert_hatched(fig, 8)
    ax = fig.axes[0]
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())
    colours = {matplotlib.colors.to_hex(b.get_facecolor()) for b in bars(fig) if b.get_gid() != "undisclosed"}
    assert colours == {base.WARNING_COLOR.lower()}  # the one ratio drawn is 51%, not met


def test_indicators_status_known_without_ratio_is_said_in_words():
    status = pd.DataFrame({"level1": ["效益指标"], "level2": ["可持续影响指标"], "name": ["运行维护制度健全性"],
                           "target_text": ["健全"], "actual_text": [None], "status": ["未完成"],
                           "achievement": pd.array([None], dtype="Float64")})
    fig = indicator_charts.indicators(status, source=SOURCE)

    assert "未完成（无量化实际值）" in texts(fig)
    assert_hatched(fig, 0)  # the status is known: nothing is drawn as 未披露


def test_a_ceiling_indicator_is_said_in_words(y2020):
    fig = indicator_charts.indicators(A.indicator_status(y2020.indicators), source=SOURCE, year=2020)
    assert "已完成：实际924.68万元，未超过上限941万元" in texts(fig)
    assert not any("101.8%" in t or "101.76%" in t for t in texts(fig))


def test_indicators_empty_is_an_undisclosed_panel():
    fig = indicator_charts.indicators(A.indicator_status(pd.DataFrame(columns=[
        "level1", "level2", "name", "target_text", "actual_text", "met", "actual_value", "target_value",
        "target_op"])), source=SOURCE)

    assert_undisclosed_panel(fig)


# --- trend -----------------------------------------------------------------------------------------------


def test_trend_money_draws_the_undisclosed_year_hatched():
    fig = trend_charts.trend(trends_frame(), "executed", "专项业务费执行数（万元）", source=SOURCE, demo=True)

    assert titles(fig) == "专项业务费执行数（万元）"
    assert_hatched(fig, 1)
    body = texts(fig)
    assert "800.00" in body and "924.68" in body
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2016年", "2017年", "2018年", "2019年", "2020年"]
    assert "示例数据" in body
    assert "2016—2020年年均增长 +3.7%" in joined(fig)


def test_trend_count_is_not_in_wan():
    fig = trend_charts.trend(trends_frame(), "lines", "保障网络线路数量（条）", source=SOURCE, money=False)

    body = texts(fig)
    assert "95" in body and "70" in body
    assert fig.axes[0].get_ylabel() != style.UNIT_WAN
    assert_hatched(fig, 1)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"year": pd.Series([], dtype="int64"), "executed": pd.array([], dtype=MONEY)}),
    pd.DataFrame({"year": [2019, 2020], "executed": pd.array([None, None], dtype=MONEY)}),
])
def test_trend_empty_or_all_na_is_an_undisclosed_panel(frame):
    fig = trend_charts.trend(frame, "executed", "专项业务费执行数（万元）", source=SOURCE)

    assert_undisclosed_panel(fig)


# --- empty inputs for every frame-taking chart ------------------------------------------------------------


def _empty(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0]


@pytest.mark.parametrize("name", ["category_spending", "disclosed_spend", "line_costs", "bandwidth_prices",
                                  "monthly_line_cost", "yearly_line_cost", "sms_departments", "renewals",
                                  "indicators"])
def test_empty_frames_give_an_undisclosed_panel(name, y2020):
    frames = {
        "category_spending": A.spending_by_category(y2020.budget, y2020.totals),
        "disclosed_spend": A.disclosed_spend(y2020.budget, y2020.contracts, y2020.totals),
        "line_costs": A.line_costs(y2020.lines),
        "bandwidth_prices": A.same_bandwidth_prices(y2020.lines),
        "monthly_line_cost": A.monthly_line_cost(y2020.contracts, 2020),
        "yearly_line_cost": A.yearly_line_cost(y2020.contracts, 2020),
        "sms_departments": A.sms_by_department(y2020.sms),
        "renewals": A.renewal_chains(y2020.contracts),
        "indicators": A.indicator_status(y2020.indicators),
    }
    extra = (A.renewal_summary(_empty(frames[name]), 2020),) if name == "renewals" else ()
    module = {"category_spending": category_charts, "disclosed_spend": budget_charts, "sms_departments": sms_charts,
              "renewals": renewal_charts, "indicators": indicator_charts}.get(name, line_charts)
    fig = getattr(module, name)(_empty(frames[name]), *extra, source=SOURCE, year=2020)

    assert_undisclosed_panel(fig)
    assert_source(fig)
    assert glyph_warnings(fig) == []


def test_charts_do_not_modify_their_inputs(y2020):
    cat = A.spending_by_category(y2020.budget, y2020.totals)
    chains = A.renewal_chains(contracts_raw())
    before = (cat.copy(), chains.copy())
    category_charts.category_spending(cat, source=SOURCE)
    renewal_charts.renewals(chains, A.renewal_summary(chains, 2020), source=SOURCE)

    pd.testing.assert_frame_equal(cat, before[0])
    pd.testing.assert_frame_equal(chains, before[1])


def test_renewal_growth_names_the_years_it_is_measured_on():
    raw = contracts_raw()
    raw = raw[raw["contract_id"].str.startswith("A")].copy()
    raw["annual_cost"] = pd.array([Decimal("500000"), Decimal("550000"), None], dtype=MONEY)
    fig = renewals_chart(raw, source=SOURCE)

    assert "2016—2018年年均增长 +4.9%" in joined(fig)
    assert_hatched(fig, 1)


def test_line_charts_name_contracts_by_item_not_by_ledger_number(y2020):
    from qdanalysis.analyse.year import analyse

    a = analyse(y2020)
    legends = []
    for fig in (line_charts.yearly_line_cost(a.yearly_lines, source=SOURCE, year=2020),
                line_charts.monthly_line_cost(a.monthly_lines, source=SOURCE, year=2020)):
        legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
        assert legend and not any("HT-" in t for t in legend), legend
        legends.append(legend)
    assert "中国联通（2.1）" in legends[0] and "2.1 全市机关Internet专线费（中国电信）" in legends[1]


def test_earlier_years_of_line_cost_are_drawn_as_estimates(y2020):
    from qdanalysis.analyse.year import analyse

    fig = line_charts.yearly_line_cost(analyse(y2020).yearly_lines, source=SOURCE, year=2020)
    ax = fig.axes[0]
    estimated = [b for b in ax.patches if b.get_gid() == "estimated"]
    assert estimated and all(b.get_x() + b.get_width() / 2 < 6 for b in estimated)  # 2014-2019, never 2020
    assert all(b.get_hatch() == base.ESTIMATE_HATCH for b in estimated)
    legend = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert base.ESTIMATE_LABEL in legend

"""Trends across years: the figures, the findings and the checks the trends report rests on."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse import trends as T
from qdanalysis.analyse.year import analyse
from qdanalysis.demo.generate import generate_demo

YEARS = range(2018, 2023)


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("trends-demo")
    generate_demo(root)
    return root


@pytest.fixture(scope="module")
def analyses(demo_root):
    return [analyse(qdanalysis.load_year(y, root=demo_root)) for y in YEARS]


def test_year_on_year_amounts_in_percent_shares_in_points():
    m = pd.DataFrame({"year": [2020, 2021], "budget": [Decimal(100), Decimal(110)], "executed": [Decimal(90), None],
                      "line_annual_cost": [None, None], "sms_count": [10, 12], "sms_amount": [None, None],
                      "execution_rate": [0.90, 0.95], "itemised_share": [0.5, 0.5], "recurring_share": [0.40, 0.37]})
    yoy = T.year_on_year(m).iloc[0]
    assert (yoy["year"], yoy["previous"]) == (2021, 2020)
    assert yoy["budget"] == pytest.approx(0.10) and yoy["sms_count"] == pytest.approx(0.20)
    assert pd.isna(yoy["executed"])  # 未披露 in 2021: no change claimed
    assert yoy["execution_rate"] == pytest.approx(5.0) and yoy["recurring_share"] == pytest.approx(-3.0)


def test_category_changes_mark_the_new_and_the_faster_category(analyses):
    changes = T.category_changes(T.category_trend(analyses), T.trend_table(analyses)).set_index("category")
    new = changes.loc["数据安全保障"]
    assert bool(new["new"]) and new["first_year"] == 2021
    faster = changes[changes["faster"] & ~changes["new"]]
    assert list(faster.index) == ["大数据产业规划评估等费用"]
    row = faster.iloc[0]
    assert row["growth"] - row["total_growth"] > T.FASTER_MARGIN
    assert row["share_change"] == pytest.approx((row["last_share"] - row["first_share"]) * 100)


def test_unit_price_per_mbps_falls_for_telecom_not_unicom(analyses):
    prices = T.unit_price_trend(T.line_trend(analyses)).set_index(["carrier", "line_type"])
    telecom = prices.loc[("中国电信", "单位接入（主、副线路）")]
    unicom = prices.loc[("中国联通", "单位接入（主、副线路）")]
    assert telecom["fell_years"] == 4 and telecom["steps"] == 4  # 965 → 942 (tender) and three cuts
    assert unicom["fell_years"] == 1 and unicom["last"] == pytest.approx(942 / 20)
    switch = T.carrier_switches(T.line_trend(analyses))
    assert switch == [{"line_type": "省电子政务专网", "year": 2019, "before": ["中国电信"], "after": ["中国联通"]}]


def test_sms_against_a_rising_target(analyses):
    sms = T.sms_trend(analyses).set_index("year")
    assert list(sms["target"]) == [5_000_000, 5_500_000, 6_000_000, 6_500_000, 7_000_000]
    for year, r in sms.iterrows():
        assert r["unit_price"] == pytest.approx(float(r["amount"]) / r["count"])
        assert bool(r["met"]) == (r["count"] >= r["target"])
    assert not sms["met"].all() and sms["met"].any()


def test_chains_mark_renewals_growth_and_the_cheaper_retender(analyses):
    history = T.contract_history(analyses)
    chains = T.chain_history(history)
    table = T.chain_table(chains).set_index("chain")
    first = table.loc["SL-2018-1.1"]
    assert (first["first_year"], first["last_year"], first["renewals"]) == (2018, 2020, 2)
    assert all(0.05 <= g <= 0.08 for g in first["growths"])
    assert 0.05 <= first["growth"] <= 0.08
    assert -0.20 <= first["retender_after"] <= -0.12  # re-tendered in 2021 at 80-88% of the 2020 price
    retender = chains[chains["contract_id"] == "SL-2021-1.1"].iloc[0]
    assert bool(retender["retender"]) and retender["procurement"] == "公开招标"
    assert table.loc["SL-2018-1.6", "renewals_in_a_row"] == 4
    # the two carriers' access chains are parallel: each is followed by its own carrier's re-tender
    assert table.loc["SL-2018-2.2-LT", "retender_after"] == pytest.approx(942 / 965 - 1, abs=0.02)
    assert bool(chains.loc[chains["contract_id"] == "SL-2019-2.2-LT", "estimated"].iloc[0])


def test_findings_across_years(analyses):
    found = {f.code.split("-")[0]: [] for f in T.trend_findings(analyses)}
    for f in T.trend_findings(analyses):
        found[f.code.split("-")[0]].append(f)
    assert sorted(found) == ["T01", "T02", "T03", "T04"]
    chains = [f.figures["chain"] for f in found["T01"]]
    assert "SL-2018-1.6" in chains and "SL-2018-1.1" not in chains  # 1.1 was re-tendered after two renewals
    t01 = next(f for f in found["T01"] if f.figures["chain"] == "SL-2018-1.6")
    assert "连续续签4次" in t01.summary and "27.50万元" in t01.summary
    t02 = found["T02"][0]
    assert t02.figures["carrier"] == "中国联通" and t02.figures["other"] == "中国电信"
    assert "中国联通保持47.10元不变" in t02.summary and "推算" in t02.summary
    assert t02.figures["extra"] > 0
    assert "大数据产业规划评估等费用" in found["T03"][0].summary and "个百分点" in found["T03"][0].summary
    t04 = found["T04"][0]
    assert "「系统正常运行率」目标值每年均为≥95%" in t04.summary
    assert "保障金宏短信数量" not in t04.figures["indicators"]  # its target rises every year


def test_no_finding_across_a_single_year(analyses):
    assert T.trend_findings(analyses[:1]) == []
    assert T.consistency_checks(analyses[:1]).empty


def _unmerge(ws) -> None:
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for row in range(rng.min_row, rng.max_row + 1):
            ws.cell(row, rng.min_col).value = value


def _column(ws, header: str, header_row: int = 3) -> int:
    return next(c.column for c in ws[header_row] if c.value == header)


def _row_of(ws, column: int, value: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == value)


def test_consistency_checks_name_year_file_and_row(tmp_path):
    generate_demo(tmp_path, years=[2019, 2020, 2021])
    clean = [analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)]
    assert set(T.consistency_checks(clean)["status"]) == {"一致"}

    path = tmp_path / "2021" / "示例数据_2021.xlsx"
    wb = openpyxl.load_workbook(path)
    budget = wb["预算执行"]
    _unmerge(budget)
    code_col, cat_col = _column(budget, "编号"), _column(budget, "类别")
    moved = _row_of(budget, code_col, "5.2")
    budget.cell(moved, cat_col).value = "大数据产业规划评估等费用"
    contracts = wb["合同台账"]
    id_col, renews_col = _column(contracts, "合同编号"), _column(contracts, "续签自")
    renewal = _row_of(contracts, id_col, "SL-2021-1.2")
    contracts.cell(renewal, renews_col).value = "SL-2020-1.2X"
    price_col = _column(contracts, "单价")
    restated = _row_of(contracts, id_col, "SL-2019-2.1-LT")
    contracts.cell(restated, price_col).value = 75000
    wb.save(path)

    checks = T.consistency_checks([analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)])
    bad = checks[checks["status"] == "不一致"].set_index("check")["detail"]
    assert bad["项目类别前后一致"] == (
        "项目5.2 专家评审费在2020年归入「宣传、培训、咨询、评估费等」（《示例数据_2020.xlsx》「预算执行」表第"
        f"{moved}行），2021年归入「大数据产业规划评估等费用」（《示例数据_2021.xlsx》「预算执行」表第{moved}行）；"
        "分类支出的跨年度比较按各年度自身的归类计算，请核实归类是否调整。")
    assert bad["续签关系可追溯"].startswith(
        f"2021年合同台账中合同「SL-2021-1.2」（《示例数据_2021.xlsx》「合同台账」表第{renewal}行）续签自「SL-2020-1.2X」，"
        "但2020年合同台账中没有该合同；其他年度的合同台账中也没有该合同")
    assert "单价由76000元变为75000元" in bad["同一合同各年度记载一致"]
    assert "「SL-2019-2.1-LT」在2019年合同台账" in bad["同一合同各年度记载一致"]


def test_trend_charts_draw_without_warnings(analyses, recwarn):
    import matplotlib.pyplot as plt

    from qdanalysis.present.charts import base
    from qdanalysis.present.charts import trends as trend_charts

    lines = T.line_trend(analyses)
    chains = T.chain_history(T.contract_history(analyses))
    figs = [trend_charts.category_trend(T.category_trend(analyses), source="s", demo=True),
            trend_charts.line_cost_trend(lines, source="s", demo=True),
            trend_charts.unit_price_trend(lines, source="s", demo=True),
            trend_charts.sms_trend(T.sms_trend(analyses), source="s", demo=True),
            trend_charts.chain_trend(chains, T.chain_table(chains), source="s", demo=True)]
    assert [str(w.message) for w in recwarn] == []  # a warning would print into the finished report
    # 推算 is drawn distinctly: per-Mbps prices and monthly-based chains as dashed lines
    up = figs[2]
    assert {line.get_linestyle() for ax in up.axes for line in ax.get_lines() if line.get_gid() == "estimated"} == {"--"}
    chain_lines = [line for ax in figs[4].axes for line in ax.get_lines() if line.get_gid() in ("estimated", "stated")]
    assert {line.get_linestyle() for line in chain_lines if line.get_gid() == "estimated"} == {"--"}
    assert {line.get_linestyle() for line in chain_lines if line.get_gid() == "stated"} == {"-"}
    # the SMS target is drawn, and 2021 (below its target) in the warning colour
    sms_ax = figs[3].axes[1]
    target = next(line for line in sms_ax.get_lines() if line.get_gid() == "target")
    assert list(target.get_ydata()) == [500.0, 550.0, 600.0, 650.0, 700.0]
    assert base.WARNING_COLOR.lower() in {matplotlib_hex(b.get_facecolor()) for b in sms_ax.patches}
    plt.close("all")


def matplotlib_hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba).lower()


def test_share_trend_speaks_in_points():
    import matplotlib.pyplot as plt

    from qdanalysis.present.charts import trends as trend_charts

    m = pd.DataFrame({"year": [2018, 2022], "recurring_share": [0.7437, 0.7226]})
    fig = trend_charts.trend(m, "recurring_share", "刚性支出占预算比例（%）", source="s", money=False, percent=True)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert "2018—2022年由74.37%变为72.26%（-2.11个百分点）" in texts
    assert not any("年均增长" in t for t in texts)
    plt.close("all")


@pytest.fixture(scope="module")
def report(demo_root):
    from qdanalysis.run.pipeline import trends_report

    yield trends_report(demo_root)
    import matplotlib.pyplot as plt

    plt.close("all")


def _text(blocks) -> str:
    from qdanalysis.present.blocks import Paragraph, Table

    parts = []
    for b in blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
        elif isinstance(b, Table):
            parts.append(b.caption + "\n" + b.text_frame().to_csv(index=False) + b.layout.note)
    return "\n".join(parts)


def test_report_changes_table_in_percent_and_points(report):
    text = _text(report.changes())
    yoy = T.year_on_year(report.measures).set_index("year")
    assert "预算数（%）" in text and "刚性支出占比（百分点）" in text
    points = yoy.loc[2022, "recurring_share"]
    assert f"{'+' if points >= 0 else ''}{points:.2f}个百分点" in text
    assert "年均增长" not in text
    # the measures in two tables that each fit an A4 page: amounts and ratios, then counts
    first, second = [b for b in report.blocks("measures") if hasattr(b, "frame")][:2]
    assert first.caption == "表1 各年度金额与比率" and len(first.text_frame().columns) == 9
    assert second.caption == "表2 各年度合同、绩效指标与数据核对" and list(second.text_frame().columns)[:3] == ["年度", "合同数", "续签合同数"]


def test_report_sections_say_what_the_data_shows(report):
    cats = _text(report.categories())
    assert "「数据安全保障」2021年起设立" in cats
    assert "「大数据产业规划评估等费用」年均+6.97%，快于执行总额的年均+0.99%，占比+2.61个百分点。" in cats
    lines = _text(report.lines())
    assert "省电子政务专网：2019年起由中国电信改为中国联通提供。" in lines
    assert "中国联通单位接入（主、副线路）：每Mbps月费2018年48.25元，2022年47.10元" in lines
    sms = _text(report.sms())
    assert "2021年未达到目标（2021年发送636.24万条，目标650万条）" in sms
    contracts = _text(report.blocks("contracts"))  # numbered among the report's tables
    assert "表5 续签合同链" in contracts and "+6.51%、+7.02%" in contracts
    assert "-14.58%" in contracts and "其后未重新采购" in contracts
    found = _text(report.trend_findings())
    assert "跨年度比较发现6个问题" in found and "规则T02" in found and "规则T04" in found
    checks = _text(report.consistency())
    assert "跨年度核对3项，各项均一致。" in checks


def test_report_across_one_year_says_it_cannot_compare(tmp_path):
    from qdanalysis.run.pipeline import trends_report

    generate_demo(tmp_path, years=[2020])
    one = trends_report(tmp_path)
    for section in (one.changes(), one.trend_findings(), one.consistency()):
        assert "需要两个以上年度的数据，目前只有1个年度。" in _text(section)
    assert "可比较的年度不足两个" in _text(one.sms())


def test_categories_compare_budgets_where_no_year_states_executed_by_category(tmp_path):
    from workbooks import make_workbook

    from qdanalysis.run.pipeline import trends_report

    for year, (a, b) in ((2020, (60, 40)), (2021, (60, 60))):
        make_workbook(tmp_path / str(year) / "a.xlsx", {"预算执行": [
            ["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"],
            ["1.1", "甲", "A", a, None], ["2.1", "乙", "B", b, None], [None, "合计", None, a + b, a + b - 5]]})
    report = trends_report(tmp_path)
    cats = T.category_trend(report.analyses)
    assert T.category_basis(cats) == "budget"
    changes = T.category_changes(cats, report.measures, "budget").set_index("category")
    assert changes.loc["乙", "growth"] == pytest.approx(0.5) and changes.loc["乙", "total_growth"] == pytest.approx(0.2)
    assert changes.loc["乙", "share_change"] == pytest.approx((60 / 120 - 40 / 100) * 100)
    text = _text(report.blocks("categories"))
    assert "所列年度均未按类别披露执行数，以下按各类已列明的预算数比较。" in text
    assert "「乙」年均+50.00%，快于预算总额的年均+20.00%，占比+10.00个百分点。" in text
    assert "表4 分类预算数的变化" in text
    t03 = [f for f in T.trend_findings(report.analyses) if f.code.startswith("T03")]
    assert [f.title for f in t03] == ["支出类别增速高于预算总额"]
    assert t03[0].summary.startswith("「乙」预算数（已列明部分）由2020年的40.00万元增至2021年的60.00万元")


def test_trends_of_2020_and_a_new_year_not_yet_filled_claim_nothing(tmp_path):
    """The shipped 2020 data and a 2021 just made by new-year: every 2021 figure is 未披露."""
    import shutil

    import matplotlib.pyplot as plt

    from qdanalysis.paths import DATA_RAW, PARAMS
    from qdanalysis.present.blocks import Chart
    from qdanalysis.run.cli import main
    from qdanalysis.run.pipeline import trends_report

    raw, params = tmp_path / "raw", tmp_path / "params"
    shutil.copytree(DATA_RAW / "2020", raw / "2020")
    params.mkdir()
    (params / "2020.yaml").write_text((PARAMS / "2020.yaml").read_text(encoding="utf-8").replace(
        "data_root: data/raw", f"data_root: {raw}"), encoding="utf-8")
    (params / "runner.yaml").write_text("allow_external_root: true\n", encoding="utf-8")
    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 0

    report = trends_report(raw)
    assert [a.year for a in report.analyses] == [2020, 2021]
    cats = _text(report.categories())
    assert "所列年度均未按类别披露执行数，以下按各类已列明的预算数比较。" in cats
    assert "各类别的预算数均只有一个年度披露，无法比较变化。" in cats and "表4" not in cats
    line_fig = next(b.draw() for b in report.lines() if isinstance(b, Chart) and "线路年费用" in b.alt)
    totals = [t.get_text() for ax in line_fig.axes for t in ax.texts if t.get_gid() == "total-label"]
    assert totals == ["218.72", "未披露"]
    # 1.1 and 1.2 were renewed in 2020 at an undisclosed amount: the 2020 contract is marked 未披露, not drawn at 0
    chain_fig = next(b.draw() for b in report.contracts() if isinstance(b, Chart))
    panels = [ax for ax in chain_fig.axes if ax.get_title(loc="left")[:1].isdigit()]
    assert [ax.get_title(loc="left").split(" ")[0] for ax in panels] == ["1.1", "1.2"]
    for ax in panels:
        marks = [line for line in ax.get_lines() if line.get_gid() == "undisclosed"]
        assert [(list(m.get_xdata()), list(m.get_ydata())) for m in marks] == [([2020], [0])]
        assert [t.get_text() for t in ax.texts if t.get_gid() == "undisclosed-label"] == ["未披露"]
    # two of the checks have nothing to compare: they are not called 一致
    checks = _text(report.consistency())
    assert "跨年度核对3项，1项一致，2项没有可跨年度比较的记录。" in checks
    assert "续签关系可追溯,无可核对,没有可在上一年度合同台账中核对的续签合同。" in checks
    assert "HT-2019-1.1,未披露," in _text(report.contracts())  # the vendor the ledger does not name
    plt.close("all")

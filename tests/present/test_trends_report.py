"""The multi-year report (TrendsReport): its tables in percent and points, what each section says the data shows."""

from __future__ import annotations

import pytest

from qdanalysis.analyse import trends as T
from qdanalysis.demo.generate import generate_demo

pytestmark = pytest.mark.slow  # the whole trends report of the demo years, charts drawn


@pytest.fixture(scope="module")
def report(demo_trends_report):
    yield demo_trends_report  # trends_report(demo_root)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_report_changes_table_in_percent_and_points(report, blocks_text):
    text = blocks_text(report.changes())
    yoy = T.year_on_year(report.measures).set_index("year")
    assert "预算数（%）" in text and "刚性支出占比（百分点）" in text
    points = yoy.loc[2022, "recurring_share"]
    assert f"{'+' if points >= 0 else ''}{points:.2f}个百分点" in text
    assert "年均增长" not in text
    # the measures in two tables that each fit an A4 page: amounts and ratios, then counts
    first, second = [b for b in report.blocks("measures") if hasattr(b, "frame")][:2]
    assert first.caption == "表1 各年度金额与比率" and len(first.text_frame().columns) == 8
    assert "列明预算占比" not in first.text_frame().columns  # 100% every year on the demo: noise
    # noise left out of the changes: 短信费用 moves as 短信条数 at a fixed price, 列明预算占比 by 0 points every year
    header = text.split("\n")[1]
    assert "短信条数（%）" in header and "短信费用（%）" not in header and "列明预算占比（百分点）" not in header
    assert "短信费用（%）各年与短信条数（%）相同；列明预算占比（百分点）各年均为零，未单列。" in text
    assert all(c.key != "trend_execution_rate" for c in report.blocks("budget") if hasattr(c, "draw"))
    assert second.caption == "表2 各年度合同、绩效指标与数据核对" and list(second.text_frame().columns)[:3] == ["年度", "合同数", "续签合同数"]


def test_report_sections_say_what_the_data_shows(report, blocks_text):
    cats = blocks_text(report.categories())
    assert "「数据安全保障」2021年起设立" in cats
    assert "「大数据产业规划评估等费用」年均+6.97%，快于执行总额的年均+0.99%，占比+2.62个百分点。" in cats
    lines = blocks_text(report.lines())
    assert "省电子政务专网：2019年起由中国电信改为中国联通提供。" in lines
    assert "中国联通单位接入（主、副线路）：每Mbps月费2018年48.25元，2022年47.10元" in lines
    sms = blocks_text(report.sms())
    assert "2021年未达到目标（2021年发送636.24万条，目标650万条）" in sms
    contracts = blocks_text(report.blocks("contracts"))  # numbered among the report's tables
    assert "表5 续签合同链" in contracts and "+6.51%、+7.02%" in contracts
    assert "-14.58%" in contracts and "其后未重新采购" in contracts
    found = blocks_text(report.trend_findings())
    assert "跨年度比较发现12个问题" in found and "规则T02" in found and "规则T04" in found and "待评价组确认" in found
    assert "1. 自始未经竞争性采购（2014—2024年，共11年）（高，过程，规则T05-1）" in found
    assert "关联评价指标：政府采购及合同管理规范性" in found
    checks = blocks_text(report.consistency())
    assert "跨年度核对3项，各项均一致。" in checks


def test_report_across_one_year_says_it_cannot_compare(tmp_path, blocks_text):
    from qdanalysis.run.pipeline import trends_report

    generate_demo(tmp_path, years=[2020])
    one = trends_report(tmp_path)
    for section in (one.changes(), one.trend_findings(), one.consistency()):
        assert "需要两个以上年度的数据，目前只有1个年度。" in blocks_text(section)
    assert "可比较的年度不足两个" in blocks_text(one.sms())


def test_categories_compare_budgets_where_no_year_states_executed_by_category(tmp_path, blocks_text):
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
    text = blocks_text(report.blocks("categories"))
    assert "所列年度均未按类别披露执行数，以下按各类已列明的预算数比较。" in text
    assert "「乙」年均+50.00%，快于预算总额的年均+20.00%，占比+10.00个百分点。" in text
    assert "表4 分类预算数的变化" in text
    t03 = [f for f in T.trend_findings(report.analyses) if f.code.startswith("T03")]
    assert [f.title for f in t03] == ["支出类别增速高于预算总额"]
    assert t03[0].summary.startswith("“乙”预算数（已列明部分）由2020年的40.00万元增至2021年的60.00万元")


def test_trends_of_2020_and_a_new_year_not_yet_filled_claim_nothing(tmp_path, blocks_text):
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
    cats = blocks_text(report.categories())
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
    checks = blocks_text(report.consistency())
    assert "跨年度核对3项，1项一致，2项没有可跨年度比较的记录。" in checks
    assert "续签关系可追溯,无可核对,没有可在上一年度合同台账中核对的续签合同。" in checks
    assert "HT-2019-1.1,未披露," in blocks_text(report.contracts())  # the vendor the ledger does not name
    plt.close("all")


def test_the_heading_names_the_project_and_years_and_the_2019_lines_are_whole(report):
    assert report.heading() == "示例数据（虚构单位）专项业务费2018—2022年多年度趋势分析"
    t1 = report.table()[0].text_frame().set_index("年度")
    assert t1.loc["2019年", "线路年费用（万元）"] == "211.08"  # with 电信's provincial line, January to May
    assert report.table()[0].layout.note.startswith("注：2019年线路年费用含中国电信省电子政务专网5.00万元（合同SL-2016-2.3服务期至2019年5月31日，计2019年5个月")
    t3 = report.changes()[0].text_frame().set_index("年度")
    assert t3.loc["2020年", "线路年费用（%）"] == "-1.56%"  # 207.78 against 211.08: a fall, not +0.82%


def test_one_figure_per_chain_in_every_section(report, blocks_text):
    lines = blocks_text(report.lines())
    assert "中国电信单位接入（主、副线路）：每Mbps月费2018年48.25元，2022年37.14元（年均-6.34%" in lines
    assert "其中续签合同链SL-2019-2.2-DX（2019—2022年）单价年均-7.62%，与“续签合同链”表一致" in lines
    chains = next(b for b in report.contracts() if getattr(b, "caption", "").startswith("续签合同链"))
    chains = chains.text_frame().set_index("首个合同")
    assert (chains.loc["SL-2019-2.2-DX", "年均增长"], chains.loc["SL-2019-2.2-DX", "增幅计算依据"]) == ("-7.62%", "单价")
    assert (chains.loc["SL-2019-2.2-LT", "年均增长"], chains.loc["SL-2019-2.2-LT", "数量变化"]) == ("+0.00%", "52→54")


def test_the_chains_are_drawn_six_panels_to_a_figure_so_that_each_prints_at_full_width(report):
    from qdanalysis.present.blocks import Chart
    from qdanalysis.present.trends_report import chain_parts

    assert [len(p) for p in chain_parts(report.trends.chain_table)] == [6, 6, 2]  # the demo's 14 chained items
    charts = [b for b in report.contracts() if isinstance(b, Chart) and b.key.startswith("chain_trend")]
    assert [(c.key, c.alt) for c in charts] == [("chain_trend", "历年续签合同年度金额（1/3）"),
                                                ("chain_trend_2", "历年续签合同年度金额（2/3）"),
                                                ("chain_trend_3", "历年续签合同年度金额（3/3）")]
    second = charts[1].draw()
    titles = [ax.get_title(loc="left") for ax in second.axes if ax.get_title(loc="left")]
    assert titles[0] == "历年续签合同年度金额（万元）（2/3）"
    assert [t.split(" ")[0] for t in titles[1:]] == ["2.1", "2.2", "2.4", "2.5", "2.6", "2.8"]
    width, height = second.get_size_inches()
    assert height / width < 230 / 180  # fits the printed page's width (180 mm) under the 230 mm image limit

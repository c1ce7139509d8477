"""Report sections: every figure comes from the data, text from the data is escaped."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from qdanalysis.present.blocks import Chart, Paragraph, Table, plain_text
from qdanalysis.present.render.html import block_html
from qdanalysis.present.report import AnnualReport
from qdanalysis.run.pipeline import analysed_year, trends_report

SECTIONS = ["header", "overview", "budget", "categories", "lines", "sms", "renewals", "indicators", "checks"]

text_of = plain_text


def build(year: int, root=None) -> AnnualReport:
    return AnnualReport(analysed_year(year, root))


def project_part(r: AnnualReport) -> list:
    """The 项目背景 and 总体目标 paragraphs of 项目概况."""
    return [b for b in r.blocks("overview") if isinstance(b, Paragraph) and b.key in ("background", "goal")]


@pytest.fixture(scope="module")
def report2020():
    r = build(2020)
    blocks = {name: r.blocks(name) for name in SECTIONS}
    yield r, blocks
    plt.close("all")


def test_2020_figures_in_the_prose(report2020):
    _, blocks = report2020
    text = {k: text_of(v) for k, v in blocks.items()}
    assert "2020年项目预算941.00万元，共5大类、29个明细项目" in text["overview"]
    assert "项目实际执行924.68万元，预算执行率98.27%" in text["budget"]
    assert "合计523.31万元" in text["budget"] and "401.37万元（推算：执行数减已列明的金额）未逐项列明" in text["budget"]
    # 1.3, 1.7 and 2.7 state amounts (contract, price) though no budget figure: not "未披露金额"
    assert "其余20个项目未列明预算数" in text["overview"] and "未披露金额" not in text["overview"]
    # the 523.31 mixes executed, paid and budget figures: it is what the items list, not what was spent
    assert "各项目已列明的金额（依次取项目执行数、合同本年支付额、列明的年度预算数）合计523.31万元" in text["budget"]
    assert "能逐项对应到" not in text["budget"]
    assert "中国联通月租7.60万元，是中国电信（0.79万元）的9.6倍" in text["lines"]
    assert "两条线路服务等级是否相同有待核实；如服务可比，年价差约81.72万元（推算：月租之差×12）" in text["lines"]
    assert "年差价" not in text["lines"]
    assert "对应支出不低于39.00万元" in text["sms"] and "≥600万条" in text["sms"]
    assert "实际5.1万路，完成51%" in text["indicators"]
    assert "104.00万元" in text["checks"] and "-13.5%" in text["checks"]
    assert "自2014年续租合同起未见竞争性采购（2014—2020年，至少7年）" in text["renewals"]
    assert "推算期间支出" not in text["renewals"] and "878.10" not in text["lines"]
    assert "已6年" not in text["renewals"]
    assert "线路清单列有3条线路，另有92个单位的接入线路（2018年外联网单位数；每单位线路条数未披露" in text["lines"]
    assert "线路清单列有3条线路和92个单位的接入线路（2018年外联网单位数；每单位条数未披露，线路总数不详" in text["lines"]
    assert "95条" not in text["lines"]


def test_tables_are_numbered_in_order_of_appearance(report2020):
    import re

    r, blocks = report2020
    order = SECTIONS[:-1] + ["results", "scoring", "findings", "checks"]
    captions = [b.caption for name in order for b in r.blocks(name) if isinstance(b, Table)]
    numbers = [int(re.match(r"表(\d+) ", c).group(1)) for c in captions]
    assert numbers == list(range(1, len(numbers) + 1)), captions
    plt.close("all")


def test_sections_are_numbered_without_gaps(report2020):
    r, _ = report2020
    heads = list(r.headings().values())
    assert heads[:2] == ["一、项目概况", "二、预算执行"] and heads[-1] == "十二、数据核对"
    numerals = "一二三四五六七八九十"
    expected = [numerals[i] if i < 10 else "十" + numerals[i - 10] for i in range(len(heads))]
    assert [h.split("、")[0] for h in heads] == expected
    assert "header" not in r.headings()  # the report's head has no heading of its own


def test_a_title_naming_another_year_is_refused(report2020):
    from qdanalysis.errors import QdanalysisError

    r, _ = report2020
    with pytest.raises(QdanalysisError, match="报告标题「青岛市大数据局专项业务费2019年绩效评价数据分析」中的2019年与所分析的2020年不一致"):
        AnnualReport(r.analysis, "青岛市大数据局专项业务费2019年绩效评价数据分析")
    assert AnnualReport(r.analysis).blocks("header")[0].text == "2020年专项业务费绩效评价数据分析"


def test_sources_name_the_workbook_and_sheet_in_words(report2020):
    r, blocks = report2020
    assert r.context.source("预算执行", "合同台账") == "《2020年专项业务费》工作簿的预算执行表、合同台账表"
    header = text_of(blocks["header"])
    assert "《2020年专项业务费》工作簿" in header and "data/raw" not in header
    checks = text_of(blocks["checks"])
    assert "data/raw/2020/2020年专项业务费.xlsx" in checks  # paths and the store are for 数据核对


def test_every_section_has_its_chart(report2020):
    _, blocks = report2020
    for name in SECTIONS[2:-1]:
        if name != "sms":
            assert any(isinstance(b, Chart) for b in blocks[name]), name
    # no month of 2020 states a count: one sentence says so instead of a chart of twelve 未披露 bars
    assert not any(isinstance(b, Chart) for b in blocks["sms"])
    assert "未给出各月发送条数和结算金额（12个月均未披露）" in text_of(blocks["sms"])


@pytest.mark.slow
def test_text_from_the_data_is_escaped(workbook, tmp_path):
    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"],
            ["1", "甲<b>类</b>", "<script>alert(1)</script>", 10, 9], [None, "合计", None, 10, 9]]
    from workbooks import make_workbook

    make_workbook(tmp_path / "raw" / "2021" / "a.xlsx", {"预算执行": rows})
    r = build(2021, tmp_path / "raw")
    blocks = r.blocks("overview") + r.blocks("budget")
    html = "".join(block_html(b) for b in blocks if isinstance(b, (Paragraph, Table)))
    assert "全部1个项目均列明了预算数" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "甲&lt;b&gt;类&lt;/b&gt;" in html
    plt.close("all")


@pytest.mark.slow
def test_trends_single_year_says_so(report2020):
    t = trends_report("data/raw")
    assert [d.year for d in t.loaded] == [2020]
    assert "只有2020年一个年度的数据，无法比较趋势" in text_of(t.header())
    table = t.table()[0].text_frame()
    assert table.iloc[0]["预算数（万元）"] == "941.00" and table.iloc[0]["执行率"] == "98.27%"
    plt.close("all")


@pytest.mark.slow
def test_amounts_from_a_message_log_are_not_called_settled(tmp_path):
    from workbooks import make_workbook

    folder = tmp_path / "raw" / "2021"
    folder.mkdir(parents=True)
    (folder / "log.csv").write_text("发送时间,部门,条数\n2021-01-05 08:00:00,办公厅,1000\n2021-02-05 08:00:00,办公厅,3\n",
                                    encoding="utf-8")
    budget = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1", "网络", "短信", 10, 9],
              [None, "合计", None, 10, 9]]
    sms = [["单位：元"], ["月份", "部门", "条数", "单价", "金额", "明细文件"], [None, None, None, "0.065元/条", None, "log.csv"]]
    make_workbook(folder / "a.xlsx", {"预算执行": budget, "短信结算": sms})
    text = text_of(build(2021, tmp_path / "raw").blocks("sms"))
    # 1000 × 0.065 = 65.00 元 and 3 × 0.065 = 0.195 -> 0.20 元: 65.20 元 = 0.01万元 (0.00652)
    assert "全年发送1,003条，按条数×单价测算的金额0.01万元（2个月有数据）" in text
    assert "结算金额" not in text
    plt.close("all")


@pytest.mark.slow
def test_data_checks_say_where_the_data_was_read(tmp_path, monkeypatch):
    import qdanalysis.read.store as store_module
    import qdanalysis.run.ingest as ingest_module

    parsed = text_of(build(2020).blocks("checks"))
    assert "数据读自 data/raw/2020（1个工作簿），本次解析并校验。" in parsed
    monkeypatch.setattr(store_module, "DATA_PROCESSED", tmp_path / "processed")
    ingest_module.ingest(2020)
    stored = text_of(build(2020).blocks("checks"))
    assert (f"数据读自 {tmp_path / 'processed' / '2020'}：由 ingest 从 data/raw/2020 生成，data/raw/2020 中的文件"
            "经 SHA-256 逐一核对均未变化，本次未重新解析（1个工作簿）。") in stored
    plt.close("all")


@pytest.mark.slow
def test_a_budget_that_was_not_adjusted_says_so(tmp_path):
    from workbooks import make_workbook

    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数"],
            ["1.1", "甲", "A", 10, None, 9], ["1.2", "乙", "B", 20, None, 18], [None, "合计", None, 30, None, 27]]
    make_workbook(tmp_path / "raw" / "2021" / "a.xlsx", {"预算执行": rows})
    r = build(2021, tmp_path / "raw")
    execution = text_of(r.blocks("budget"))
    assert "预算未调整" in execution and "未披露" not in execution.split("。")[0]
    [table] = [b for b in r.blocks("categories") if isinstance(b, Table)]
    assert "调整后预算（万元）" not in table.text_frame().columns  # no column of 未披露 for a budget never adjusted
    assert not {"未披露", "未逐项列明"} & set(table.text_frame()["类别"])  # every item states its figures: no remainder row
    assert "推算" not in text_of(r.blocks("categories"))  # and no note about one
    plt.close("all")


def test_findings_are_grouped_by_the_four_first_level_indicators(report2020):
    import re

    r, _ = report2020
    blocks = r.blocks("findings")
    heads = [b.text for b in blocks if b.text.startswith("（")]
    present = [c for c in ("决策", "过程", "产出", "效益") if c in {f.category for f in r.analysis.findings}]
    assert heads == [f"（{n}）{c}类" for n, c in zip("一二三四", present)] and len(heads) >= 3
    bold = [p.text for b in blocks for p in b.parts if p.bold]
    assert len(bold) == len(r.analysis.findings)  # each finding's number and title, and nothing else, in bold
    numbers = [int(re.match(r"(\d+)\. ", t).group(1)) for t in bold]
    assert numbers == list(range(1, len(r.analysis.findings) + 1))
    recommendations = [b.text for b in blocks if b.text.startswith("建议")]
    assert len(recommendations) == len(set(recommendations))  # consolidated: no two alike
    assert all("项目单位" in rec for rec in recommendations)  # each says who does it
    plt.close("all")


def test_results_and_project_information_come_from_their_sheets(report2020):
    r, _ = report2020
    project = text_of(project_part(r))
    assert project.startswith("项目背景：青岛市大数据发展管理局专项业务费是为了完成该局特定的行政工作任务和事业发展目标而设立的")
    assert "总体目标：通过保障电子政务基础平台政务机房UPS等关键设备的正常运行" in project
    results = r.blocks("results")
    [table] = [b for b in results if isinstance(b, Table)]
    assert table.caption.startswith("表7 产出与成效")  # after 表6 绩效目标完成情况
    rows = table.text_frame().set_index("名称")
    assert rows.loc["网络接入带宽由100M提升至1000M的单位", "数值"] == "79"
    assert rows.loc["累计交换数据", "数值"] == "近41亿" and rows.loc["累计交换数据", "单位"] == "条"


def test_without_the_evaluator_sheets_the_report_shows_placeholders(tmp_path):
    from workbooks import make_workbook

    rows = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 10, 9], ["合计", None, 10, 9]]
    make_workbook(tmp_path / "raw" / "2021" / "a.xlsx", {"预算执行": rows})
    r = build(2021, tmp_path / "raw")
    assert "项目背景：【待评价组填写：项目背景】" in text_of(project_part(r))
    assert text_of(r.blocks("results")).startswith("【待评价组填写：项目产出与成效")
    assert "产出与成效" not in text_of(r.blocks("header"))  # an evaluator's sheet is not data the year lacks


def test_derived_figures_say_so_in_their_tables(report2020):
    _, blocks = report2020
    [lines] = [b for b in blocks["lines"] if isinstance(b, Table)]
    assert "年费用（推算，万元）" in lines.text_frame().columns  # 月租×数量×月数: derived, not stated
    [renewals] = [b for b in blocks["renewals"] if isinstance(b, Table)]
    basis = dict(zip(renewals.text_frame()["项目"] + "|" + renewals.text_frame()["供应商"], renewals.text_frame()["年度金额依据"]))
    assert basis["市直单位网络接入费|中国联通、中国电信"] == "推算：月费×12"


def test_the_category_remainder_is_derived_and_says_so(report2020):
    _, sections = report2020
    blocks = sections["categories"]
    [table] = [b for b in blocks if isinstance(b, Table)]
    rest = table.text_frame()[table.text_frame()["类别"] == "未逐项列明"].iloc[0]
    assert rest["已列明预算数（万元）"] == "433.28" and rest["项目数"] == "20"
    text = text_of(blocks)
    assert "“未逐项列明”部分为433.28万元（46.04%，推算：预算合计减已列明数）" in text
    assert "注：“未逐项列明”一行的项目已分别计入上列各类的项目数；其金额按预算合计减各类已列明数推算" in text


@pytest.mark.slow
def test_the_2020_scoring_section_gives_no_grade_the_evidence_cannot_carry():
    r = build(2020)
    blocks = r.blocks("scoring")
    text = text_of(blocks)
    assert "等级「差」。" not in text and "不是满分）" not in text and "按 0 分计" not in text
    assert ("暂不定级：未确认的指标分值合计 95 分（待补充佐证19项78分、待核实3项17分），超过满分的 10%（定级阈值。"
            "该阈值是本工具的约定，不是财预〔2020〕10号的规定，可在评分表中以 grade_threshold 设定）。"
            "已确认的指标分值合计 5 分，得 4.91 分，得分率 98.2%。总分在 4.91—99.91 分之间；"
            "按系统建议（待评价人确认）计约 22.16 分，其中尚无系统建议的 61 分按不得分计。") in text
    assert "待核实（3项，分值合计17分）：整合视频监控数量（" in text
    assert "系统建议（未计入得分）：“预算编制科学性”建议得1.2分（分值3）" in text
    assert "“运行维护制度健全性”建议" not in text  # 未制定资金管理办法 is about 资金管理, not maintenance
    assert "【待评价组填写：评价记录（评价人、日期、各指标的佐证材料和评价意见" in text
    [table] = [b for b in blocks if isinstance(b, Table)]
    rows = table.text_frame().set_index("三级指标")
    assert rows.loc["系统正常运行率", "得分"] == "—" and rows.loc["系统正常运行率", "状态"] == "待补充佐证"
    assert table.text_frame()["状态"].iloc[-1] == "暂不定级"
    assert "评分表：params/scoring-2020.yaml（青岛市大数据局专项业务费2020年绩效评价指标体系）。" in text_of(r.blocks("checks"))
    plt.close("all")

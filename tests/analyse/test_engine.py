"""The engine: each analysis of a year computed once, by a pure function, and read by every output."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

import qdanalysis
from qdanalysis.analyse import checks, indicator_status, network_lines, renewals, scoring, sms_costs, spending
from qdanalysis.analyse.engine import FRAMES, analyse, frames_only
from qdanalysis.analyse.rules import registry
from qdanalysis.analyse.year import YearAnalysis
from qdanalysis.paths import DATA_RAW, NOTEBOOKS
from qdanalysis.present.blocks import Chart, plain_text
from qdanalysis.present.excel import write_workbook
from qdanalysis.present.report import AnnualReport
from qdanalysis.present.summary import year_summary
from qdanalysis.run.pipeline import analysed_year as analyse_year

#: Every analysis a report shows, and the functions that each must run exactly once per year.
ANALYSES = ["spending_by_category", "disclosed_spend", "line_costs", "same_bandwidth_prices", "monthly_line_cost",
            "yearly_line_cost", "line_count_vs_target", "sms_monthly", "sms_by_department", "sms_target_money",
            "renewal_chains", "renewal_summary", "recurring_share", "indicator_status"]
#: The modules that define them.
ANALYSIS_MODULES = (spending, network_lines, sms_costs, renewals, indicator_status)
ONCE = [(next(m for m in ANALYSIS_MODULES if hasattr(m, name)), name) for name in ANALYSES] + [(checks, "cross_checks"), (scoring, "score"), (registry, "find_all")]

SECTIONS = ["header", "overview", "budget", "categories", "lines", "sms", "renewals", "indicators", "checks",
            "results", "scoring", "findings", "limitations"]


@pytest.fixture
def calls(monkeypatch):
    """Count the calls of every analysis, wherever the package holds a reference to it."""
    counter: Counter[str] = Counter()
    for module, name in ONCE:
        original = getattr(module, name)

        def counted(*args, __name=name, __original=original, **kwargs):
            counter[__name] += 1
            return __original(*args, **kwargs)

        for mod in [m for key, m in sys.modules.items() if key.startswith("qdanalysis") and m is not None]:
            if getattr(mod, name, None) is original:
                monkeypatch.setattr(mod, name, counted)
    return counter


def notebook_code(name: str) -> str:
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.slow
def test_the_annual_notebook_runs_each_analysis_once(calls, capsys):
    """What ``qdanalysis run --year 2020`` executes in its kernel: the notebook's code cells."""
    namespace: dict = {}
    exec(notebook_code("1.0-annual-report.ipynb"), namespace)  # the parameters cell: year 2020, data/raw
    plt.close("all")
    capsys.readouterr()
    assert isinstance(namespace["analysis"], YearAnalysis) and namespace["analysis"].year == 2020
    assert {name: calls[name] for _, name in ONCE} == {name: 1 for _, name in ONCE}


@pytest.mark.slow
def test_export_and_summary_run_each_analysis_once(calls, tmp_path):
    analysis = analyse_year(2020)
    write_workbook(analysis, tmp_path / "分析.xlsx")
    text = year_summary(analysis)
    report = AnnualReport(analysis)
    for section in SECTIONS:
        for block in report.blocks(section):
            if isinstance(block, Chart):
                plt.close(block.draw())
    plt.close("all")
    assert {name: calls[name] for _, name in ONCE} == {name: 1 for _, name in ONCE}
    assert "预算数 941.00万元，执行数 924.68万元，执行率 98.27%" in text


def test_an_analysis_given_its_frames_computes_only_the_rest_and_is_the_same(calls, analysis2020):
    data = analysis2020.data
    partial = frames_only(data)
    assert (partial.findings, partial.limitations, partial.rejected, partial.warnings) == ([], [], [], [])
    assert partial.score is None and partial.followup is None and partial.checks.empty
    assert {name: calls[name] for _, name in ONCE} == {**{name: 1 for name in ANALYSES},
                                                        "cross_checks": 0, "score": 0, "find_all": 0}
    whole = analyse(data, analysis2020.scoring, partial=partial)
    assert {name: calls[name] for _, name in ONCE} == {name: 1 for _, name in ONCE}  # the frames not again
    assert all(getattr(whole, name) is getattr(partial, name) for name in FRAMES) and whole.headline is partial.headline
    assert [f.code for f in whole.findings] == [f.code for f in analysis2020.findings]
    assert whole.score.total == analysis2020.score.total and whole.warnings == analysis2020.warnings
    pd.testing.assert_frame_equal(whole.checks, analysis2020.checks)
    assert whole.headline == analysis2020.headline


def test_the_outputs_read_the_analysis_they_are_given(analysis2020):
    """A report built on an analysis shows that analysis' figures, not figures of its own."""
    analysis = analysis2020  # qdanalysis.analyse_year(2020), once per session
    altered = YearAnalysis(**{**analysis.__dict__, "warnings": ["（测试）这条提示只存在于传入的分析中"]})
    text = plain_text(AnnualReport(altered).blocks("checks"))
    assert "（测试）这条提示只存在于传入的分析中" in text
    assert "（测试）这条提示只存在于传入的分析中" in year_summary(altered)


def test_the_data_checks_name_each_file_of_the_folder_that_was_not_read(tmp_path):
    folder = tmp_path / "2020"
    folder.mkdir()
    (folder / "2020年专项业务费.xlsx").write_bytes((DATA_RAW / "2020" / "2020年专项业务费.xlsx").read_bytes())
    (folder / "线路.csv").write_text("单位,运营商\n", encoding="utf-8")
    (folder / "~$2020年专项业务费.xlsx").write_bytes(b"\x00")

    text = plain_text(AnnualReport(analyse_year(2020, tmp_path)).blocks("checks"))

    assert "数据文件夹中以下文件未读取：" in text
    assert "线路.csv（CSV或文本文件，不作为工作簿读取" in text and "另存为“Excel工作簿（*.xlsx）”" in text
    assert "~$2020年专项业务费.xlsx（Excel或WPS打开工作簿时生成的临时文件" in text


@pytest.mark.slow
def test_analyse_is_pure():
    data = qdanalysis.load_year(2020)
    before = {name: df.copy() for name, df in data.frames.items()}
    totals = dict(data.totals)
    first, second = analyse(data), analyse(data)
    for name, df in data.frames.items():
        pd.testing.assert_frame_equal(df, before[name], obj=name)
    assert data.totals == totals
    pd.testing.assert_frame_equal(first.renewals, second.renewals)
    assert [f.summary for f in first.findings] == [f.summary for f in second.findings]


def test_the_2020_analysis_holds_what_the_report_says(analysis2020):
    a = analysis2020  # qdanalysis.analyse_year(2020), once per session (tests/test_init.py: the same function)
    assert a.recurring["recurring"] == Decimal("5077200.00")
    assert f"{a.recurring['share']:.2%}" == "53.96%"
    assert a.score is not None and a.score.name and a.score.max_total == 100
    assert {f.code[:3] for f in a.findings} == {"F01", "F02", "F03", "F04", "F05", "F06", "F08", "F09", "F11", "F12"}
    # what the data lacks is a limitation of the evaluation, not a problem of the bureau
    # the 1.2/1.3/1.4 question for the team (F14) is listed with them, not as a problem
    assert {f.code for f in a.limitations} == {"F07", "F10", "F14"} and all(f.limitation for f in a.limitations)
    assert any(w.startswith("2.2") for w in a.warnings)
    assert repr(a).startswith("YearAnalysis(2020, findings=")


def test_an_unscored_analysis_says_so():
    a = analyse(qdanalysis.load_year(2020))
    assert a.score is None and a.scoring is None
    [block] = AnnualReport(a).blocks("scoring")
    assert block.text == "本次未评分（未指定评分表）。"
    assert "score=未评分" in repr(a)


def _without(data, table_column: dict[str, str]):
    frames = dict(data.frames)
    for table, column in table_column.items():
        frame = frames[table].copy()
        frame[column] = None
        frames[table] = frame
    return replace(data, frames=frames)


@pytest.mark.slow
def test_a_ledger_with_names_and_no_codes_links_like_one_with_codes():
    """The data contract links contracts and lines to budget items by code, else by 项目名称."""
    data = qdanalysis.load_year(2020)
    coded, named = analyse(data), analyse(_without(data, {"contracts": "item_code", "lines": "item_code"}))
    assert named.recurring == coded.recurring and named.recurring["items"]
    pd.testing.assert_frame_equal(named.checks, coded.checks)
    pd.testing.assert_frame_equal(named.renewals, coded.renewals)
    assert [(f.code, f.summary) for f in named.findings] == [(f.code, f.summary) for f in coded.findings]
    assert [(f.code, f.summary) for f in named.limitations] == [(f.code, f.summary) for f in coded.limitations]


@pytest.mark.slow
def test_a_budget_without_codes_links_by_name():
    data = qdanalysis.load_year(2020)
    coded = analyse(data)
    bare = analyse(_without(data, {"budget": "code", "contracts": "item_code", "lines": "item_code"}))
    assert bare.recurring["recurring"] == coded.recurring["recurring"] == Decimal("5077200.00")
    assert "全市机关Internet专线费" in bare.recurring["items"]
    assert list(bare.checks["status"]) == list(coded.checks["status"])
    # an item without a code is named once, not "name name"
    assert "全市机关Internet专线费：合同月费×服务月数与预算数" in set(bare.checks["check"])


def test_carriers_are_written_one_way_and_contracts_are_named_by_item(analysis2020):
    a = analysis2020  # qdanalysis.analyse_year(2020), once per session
    assert set(a.line_costs["carrier"]) == {"中国联通", "中国电信", "中国联通、中国电信"}
    vendors = set(a.renewals["vendor"].dropna())
    assert "中国电信" in vendors and "中国联通、中国电信" in vendors and not any("青岛" in v for v in vendors)
    assert set(a.yearly_lines["item_code"]) == {"2.1", "2.2", "2.3"}
    assert a.data.contracts["vendor"].str.contains("青岛电信").any()  # the data itself is left as it was


@pytest.mark.slow
def test_an_item_whose_billing_is_not_written_is_said_to_be_undecided():
    """One rule from the ledger's billing and term, for every item: a contract that states neither is undecided,
    never silently non-recurring. (The 2020 ledger states 1.6's billing as 按年, inferred from 常驻 and its note.)"""
    data = qdanalysis.load_year(2020)
    assert "1.6" in analyse(data).recurring["items"]
    contracts = data.contracts.copy()
    contracts.loc[contracts["item_code"] == "1.6", "billing"] = None
    a = analyse(replace(data, frames={**data.frames, "contracts": contracts}))
    assert a.recurring["items_unknown"] == ["1.6"] and "1.6" not in a.recurring["items"]
    assert a.recurring["recurring"] == Decimal("4787200.00")
    text = plain_text(AnnualReport(a).blocks("renewals"))
    assert "另有1个项目（1.6）的合同未写明计费方式，无法判断是否持续付费，未计入" in text
    [f03] = [f for f in a.findings if f.code == "F03"]
    assert "1.6的合同未写明计费方式" in f03.summary

"""run.pipeline: the one place that loads and analyses for the outputs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from workbooks import make_workbook

import qdanalysis
from qdanalysis.analyse.scoring_presets import load_preset
from qdanalysis.paths import DATA_RAW, PROJECT_ROOT
from qdanalysis.run import pipeline
from qdanalysis.run.pipeline import (
    DEFAULT_PRESET,
    analysed_years,
    draft_year,
    scoring_for,
    year_folders,
)


@pytest.mark.slow
def test_draft_uses_the_analysis_once(monkeypatch, tmp_path):
    calls = []
    real = qdanalysis.analyse.engine.analyse

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "analyse", counted)  # the one place that analyses for the outputs
    draft_year(2020, out=tmp_path)
    assert len(calls) == 1


def test_the_frames_are_given_before_the_rest_is_analysed_and_not_computed_again(monkeypatch, analysis2020):
    seen = []
    real_scoring = pipeline.scoring_for

    def scoring(*args, **kwargs):
        seen.append("scoring")
        return real_scoring(*args, **kwargs)

    monkeypatch.setattr(pipeline, "scoring_for", scoring)
    analysis = pipeline.analysed_year(2020, on_frames=lambda partial: seen.append(partial))
    partial = seen[0]
    assert seen[1:] == ["scoring"] and partial.findings == [] and partial.score is None  # before the scoring table
    assert analysis.spend is partial.spend and analysis.renewals is partial.renewals  # taken as they were
    assert [f.code for f in analysis.findings] == [f.code for f in analysis2020.findings]
    assert analysis.score.total == analysis2020.score.total


def test_year_folders_are_the_four_digit_folders_in_order(tmp_path):
    for name in ("2021", "2019", "示例", "20201", "202"):
        (tmp_path / name).mkdir()
    (tmp_path / "2022").write_text("a file, not a folder", encoding="utf-8")
    assert year_folders(tmp_path) == [2019, 2021]
    assert year_folders(tmp_path / "absent") == []


def test_the_scoring_table_a_year_is_scored_against(tmp_path, analysis2020):
    assert scoring_for(2020).file == "params/scoring-2020.yaml"  # params/scoring-<year>.yaml when it exists
    assert scoring_for(2020, "third-party").name == load_preset("third-party").name  # a preset by its name
    own = scoring_for(2020, "params/scoring-2020.yaml")  # a file, relative to the project
    assert own.name == "青岛市大数据局专项业务费2020年绩效评价指标体系" and own.chosen == "按 --scoring 指定的评分表文件"
    # without a file for the year: the evaluation table on the year's own 绩效指标 sheet, else the preset
    from_sheet = scoring_for(2031, data=analysis2020.data, params_dir=tmp_path)
    assert [i.name for i in from_sheet.indicators][12:14] == ["保障网络线路数量", "保障金宏短信数量"]
    assert from_sheet.kind == "评价指标体系（决策、过程、产出、效益）"
    selfev = scoring_for(2031, "self-evaluation", data=analysis2020.data, params_dir=tmp_path)
    assert [i.name for i in selfev.indicators][:3] == ["预算执行率", "保障网络线路数量", "保障金宏短信数量"]
    assert DEFAULT_PRESET == "third-party"
    assert scoring_for(2031, params_dir=tmp_path).name == load_preset(DEFAULT_PRESET).name
    text = (PROJECT_ROOT / "params" / "scoring-2020.yaml").read_text(encoding="utf-8")
    (tmp_path / "scoring-2031.yaml").write_text(text.replace("2020", "2031"), encoding="utf-8")
    assert scoring_for(2031, params_dir=tmp_path).file.endswith("scoring-2031.yaml")


def test_an_analysed_year_is_loaded_and_scored(analysis2020):
    assert analysis2020.year == 2020 and analysis2020.score.file == "params/scoring-2020.yaml"
    assert len(analysis2020.data.budget) == 29 and analysis2020.data.folder == DATA_RAW / "2020"


def test_the_years_of_a_folder_analysed_unscored_and_a_refused_one_listed_with_its_problems(tmp_path):
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": [["单位：元"], ["类别", "项目名称", "预算数", "执行数"],
                                                              ["甲", "A", 100, 90], ["合计", None, 100, 90]]})
    make_workbook(tmp_path / "2022" / "a.xlsx", {"预算执行": [["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]})
    analysed, failed = analysed_years(tmp_path)
    assert [a.year for a in analysed] == [2021] and analysed[0].score is None
    assert list(failed) == [2022] and any("无法判断金额单位" in p for p in failed[2022])
    assert analysed_years(tmp_path, [2021])[1] == {}
    scored = analysed_years(tmp_path, [2021], scored=True)[0][0]
    assert scored.score is not None and scored.score.max_total == 100


def test_the_trends_scores_the_demo_against_the_preset_not_a_real_years_table(demo_root):
    analysed, _ = analysed_years(demo_root, [2020], scored=True)
    score = analysed[0].score
    assert score is not None and "third-party" in score.chosen and "scoring-2020" not in str(score.file)


@pytest.mark.slow
def test_the_trends_report_of_the_demo_years(demo_trends_report):
    report = demo_trends_report  # trends_report(demo_root), once per session
    assert report.years == [2018, 2019, 2020, 2021, 2022] and report.failed == {}
    assert [a.year for a in report.analyses] == report.years and report.demo


def test_draft_never_replaces_an_edited_draft_and_force_keeps_a_dated_backup(monkeypatch, tmp_path):
    import pytest

    import qdanalysis.present.draft
    import qdanalysis.present.report
    from qdanalysis.run.keep import ChangedFileError

    analysed = []
    monkeypatch.setattr(pipeline, "analysed_year", lambda *a, **k: analysed.append(1) or "analysis")
    monkeypatch.setattr(qdanalysis.present.report, "AnnualReport", lambda analysis, title: SimpleNamespace(charts=list))
    monkeypatch.setattr(qdanalysis.present.draft, "write_draft",
                        lambda analysis, path, **k: path.parent.mkdir(parents=True, exist_ok=True)
                        or path.write_bytes(b"tool's draft") and path)
    path, _ = draft_year(2020, out=tmp_path)
    draft_year(2020, out=tmp_path)  # unchanged since written: replaced without a word
    path.write_bytes(b"tool's draft + the evaluator's edits in Word")

    with pytest.raises(ChangedFileError, match="已被修改"):
        draft_year(2020, out=tmp_path)
    assert len(analysed) == 2  # refused before any work
    assert path.read_bytes() == b"tool's draft + the evaluator's edits in Word"

    backups = []
    draft_year(2020, out=tmp_path, force=True, on_backup=backups.append)
    assert [b.read_bytes() for b in backups] == [b"tool's draft + the evaluator's edits in Word"]
    assert backups[0].parent == path.parent and "（备份 " in backups[0].name
    assert path.read_bytes() == b"tool's draft"
    draft_year(2020, out=tmp_path)  # the new draft is the tool's again


@pytest.mark.slow
def test_the_params_file_threshold_of_no_contract_payments_reaches_the_rule(demo_root, tmp_path):
    """The demo's 2022 pays 34.09万元 and 32.24万元 without a contract: under the default 100万元, over 30万元."""
    assert "F24" not in [f.code for f in pipeline.analysed_year(2022, demo_root, params_dir=tmp_path).findings]
    (tmp_path / "2022.yaml").write_text("year: 2022\nno_contract_threshold: 300000\n", encoding="utf-8")
    [f] = [f for f in pipeline.analysed_year(2022, demo_root, params_dir=tmp_path).findings if f.code == "F24"]
    assert f.figures["pairs"] == 2 and f.figures["threshold"] == 300000
    assert f.summary.endswith("均未对应合同台账中的合同（阈值30.00万元，按参数文件 no_contract_threshold 设定）")
    # qdanalysis run passes the file's value to the notebook as text; it wins over params_dir's file
    passed = pipeline.analysed_year(2022, demo_root, params_dir=tmp_path, no_contract_threshold="400000")
    assert "F24" not in [f.code for f in passed.findings]


def test_the_demo_is_never_scored_or_titled_from_the_real_years(demo_root):
    """params/scoring-2020.yaml is the real 2020's table: the demo's 2020 is scored on its own indicator sheet."""
    assert (PROJECT_ROOT / "params" / "scoring-2020.yaml").exists()
    scored = pipeline.analysed_year(2020, demo_root)
    assert scored.score.chosen.startswith("示例数据不使用真实年度的评分表文件，按评价指标体系（third-party）")
    assert "示例数据_2020" in scored.score.file
    assert pipeline.scoring_for(2020, data=qdanalysis.load_year(2020, demo_root)).chosen.startswith("示例数据")


def test_a_refused_year_before_is_named_with_its_first_problem_and_the_command_listing_them(demo_root, tmp_path):
    import shutil

    for year in (2018, 2019):
        shutil.copytree(demo_root / str(year), tmp_path / str(year))
    (tmp_path / "2018" / "坏.xlsx").write_bytes(b"not a workbook")
    unread = pipeline.previous_problems(2019, tmp_path)
    assert unread.year == 2018 and unread.count == 1 and unread.first.file.endswith("坏.xlsx")
    assert unread.command == f"qdanalysis validate --year 2018 --root {tmp_path}"
    followup = pipeline.analysed_year(2019, tmp_path).followup
    assert followup.unread == unread and followup.source == "" and followup.items == ()
    assert pipeline.previous_problems(2018, tmp_path) is None  # no 2017 folder: nothing to say

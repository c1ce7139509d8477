"""Command line: validate, ingest, summary, template. Run as a user would, in a subprocess."""

from __future__ import annotations

import os
import sys

import pytest
from limited_runs import run_module

from qdanalysis.paths import DATA_RAW, PROJECT_ROOT
from qdanalysis.run.cli import main


def run_cli(*args, cwd=None):
    """``python -m qdanalysis.run.cli ARGS``: a process of its own with its arguments, folder and environment, stdin
    empty, stdout and stderr captured, forked from one that imported pandas and pyarrow once (tests/limited_runs.py)."""
    return run_module("qdanalysis.run.cli", *args, cwd=cwd or PROJECT_ROOT, env=cli_env(), timeout=120)


def cli_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))


@pytest.mark.slow
def test_a_command_run_here_ends_as_a_fresh_python_would(tmp_path):
    """:func:`run_cli`'s runs (forked, with no memory limit) print and end as ``python -m`` run by a user does:
    the same arguments, folder, environment and streams, stdin empty, a session of its own, no limit."""
    import resource
    import subprocess

    from limited_runs import PROBE

    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")  # every way of ending: tests/integration/test_corpus.py
    forked = run_module("probe", "出错了", cwd=tmp_path, env=cli_env(), timeout=60)
    fresh = subprocess.run([sys.executable, "-m", "probe", "出错了"], cwd=tmp_path, env=cli_env(), capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, start_new_session=True, timeout=60)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert (forked.returncode, forked.stderr) == (1, "出错了\n")
    assert f"cwd {tmp_path} path0 {tmp_path} env None" in forked.stdout
    assert f"limit {resource.getrlimit(resource.RLIMIT_AS)[0]} own session True" in forked.stdout


def test_a_command_is_checked_before_it_starts_as_a_popen_would_be(monkeypatch, tmp_path):
    """A run without the slow tests refuses ``qdanalysis run`` (a kernel) forked by :func:`run_cli` as from a Popen."""
    import suite

    seen = []

    def refuse(args):
        seen.append(list(args))
        raise RuntimeError("refused")

    monkeypatch.setattr(suite, "BEFORE_START", [refuse])
    with pytest.raises(RuntimeError, match="refused"):
        run_cli("run", "--year", 2020, cwd=tmp_path)
    assert seen == [[sys.executable, "-m", "qdanalysis.run.cli", "run", "--year", "2020"]]
    assert suite.slow_program(seen[0]) == "qdanalysis run"


def bad_budget(workbook):
    rows = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", "abc", 1], ["甲", "B", -2, 1]]
    return workbook({"预算执行": rows}, name="坏表.xlsx")


@pytest.mark.slow
def test_validate_prints_every_problem_and_exits_1(workbook):
    path = bad_budget(workbook)
    r = run_cli("validate", path)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith(f"{path}:预算执行:3:预算数(C列): 金额「abc」无法识别为数字")
    assert lines[1].startswith(f"{path}:预算执行:4:预算数(C列): 金额「-2」为负数")


@pytest.mark.slow
def test_validate_checks_the_teams_decisions_against_the_years_findings(tmp_path):
    from team_record import DECISION_HEADER, DECISION_ROWS, TEAM_HEADER, TEAM_ROWS, recorded_root
    from workbooks import make_workbook

    folder = recorded_root(tmp_path) / "2020"
    r = run_cli("validate", folder)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "评价发现2行，发现处理3行" in r.stdout
    record = folder / "评价组记录.xlsx"
    make_workbook(record, {"评价发现": [TEAM_HEADER, TEAM_ROWS[0], ["其他", None, "档案管理不规范"]],
                           "发现处理": [DECISION_HEADER, *DECISION_ROWS, ["F99", None, "采纳"]]})
    r = run_cli("validate", folder)  # a bad row of its own first; the codes once every row reads
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert f"{record}:评价发现:3:类别(A列): 类别「其他」无法识别" in r.stdout and "决策、过程、产出、效益" in r.stdout
    make_workbook(record, {"发现处理": [DECISION_HEADER, *DECISION_ROWS, ["F99", None, "采纳"]]})
    r = run_cli("validate", folder)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{record}:发现处理:5:编号: 本年度数据分析没有编号为F99的问题" in r.stdout
    assert "或删除这一行；现有编号：F01、F02、F03、F04、F05-1、F05-2、F05-3、F06、F08、F09、F11、F12" in r.stdout


@pytest.mark.slow
def test_validate_clean_exits_0():
    r = run_cli("validate", DATA_RAW / "2020")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "通过校验" in r.stdout and "预算执行29行" in r.stdout and "合同台账15行" in r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["validate"], ["validate", "/no/such/file.xlsx"], ["frobnicate"], []])
def test_usage_errors_exit_2(args):
    r = run_cli(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


@pytest.mark.slow
def test_not_a_spreadsheet_gives_no_traceback(tmp_path):
    fake = tmp_path / "预算.xlsx"
    fake.write_text("类别,项目名称,预算数\n甲,A,1\n", encoding="utf-8")
    r = run_cli("validate", fake)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert f"{fake}: " in r.stdout and "不是Excel工作簿" in r.stdout and f"{fake}::" not in r.stdout


SKIPPED = {  # file -> what its note must say: why it is not read, and how to convert it
    "预算.csv": ["CSV或文本文件，不作为工作簿读取", "请用Excel或WPS打开后另存为“Excel工作簿（*.xlsx）”"],
    "~$2020年专项业务费.xlsx": ["临时文件（~$开头），不是数据", "关闭该工作簿后通常自动删除"],
    ".预算.xlsx": ["隐藏文件", "去掉文件名开头的“.”"],
    "合同.xlsb": ["Excel二进制工作簿（.xlsb），不支持此格式", "另存为“Excel工作簿（*.xlsx）”"],
    "说明.pdf": ["不是工作簿，不读取", "数据文件夹只读取 .xlsx、.xlsm、.xls、.et 工作簿"],
}


@pytest.fixture
def folder_with_strays(tmp_path):
    """A year's folder as a bureau sends it: the workbook, and files that are not read."""
    folder = tmp_path / "raw" / "2020"
    folder.mkdir(parents=True)
    (folder / "2020年专项业务费.xlsx").write_bytes((DATA_RAW / "2020" / "2020年专项业务费.xlsx").read_bytes())
    for name in SKIPPED:
        (folder / name).write_bytes(b"\x00" if name != "预算.csv" else "类别,项目名称\n".encode())
    (folder / "明细").mkdir()  # a sub-folder (an SMS log's) is not a file that is skipped
    return folder


def assert_skipped_named(text: str, folder) -> None:
    for name, words in SKIPPED.items():
        line = next((ln for ln in text.splitlines() if f"{folder / name}：" in ln), None)
        assert line is not None, (name, text)
        assert all(w in line for w in words), line
    assert f"{folder / '明细'}：" not in text


@pytest.mark.slow
def test_every_file_a_folder_does_not_read_is_named_with_why_and_how_to_convert(folder_with_strays, tmp_path):
    r = run_cli("validate", folder_with_strays)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "通过校验" in r.stdout and r.stdout.count("注：未读取 ") == len(SKIPPED)
    assert_skipped_named(r.stdout, folder_with_strays)

    r = run_cli("summary", "--year", "2020", "--root", folder_with_strays.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "未读取的文件：" in r.stdout
    assert_skipped_named(r.stdout, folder_with_strays)

    r = run_cli("ingest", "--year", "2020", "--root", folder_with_strays.parent, "--out", tmp_path / "processed")
    assert r.returncode == 0, r.stdout + r.stderr
    assert_skipped_named(r.stdout, folder_with_strays)


@pytest.mark.slow
def test_a_csv_given_by_name_is_still_refused_with_how_to_save_it_as_xlsx(folder_with_strays):
    r = run_cli("validate", folder_with_strays / "预算.csv")
    assert r.returncode == 1
    assert "不是Excel工作簿（.xlsx），看起来是CSV或文本文件" in r.stdout and "另存为“Excel工作簿（*.xlsx）”" in r.stdout


@pytest.mark.slow
def test_a_folder_of_csv_only_says_which_files_it_found_and_how_to_convert_them(tmp_path):
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "预算.csv").write_text("类别,项目名称,预算数\n", encoding="utf-8")
    r = run_cli("validate", tmp_path / "2021")
    assert r.returncode == 1
    assert "文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et），未读取的文件：「预算.csv」：CSV或文本文件" in r.stdout
    assert "另存为“Excel工作簿（*.xlsx）”" in r.stdout


@pytest.mark.slow
def test_summary_mentions_the_figures(capsys):
    assert main(["summary", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "预算数 941.00万元，执行数 924.68万元，执行率 98.27%" in out
    assert "未逐项列明的预算 433.28万元（推算）" in out
    assert "合同台账 15行，线路清单 4行，短信结算 12行，绩效指标 11行" in out  # every declared table
    assert "2.2 市直单位网络接入费" in out and "-13.5%" in out
    assert f"  {SCORE_2020}" in out.splitlines()


#: The score line ``summary``, ``export`` and ``run`` print for 2020.
SCORE_2020 = ("评分表：params/scoring-2020.yaml（青岛市大数据局专项业务费2020年绩效评价指标体系，"
              "评价指标体系（决策、过程、产出、效益）：本年度的评分表文件 scoring-2020.yaml）；暂不定级，"
              "已确认的指标得 4.91/5 分（98.2%），总分可能在 4.91—99.91 分之间，按系统建议计约 22.16 分；"
              "待核实 3 项（17 分）；待补充佐证 19 项（78 分）")


@pytest.mark.slow
def test_export_and_summary_say_which_table_scored(tmp_path, capsys):
    assert main(["export", "--year", "2020", str(tmp_path / "a.xlsx")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == SCORE_2020
    assert main(["summary", "--year", "2020", "--scoring", "self-evaluation"]) == 0
    out = capsys.readouterr().out
    # the unit's 自评 split, built from the year's own 绩效指标 sheet (no 分值 there: the preset's group weights)
    assert ("评分表：《2020年专项业务费》工作簿「绩效指标」表（2020年绩效评分（按2020年绩效指标表生成），单位自评结构："
            "按 --scoring self-evaluation 指定，按绩效指标表生成单位自评表）；暂不定级，已确认的指标得 9.83/10 分（98.3%），"
            "总分可能在 9.83—99.83 分之间，按系统建议计约 30.61 分；待核实 3 项（24.28 分）；待补充佐证 8 项（65.72 分）") in out


def test_template_refuses_data_raw(capsys):
    assert main(["template", str(DATA_RAW / "x.xlsx")]) != 0
    assert not (DATA_RAW / "x.xlsx").exists()


@pytest.mark.slow
def test_a_reader_that_stops_early_is_no_internal_error(monkeypatch, capsys):
    """``qdanalysis summary --year 2020 | head -1``: the reader has closed the pipe before the output."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # writing now fails with EPIPE, as after head exits
    stdout = os.fdopen(write_end, "w", buffering=1, encoding="utf-8")  # line-buffered, as a terminal pipe
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        assert main(["summary", "--year", "2020"]) == 0
    finally:
        monkeypatch.undo()
        try:
            stdout.close()
        except OSError:
            pass
    assert "内部错误" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "ingest", "summary", "export", "draft", "template", "new-year"])
def test_every_option_has_help_and_every_command_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "-h"])
    out = capsys.readouterr().out
    assert "示例：" in out and f"qdanalysis {command}" in out.split("示例：")[1]
    options = [line.strip() for line in out.split("选项：")[1].split("示例：")[0].splitlines() if line.strip()]
    for i, line in enumerate(options):  # an option line with no text after it, and none on the next line
        if line.startswith("-") and len(line.split("  ")) == 1:
            assert i + 1 < len(options) and not options[i + 1].startswith("-"), f"{command}: {line} has no help"


def test_export_refuses_a_file_that_is_not_xlsx(tmp_path, capsys):
    assert main(["export", "--year", "2020", str(tmp_path / "x.csv")]) == 1
    assert "导出文件应以 .xlsx 结尾" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("argv, called", [(["--year", "2020"], "run_year"), (["--all"], "run_all"),
                                          (["--trends"], "run_trends")])
def test_run_pdf_asks_each_kind_of_run_for_a_pdf(argv, called, monkeypatch, capsys):
    from qdanalysis.present.pdf import NO_CHROMIUM
    from qdanalysis.run import results, runner

    asked = {}

    def fake(*args, pdf=False, **kwargs):
        asked[called] = pdf
        result = results.RunResult("2020", results.STATUS_OK, 1.0, notice=NO_CHROMIUM)
        return [result] if called == "run_all" else result

    monkeypatch.setattr(runner, called, fake)
    assert main(["run", *argv, "--pdf"]) == 0  # no Chromium: the HTML stands, the run succeeds
    assert asked == {called: True}
    if called != "run_all":  # run_all prints its own lines as each year finishes
        assert "未找到 Chromium 浏览器" in capsys.readouterr().out
    assert main(["run", *argv]) == 0 and asked == {called: False}


def test_debug_is_accepted_after_the_command_too():
    from qdanalysis.run.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["summary", "--year", "2020", "--debug"]).debug is True
    assert parser.parse_args(["--debug", "summary", "--year", "2020"]).debug is True
    assert parser.parse_args(["summary", "--year", "2020"]).debug is False


def _record_workbook(path, *rows):
    from workbooks import make_workbook

    header = ["一级指标", "三级指标", "分值", "评分方式", "实际完成值", "得分", "佐证材料", "评价意见", "评价人", "日期"]
    return make_workbook(path, {"评价记录": [["2020年评价记录"], header, *rows]})


@pytest.mark.slow
def test_validate_checks_the_record_against_the_scoring_table_as_run_does(tmp_path):
    import shutil

    shutil.copytree(DATA_RAW / "2020", tmp_path / "2020")
    _record_workbook(tmp_path / "2020" / "评价记录.xlsx",
                     ["产出指标", "不存在的指标", 8, None, None, 5, None, None, None, None],
                     ["效益指标", "运行维护制度健全性", 10, None, "很好", None, None, None, None, None],
                     ["满意度指标", "使用部门满意度", 10, None, None, 15, None, None, None, None])

    r = run_cli("validate", "--year", "2020", "--root", tmp_path, "--scoring", PROJECT_ROOT / "params" / "scoring-2020.yaml")

    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    record = tmp_path / "2020" / "评价记录.xlsx"
    assert lines[0].startswith(f"{record}:评价记录:3:三级指标: 评分表“") and "没有指标「不存在的指标」" in lines[0]
    assert lines[1].startswith(f"{record}:评价记录:4:实际完成值: ") and "而不是「很好」" in lines[1]
    assert lines[2].startswith(f"{record}:评价记录:5:得分: 「使用部门满意度」的得分 15 超过分值 10")
    assert "通过校验" not in r.stdout


@pytest.mark.slow
def test_validate_of_a_year_names_its_scoring_table(tmp_path):
    import shutil

    shutil.copytree(DATA_RAW / "2020", tmp_path / "2020")
    r = run_cli("validate", "--year", "2020", "--root", tmp_path, "--scoring", "third-party")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "通过校验" in r.stdout and ("  评分表：《2020年专项业务费》工作簿「绩效指标」表（2020年绩效评价指标体系"
                                     "（决策、过程按预置表，产出、效益按2020年绩效指标表））") in r.stdout.splitlines()


@pytest.mark.slow
def test_a_missing_year_lists_the_years_there_are(tmp_path):
    (tmp_path / "2020").mkdir()
    (tmp_path / "2021").mkdir()
    r = run_cli("validate", "--year", "2019", "--root", tmp_path)
    assert r.returncode == 2 and "找不到2019年的数据文件夹（已有年度：2020、2021）" in r.stderr
    r = run_cli("summary", "--year", "2019", "--root", tmp_path)
    assert r.returncode == 1 and "找不到2019年的数据文件夹" in r.stdout and "已有的年度：2020、2021" in r.stdout


@pytest.mark.slow
def test_a_full_disk_names_the_file_and_what_to_free(monkeypatch, tmp_path, capsys):
    import errno

    import qdanalysis.atomic

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qdanalysis.atomic.os, "replace", full)
    assert main(["template", str(tmp_path / "模板.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"错误：磁盘空间已满，未能写入 {tmp_path / '模板.xlsx'}（之前已有的文件未改动）。请在该磁盘上腾出空间")
    assert "内部错误" not in err and "No space" not in err and not (tmp_path / "模板.xlsx").exists()


def test_validate_says_the_year_befores_problems_come_from_its_folder_or_why_not(demo_root, tmp_path, capsys):
    import shutil

    for year in (2018, 2019):
        shutil.copytree(demo_root / str(year), tmp_path / str(year))
    assert main(["validate", "--year", "2019", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "上年主要问题" not in out.split("未提供（选填）：")[1].splitlines()[0]
    assert f"  注：上年（2018年）的问题取自其数据文件夹 {tmp_path / '2018'}/，不需要“上年主要问题”表\n" in out

    (tmp_path / "2018" / "坏.xlsx").write_bytes(b"not a workbook")
    assert main(["validate", "--year", "2019", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "、上年主要问题" in out.split("未提供（选填）：")[1].splitlines()[0]  # it may stand in for the refused year
    assert (f"  注：上年（2018年）的数据文件夹 {tmp_path / '2018'}/ 未能读取（首个问题：{tmp_path / '2018' / '坏.xlsx'}: "
            "不是Excel工作簿（.xlsx），看起来是纯文本文件；全部问题请运行 qdanalysis validate --year 2018 --root "
            f"{tmp_path} 查看），报告将说明上年问题的整改情况无法列示（本年度文件夹中也没有“上年主要问题”表或“整改情况”记录）\n") in out

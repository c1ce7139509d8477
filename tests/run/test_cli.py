"""Command line: validate, ingest, summary, template. Run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import qdanalysis
from qdanalysis.paths import DATA_RAW, PROJECT_ROOT
from qdanalysis.read.store import read_processed
from qdanalysis.run.cli import main


def run_cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run([sys.executable, "-m", "qdanalysis.run.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env=env, timeout=120)


def bad_budget(workbook):
    rows = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", "abc", 1], ["甲", "B", -2, 1]]
    return workbook({"预算执行": rows}, name="坏表.xlsx")


def test_validate_prints_every_problem_and_exits_1(workbook):
    path = bad_budget(workbook)
    r = run_cli("validate", path)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith(f"{path}:预算执行:3:预算数(C列): 金额「abc」无法识别为数字")
    assert lines[1].startswith(f"{path}:预算执行:4:预算数(C列): 金额「-2」为负数")


def test_validate_clean_exits_0():
    r = run_cli("validate", DATA_RAW / "2020")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "通过校验" in r.stdout and "预算执行29行" in r.stdout and "合同台账15行" in r.stdout


@pytest.mark.parametrize("args", [["validate"], ["validate", "/no/such/file.xlsx"], ["frobnicate"], []])
def test_usage_errors_exit_2(args):
    r = run_cli(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


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


def test_a_csv_given_by_name_is_still_refused_with_how_to_save_it_as_xlsx(folder_with_strays):
    r = run_cli("validate", folder_with_strays / "预算.csv")
    assert r.returncode == 1
    assert "不是Excel工作簿（.xlsx），看起来是CSV或文本文件" in r.stdout and "另存为“Excel工作簿（*.xlsx）”" in r.stdout


def test_a_folder_of_csv_only_says_which_files_it_found_and_how_to_convert_them(tmp_path):
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "预算.csv").write_text("类别,项目名称,预算数\n", encoding="utf-8")
    r = run_cli("validate", tmp_path / "2021")
    assert r.returncode == 1
    assert "文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et），未读取的文件：「预算.csv」：CSV或文本文件" in r.stdout
    assert "另存为“Excel工作簿（*.xlsx）”" in r.stdout


def test_ingest_writes_then_skips(tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["ingest", "--year", "2020", "--out", str(out)]) == 0
    first = capsys.readouterr().out
    assert "已写入" in first and "budget 29行" in first
    manifest = json.loads((out / "2020" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["totals"]["budget"] == "9410000.00" and manifest["totals"]["executed"] == "9246800.00"
    [src] = manifest["sources"]
    assert src["file"] == "2020年专项业务费.xlsx" and len(src["sha256"]) == 64
    budget = read_processed(2020, "budget", out)
    assert budget["budget"].sum() == __import__("decimal").Decimal("5077200.00")
    stamp = (out / "2020" / "budget.parquet").stat().st_mtime_ns
    assert main(["ingest", "--year", "2020", "--out", str(out)]) == 0
    assert "未变化，跳过" in capsys.readouterr().out
    assert (out / "2020" / "budget.parquet").stat().st_mtime_ns == stamp
    (out / "2020" / "budget.parquet").write_bytes(b"corrupt")  # a damaged output is rebuilt
    assert main(["ingest", "--year", "2020", "--out", str(out)]) == 0
    assert "已写入" in capsys.readouterr().out


def test_ingest_reparses_when_source_changes(tmp_path, workbook, capsys):
    root = tmp_path / "raw"
    rows = [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]
    from workbooks import make_workbook

    make_workbook(root / "2021" / "a.xlsx", {"预算执行": rows})
    out = tmp_path / "processed"
    assert main(["ingest", "--year", "2021", "--root", str(root), "--out", str(out)]) == 0
    rows[2][2] = 2
    make_workbook(root / "2021" / "a.xlsx", {"预算执行": rows})
    capsys.readouterr()
    assert main(["ingest", "--year", "2021", "--root", str(root), "--out", str(out)]) == 0
    assert "已写入" in capsys.readouterr().out
    assert str(read_processed(2021, "budget", out)["budget"].iloc[0]) == "2.00"


def test_ingest_bad_year_writes_nothing(tmp_path, workbook, capsys):
    root = tmp_path / "raw"
    from workbooks import make_workbook

    make_workbook(root / "2022" / "a.xlsx", {"预算执行": [["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]})
    out = tmp_path / "processed"
    assert main(["ingest", "--year", "2022", "--root", str(root), "--out", str(out)]) == 1
    assert "无法判断金额单位" in capsys.readouterr().out
    assert not (out / "2022").exists()


def test_summary_mentions_the_figures(capsys):
    assert main(["summary", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "预算数 941.00万元，执行数 924.68万元，执行率 98.27%" in out
    assert "未逐项列明的预算 433.28万元（推算）" in out
    assert "合同台账 15行，线路清单 4行，短信结算 12行，绩效指标 11行" in out  # every declared table
    assert "2.2 市直单位网络接入费" in out and "-13.5%" in out
    assert f"  {SCORE_2020}" in out.splitlines()


#: The score line ``summary``, ``export`` and ``run`` print for 2020.
SCORE_2020 = ("评分表：params/scoring-2020.yaml（青岛市大数据局专项业务费2020年绩效评分（自评表结构））；暂不定级，"
              "有佐证的指标得 29.91/34 分（88.0%），总分可能在 29.91—95.91 分之间；待补充佐证 8 项（66 分）")


def test_export_and_summary_say_which_table_scored(tmp_path, capsys):
    assert main(["export", "--year", "2020", str(tmp_path / "a.xlsx")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == SCORE_2020
    assert main(["summary", "--year", "2020", "--scoring", "self-evaluation"]) == 0
    out = capsys.readouterr().out
    assert "评分表：预置评分表 self-evaluation（项目支出绩效自评（预置：自评表一级指标分值））；暂不定级" in out
    assert "待补充佐证 9 项（90 分）" in out


def test_template_round_trip(tmp_path, capsys):
    path = tmp_path / "模板.xlsx"
    assert main(["template", str(path)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", "预算执行", "合同台账", "线路清单", "短信结算", "绩效指标", "产出与成效", "项目信息",
                             "评价记录"]
    assert wb["评价记录"]["B4"].value is None  # no year: the record's rows are not known
    assert [c.value for c in wb["预算执行"][3]][:6] == ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数"]
    guide = [r for r in wb["填写说明"].iter_rows(values_only=True)]
    assert ("预算执行", "执行数", "必填", "实际支出、支出数、执行金额、实际执行", "截至年末的实际支出；未知留空") in guide
    # a user fills the template in: it loads as it is
    ws = wb["预算执行"]
    ws.append(["1.1", "关键设备维护服务费", "机房维护", 66.7, None, 60])
    ws.append([None, "合计", None, 66.7, None, 60])
    wb.save(path)
    from qdanalysis.read.loaders import read_budget

    sheet = read_budget(path)
    assert sheet.totals["budget"] == __import__("decimal").Decimal("667000.00")


def test_template_for_a_year_lists_its_scored_indicators(tmp_path, capsys):
    path = tmp_path / "2020模板.xlsx"
    assert main(["template", "--year", "2020", str(path)]) == 0
    out = capsys.readouterr().out
    assert "评价记录表已按评分表“青岛市大数据局专项业务费2020年绩效评分（自评表结构）”列出 12 个指标" in out
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["评价记录"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if any(v is not None for v in r)]
    assert rows[0][:4] == ("一级指标", "三级指标", "分值", "评分方式")
    assert rows[1][:4] == ("预算执行率", "预算执行率", 10, "由预算表计算，无需填写得分")
    assert ("效益指标", "运行维护制度健全性", 10, "填写 达成、部分达成 或 未达成（或直接填写得分）") == rows[10][:4]
    assert ("满意度指标", "使用部门满意度", 10, "填写得分（0—10）") == rows[12][:4]
    assert len(rows) == 13
    # filled in as an evaluator would, the sheet loads and scores
    ws.cell(row=15, column=7).value = "满意度问卷汇总（回收62份）"
    ws.cell(row=15, column=6).value = 8.5
    wb.save(path)
    from qdanalysis.read.loaders.texts import load_record

    record = load_record(path)
    assert list(record["name"])[-1] == "使用部门满意度" and str(record["score"].iloc[-1]) == "8.5"


def test_template_refuses_data_raw(capsys):
    assert main(["template", str(DATA_RAW / "x.xlsx")]) != 0
    assert not (DATA_RAW / "x.xlsx").exists()


def test_ingest_rereads_when_a_file_beside_the_workbook_changes(tmp_path, capsys):
    from workbooks import make_workbook

    root = tmp_path / "raw"
    make_workbook(root / "2021" / "a.xlsx", {"预算执行": [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]})
    (root / "2021" / "明细").mkdir()
    log = root / "2021" / "明细" / "短信.csv"
    log.write_text("发送时间,部门,条数\n2021-01-05 08:00,办公厅,1\n", encoding="utf-8")
    out = tmp_path / "processed"
    assert main(["ingest", "--year", "2021", "--root", str(root), "--out", str(out)]) == 0
    log.write_text("发送时间,部门,条数\n2021-01-05 08:00,办公厅,2\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", "--year", "2021", "--root", str(root), "--out", str(out)]) == 0
    assert "已写入" in capsys.readouterr().out


# --- the stored tables as a cache for load_year ---------------------------------------------------


def _same_year(parsed, stored) -> None:
    import pandas as pd

    from qdanalysis.analyse.year import analyse

    for name in ("budget", "subtotals", "contracts", "lines", "sms", "indicators"):
        pd.testing.assert_frame_equal(getattr(parsed, name), getattr(stored, name), obj=name)
    for name in ("totals", "undisclosed", "missing", "files", "folder", "year", "demo"):
        assert getattr(parsed, name) == getattr(stored, name), name
    a, b = analyse(parsed), analyse(stored)  # the same data: the same cross-checks and findings
    pd.testing.assert_frame_equal(a.checks, b.checks)
    assert a.warnings == b.warnings and [f.summary for f in a.findings] == [f.summary for f in b.findings]


def test_stored_year_reads_back_as_parsed(tmp_path):
    from qdanalysis.read.year import load_processed, load_year
    from qdanalysis.run.ingest import ingest

    out = tmp_path / "processed"
    ingest(2020, out=out)
    stored = load_processed(2020, out=out)
    assert stored is not None and stored.processed == out / "2020"
    parsed = load_year(2020, processed=False)
    assert parsed.processed is None
    _same_year(parsed, stored)  # text stays object with None, money decimal128, dates datetime64[ns]


def test_stored_year_with_absent_tables_reads_back_as_parsed(tmp_path):
    from workbooks import make_workbook

    from qdanalysis.read.year import load_processed, load_year
    from qdanalysis.run.ingest import ingest

    root = tmp_path / "raw"
    make_workbook(root / "2021" / "a.xlsx", {"预算执行": [["单位：元"], ["类别", "项目名称", "预算数", "执行数", "说明"],
                                                          ["甲", "A", 1, None, "自由文字"], ["乙", "B", 2.5, 2, None]]})
    ingest(2021, root, tmp_path / "processed")
    stored = load_processed(2021, root, tmp_path / "processed")
    parsed = load_year(2021, root, processed=False)
    assert parsed.missing == ["合同台账", "线路清单", "短信结算", "绩效指标"]
    _same_year(parsed, stored)


def test_load_year_reuses_the_stored_tables_and_parses_nothing(tmp_path, monkeypatch):
    import qdanalysis.read.folder as folder_module
    import qdanalysis.read.store as store_module
    import qdanalysis.run.ingest as ingest_module
    from qdanalysis.read.year import load_year

    monkeypatch.setattr(store_module, "DATA_PROCESSED", tmp_path / "processed")
    ingest_module.ingest(2020)  # the default out: the patched data/processed

    def no_parsing(path):
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(folder_module, "read_workbook", no_parsing)
    data = load_year(2020)
    assert data.processed == tmp_path / "processed" / "2020"
    assert data.totals["executed"] == __import__("decimal").Decimal("9246800.00") and len(data.contracts) == 15
    with pytest.raises(AssertionError, match="parsed"):
        load_year(2020, processed=False)


def test_stored_tables_are_not_reused_when_anything_differs(tmp_path, monkeypatch):
    import shutil

    import qdanalysis.read.store as store_module
    from qdanalysis.read.year import load_processed
    from qdanalysis.run.ingest import ingest

    root, out = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(DATA_RAW / "2020", root / "2020")
    ingest(2020, root, out)
    assert load_processed(2020, root, out) is not None
    # the same files in another folder: not the folder ingest read
    shutil.copytree(root / "2020", tmp_path / "other" / "2020")
    assert load_processed(2020, tmp_path / "other", out) is None
    # other code (a new version of a loader) made them
    monkeypatch.setattr(store_module, "code_fingerprint", lambda: "0" * 64)
    assert load_processed(2020, root, out) is None
    monkeypatch.undo()
    # a file beside the workbook changed
    (root / "2020" / "附件.txt").write_text("新增", encoding="utf-8")
    assert load_processed(2020, root, out) is None


def test_the_store_can_move(tmp_path):
    # a scheduled job's own store: ingest writes there and the report reads from there
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), QDANALYSIS_PROCESSED=str(tmp_path / "store"))
    code = ("from qdanalysis.run.ingest import ingest; from qdanalysis.read.year import load_year; ingest(2020); "
            "print(load_year(2020).processed)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "store" / "2020")
    assert (tmp_path / "store" / "2020" / "manifest.json").is_file()


def test_a_store_that_cannot_be_used_means_parsing(tmp_path, monkeypatch):
    import qdanalysis.read.store as store_module
    import qdanalysis.run.ingest as ingest_module
    from qdanalysis.read.year import load_year

    out = tmp_path / "processed"
    monkeypatch.setattr(store_module, "DATA_PROCESSED", out)
    ingest_module.ingest(2020)
    assert load_year(2020).processed == out / "2020"

    def refused(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(store_module, "locked", refused)  # e.g. a read-only checkout
    data = load_year(2020)
    assert data.processed is None and len(data.budget) == 29


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


def test_the_command_line_speaks_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：qdanalysis") and "选项：" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "show this help" not in out and "options:" not in out
    with pytest.raises(SystemExit) as err:
        main(["ingest"])
    assert err.value.code == 2
    assert "qdanalysis ingest：错误：缺少必需的参数：--year" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["summary", "--year", "abc"])
    assert "参数 --year：无效的整数值：'abc'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"qdanalysis {qdanalysis.__version__}"


def test_argparse_is_english_again_outside_the_command_line():
    import argparse

    assert argparse._("usage: ") == "usage: "  # the translation lasts only while qdanalysis parses


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
    from qdanalysis.run import runner

    asked = {}

    def fake(*args, pdf=False, **kwargs):
        asked[called] = pdf
        result = runner.RunResult("2020", runner.STATUS_OK, 1.0, notice=NO_CHROMIUM)
        return [result] if called == "run_all" else result

    monkeypatch.setattr(runner, called, fake)
    assert main(["run", *argv, "--pdf"]) == 0  # no Chromium: the HTML stands, the run succeeds
    assert asked == {called: True}
    if called != "run_all":  # run_all prints its own lines as each year finishes
        assert "未找到 Chromium 浏览器" in capsys.readouterr().out
    assert main(["run", *argv]) == 0 and asked == {called: False}


def test_a_location_prints_no_empty_fields():
    from qdanalysis.errors import Problem

    assert Problem("a.xlsx", "", None, "", "文件为空").location() == "a.xlsx"
    assert Problem("params/2021.yaml", "", 3, "year", "m").location() == "params/2021.yaml:3:year"
    assert Problem("a.xlsx", "预算执行", None, "", "m").location() == "a.xlsx:预算执行"
    assert str(Problem("a.xlsx", "预算执行", 9, "预算数(D列)", "不是数字", "请填写数字")) == \
        "a.xlsx:预算执行:9:预算数(D列): 不是数字（请填写数字）"


def test_debug_is_accepted_after_the_command_too():
    from qdanalysis.run.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["summary", "--year", "2020", "--debug"]).debug is True
    assert parser.parse_args(["--debug", "summary", "--year", "2020"]).debug is True
    assert parser.parse_args(["summary", "--year", "2020"]).debug is False

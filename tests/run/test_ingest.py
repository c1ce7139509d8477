"""ingest: a year's tables stored once, skipped while nothing changed, rewritten when anything did."""

from __future__ import annotations

import json

import pytest

from qdanalysis.read.store import read_processed
from qdanalysis.run.cli import main


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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

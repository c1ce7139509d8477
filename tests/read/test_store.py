"""The stored tables as a cache for load_year: read back as parsed, reused only while nothing differs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from qdanalysis.paths import DATA_RAW, PROJECT_ROOT


def _same_year(parsed, stored) -> None:
    import pandas as pd

    from qdanalysis.analyse.engine import analyse

    for name in ("budget", "subtotals", "contracts", "lines", "sms", "indicators"):
        pd.testing.assert_frame_equal(getattr(parsed, name), getattr(stored, name), obj=name)
    for name in ("totals", "undisclosed", "missing", "files", "folder", "year", "demo"):
        assert getattr(parsed, name) == getattr(stored, name), name
    a, b = analyse(parsed), analyse(stored)  # the same data: the same cross-checks and findings
    pd.testing.assert_frame_equal(a.checks, b.checks)
    assert a.warnings == b.warnings and [f.summary for f in a.findings] == [f.summary for f in b.findings]


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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

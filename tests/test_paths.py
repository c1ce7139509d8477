"""Project paths: derived from the package's place, a year's folder, paths relative to the project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from qdanalysis.paths import (
    DATA_PROCESSED,
    DATA_RAW,
    PARAMS,
    PROJECT_ROOT,
    REPORTS,
    SOURCE_ROOT,
    draft_path,
    project_path,
    year_folder,
)


def test_the_folders_hang_off_the_project_root():
    assert (PROJECT_ROOT / "qdanalysis" / "paths.py").is_file()
    assert DATA_RAW == PROJECT_ROOT / "data" / "raw" and PARAMS == PROJECT_ROOT / "params"


def test_a_years_folder_under_data_raw_or_another_root():
    assert year_folder(2020) == DATA_RAW / "2020"
    assert year_folder("2021", "/tmp/raw") == Path("/tmp/raw/2021")


def test_a_years_draft_under_reports_or_another_folder():
    assert draft_path(None, 2020) == REPORTS / "2020" / "2020年绩效评价报告（初稿）.docx"
    assert draft_path("/tmp/out", 2021) == Path("/tmp/out/2021/2021年绩效评价报告（初稿）.docx")


def test_relative_paths_are_relative_to_the_project():
    assert project_path("params/2020.yaml") == PROJECT_ROOT / "params" / "2020.yaml"
    assert project_path("/abs/x.yaml") == Path("/abs/x.yaml")


def test_the_store_can_be_moved_by_the_environment(tmp_path):
    code = "from qdanalysis.paths import DATA_PROCESSED; print(DATA_PROCESSED)"
    env = {"PYTHONPATH": str(PROJECT_ROOT), "QDANALYSIS_PROCESSED": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == str(tmp_path)
    assert isinstance(DATA_PROCESSED, Path)


def test_the_project_folder_can_be_moved_by_the_environment(tmp_path):
    code = "from qdanalysis.paths import PROJECT_ROOT, DATA_RAW, SOURCE_ROOT; print(PROJECT_ROOT, DATA_RAW, SOURCE_ROOT)"
    env = {"PYTHONPATH": str(SOURCE_ROOT), "QDANALYSIS_PROJECT": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == [str(tmp_path), str(tmp_path / "data" / "raw"), str(SOURCE_ROOT)]


def test_the_tests_work_on_their_own_copy_of_the_shipped_data():
    """An evaluator's 评价记录 or a year made by new-year in the checkout is never seen by the tests."""
    assert PROJECT_ROOT.resolve() != SOURCE_ROOT and Path.cwd().resolve() == PROJECT_ROOT.resolve()
    shipped = subprocess.run(["git", "-C", str(SOURCE_ROOT), "ls-files", "-z", "data/raw", "params"],
                             capture_output=True, text=True, check=True).stdout.split("\0")
    copied = sorted(str(p.relative_to(PROJECT_ROOT)) for folder in (DATA_RAW, PARAMS) for p in folder.rglob("*")
                    if p.is_file())
    assert copied == sorted(name for name in shipped if name) and copied
    assert not DATA_RAW.is_symlink() and not PARAMS.is_symlink() and (PROJECT_ROOT / "qdanalysis").is_symlink()

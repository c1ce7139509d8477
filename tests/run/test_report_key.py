"""Tests for qdanalysis.run.report_key: what a report server is keyed by."""

from __future__ import annotations

import os
import subprocess
import sys

from qdanalysis.run import report_key
from qdanalysis.run.report_key import common_env, differences, key, per_task


def test_airflow_context_and_the_dags_label_are_per_task_and_not_keyed():
    assert per_task("AIRFLOW_CTX_TASK_ID") and per_task("AIRFLOW_CTX_TRY_NUMBER") and per_task("QDANALYSIS_ONLY")
    assert per_task("_AIRFLOW_PARSING_CONTEXT_TASK_ID") and per_task("__AIRFLOW_SUPERVISOR_FD")
    assert not per_task("QDANALYSIS_PROCESSED") and not per_task("PATH") and not per_task("AIRFLOW_HOME")
    env = {"PATH": "/bin", "AIRFLOW_CTX_TASK_ID": "report", "QDANALYSIS_ONLY": "a/2020"}
    assert common_env(env) == {"PATH": "/bin"}
    assert differences(env, {"PATH": "/usr/bin", "AIRFLOW_CTX_TASK_ID": "plan", "X": "1"}) == ["PATH", "X"]


def test_the_key_changes_with_the_environment_the_folder_and_the_portfolio_but_not_per_task(tmp_path):
    portfolio = tmp_path / "portfolio.yaml"
    portfolio.write_text("projects: []\n", encoding="utf-8")
    env = {"PATH": "/bin", "QDANALYSIS_ONLY": "a/2020", "AIRFLOW_CTX_TASK_ID": "report"}
    base = key(env, str(tmp_path), "portfolio.yaml")
    assert key({**env, "QDANALYSIS_ONLY": "b/2021", "AIRFLOW_CTX_TASK_ID": "x"}, str(tmp_path), "portfolio.yaml") == base
    assert key(env, str(tmp_path), str(portfolio)) == base  # the same file, named relatively or not
    assert key({**env, "PATH": "/usr/bin"}, str(tmp_path), "portfolio.yaml") != base
    assert key({**env, "QDANALYSIS_PROCESSED": "/x"}, str(tmp_path), "portfolio.yaml") != base
    assert key(env, "/", str(portfolio)) != base
    portfolio.write_text("projects: [] # changed\n", encoding="utf-8")
    assert key(env, str(tmp_path), "portfolio.yaml") != base


def test_the_key_changes_with_any_file_of_the_package(tmp_path):
    """The package fingerprint is read from the files: a copy of the package with one byte changed differs."""
    import shutil

    import qdanalysis

    copy = tmp_path / "src"
    shutil.copytree(os.path.dirname(qdanalysis.__file__), copy / "qdanalysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = "from qdanalysis.run.report_key import key; print(key({}, '/', '/nonexistent.yaml'))"

    def key_of() -> str:
        env = {**os.environ, "PYTHONPATH": str(copy)}
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tmp_path,
                              check=True).stdout.strip()

    before = key_of()
    assert key_of() == before
    target = copy / "qdanalysis" / "run" / "report_key.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert key_of() != before


def test_the_installed_distributions_are_listed_with_their_versions():
    names = report_key.installed()
    assert any(name.endswith(".dist-info") and "/papermill-" in name for name in names)


def test_a_portfolio_named_through_a_link_has_the_key_of_its_real_path(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "portfolio.yaml").write_text("projects: []\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(real)
    assert key({}, str(tmp_path), "link/portfolio.yaml") == key({}, str(tmp_path), str(real / "portfolio.yaml"))

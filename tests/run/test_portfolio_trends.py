"""Tests for qdanalysis.run.portfolio_trends: each project's trends report, skipped when unchanged, linked."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from qdanalysis.run.portfolio_file import Project
from qdanalysis.run.portfolio_trends import (
    run_project_trends,
    trends_link,
    trends_title,
    trends_values,
)
from qdanalysis.run.unchanged import read_summary

pytestmark = pytest.mark.slow  # each project's trends notebook run through a kernel

RUN = """\
import pathlib
with open(pathlib.Path(data_root).parent / "trends.log", "a", encoding="utf-8") as log:
    log.write(",".join(map(str, years)) + "\\n")
if "broken" in data_root:
    raise ValueError("2021年预算表无法读取")
print("趋势", years)
"""


def notebook(tmp_path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell('data_root = "data/raw"\nyears = []'), new_code_cell(RUN)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "trends.ipynb"
    nbformat.write(nb, path)
    return path


def project(tmp_path: Path, name: str = "good", years: tuple[int, ...] = (2020, 2021)) -> Project:
    for year in years:
        (tmp_path / name / "raw" / str(year)).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / "raw" / str(year) / "预算.xlsx").write_bytes(f"{name}{year}".encode())
    (tmp_path / name / "params").mkdir(exist_ok=True)
    return Project(name, "甲项目", "甲局", tmp_path / name / "raw", tmp_path / name / "params", years)


def log(tmp_path: Path, name: str = "good") -> list[str]:
    path = tmp_path / name / "trends.log"
    return path.read_text(encoding="utf-8").split() if path.exists() else []


def test_the_title_names_the_project_and_its_years(tmp_path):
    assert trends_title(project(tmp_path)) == "甲项目2020—2021年趋势分析"
    assert trends_title(project(tmp_path, "one", (2022,))) == "甲项目2022年趋势分析"


def test_the_notebook_gets_the_parameters_it_declares(tmp_path):
    p = project(tmp_path)
    assert trends_values(p, {"data_root", "years"}) == {"data_root": str(p.data_root), "years": [2020, 2021]}
    assert trends_values(p, {"data_root", "years", "params_dir"})["params_dir"] == str(p.params)


def test_a_project_runs_once_then_is_skipped_until_its_data_changes(tmp_path):
    p, nb, out = project(tmp_path), notebook(tmp_path), tmp_path / "reports"

    first = run_project_trends(p, out, package="v1", notebook=nb)
    assert (first.label, first.status) == ("good/trends", "ok") and log(tmp_path) == ["2020,2021"]
    assert first.html == out / "good" / "trends" / "trends.html"
    assert "甲项目2020—2021年趋势分析" in first.html.read_text(encoding="utf-8")
    assert trends_link(p, out) == "../good/trends/trends.html"
    assert len(read_summary(out / "good" / "trends")["fingerprint"]) == 64

    assert run_project_trends(p, out, package="v1", notebook=nb).status == "skipped" and log(tmp_path) == ["2020,2021"]
    (p.params / "2021.yaml").write_text("year: 2021\n", encoding="utf-8")  # the parameters count
    assert run_project_trends(p, out, package="v1", notebook=nb).status == "ok" and len(log(tmp_path)) == 2
    (p.data_root / "2020" / "预算.xlsx").write_bytes(b"changed")
    assert run_project_trends(p, out, package="v1", notebook=nb).status == "ok" and len(log(tmp_path)) == 3
    assert run_project_trends(p, out, package="v1", notebook=nb, force=True).status == "ok" and len(log(tmp_path)) == 4
    assert run_project_trends(p, out, package="v2", notebook=nb).status == "ok" and len(log(tmp_path)) == 5  # new code


def test_a_failed_trends_run_links_to_the_page_that_shows_why(tmp_path):
    p, nb, out = project(tmp_path, "broken"), notebook(tmp_path), tmp_path / "reports"

    result = run_project_trends(p, out, package="v1", notebook=nb)

    assert result.status == "failed" and "2021年预算表无法读取" in result.error
    assert trends_link(p, out) == "../broken/trends/trends（运行失败）.html"
    assert read_summary(out / "broken" / "trends")["fingerprint"] == ""  # retried next time
    assert trends_link(project(tmp_path, "never"), out) is None

"""The environment files agree: pyproject.toml, environment.yml and the pinned constraints."""

import re
import tomllib

import yaml

from qdanalysis.paths import PROJECT_ROOT


def norm(name: str) -> str:
    return re.split(r"[<>=!~ \[]", name.strip())[0].lower().replace("_", "-")


def pyproject():
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def conda_packages() -> set[str]:
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {norm(d) for d in dep["pip"] if not d.startswith("-e")}
        elif re.split(r"[<>=!~ ]", dep)[0] not in ("python", "pip"):  # the interpreter and pip are not packages
            names.add(norm(dep))
    return names


def test_environment_yml_lists_the_same_packages():
    meta = pyproject()["project"]
    wanted = {norm(d) for d in meta["dependencies"]} | {norm(d) for d in meta["optional-dependencies"]["dev"]}
    assert conda_packages() == wanted


def test_every_dependency_is_pinned():
    pins = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[norm(name)] = version
    meta = pyproject()["project"]
    for dep in meta["dependencies"] + meta["optional-dependencies"]["dev"]:
        assert norm(dep) in pins, f"{dep} has no pinned version in constraints.txt"


def test_required_top_level_layout():
    for name in ("notebooks", "data/raw", "data/processed", "qdanalysis", "params", "tests", "environment.yml",
                 "README.md", "pyproject.toml", "Makefile", ".ci/run", "benchmarks"):
        assert (PROJECT_ROOT / name).exists(), name


def test_the_notebooks_open_on_the_projects_kernel():
    import json

    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        spec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert (spec["name"], spec["display_name"]) == ("qdanalysis", "qdanalysis (.venv)"), path.name
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ipykernel install --user --name qdanalysis" in makefile  # found by a Jupyter outside the venv


def test_papermill_shows_each_notebook_parameter_with_its_type_and_help():
    import papermill

    for name in ("1.0-annual-report.ipynb", "2.0-multi-year-trends.ipynb"):
        params = papermill.inspect_notebook(str(PROJECT_ROOT / "notebooks" / name))
        assert params, name
        for key, p in params.items():
            assert p["inferred_type_name"] not in ("None", None), (name, key)
            assert p["help"], (name, key)  # what the parameter means, in Chinese
    annual = papermill.inspect_notebook(str(PROJECT_ROOT / "notebooks" / "1.0-annual-report.ipynb"))
    assert {k: v["inferred_type_name"] for k, v in annual.items()}["year"] == "int"


def _make(*args, cwd):
    import subprocess

    return subprocess.run(["make", "-s", "-f", str(PROJECT_ROOT / "Makefile"), *args], cwd=cwd,
                          capture_output=True, text=True, check=True).stdout


def test_make_clean_removes_only_what_the_tool_rebuilds_and_says_what_it_kept(tmp_path):
    rebuilt = ["reports/2020/1.0-annual-report.html", "reports/2020/1.0-annual-report.ipynb",
               "reports/2020/1.0-annual-report.pdf", "reports/2020/1.0-annual-report（运行失败）.html",
               "reports/.runs/2020/run.lock", "reports/.runs/2020/1.0-annual-report.kernel.log",
               "reports/trends/2.0-multi-year-trends.html", "data/processed/2020/budget.parquet",
               "data/demo/2018/x.xlsx"]
    kept = ["reports/2020/2020年绩效评价报告（初稿）.docx", "reports/2020/2020年绩效评价报告（初稿）（备份 2021-03-05 1420）.docx",
            "reports/.runs/2020/2020年绩效评价报告（初稿）.docx.sha256", "data/raw/2020/2020年专项业务费.xlsx",
            "params/2020.yaml", "data/processed/.gitkeep"]
    for name in rebuilt + kept:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")

    out = _make("clean", cwd=tmp_path)

    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == sorted(kept)
    assert not (tmp_path / "reports" / "trends").exists()
    assert "已保留：data/raw/（原始数据）和 params/" in out
    assert "  reports/2020/2020年绩效评价报告（初稿）.docx\n" in out
    assert ".sha256" not in out  # bookkeeping, not shown


def test_make_help_prints_the_year(tmp_path):
    out = _make("help", "YEAR=2021", cwd=tmp_path)
    assert "reports/2021/1.0-annual-report.html" in out and "$(YEAR)" not in out

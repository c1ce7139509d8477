"""The environment files agree: pyproject.toml, environment.yml and the pinned constraints."""

import os
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from qdanalysis.paths import PROJECT_ROOT, SOURCE_ROOT


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


@pytest.mark.slow
def test_the_wheel_carries_the_notebooks_and_runs_a_year_from_outside_the_checkout(tmp_path):
    """As a scheduler's worker image would: build the wheel, install it (into a folder of its own), and run a
    year in a folder that is not the checkout, with nothing of the checkout on the path."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"  # built from a copy: the build writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "qdanalysis", "notebooks"):
        if (SOURCE_ROOT / name).is_dir():
            shutil.copytree(SOURCE_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(SOURCE_ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)], check=True,
                   capture_output=True, timeout=600)
    [wheel] = (tmp_path / "dist").glob("qdanalysis-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for notebook in ("1.0-annual-report.ipynb", "2.0-multi-year-trends.ipynb"):
        assert any(n.endswith(f".data/data/share/qdanalysis/notebooks/{notebook}") for n in names), notebook
    assert "qdanalysis/__main__.py" in names and "qdanalysis/analyse/presets/self-evaluation.yaml" in names

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)], check=True,
                   capture_output=True, timeout=600)
    work = tmp_path / "work"
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "2020", work / "data" / "raw" / "2020")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QDANALYSIS_PROJECT")}
    env["PYTHONPATH"] = str(site)
    r = subprocess.run([sys.executable, "-m", "qdanalysis", "run", "--year", "2020", "--root", "data/raw", "--out",
                        "reports"], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[1/1] 2020 成功" in r.stdout
    html = (work / "reports" / "2020" / "1.0-annual-report.html").read_text(encoding="utf-8")
    assert "941.00" in html
    probe = subprocess.run([sys.executable, "-c", "import qdanalysis.paths as p; print(p.NOTEBOOKS); print(p.PROJECT_ROOT)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert probe[0] == str(site / "share" / "qdanalysis" / "notebooks") and probe[1] == str(work)


@pytest.mark.parametrize(("command", "program"), [
    (["/work/.venv/bin/python", "-m", "ipykernel_launcher", "-f", "/tmp/k.json"], "ipykernel_launcher"),
    (["/usr/bin/soffice", "--headless", "--convert-to", "pdf", "x.docx"], "soffice"),
    ("soffice --headless --convert-to xls a.xlsx", "soffice"),
    (["/usr/bin/chromium", "--headless", "--screenshot=x.png"], "chromium"),
    (["/work/.venv/bin/papermill", "in.ipynb", "out.ipynb"], "papermill"),
    (["python", "-m", "qdanalysis", "run", "--year", "2020"], "qdanalysis run"),
    (["/work/.venv/bin/qdanalysis", "run", "--all"], "qdanalysis run"),
    (["python", "-m", "qdanalysis", "--help"], None),
    (["python", "-c", "print(1)"], None),
    (["git", "ls-files", "-z", "data/raw"], None),
    (["pdftotext", "report.pdf", "-"], None),
])
def test_make_test_fast_knows_the_programs_that_make_a_test_slow(command, program):
    from suite import slow_program

    assert slow_program(command) == program


def test_make_test_shares_whole_modules_out_heaviest_first_each_to_the_lightest_share():
    from suite import shard_of

    weights = {"a.py": 100, "b.py": 60, "c.py": 50, "d.py": 10, "e.py": 1}
    shares = shard_of(weights, 2)
    assert shares == {"a.py": 0, "b.py": 1, "c.py": 1, "d.py": 0, "e.py": 0}
    assert shard_of(weights, 1) == dict.fromkeys(weights, 0)
    loads = [sum(w for m, w in weights.items() if shares[m] == k) for k in (0, 1)]
    assert loads == [111, 110]


def test_make_test_weighs_each_module_by_its_measured_seconds_and_a_new_one_by_its_tests():
    from suite import UNIT_SECONDS, shard_of, shares

    measured = {"a.py": 5.0, "b.py": 35.0, "gone.py": 9.0}
    # units: tests, a slow one weighing SLOW_WEIGHT
    out = shares(measured, {"new.py": 22 / UNIT_SECONDS, "tiny.py": 1, "a.py": 99}, 2)
    # the measured modules are shared out as each process can before it collects: by their seconds alone
    assert {m: out[m] for m in measured} == shard_of(measured, 2) == {"b.py": 0, "gone.py": 1, "a.py": 1}
    assert (out["new.py"], out["tiny.py"]) == (1, 0)  # 22 s onto 14 s, then onto the lighter of 35 s and 36 s
    assert shares({}, {"x.py": 10, "y.py": 30, "z.py": 20}, 2) == {"y.py": 0, "z.py": 1, "x.py": 1}


def test_make_test_imports_no_module_of_another_share(monkeypatch):
    import conftest
    from suite import read_timings, shard_of

    checkout = Path(__file__).resolve().parents[1]
    config = SimpleNamespace(rootpath=checkout)
    measured = shard_of(read_timings(), 2)
    module = next(m for m in measured if (checkout / m).is_file())
    new_module = checkout / "tests" / "run" / "test_not_yet_measured.py"
    for share in (1, 2):
        monkeypatch.setenv("QDANALYSIS_TEST_SHARD", f"{share}/2")
        ignored = conftest.pytest_ignore_collect(checkout / module, config)
        assert ignored == (True if measured[module] != share - 1 else None)
        assert conftest.pytest_ignore_collect(new_module, config) is None  # every process collects a new module
        assert conftest.pytest_ignore_collect(checkout / "tests" / "run", config) is None
    monkeypatch.delenv("QDANALYSIS_TEST_SHARD")
    assert conftest.pytest_ignore_collect(checkout / module, config) is None


def test_make_test_timings_sums_each_modules_seconds_from_the_junit_report(tmp_path):
    from suite import junit_seconds, read_timings

    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.read.test_xlsx" name="test_a" time="1.25"/>'
        '<testcase classname="tests.read.test_xlsx" name="test_b[1]" time="0.5"/>'
        '<testcase classname="tests.test_layout.TestImports" name="test_c" time="2"/>'
        '</testsuite></testsuites>', encoding="utf-8")
    assert junit_seconds(report) == {"tests/read/test_xlsx.py": 1.75, "tests/test_layout.py": 2.0}
    assert read_timings(tmp_path / "absent.json") == {}


def test_the_measured_seconds_are_kept_for_most_test_modules():
    from suite import read_timings

    checkout = Path(__file__).resolve().parents[1]
    modules = {p.relative_to(checkout).as_posix() for p in (checkout / "tests").rglob("test_*.py")}
    timings = read_timings()
    assert all(v >= 0 for v in timings.values())
    # a module added since the last make test-timings is weighed by its tests; most must have been measured
    assert len(modules & set(timings)) >= 0.8 * len(modules)


def test_make_test_runs_each_share_and_fails_when_one_fails_and_test_fast_leaves_out_the_slow_tests():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'QDANALYSIS_TEST_SHARD=$$i/$(TEST_JOBS)' in makefile and "wait $$pid || status=1" in makefile
    assert '-m "not slow"' in makefile

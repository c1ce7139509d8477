"""Fixtures shared by every test folder: the tests' own copy of the project, a test session's own processed
store, workbooks built by the test.

The tests never read the user's data. Before qdanalysis is imported, this file builds a project folder of the
session (``QDANALYSIS_PROJECT``, see :mod:`qdanalysis.paths`): its ``data/raw/`` and ``params/`` are copies of
the files the repository ships (those git tracks: an evaluator's 评价记录.xlsx, a year made by ``new-year``,
their params and scoring files are not copied), and every other entry (the code, the notebooks, the tests) is a
link to the checkout. The session runs in that folder and removes it at the end, so that what a user added to
``data/raw/``, ``params/`` or ``reports/`` neither changes a result nor is changed.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
#: What the user may add to or change in a checkout: copied (the shipped part only), never linked.
USER_FOLDERS = ("data", "params", "reports")


def _shipped(folder: str) -> list[Path]:
    """The files of ``folder`` that the repository ships: those git tracks (every file when git cannot say)."""
    try:
        out = subprocess.run(["git", "-C", str(CHECKOUT), "ls-files", "-z", "--", folder], capture_output=True,
                             check=True, timeout=60).stdout
        return [CHECKOUT / name for name in out.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        return [p for p in (CHECKOUT / folder).rglob("*") if p.is_file()]


def _own_project() -> Path:
    """A project folder for this session: the shipped data and params copied, everything else linked."""
    project = Path(tempfile.mkdtemp(prefix="qdanalysis-tests-"))
    atexit.register(shutil.rmtree, project, True)
    for entry in CHECKOUT.iterdir():
        if entry.name not in USER_FOLDERS:
            (project / entry.name).symlink_to(entry)
    for folder in ("data", "params"):
        for path in _shipped(folder):
            if path.is_file():
                target = project / path.relative_to(CHECKOUT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    (project / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (project / "data" / "processed").mkdir(parents=True, exist_ok=True)
    return project


if "QDANALYSIS_PROJECT" not in os.environ:  # set: a project of the caller's choosing (a test's own subprocess)
    os.environ["QDANALYSIS_PROJECT"] = str(_own_project())

# As a report's run does (qdanalysis/run/notebook.py), jsonschema's optional "iri" format checker is left out: its
# rfc3987_syntax compiles a grammar for ~1 s at import, in every test process that imports nbformat (nbformat,
# papermill and nbconvert never check formats, and no test does).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

# The helper modules beside this file (workbooks, chart_checks, spreadsheetml, browser, mutants) are
# imported by plain name from every test folder.
sys.path.insert(0, str(Path(__file__).parent))

import suite  # noqa: E402 - beside this file
from suite import SLOW_WEIGHT, read_timings, shard_of, shares, slow_program  # noqa: E402 - beside this file
from workbooks import make_workbook  # noqa: E402 - after the project folder is set, before qdanalysis is imported

# --- make test-fast: the inner loop leaves out the tests marked slow, and checks that it does ---


def pytest_configure(config):
    """A run that leaves out the slow tests (``-m "not slow"``, as ``make test-fast``) refuses any other test
    that starts a slow program, naming it: such a test must be marked slow, or it would slow the inner loop."""
    if "not slow" not in (config.option.markexpr or ""):
        return
    popen_init = subprocess.Popen.__init__

    def refuse(args):
        program = slow_program(args)
        if program is not None:
            pytest.fail(f"this test starts {program}: mark it @pytest.mark.slow (make test-fast leaves such tests out)",
                        pytrace=False)

    def guarded(self, args, *a, **k):
        refuse(args)
        popen_init(self, args, *a, **k)

    suite.BEFORE_START.append(refuse)

    subprocess.Popen.__init__ = guarded


# --- make test: the suite in as many processes as there are CPUs, each with its own share of the modules ---


def _shard() -> tuple[int, int] | None:
    """``QDANALYSIS_TEST_SHARD=i/n`` as (i, n), set by ``make test``; None when the suite runs in one process."""
    spec = os.environ.get("QDANALYSIS_TEST_SHARD", "")
    if not spec:
        return None
    index, shards = (int(x) for x in spec.split("/"))
    return (index, shards) if shards > 1 else None


_MEASURED: dict[int, dict[str, int]] = {}  # shards -> the shard of each measured module


def _measured_shard(shards: int) -> dict[str, int]:
    if shards not in _MEASURED:
        _MEASURED[shards] = shard_of(read_timings(), shards)
    return _MEASURED[shards]


def pytest_ignore_collect(collection_path, config):
    """A test module measured in tests/module_seconds.json that is another share's is not even imported: each
    process imports (and pytest rewrites the asserts of) its own share of the modules only."""
    shard = _shard()
    if shard is None or not collection_path.name.startswith("test_") or collection_path.suffix != ".py":
        return None
    try:
        module = collection_path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return None
    share = _measured_shard(shard[1]).get(module)
    return True if share is not None and share != shard[0] - 1 else None


def pytest_collection_modifyitems(config, items):
    """``QDANALYSIS_TEST_SHARD=i/n`` (set by ``make test``): keep the tests of the i-th of n shares of the modules,
    deselect the others. Every process computes the same shares: the measured modules' from their seconds alone
    (the other shares' were not collected: :func:`pytest_ignore_collect`), then the new modules', which every
    process collects, from their tests."""
    shard = _shard()
    if shard is None:
        return
    index, shards = shard
    measured = read_timings()
    units: dict[str, float] = {}
    slow_functions: set[str] = set()
    for item in items:
        module, function = item.nodeid.split("::")[0], item.nodeid.split("[")[0]
        if module in measured:
            continue
        heavy = item.get_closest_marker("slow") is not None and function not in slow_functions
        if heavy:
            slow_functions.add(function)
        units[module] = units.get(module, 0.0) + (SLOW_WEIGHT if heavy else 1)
    mine = shares(measured, units, shards)
    keep = [item for item in items if mine[item.nodeid.split("::")[0]] == index - 1]
    config.hook.pytest_deselected(items=[item for item in items if mine[item.nodeid.split("::")[0]] != index - 1])
    items[:] = keep


@pytest.fixture(autouse=True, scope="session")
def _in_own_project():
    """The session works in its own project folder: paths shown relative to it read as in a checkout."""
    before = Path.cwd()
    os.chdir(os.environ["QDANALYSIS_PROJECT"])
    yield
    os.chdir(before)


@pytest.fixture(autouse=True, scope="session")
def _own_processed_folder(tmp_path_factory):
    """In this process, ``ingest`` and ``load_year`` use a folder of the test session, not the
    working tree's ``data/processed``: a ``make report`` run before the tests must not let them
    read stored tables instead of parsing (and no test writes there)."""
    import qdanalysis.read.store

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(qdanalysis.read.store, "DATA_PROCESSED", tmp_path_factory.mktemp("processed"))
        yield


@pytest.fixture
def workbook(tmp_path):
    """Factory: ``workbook({"预算执行": rows}, merges=...)`` -> path of a new .xlsx."""
    counter = iter(range(10_000))

    def factory(sheets, merges=None, name=None):
        return make_workbook(tmp_path / (name or f"wb{next(counter)}.xlsx"), sheets, merges)

    return factory


# --- analyses shared across test folders (built once per session; tests read them, never change them) ---


@pytest.fixture(scope="session")
def analysis2020():
    """The shipped 2020 data analysed as the outputs analyse it (scored with params/scoring-2020.yaml)."""
    from qdanalysis.run.pipeline import analysed_year

    return analysed_year(2020)


#: The years of the illustrative data set the trends tests compare.
DEMO_YEARS = range(2018, 2023)


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory):
    """A folder holding the demo's years (示例数据, 2018-2022), generated once."""
    from qdanalysis.demo.generate import generate_demo

    root = tmp_path_factory.mktemp("trends-demo")
    generate_demo(root)
    return root


@pytest.fixture(scope="session")
def demo_trends_report(demo_root):
    """``pipeline.trends_report(demo_root)``: the demo's trends report (its years analysed and scored, the
    comparisons), made once per session; tests read it, never change it."""
    from qdanalysis.run.pipeline import trends_report

    return trends_report(demo_root)


@pytest.fixture(scope="session")
def analyses(demo_root):
    """The demo's years, each loaded and analysed unscored, in order."""
    import qdanalysis
    from qdanalysis.analyse.engine import analyse

    return [analyse(qdanalysis.load_year(y, root=demo_root)) for y in DEMO_YEARS]


@pytest.fixture(scope="session")
def blanked_root(demo_root, tmp_path_factory):
    """The demo with three cells blanked as a new user leaves them (issue 29): 2019's 中国联通 单位接入 月租,
    办公厅's November and December 2021 SMS (条数 and 金额), and item 1.3's 2021 执行数."""
    import shutil

    import openpyxl

    root = tmp_path_factory.mktemp("trends-blanked") / "demo"
    shutil.copytree(demo_root, root)

    def blank(year: int, sheet: str, match, columns: list[int]) -> None:
        path = next((root / str(year)).glob("*.xlsx"))
        wb = openpyxl.load_workbook(path)
        ws = wb[sheet]
        for r in range(4, ws.max_row + 1):
            if match([c.value for c in ws[r]]):
                for col in columns:
                    ws.cell(r, col).value = None
        wb.save(path)

    blank(2019, "线路清单", lambda v: v[1] == "中国联通" and v[2] == "单位接入（主、副线路）", [6])
    blank(2021, "短信结算", lambda v: v[0] in ("2021年11月", "2021年12月") and v[1] == "办公厅", [3, 5])
    blank(2021, "预算执行", lambda v: v[0] == "1.3", [6])
    return root


@pytest.fixture(scope="session")
def blanked_analyses(blanked_root):
    """The blanked demo's years (:func:`blanked_root`), each loaded and analysed unscored, in order."""
    import qdanalysis
    from qdanalysis.analyse.engine import analyse

    return [analyse(qdanalysis.load_year(y, root=blanked_root)) for y in DEMO_YEARS]

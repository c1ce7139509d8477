"""Sections ``profile``, ``export`` and ``trends`` of ``benchmarks/run.py``: where the time of a command goes
(imports, kernel, cells, export; loading, analysing, writing; each section of the trends report).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import measure as M
from bench_common import REPORT_YEAR, heading, row
from measure import median, spread

# --------------------------------------------------------------------------- profile


def bench_profile(args, tmp: Path) -> dict:
    import nbformat

    heading(f"6. Profile: where the time of qdanalysis run --year {REPORT_YEAR} goes")
    out_dir = tmp / "profile-out"
    cmd = M.qdanalysis_command("run", "--year", str(REPORT_YEAR), "--out", str(out_dir))
    import rerun

    totals = []
    for i in range(args.runs):  # a first run: no figure or font subset in the cache
        with rerun.processed(tmp / f"processed-{i}"):
            totals.append(M.run(cmd).seconds)
    nb = nbformat.read(out_dir / str(REPORT_YEAR) / "1.0-annual-report.ipynb", as_version=4)
    pm = nb.metadata["papermill"]
    cells = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")]
    first_cell = dt.datetime.fromisoformat(cells[0].metadata.papermill["start_time"])
    papermill_s = pm["duration"]
    kernel_s = (first_cell - dt.datetime.fromisoformat(pm["start_time"])).total_seconds()
    cell_s = sum(c.metadata.papermill.get("duration") or 0.0 for c in cells)

    # CLI side: interpreter start and imports, in the order the CLI makes them.
    imports = M.run([sys.executable, "-X", "importtime", "-c",
                     "import qdanalysis.run.cli, qdanalysis.run.runner, papermill, nbformat, qdanalysis.present.html_export"])
    top = _import_times(imports.stderr)
    cli_import_s = sum(top.values())
    interpreter_s = M.run([sys.executable, "-c", "pass"]).seconds

    # The export in a process that has not exported before: as the CLI made it before issue 28 (all of it after
    # the kernel), and as a run makes it now, prepared while the kernel runs (html_export.ExportPreparation: the
    # exporter's templates, and the font parsed in a worker process that subsets it while the page renders; the
    # kernel's time is a 4 s wait here).
    notebook = out_dir / str(REPORT_YEAR) / "1.0-annual-report.ipynb"
    code = ("import json, sys, time\nimport nbconvert, qdanalysis.run.runner\n"
            "from qdanalysis.present.html_export import ExportPreparation, export_html\nprepared = None\n"
            "if sys.argv[1] == 'prepared':\n    prepared = ExportPreparation()\n    prepared.start()\n    time.sleep(4)\n"
            f"t = time.perf_counter()\nexport_html({str(notebook)!r}, {str(tmp / 'profile.html')!r}, title='t', "
            "prepared=prepared)\nprint(json.dumps({'seconds': time.perf_counter() - t}))")
    exports: dict[str, list[float]] = {"plain": [], "prepared": []}
    for i in range(args.runs):  # the font subset made each time, as in a first run
        for how in exports:
            with rerun.processed(tmp / f"processed-export-{how}-{i}"):
                exports[how].append(json.loads(M.run([sys.executable, "-c", code, how]).stdout)["seconds"])
    export_s, prepared_s = median(exports["plain"]), median(exports["prepared"])

    with rerun.processed(tmp / "processed-kernel"):
        kernel, _ = M.run_python_json(M.BENCH_DIR / "profile_kernel.py", str(REPORT_YEAR))
    total = median(totals)
    print(f"  whole command: {total:.2f} s{spread(totals)} (median of {len(totals)}); parts from the last run")
    row("  interpreter start (python -c pass)", f"{interpreter_s:5.2f} s")
    row("  CLI imports (qdanalysis, papermill, nbformat, nbconvert)", f"{cli_import_s:5.2f} s")
    for name, secs in sorted(top.items(), key=lambda kv: -kv[1])[:4]:
        row(f"    {name}", f"{secs:5.2f} s")
    row("  papermill.execute_notebook", f"{papermill_s:5.2f} s")
    row("    kernel start (to the first cell)", f"{kernel_s:5.2f} s")
    row(f"    {len(cells)} code cells (papermill's durations)", f"{cell_s:5.2f} s")
    row("    notebook saved before/after every cell, kernel shutdown", f"{papermill_s - kernel_s - cell_s:5.2f} s")
    row("  HTML export, unprepared (export_html in a fresh process, imports excluded)", f"{export_s:5.2f} s")
    row("  HTML export after its preparation (as a run makes it)", f"{prepared_s:5.2f} s")
    rest = total - interpreter_s - cli_import_s - papermill_s - prepared_s
    row("  the rest (params, notebook checks, lock, renames, exit)", f"{rest:5.2f} s")
    print(f"  inside the kernel (its cells re-run in a fresh process; matplotlib font cache "
          f"{'present' if kernel['had_font_cache'] else 'ABSENT: built during this run'}):")
    for name, secs in kernel["phases"].items():
        row(f"    {name}", f"{secs:5.2f} s")
    return {"total_s": total, "cli_imports_s": cli_import_s, "papermill_s": papermill_s, "kernel_start_s": kernel_s,
            "cells_s": cell_s, "export_s": export_s, "prepared_export_s": prepared_s, "kernel_phases": kernel["phases"]}


def _import_times(stderr: str) -> dict[str, float]:
    """Cumulative seconds of each top-level import in ``python -X importtime`` output."""
    out: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):
            out[name.strip()] = int(cumulative) / 1e6
    return out



# --------------------------------------------------------------------------- export


EXPORT_PHASES = """
import json, sys, time
t0 = time.perf_counter()
from qdanalysis.read.year import load_year
from qdanalysis.analyse.engine import analyse
from qdanalysis.run.pipeline import scoring_for
from qdanalysis.present.excel import write_workbook
t1 = time.perf_counter()
data = load_year({year}, processed=False)
t2 = time.perf_counter()
analysis = analyse(data, scoring_for({year}))
t3 = time.perf_counter()
write_workbook(analysis, sys.argv[1])
t4 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "load": t2 - t1, "analyse": t3 - t2, "write": t4 - t3}}))
"""


def bench_export(args, tmp: Path) -> dict:
    heading(f"6. Export: qdanalysis export --year {REPORT_YEAR}, whole command and its phases")
    runs = max(args.runs, 5) if not args.quick else 1
    cmd = M.qdanalysis_command("export", "--year", str(REPORT_YEAR), str(tmp / "分析.xlsx"))
    if not args.quick:
        M.run(cmd)
    times = [M.run(cmd).seconds for _ in range(runs)]
    row(f"qdanalysis export --year {REPORT_YEAR} (whole command, median of {runs})", f"{median(times):6.2f} s{spread(times)}")
    phases: dict[str, list[float]] = {}
    code = EXPORT_PHASES.format(year=REPORT_YEAR)
    for _ in range(runs):
        result = M.run([sys.executable, "-c", code, str(tmp / "phases.xlsx")])
        for name, seconds in json.loads(result.stdout.strip().splitlines()[-1]).items():
            phases.setdefault(name, []).append(seconds)
    labels = {"imports": "imports (pandas, pyarrow, openpyxl; no matplotlib)", "load": "load_year (parse + validate)",
              "analyse": "analyse: every analysis once, cross-checks, score, findings", "write": "write the workbook"}
    for name, label in labels.items():
        row(f"  {label}", f"{median(phases[name]):6.2f} s")
    return {"export_s": median(times), **{f"{k}_s": median(v) for k, v in phases.items()}}



TRENDS_PHASES = """
import json, sys, time
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
t0 = time.perf_counter()
from qdanalysis.run.pipeline import trends_report
times = {"imports": time.perf_counter() - t0}
t = time.perf_counter()
report = trends_report(sys.argv[1])
times["build (load and analyse every year)"] = time.perf_counter() - t
for name in ("table", "changes", "budget", "categories", "lines", "sms", "contracts", "trend_findings", "consistency"):
    t = time.perf_counter()
    getattr(report, name)()
    plt.close("all")
    times[name] = time.perf_counter() - t
print(json.dumps(times))
"""


def bench_trends(args, tmp: Path) -> dict:
    heading("12. Trends: run --trends over the five demo years, whole command and its sections")
    runs = max(args.runs, 3) if not args.quick else 1
    root = tmp / "demo"
    M.run(M.qdanalysis_command("demo", "--out", str(root)))
    cmd = M.qdanalysis_command("run", "--trends", "--root", str(root), "--out", str(tmp / "reports"))
    times = [M.run(cmd).seconds for _ in range(runs)]
    row(f"qdanalysis run --trends, 5 demo years (median of {runs})", f"{median(times):6.2f} s{spread(times)}")
    phases: dict[str, list[float]] = {}
    for _ in range(runs):
        result = M.run([sys.executable, "-c", TRENDS_PHASES, str(root)])
        for name, seconds in json.loads(result.stdout.strip().splitlines()[-1]).items():
            phases.setdefault(name, []).append(seconds)
    for name, values in phases.items():
        row(f"  {name}", f"{median(values):6.2f} s")
    return {"run_trends_s": median(times), **{f"{k}_s": median(v) for k, v in phases.items()}}

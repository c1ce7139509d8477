"""Print the benchmark figures of qdanalysis (``make bench``). It measures; it asserts nothing.

Sections (``--only`` takes a comma-separated subset, in any order):

  report   ``qdanalysis run --year 2020`` against the floor (papermill + nbconvert on a
           one-cell pandas/matplotlib notebook), both as whole subprocesses, alternating: on a
           cold cache, again with nothing changed (figures and font subset from the cache), the
           Word draft right after the run and alone (benchmarks/rerun.py; issue 28 targets 1-3).
  all      ``run --all`` over the five demo years against the five ``run --year`` one after
           another; wall time and peak memory of each (all processes summed).
  read     a 100,000-row contract ledger: ``qdanalysis.load_contracts`` against
           ``pandas.read_excel(engine="openpyxl")``; then a 60,000-row one as .xls (LibreOffice
           converts it) against the same rows as .xlsx, and the .xls record checks alone.
  cache    ``ingest`` and ``run`` twice on unchanged sources: the second should re-parse nothing.
  scale    a year's 6,000,000-message SMS log, CSV and parquet, aggregated to month ×
           department by qdanalysis.read.smslog and by the other engines considered; then the SMS
           loader reading it through a workbook's 明细文件.
  export   ``qdanalysis export --year 2020`` as a whole command, and inside it: loading the year,
           analysing it once (analyses, cross-checks, scoring, findings), writing the workbook.
  profile  where the time of ``run --year 2020`` goes: CLI imports, kernel start, imports in
           the kernel, fonts, Excel, analysis and drawing, PNG rendering, HTML export.
  fuzz     the reader under mutation (issue 17): ``--mutants`` mutants of each family of
           ``tests/mutants.py`` for each of three bases (the shipped 2020 workbook and two small
           ones), judged in a worker limited to 3 GiB and 60 s a mutant; counts per family and
           outcome (refused naming the sheet or the file / read identically / read differently =
           defect / validate and ingest disagree / internal error / timeout / memory).


  pdf      ``run --year 2020 --pdf`` against ``run --year 2020`` (alternating), the PDF's pages,
           and the HTML's size with the embedded font subset against without it.
  portfolio  ``run --portfolio`` over 20 demo project-years against the 20 ``run --year`` one
           after another (ratio, peak memory of the whole process tree); the time per
           project-year at ``--sizes`` project-years (it should stay flat); a rerun with nothing
           changed; and the DAG triggered under Airflow's own scheduler (LocalExecutor, two tasks
           at once; dags/airflow_standalone.py) against ``run --portfolio --jobs 2`` on the same
           6 project-years (needs ``.venv-airflow/``, built by ``make airflow-test``).
  trends   ``run --trends`` over the five demo years as a whole command, and inside it: loading
           and analysing the years, then each section of the trends report (its analyses and charts).

Timings are medians of ``--runs`` runs, measured side by side in one invocation (the
machines are shared: compare ratios, not absolute seconds). ``--quick`` runs each once on
smaller inputs (20,000 ledger rows, 600,000 messages) to check that everything works.

Usage:
    python benchmarks/run.py [--only report,read] [--quick] [--runs N] [--mutants N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import measure as M
from measure import median, spread, verdict

SECTIONS = ("report", "all", "read", "cache", "scale", "export", "draft", "profile", "fuzz", "pdf", "portfolio",
            "trends")
REPORT_YEAR = 2020
ALL_TARGET = 1.7  # at least this many times faster than one after another
READ_SPEEDUP_TARGET, READ_SECONDS_TARGET = 5.0, 2.0
SCALE_SECONDS_TARGET, SCALE_MB_TARGET = 5.0, 2048
PORTFOLIO_TARGET = 1.8  # run --portfolio at least this many times faster than one by one
PORTFOLIO_MB_TARGET = 1024  # peak memory of run --portfolio, all its processes summed
AIRFLOW_TARGET = 1.3  # the triggered DAG, two tasks at once, at most this many times run --portfolio --jobs 2
PORTFOLIO_FLAT = 1.25  # seconds per project-year at 50 at most this many times those at 5


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 74 - len(title)), flush=True)
    print(f"  {M.load_line()}", flush=True)


def row(label: str, value: str, width: int = 58) -> None:
    print(f"  {label:<{width}} {value}", flush=True)


# --------------------------------------------------------------------------- report


def bench_report(args, tmp: Path) -> dict:
    import rerun

    heading(f"1. Report against floor: run --year {REPORT_YEAR} cold and again, draft after it and alone")
    return rerun.bench(args, tmp, REPORT_YEAR, row)


# --------------------------------------------------------------------------- all years


def bench_all(args, tmp: Path) -> dict:
    from qdanalysis.demo.generate import generate_demo
    from qdanalysis.demo.programme import DEFAULT_YEARS

    heading("2. All years: run --all over the five demo years vs one after another")
    demo = tmp / "demo"
    start = time.perf_counter()
    generate_demo(demo)
    years = list(DEFAULT_YEARS)
    print(f"  demo data: {len(years)} years ({years[0]}–{years[-1]}) written in {time.perf_counter() - start:.1f} s")
    par_t, par_mb, par_cpu, seq_t, seq_mb, seq_cpu = [], [], [], [], [], []
    for i in range(args.runs):
        def parallel() -> None:
            r = M.run(M.qdanalysis_command("run", "--all", "--root", str(demo), "--out", str(tmp / f"all-{i}")))
            par_t.append(r.seconds)
            par_mb.append(r.peak_mb)
            par_cpu.append(r.cpu_s)

        def sequential() -> None:
            runs = [M.run(M.qdanalysis_command("run", "--year", str(year), "--root", str(demo),
                                               "--out", str(tmp / f"seq-{i}"))) for year in years]
            seq_t.append(sum(r.seconds for r in runs))
            seq_mb.append(max(r.peak_mb for r in runs))
            seq_cpu.append(sum(r.cpu_s for r in runs))

        for step in ((parallel, sequential) if i % 2 == 0 else (sequential, parallel)):
            step()
    speedup = median(seq_t) / median(par_t)
    row(f"{len(years)} x run --year, one after another", f"{median(seq_t):6.2f} s{spread(seq_t)}, "
        f"CPU {median(seq_cpu):5.1f} s, peak {median(seq_mb):5.0f} MB")
    row(f"run --all ({os.cpu_count()} cores)", f"{median(par_t):6.2f} s{spread(par_t)}, "
        f"CPU {median(par_cpu):5.1f} s, peak {median(par_mb):5.0f} MB")
    row("speed-up (target >= 1.7)", f"{speedup:6.2f} x   {verdict(speedup >= ALL_TARGET)}")
    print("  (peak: resident memory of the command and all its processes — workers, kernels — summed;"
          " CPU: user + system of all of them)")
    return {"sequential_s": median(seq_t), "all_s": median(par_t), "speedup": speedup,
            "all_peak_mb": median(par_mb), "sequential_peak_mb": median(seq_mb)}


# --------------------------------------------------------------------------- reading


def alternate(calls: dict, runs: int) -> dict[str, list[float]]:
    """Seconds of each call, ``runs`` times, the order reversed every other run (shared machines drift)."""
    times: dict[str, list[float]] = {k: [] for k in calls}
    for i in range(runs):
        for name in (list(calls) if i % 2 == 0 else list(calls)[::-1]):
            start = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - start)
    return times


def bench_read(args, tmp: Path) -> dict:
    import pandas as pd
    from workbooks import write_contract_ledger

    import qdanalysis

    n = 20_000 if args.quick else 100_000
    heading(f"3. Reading: a {n:,}-row contract ledger (.xlsx)")
    path = tmp / "ledger.xlsx"
    start = time.perf_counter()
    write_contract_ledger(path, n)
    print(f"  file: {path.stat().st_size / 1e6:.1f} MB, {n:,} rows x 15 columns (written in {time.perf_counter() - start:.1f} s)")
    loaded = qdanalysis.load_contracts(path)
    assert len(loaded) == n, len(loaded)
    readers = {
        "qdanalysis.load_contracts (checks + parse + validate)": lambda: qdanalysis.load_contracts(path),
        'pandas.read_excel(engine="openpyxl") (read only)': lambda: pd.read_excel(path, engine="openpyxl", header=2),
        'pandas.read_excel(engine="calamine") (read only, reference)':
            lambda: pd.read_excel(path, engine="calamine", header=2),
    }
    times = alternate(readers, args.runs)
    ours = median(times["qdanalysis.load_contracts (checks + parse + validate)"])
    openpyxl = median(times['pandas.read_excel(engine="openpyxl") (read only)'])
    for name, values in times.items():
        row(name, f"{median(values):6.2f} s{spread(values)}")
    speedup = openpyxl / ours
    row("speed-up against openpyxl (target >= 5)", f"{speedup:6.2f} x   {verdict(speedup >= READ_SPEEDUP_TARGET)}")
    row("load_contracts under 2 s", f"{ours:6.2f} s   {verdict(ours < READ_SECONDS_TARGET)}"
        + ("  (quick mode: smaller file)" if args.quick else ""))
    result = {"rows": n, "load_contracts_s": ours, "openpyxl_s": openpyxl, "speedup": speedup}
    result.update(_bench_read_xls(args, tmp))
    return result


def _bench_read_xls(args, tmp: Path) -> dict:
    """The same kind of ledger as Excel 97-2003 (.xls, at most 65,536 rows): the record checks of
    qdanalysis.read.safety.biff alone, and load_contracts, against the .xlsx of the same rows."""
    from workbooks import convert_to_xls, write_contract_ledger

    import qdanalysis
    from qdanalysis.read.safety import Inspector, inspect_xls

    n = 20_000 if args.quick else 60_000
    print(f"\n  The same ledger as .xls ({n:,} rows; Excel 97-2003 holds at most 65,536)")
    xlsx = tmp / "ledger-xls.xlsx"
    write_contract_ledger(xlsx, n)
    xls = convert_to_xls(xlsx, tmp)
    if xls is None:
        row("skipped", "LibreOffice (soffice) is not installed: no way to write an .xls")
        return {}
    print(f"  file: {xls.stat().st_size / 1e6:.1f} MB (.xlsx {xlsx.stat().st_size / 1e6:.1f} MB)")
    assert len(qdanalysis.load_contracts(xls)) == n
    readers = {
        "biff.inspect_xls (record checks only)": lambda: inspect_xls(Inspector(xls)),
        "load_contracts(.xls)": lambda: qdanalysis.load_contracts(xls),
        "load_contracts(.xlsx), same rows": lambda: qdanalysis.load_contracts(xlsx),
    }
    times = alternate(readers, args.runs)
    for name, values in times.items():
        row(name, f"{median(values):6.2f} s{spread(values)}")
    return {"xls_rows": n, "xls_checks_s": median(times["biff.inspect_xls (record checks only)"]),
            "xls_load_contracts_s": median(times["load_contracts(.xls)"]),
            "xlsx_same_rows_s": median(times["load_contracts(.xlsx), same rows"])}


# --------------------------------------------------------------------------- cache


def bench_cache(args, tmp: Path) -> dict:
    import os

    heading(f"4. Cache: ingest and run twice, sources unchanged ({REPORT_YEAR})")
    os.environ["QDANALYSIS_PROCESSED"] = str(tmp / "processed")  # the commands' store, not data/processed
    reports = tmp / "cache-reports"
    ingest_cmd = M.qdanalysis_command("ingest", "--year", str(REPORT_YEAR))
    run_cmd = M.qdanalysis_command("run", "--year", str(REPORT_YEAR), "--out", str(reports))
    out = {}
    try:
        for name, cmd in (("ingest", ingest_cmd), ("run", run_cmd)):
            first, second = M.run(cmd), M.run(cmd)
            said = second.stdout.strip().splitlines()[0] if second.stdout.strip() else ""
            row(f"{name}: first / second", f"{first.seconds:6.2f} s / {second.seconds:6.2f} s")
            if name == "ingest":
                skipped = "未变化" in second.stdout
                row("  second ingest re-parsed nothing", f"{'yes' if skipped else 'NO'}   ({said})")
            else:
                html = (reports / str(REPORT_YEAR) / "1.0-annual-report.html").read_text(encoding="utf-8")
                stored = "本次未重新解析" in html
                row("  run re-parsed nothing (read the stored tables)", "yes" if stored else "NO")
            out[name] = {"first_s": first.seconds, "second_s": second.seconds}
    finally:
        del os.environ["QDANALYSIS_PROCESSED"]
    print("  load_year checks the SHA-256 of every source file against ingest's manifest, then reads")
    print("  the stored parquet tables; the report's 数据核对 section says which it did.")
    return out


# --------------------------------------------------------------------------- scale


def bench_scale(args, tmp: Path) -> dict:
    import sms_engines
    from workbooks import write_sms_log

    n = 600_000 if args.quick else 6_000_000
    heading(f"5. Scale: a year's SMS log of {n:,} messages, aggregated to month x department")
    csv_path, pq_path = tmp / "sms" / "明细" / "2020.csv", tmp / "sms" / "明细" / "2020.parquet"
    csv_path.parent.mkdir(parents=True)
    start = time.perf_counter()
    expected = write_sms_log(csv_path, pq_path, n)
    print(f"  files: CSV {csv_path.stat().st_size / 1e6:.0f} MB, parquet {pq_path.stat().st_size / 1e6:.0f} MB "
          f"({len(expected['groups'])} groups, {expected['count']:,} billed messages; written in "
          f"{time.perf_counter() - start:.1f} s)")
    print("  each engine runs in a fresh process; seconds = read + aggregate (imports excluded);"
          " process = whole subprocess; memory = peak RSS")
    results: dict = {}
    want = sorted((m, d, c) for (m, d), c in expected["groups"].items())
    for label, path in (("CSV", csv_path), ("parquet", pq_path)):
        print(f"  -- {label}")
        for engine in sms_engines.ENGINES:
            if not sms_engines.available(engine):
                row(sms_engines.LABELS[engine], "not installed, skipped")
                continue
            secs, procs, mbs, ok = [], [], [], True
            for _ in range(args.runs):
                data, run = M.run_python_json(M.BENCH_DIR / "sms_engines.py", engine, str(path))
                secs.append(data["seconds"])
                procs.append(run.seconds)
                mbs.append(data["peak_mb"])
                ok = ok and sorted(tuple(g) for g in data["groups"]) == want
            results[f"{engine}/{label}"] = {"seconds": median(secs), "process_s": median(procs), "peak_mb": median(mbs)}
            row(sms_engines.LABELS[engine], f"{median(secs):6.2f} s{spread(secs)}, process {median(procs):5.2f} s, "
                f"{median(mbs):5.0f} MB{'' if ok else '  WRONG ANSWER'}")
    for label in ("CSV", "parquet"):
        r = results[f"qdanalysis/{label}"]
        ok = r["process_s"] < SCALE_SECONDS_TARGET and r["peak_mb"] < SCALE_MB_TARGET
        row(f"qdanalysis {label}: under 5 s and 2 GB (whole process)",
            f"{r['process_s']:5.2f} s, {r['peak_mb']:5.0f} MB   {verdict(ok)}")
    results["loader"] = _bench_sms_loader(args, tmp, csv_path)
    return results


def _bench_sms_loader(args, tmp: Path, log: Path) -> dict:
    """load_sms on a workbook whose SMS sheet points to the log, in a fresh process."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "短信结算"
    ws.append(["单位：元"])
    ws.append(["月份", "部门", "条数", "单价", "金额", "明细文件"])
    ws.append([None, None, None, "0.065元/条", None, "明细/2020.csv"])
    book = log.parent.parent / "短信.xlsx"
    wb.save(book)
    code = (
        f"import json, sys, time; sys.path.insert(0, {str(M.BENCH_DIR)!r}); from measure import own_peak_mb; "
        "t = time.perf_counter(); import qdanalysis; "
        f"df = qdanalysis.load_sms({str(book)!r}, year=2020); s = time.perf_counter() - t; "
        "print(json.dumps({'seconds': s, 'rows': len(df), 'amount': str(df['amount'].sum()), 'peak_mb': own_peak_mb()}))"
    )
    runs = [M.run([sys.executable, "-c", code]) for _ in range(args.runs)]
    data = [json.loads(r.stdout.strip().splitlines()[-1]) for r in runs]
    secs = [r.seconds for r in runs]
    row("SMS loader: load_sms(workbook -> 明细文件 CSV), whole process",
        f"{median(secs):6.2f} s{spread(secs)}, {median([d['peak_mb'] for d in data]):5.0f} MB, "
        f"{data[0]['rows']} rows, total {data[0]['amount']} 元")
    return {"process_s": median(secs), "rows": data[0]["rows"]}


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

    # The export as the CLI makes it: once, in a process that has not exported before.
    notebook = out_dir / str(REPORT_YEAR) / "1.0-annual-report.ipynb"
    code = ("import json, sys, time; import qdanalysis.run.runner; from qdanalysis.present.html_export import export_html; "
            f"t = time.perf_counter(); export_html({str(notebook)!r}, {str(tmp / 'profile.html')!r}, title='t'); "
            "print(json.dumps({'seconds': time.perf_counter() - t}))")
    exports = []
    for i in range(args.runs):  # the font subset made each time, as in a first run
        with rerun.processed(tmp / f"processed-export-{i}"):
            exports.append(json.loads(M.run([sys.executable, "-c", code]).stdout)["seconds"])
    export_s = median(exports)

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
    row("  HTML export (export_html in a fresh process, imports excluded)", f"{export_s:5.2f} s")
    rest = total - interpreter_s - cli_import_s - papermill_s - export_s
    row("  the rest (params, notebook checks, lock, renames, exit)", f"{rest:5.2f} s")
    print(f"  inside the kernel (its cells re-run in a fresh process; matplotlib font cache "
          f"{'present' if kernel['had_font_cache'] else 'ABSENT: built during this run'}):")
    for name, secs in kernel["phases"].items():
        row(f"    {name}", f"{secs:5.2f} s")
    return {"total_s": total, "cli_imports_s": cli_import_s, "papermill_s": papermill_s, "kernel_start_s": kernel_s,
            "cells_s": cell_s, "export_s": export_s, "kernel_phases": kernel["phases"]}


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


def bench_draft(args, tmp: Path) -> dict:
    heading(f"7. Word draft: qdanalysis draft --year {REPORT_YEAR} against export and run")
    runs = max(args.runs, 3) if not args.quick else 1
    draft = M.qdanalysis_command("draft", "--year", str(REPORT_YEAR), "--out", str(tmp / "drafts"), "--force")
    export = M.qdanalysis_command("export", "--year", str(REPORT_YEAR), str(tmp / "分析.xlsx"))
    run = M.qdanalysis_command("run", "--year", str(REPORT_YEAR), "--out", str(tmp / "reports"))
    import rerun

    if not args.quick:
        M.run(draft)
    figures = {}
    fresh = (tmp / f"processed-{i}" for i in range(10**6))
    for name, cmd in (("draft", draft), ("export", export), ("run", run)):
        times = []
        for _ in range(runs):  # each alone: no figure of an earlier command in the cache
            with rerun.processed(next(fresh)):
                times.append(M.run(cmd).seconds)
        figures[f"{name}_s"] = median(times)
        row(f"qdanalysis {name} --year {REPORT_YEAR} (median of {runs})", f"{median(times):6.2f} s{spread(times)}")
    path = tmp / "drafts" / str(REPORT_YEAR) / f"{REPORT_YEAR}年绩效评价报告（初稿）.docx"
    figures["draft_bytes"] = path.stat().st_size
    row("draft size", f"{path.stat().st_size / 1024:6.0f} KiB")
    row("draft ÷ run", f"{figures['draft_s'] / figures['run_s']:6.2f} ×")
    return figures


# --------------------------------------------------------------------------- portfolio


def _demo_portfolio(tmp: Path, name: str, projects: int, years: int) -> Path:
    from qdanalysis.demo.portfolio import generate_portfolio

    portfolio, _ = generate_portfolio(tmp / name, projects, years)
    return portfolio


def _portfolio_run(portfolio: Path, out: Path) -> M.Run:
    return M.run(M.qdanalysis_command("run", "--portfolio", str(portfolio), "--out", str(out)))


def bench_portfolio(args, tmp: Path) -> dict:
    from qdanalysis.run.portfolio_file import load_portfolio

    heading("9. Portfolio: run --portfolio against one by one, growth with size, Airflow under its scheduler")
    projects, years = (2, 2) if args.quick else (5, 4)
    portfolio = _demo_portfolio(tmp, "p20", projects, years)
    pairs = load_portfolio(portfolio).project_years()
    n = len(pairs)
    par_t, par_mb, seq_t, seq_mb = [], [], [], []
    for i in range(args.runs):
        def together() -> None:
            r = _portfolio_run(portfolio, tmp / f"together-{i}")
            par_t.append(r.seconds)
            par_mb.append(r.peak_mb)

        def one_by_one() -> None:
            runs = [M.run(M.qdanalysis_command("run", "--year", str(y), "--root", str(p.data_root),
                                               "--out", str(tmp / f"single-{i}" / p.id))) for p, y in pairs]
            seq_t.append(sum(r.seconds for r in runs))
            seq_mb.append(max(r.peak_mb for r in runs))

        for step in ((together, one_by_one) if i % 2 == 0 else (one_by_one, together)):
            step()
    ratio = median(seq_t) / median(par_t)
    row(f"{n} x run --year, one after another", f"{median(seq_t):6.1f} s{spread(seq_t)}, peak {median(seq_mb):5.0f} MB")
    row(f"run --portfolio, {n} project-years ({os.cpu_count()} cores)",
        f"{median(par_t):6.1f} s{spread(par_t)}, peak {median(par_mb):5.0f} MB")
    row(f"speed-up (target >= {PORTFOLIO_TARGET})", f"{ratio:6.2f} x   {verdict(ratio >= PORTFOLIO_TARGET)}")
    row(f"peak memory of run --portfolio (target <= {PORTFOLIO_MB_TARGET} MB)",
        f"{median(par_mb):6.0f} MB {verdict(median(par_mb) <= PORTFOLIO_MB_TARGET)}")
    print("  (peak: resident memory of the command and all its processes — kernels — summed, sampled every 50 ms)")
    print(f"  {M.load_line()}")
    again = _portfolio_run(portfolio, tmp / "together-0")
    row("rerun with nothing changed (every project-year skipped)", f"{again.seconds:6.1f} s, "
        f"{again.stdout.count('未变化，跳过') // 2} of {n} skipped")

    sizes = (2, 4, 6) if args.quick else tuple(int(k) for k in args.sizes.split(",") if k.strip())
    figures = {"project_years": n, "one_by_one_s": median(seq_t), "portfolio_s": median(par_t), "ratio": ratio,
               "portfolio_peak_mb": median(par_mb), "one_by_one_peak_mb": median(seq_mb), "rerun_s": again.seconds}
    if len(sizes) >= 2:
        figures.update(_bench_growth(tmp, sizes))
    figures["airflow"] = _bench_airflow(args, tmp)
    return figures


def _bench_growth(tmp: Path, sizes: tuple[int, ...]) -> dict:
    per_year = {}
    for size in sizes:
        years_each = 5 if size >= 5 and size % 5 == 0 else size // 2
        p = _demo_portfolio(tmp, f"grow-{size}", size // years_each, years_each)
        r = _portfolio_run(p, tmp / f"grow-{size}-out")
        per_year[size] = r.seconds / size
        row(f"run --portfolio, {size} project-years", f"{r.seconds:6.1f} s, {per_year[size]:5.2f} s per project-year, "
            f"peak {r.peak_mb:5.0f} MB")
    growth = per_year[sizes[-1]] / per_year[sizes[0]]
    row(f"time per project-year, {sizes[-1]} against {sizes[0]} (target <= {PORTFOLIO_FLAT})",
        f"{growth:6.2f} x   {verdict(growth <= PORTFOLIO_FLAT)}")
    return {"per_project_year_s": per_year, "growth": growth}


def _bench_airflow(args, tmp: Path) -> dict:
    """The DAG triggered under Airflow's scheduler, two tasks at once, against ``run --portfolio --jobs 2``."""
    airflow_python = Path(os.environ.get("AIRFLOW_VENV") or M.PROJECT_ROOT / ".venv-airflow") / "bin" / "python"
    if not airflow_python.exists():
        print("  Airflow: .venv-airflow/ not found, skipped (make airflow-test builds it)")
        return {}
    print("\n  Airflow under its own scheduler (LocalExecutor over SQLite, 2 tasks at once) vs run --portfolio --jobs 2")
    print(f"  {M.load_line()}")
    portfolio = _demo_portfolio(tmp, "p6", 3, 2)
    child = M.PROJECT_ROOT / "dags" / "airflow_standalone.py"
    qd = M.qdanalysis_command()[0]
    dag_t, ours_t, start_t, dag_mb, ours_mb = [], [], [], [], []
    for i in range(args.runs):
        def dag() -> None:
            r = M.run([str(airflow_python), str(child), str(portfolio), str(tmp / f"dag-{i}"), qd, "2"])
            result = json.loads(r.stdout.strip().splitlines()[-1])
            if result["state"] != "success" or set(result["states"]) != {"success"}:
                raise RuntimeError(f"the DAG run did not succeed: {result['state']} {result['states']}")
            dag_t.append(result["run_s"])
            start_t.append(result["start_s"])
            dag_mb.append(r.peak_mb)

        def ours() -> None:
            r = M.run(M.qdanalysis_command("run", "--portfolio", str(portfolio), "--out", str(tmp / f"ours-{i}"),
                                           "--jobs", "2"))
            ours_t.append(r.seconds)
            ours_mb.append(r.peak_mb)

        for step in ((dag, ours) if i % 2 == 0 else (ours, dag)):
            step()
    ratio = median(dag_t) / median(ours_t)
    row("run --portfolio --jobs 2, 6 project-years (whole command)",
        f"{median(ours_t):6.1f} s{spread(ours_t)}, peak {median(ours_mb):5.0f} MB")
    row("Airflow: airflow dags trigger until the run's state is success",
        f"{median(dag_t):6.1f} s{spread(dag_t)}")
    row(f"ratio Airflow / run --portfolio --jobs 2 (target <= {AIRFLOW_TARGET})",
        f"{ratio:6.2f} x   {verdict(ratio <= AIRFLOW_TARGET)}")
    print(f"  (starting Airflow — db migrate, scheduler, DAG processor, API server, until the API lists the DAG —"
          f" {median(start_t):.0f} s, not counted; peak memory with Airflow's own processes {median(dag_mb):.0f} MB)")
    return {"run_portfolio_jobs2_s": median(ours_t), "triggered_s": median(dag_t), "ratio": ratio,
            "airflow_start_s": median(start_t), "airflow_peak_mb": median(dag_mb)}


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


# --------------------------------------------------------------------------- fuzz


def bench_fuzz(args, tmp: Path) -> dict:
    import fuzz
    import mutants

    per_base = args.mutants or (4 if args.quick else 30)
    heading(f"8. Fuzz: {per_base} mutant(s) per family and base, {len(mutants.FAMILIES)} families, 3 bases")
    result = fuzz.campaign(tmp, per_base)
    counts = result["counts"]
    # refused | accepted, same figures | accepted, changed as the mutation intended | figures changed without
    # intent (different), and the other defects; the column of silent changes must read 0
    columns = ["refused (located)", "refused (file)", "identical", "changed (intended)", *mutants.DEFECTS,
               "not applicable"]
    short = {"refused (located)": "refused:cell", "refused (file)": "refused:file", "identical": "same figures",
             "changed (intended)": "intended", "different": "UNINTENDED", "not applicable": "n/a"}
    names = [short.get(c, c) for c in columns]
    print("  " + f"{'family':<22}" + "".join(f"{n:>13}" for n in names))
    for family in mutants.FAMILIES:
        print("  " + f"{family:<22}" + "".join(f"{counts.get((family, c), 0):>13}" for c in columns), flush=True)
    totals = {c: sum(v for (_, o), v in counts.items() if o == c) for c in columns}
    print("  " + f"{'all families':<22}" + "".join(f"{totals[c]:>13}" for c in columns))
    judged = result["mutants"] - totals["not applicable"]
    defects = sum(totals[c] for c in mutants.DEFECTS)
    row(f"{judged} mutants judged in {result['seconds']:.0f} s (worker peak {result['peak_mb']} MB)",
        f"figures changed without intent: {totals['different']}, defects: {defects}   {verdict(defects == 0)}")
    for d in result["defects"][:20]:
        print(f"  DEFECT {d['family']} / {d['base']} / {d['what']}: {d['outcome']} {d.get('detail', '')}")
    return {"per_base": per_base, "judged": judged, "defects": defects, "seconds": result["seconds"],
            "counts": {f"{f} / {o}": n for (f, o), n in sorted(counts.items())}}


# --------------------------------------------------------------------------- pdf


def bench_pdf(args, tmp: Path) -> dict:
    import re
    import subprocess

    from qdanalysis.present.pdf import find_chromium
    from qdanalysis.present.webfont import font_face_css

    heading(f"9. PDF and font: run --year {REPORT_YEAR} --pdf vs run --year {REPORT_YEAR}; HTML size with the font")
    if find_chromium() is None:
        print("  no Chromium on PATH: run --pdf writes the HTML only; nothing to compare")
        return {}
    html_cmd = M.qdanalysis_command("run", "--year", str(REPORT_YEAR), "--out", str(tmp / "html"))
    pdf_cmd = M.qdanalysis_command("run", "--year", str(REPORT_YEAR), "--out", str(tmp / "pdf"), "--pdf")
    if not args.quick:
        M.run(html_cmd), M.run(pdf_cmd)
    plain, with_pdf = [], []
    for i in range(args.runs):
        pair = [(plain, html_cmd), (with_pdf, pdf_cmd)]
        for times, cmd in (pair if i % 2 == 0 else pair[::-1]):
            times.append(M.run(cmd).seconds)
    row(f"qdanalysis run --year {REPORT_YEAR}", f"{median(plain):6.2f} s{spread(plain)}")
    row(f"qdanalysis run --year {REPORT_YEAR} --pdf", f"{median(with_pdf):6.2f} s{spread(with_pdf)}")
    row("the PDF costs", f"{median(with_pdf) - median(plain):6.2f} s ({median(with_pdf) / median(plain):.2f} x)")
    html = tmp / "pdf" / str(REPORT_YEAR) / "1.0-annual-report.html"
    page = html.read_text(encoding="utf-8")
    face = re.search(r"<style>\n@font-face \{.*?\}\n</style>\n", page, re.S)
    size, font_bytes = html.stat().st_size, len(face.group(0).encode("utf-8")) if face else 0
    row("HTML without the font / with the font subset (bytes)", f"{size - font_bytes:,} / {size:,} (+{font_bytes / 1024:.0f} KB)")
    start = time.perf_counter()
    font_face_css(page.replace(face.group(0), "") if face else page)
    subset_s = time.perf_counter() - start
    row("subsetting the font to the page (fontTools, WOFF)", f"{subset_s:6.2f} s")
    info = subprocess.run(["pdfinfo", str(html.with_suffix(".pdf"))], capture_output=True, text=True).stdout
    pages = re.search(r"Pages:\s+(\d+)", info)
    paper = re.search(r"Page size:\s+(.+)", info)
    row("PDF pages, page size", f"{pages.group(1) if pages else '?'}, {paper.group(1) if paper else '?'}")
    return {"run_s": median(plain), "run_pdf_s": median(with_pdf), "html_bytes": size,
            "html_bytes_without_font": size - font_bytes, "subset_s": subset_s,
            "pdf_pages": int(pages.group(1)) if pages else None}


# --------------------------------------------------------------------------- main


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all): {','.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="one run each, smaller inputs: checks that it all works")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3; 1 with --quick)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--sizes", default="5,20,50",
                        help="portfolio: project-years of the growth runs, comma-separated (\"\" skips them)")
    parser.add_argument("--mutants", type=int, default=None,
                        help="fuzz: mutants per family and base (default 30; 4 with --quick)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.runs = args.runs or (1 if args.quick else 3)
    print(f"qdanalysis benchmarks — {M.machine_line()}")
    print(f"sections: {', '.join(chosen)}; median of {args.runs} run(s){'; quick mode' if args.quick else ''}")
    figures = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qdbench-") as tmp:
        for name in SECTIONS:
            if name in chosen:
                section_dir = Path(tmp) / name
                section_dir.mkdir()
                figures[name] = globals()[f"bench_{name}"](args, section_dir)
    print(f"\nbenchmarks took {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if figures.get("fuzz", {}).get("defects"):
        print("the fuzz campaign found defects (a figure changed without intent, or an error): see DEFECT lines")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

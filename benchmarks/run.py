"""Print the benchmark figures of qdanalysis (``make bench``). It measures; it asserts nothing.

Sections (``--only`` takes a comma-separated subset, in any order):

  report   ``qdanalysis run --year 2020`` against the floor (papermill + nbconvert on a
           one-cell pandas/matplotlib notebook), both as whole subprocesses, alternating: on a
           cold cache, again with nothing changed (figures and font subset from the cache), the
           Word draft right after the run and alone (benchmarks/rerun.py; issue 28 targets 1-3).
  all      ``run --all`` over the five demo years against the five ``run --year`` one after
           another; wall time and peak memory of each (all processes summed).
  read     a 100,000-row contract ledger: ``qdanalysis.load_contracts`` against
           ``pandas.read_excel`` with openpyxl and with calamine (issue 28 target 6: at most
           1.05x calamine); then a 60,000-row one as .xls (LibreOffice
           converts it) against the same rows as .xlsx, and the .xls record checks alone.
  cache    ``ingest`` and ``run`` twice on unchanged sources: the second should re-parse nothing.
  scale    a year's 6,000,000-message SMS log, CSV and parquet, aggregated to month ×
           department by qdanalysis.read.smslog and by the other engines considered; then the SMS
           loader reading it through a workbook's 明细文件.
  export   ``qdanalysis export --year 2020`` as a whole command, and inside it: loading the year,
           analysing it once (analyses, cross-checks, scoring, findings), writing the workbook.
  profile  where the time of ``run --year 2020`` goes: CLI imports, kernel start, imports in
           the kernel, fonts, Excel, analysis and drawing, PNG rendering in the kernel and the
           wait for the figures its forked child draws (present/drawer.py), HTML export.
  fuzz     the reader under mutation (issue 17): ``--mutants`` mutants of each family of
           ``tests/mutants.py`` for each of three bases (the shipped 2020 workbook and two small
           ones), judged in a worker limited to 3 GiB and 60 s a mutant; counts per family and
           outcome (refused naming the sheet or the file / read identically / read differently =
           defect / validate and ingest disagree / internal error / timeout / memory).


  pdf      ``run --year 2020 --pdf`` against ``run --year 2020`` (alternating), the PDF's pages,
           and the HTML's size with the embedded font subset against without it.
  portfolio  ``run --portfolio`` over 20 demo project-years and their 5 projects' trends reports
           against the same 25 reports one after another (``run --year`` for each year, then
           ``run --trends`` for each project); ratio; CPU per notebook run; peak memory of the
           whole process tree, PSS and RSS; the other jobs' load during each side; the time per
           project-year at ``--sizes`` project-years (it should stay flat); a rerun with nothing
           changed; and the DAG triggered under Airflow's own scheduler (LocalExecutor, two tasks
           at once; dags/airflow_standalone.py) against ``run --portfolio --jobs 2`` on the same
           6 project-years (needs ``.venv-airflow/``, built by ``make airflow-test``).
  trends   ``run --trends`` over the five demo years as a whole command, and inside it: loading
           and analysing the years, then each section of the trends report (its analyses and charts).
  airflow  the portfolio section's DAG measurement alone (benchmarks/bench_airflow.py; issue 28
           target 7): triggered under Airflow's own scheduler, two tasks at once, against
           ``run --portfolio --jobs 2`` on 6 project-years, and where the DAG's time goes (the
           trigger, the task instances' span, the executor slots' idle time between tasks).

Timings are medians of ``--runs`` runs, measured side by side in one invocation (the
machines are shared: compare ratios, not absolute seconds). ``--quick`` runs each once on
smaller inputs (20,000 ledger rows, 600,000 messages) to check that everything works.

Usage:
    python benchmarks/run.py [--only report,read] [--quick] [--runs N] [--mutants N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import measure as M
from bench_airflow import bench_airflow
from bench_commands import bench_all, bench_cache, bench_draft, bench_pdf, bench_report
from bench_fuzz import bench_fuzz
from bench_phases import bench_export, bench_profile, bench_trends
from bench_portfolio import bench_portfolio
from bench_reading import bench_read, bench_scale

SECTIONS = ("report", "all", "read", "cache", "scale", "export", "draft", "profile", "fuzz", "pdf", "portfolio",
            "trends", "airflow")
#: Each section's function (one module per kind of measurement: bench_commands, bench_reading, bench_phases,
#: bench_portfolio, bench_fuzz).
BENCHES = {"report": bench_report, "all": bench_all, "read": bench_read, "cache": bench_cache, "scale": bench_scale,
           "export": bench_export, "draft": bench_draft, "profile": bench_profile, "fuzz": bench_fuzz, "pdf": bench_pdf,
           "portfolio": bench_portfolio, "trends": bench_trends, "airflow": bench_airflow}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all): {','.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="one run each, smaller inputs: checks that it all works")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3; 1 with --quick)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--sizes", default="5,20,50",
                        help="portfolio: project-years of the growth runs, comma-separated (\"\" skips them)")
    parser.add_argument("--airflow-trigger", choices=("api", "cli"), default="api",
                        help="airflow: trigger the DAG through the REST API (default, as the UI does) or with"
                             " `airflow dags trigger` (the command imports Airflow first: 1.3-2.5 s more)")
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
                figures[name] = BENCHES[name](args, section_dir)
    print(f"\nbenchmarks took {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if figures.get("fuzz", {}).get("defects"):
        print("the fuzz campaign found defects (a figure changed without intent, or an error): see DEFECT lines")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

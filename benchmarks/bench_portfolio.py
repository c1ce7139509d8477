"""Section ``portfolio`` of ``benchmarks/run.py``: ``run --portfolio`` against one ``run --year`` after another,
its growth with the number of project-years, and the DAG under Airflow's own scheduler.

What is compared: the same reports made two ways. ``run --portfolio`` over the demo portfolio (5 projects x 4
years) runs the 20 annual reports and each project's trends report (25 notebook runs) and writes the overview; the
one-by-one side does what a user without ``--portfolio`` would: for each project ``run --year`` for each of its
years, then ``run --trends`` over the project's data (25 commands, 25 notebook runs). Only the overview (no notebook,
a fraction of a second) is the portfolio's alone. ``run --portfolio`` forks its kernels from one process that
imported the kernel's libraries once (``qdanalysis/run/zygote.py``); each ``run --year`` starts its own. Both sides
print their CPU seconds (the command and every process
it waited for, kernels included) per notebook run. The two sides alternate (together first in even runs), so
both meet the same machine. Each side starts on a cold cache: a store of its own (``QDANALYSIS_PROCESSED``,
shared by the 20 runs of the one-by-one side), so neither draws a figure or subsets a font the other, an earlier
run or an earlier invocation left in the project's ``data/processed/cache``.

The load: the benchmark creates none. It measures at whatever load the shared machine has, and prints for each
side the mean number of other threads running or waiting for a CPU during its runs
(:attr:`measure.Run.others_running`: the machine's runnable threads minus the command's own). That is the
"load" of a target such as "at load 4": the load average printed beside it also counts the command's own
processes, which for ``run --portfolio`` are three kernels and its runner at once.

The peak memory of ``run --portfolio`` (target <= 1 GB) is the PSS of its process tree summed
(:mod:`measure`'s docstring): each kernel maps the same Python, numpy, pandas and zmq code, which summed
resident sets (RSS, the figure printed before as "peak") counted once per kernel. Both are printed, and a
third figure that no sharing with other processes can lower (private pages summed plus the largest
process's shared pages).
"""

from __future__ import annotations

import os
from pathlib import Path

import measure as M
from bench_common import heading, row
from measure import median, spread, verdict

PORTFOLIO_TARGET = 1.8  # run --portfolio at least this many times faster than one by one
PORTFOLIO_MB_TARGET = 1024  # peak memory of run --portfolio: PSS of all its processes summed
PORTFOLIO_FLAT = 1.25  # seconds per project-year at 50 at most this many times those at 5


# --------------------------------------------------------------------------- portfolio


def _demo_portfolio(tmp: Path, name: str, projects: int, years: int) -> Path:
    from qdanalysis.demo.portfolio import generate_portfolio

    portfolio, _ = generate_portfolio(tmp / name, projects, years)
    return portfolio


def _store(folder: Path) -> dict[str, str]:
    """The environment of a command with its own store and cache (``folder``): a cold cache when new."""
    return {"QDANALYSIS_PROCESSED": str(folder)}


def _portfolio_run(portfolio: Path, out: Path, *extra: str) -> M.Run:
    return M.run(M.qdanalysis_command("run", "--portfolio", str(portfolio), "--out", str(out), *extra),
                 extra_env=_store(out.with_name(f"{out.name}-store")))


def bench_portfolio(args, tmp: Path) -> dict:
    from qdanalysis.run.portfolio_file import load_portfolio

    heading("9. Portfolio: run --portfolio against one by one, growth with size, Airflow under its scheduler")
    projects, years = (2, 2) if args.quick else (5, 4)
    portfolio = _demo_portfolio(tmp, "p20", projects, years)
    projects_of = load_portfolio(portfolio).projects
    n = sum(len(p.years) for p in projects_of)
    notebooks = n + len(projects_of)
    par_t, par_mb, par_pss, par_private, par_load, seq_t, seq_mb, seq_pss, seq_load = ([] for _ in range(9))
    par_cpu, seq_cpu = [], []
    for i in range(args.runs):
        def together() -> None:
            r = _portfolio_run(portfolio, tmp / f"together-{i}")
            par_t.append(r.seconds)
            par_mb.append(r.peak_mb)
            par_pss.append(r.peak_pss_mb)
            par_private.append(r.peak_private_mb)
            par_load.append(r.others_running)
            par_cpu.append(r.cpu_s)

        def one_by_one() -> None:
            runs = []
            for project in projects_of:  # each project's years, then its trends report, as a user would
                out = tmp / f"single-{i}" / project.id
                for y in project.years:
                    runs.append(M.run(M.qdanalysis_command("run", "--year", str(y), "--root", str(project.data_root),
                                                           "--out", str(out)),
                                      extra_env=_store(tmp / f"single-{i}-store")))
                runs.append(M.run(M.qdanalysis_command("run", "--trends", "--root", str(project.data_root),
                                                       "--out", str(out)),
                                  extra_env=_store(tmp / f"single-{i}-store")))
            seq_cpu.append(sum(r.cpu_s for r in runs))
            seq_t.append(sum(r.seconds for r in runs))
            seq_mb.append(max(r.peak_mb for r in runs))
            seq_pss.append(max(r.peak_pss_mb for r in runs))
            seq_load.append(sum(r.others_running * r.seconds for r in runs) / sum(r.seconds for r in runs))

        for step in ((together, one_by_one) if i % 2 == 0 else (one_by_one, together)):
            step()
    ratio = median(seq_t) / median(par_t)
    row(f"{n} x run --year + {projects} x run --trends, one after another", f"{median(seq_t):6.1f} s{spread(seq_t)}, "
        f"peak PSS {median(seq_pss):5.0f} MB (RSS {median(seq_mb):5.0f}), others' load {median(seq_load):4.1f}")
    row(f"run --portfolio, {n} project-years + {projects} trends ({os.cpu_count()} cores)",
        f"{median(par_t):6.1f} s{spread(par_t)}, peak PSS {median(par_pss):5.0f} MB (RSS {median(par_mb):5.0f}), "
        f"others' load {median(par_load):4.1f}")
    row(f"CPU per notebook run ({notebooks} runs each side)", f"one by one {median(seq_cpu) / notebooks:5.2f} s, "
        f"run --portfolio {median(par_cpu) / notebooks:5.2f} s (all processes, kernels included)")
    row(f"speed-up, same {notebooks} reports (target >= {PORTFOLIO_TARGET})", f"{ratio:6.2f} x   {verdict(ratio >= PORTFOLIO_TARGET)}")
    row(f"peak memory of run --portfolio, PSS (target <= {PORTFOLIO_MB_TARGET} MB)",
        f"{median(par_pss):6.0f} MB {verdict(median(par_pss) <= PORTFOLIO_MB_TARGET)}")
    print("  (peak, sampled every 50 ms, less often where a sample costs more than 5% of a core, over the command"
          " and all its processes — kernels: PSS summed, each shared page once; RSS summed counts the libraries every kernel maps once per kernel; private pages + the largest"
          f" process's shared ones: {median(par_private):.0f} MB. others' load: mean runnable threads of the rest"
          " of the machine during the runs)")
    print(f"  {M.load_line()}")
    again = _portfolio_run(portfolio, tmp / "together-0")
    row("rerun with nothing changed (every run skipped)", f"{again.seconds:6.1f} s, "
        f"{again.stdout.count('未变化，跳过') // 2} of {n + projects} runs ({n} project-years, {projects} trends) skipped")

    sizes = (2, 4, 6) if args.quick else tuple(int(k) for k in args.sizes.split(",") if k.strip())
    figures = {"project_years": n, "one_by_one_s": median(seq_t), "portfolio_s": median(par_t), "ratio": ratio,
               "portfolio_peak_pss_mb": median(par_pss), "portfolio_peak_rss_mb": median(par_mb),
               "portfolio_peak_private_mb": median(par_private), "one_by_one_peak_pss_mb": median(seq_pss),
               "one_by_one_peak_rss_mb": median(seq_mb), "portfolio_others_load": median(par_load),
               "one_by_one_others_load": median(seq_load), "rerun_s": again.seconds,
               "notebook_runs": notebooks, "one_by_one_cpu_s": median(seq_cpu), "portfolio_cpu_s": median(par_cpu)}
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
            f"peak PSS {r.peak_pss_mb:5.0f} MB (RSS {r.peak_mb:5.0f})")
    growth = per_year[sizes[-1]] / per_year[sizes[0]]
    row(f"time per project-year, {sizes[-1]} against {sizes[0]} (target <= {PORTFOLIO_FLAT})",
        f"{growth:6.2f} x   {verdict(growth <= PORTFOLIO_FLAT)}")
    return {"per_project_year_s": per_year, "growth": growth}


def _bench_airflow(args, tmp: Path) -> dict:
    """The DAG under Airflow's scheduler against ``run --portfolio --jobs 2``: section ``airflow``
    (benchmarks/bench_airflow.py), run here too unless that section is chosen as well (then it runs once, there)."""
    from bench_airflow import bench_airflow

    if "airflow" in {s.strip() for s in args.only.split(",")}:
        return {}
    return bench_airflow(args, tmp)

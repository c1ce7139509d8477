"""Sections ``report``, ``all``, ``cache``, ``draft`` and ``pdf`` of ``benchmarks/run.py``: the commands a user
runs, each timed as a whole subprocess against its reference (the floor, one year after another, a second
run on unchanged sources, the other commands, the run without a PDF).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import measure as M
from bench_common import REPORT_YEAR, heading, row
from measure import median, spread, verdict

ALL_TARGET = 1.7  # at least this many times faster than one after another


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

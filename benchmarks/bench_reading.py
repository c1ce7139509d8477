"""Sections ``read`` and ``scale`` of ``benchmarks/run.py``: reading large inputs (a contract ledger as .xlsx
and .xls against pandas, a year's SMS log through every engine considered and through the SMS loader).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import measure as M
from bench_common import heading, row
from measure import median, spread, verdict

READ_SPEEDUP_TARGET, READ_SECONDS_TARGET = 5.0, 2.0
#: issue 28 target 6: load_contracts at most this many times pandas.read_excel(engine="calamine"), same file
READ_CALAMINE_RATIO_TARGET = 1.05
SCALE_SECONDS_TARGET, SCALE_MB_TARGET = 5.0, 2048


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
    calamine = median(times['pandas.read_excel(engine="calamine") (read only, reference)'])
    speedup = openpyxl / ours
    row("speed-up against openpyxl (target >= 5)", f"{speedup:6.2f} x   {verdict(speedup >= READ_SPEEDUP_TARGET)}")
    ratio = ours / calamine
    row(f"load_contracts / read_excel(calamine) (target <= {READ_CALAMINE_RATIO_TARGET})",
        f"{ratio:6.2f} x   {verdict(ratio <= READ_CALAMINE_RATIO_TARGET)}")
    row("load_contracts under 2 s", f"{ours:6.2f} s   {verdict(ours < READ_SECONDS_TARGET)}"
        + ("  (quick mode: smaller file)" if args.quick else ""))
    result = {"rows": n, "load_contracts_s": ours, "openpyxl_s": openpyxl, "speedup": speedup,
              "calamine_s": calamine, "calamine_ratio": ratio}
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

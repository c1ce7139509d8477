"""One engine aggregating an SMS message log to month × department, in a fresh process.

Each engine reads the log (CSV or parquet) and sums 条数 per month of 发送时间 and 部门.
Only ``qdanalysis`` also validates every row (timestamps, counts, departments, year); the
others are the bare aggregation, the least each engine can cost. The process prints one
JSON line: seconds (read + aggregate, imports excluded), peak resident memory of the process
and the aggregate, for ``benchmarks/run.py`` to check against the generator's answer.

Usage:
    python benchmarks/sms_engines.py ENGINE LOG_FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import own_peak_mb

ENGINES = ("qdanalysis", "pandas", "pyarrow", "duckdb", "polars")
LABELS = {
    "qdanalysis": "qdanalysis.read.smslog (pyarrow csv/parquet + compute, validated)",
    "pandas": "pandas read_csv(engine='pyarrow') / read_parquet + groupby",
    "pyarrow": "pyarrow.dataset + Table.group_by (no validation)",
    "duckdb": "DuckDB SQL (no validation)",
    "polars": "polars lazy scan + group_by (no validation)",
}


def available(engine: str) -> bool:
    import importlib.util

    return engine in ("qdanalysis", "pandas", "pyarrow") or importlib.util.find_spec(engine) is not None


def _qdanalysis(path: str):
    from qdanalysis.read import smslog

    start = time.perf_counter()
    agg = smslog.read_log(path, year=2020)
    seconds = time.perf_counter() - start
    return seconds, [(int(m.month), d, int(c)) for m, d, c in zip(agg["month"], agg["department"], agg["count"])]


def _pandas(path: str):
    import pandas as pd

    start = time.perf_counter()
    if path.endswith(".csv"):
        df = pd.read_csv(path, engine="pyarrow", parse_dates=["发送时间"])
    else:
        df = pd.read_parquet(path)
    g = df.groupby([df["发送时间"].dt.month, df["部门"]], observed=True)["条数"].sum()
    seconds = time.perf_counter() - start
    return seconds, [(int(m), str(d), int(c)) for (m, d), c in g.items()]


def _pyarrow(path: str):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.dataset as ds

    start = time.perf_counter()
    if path.endswith(".csv"):
        fmt = ds.CsvFileFormat(convert_options=pcsv.ConvertOptions(column_types={"发送时间": pa.timestamp("s")}))
    else:
        fmt = ds.ParquetFileFormat()
    table = ds.dataset(path, format=fmt).to_table()
    table = pa.table({"m": pc.month(table["发送时间"]), "d": pc.cast(table["部门"], pa.string()), "c": table["条数"]})
    g = table.group_by(["m", "d"]).aggregate([("c", "sum")])
    seconds = time.perf_counter() - start
    return seconds, [(r["m"], r["d"], r["c_sum"]) for r in g.to_pylist()]


def _duckdb(path: str):
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect()
    source = "read_csv(?, header = true)" if path.endswith(".csv") else "read_parquet(?)"
    rows = con.execute(f'SELECT month("发送时间"), "部门", sum("条数") FROM {source} GROUP BY ALL', [path]).fetchall()
    seconds = time.perf_counter() - start
    return seconds, [(int(m), str(d), int(c)) for m, d, c in rows]


def _polars(path: str):
    import polars as pl

    start = time.perf_counter()
    if path.endswith(".csv"):
        frame = pl.scan_csv(path, schema_overrides={"发送时间": pl.Datetime("us")})
    else:
        frame = pl.scan_parquet(path)
    g = frame.group_by(pl.col("发送时间").dt.month().alias("m"), pl.col("部门").cast(pl.String)) \
        .agg(pl.col("条数").sum()).collect()
    seconds = time.perf_counter() - start
    return seconds, [(int(m), str(d), int(c)) for m, d, c in g.iter_rows()]


def main(engine: str, path: str) -> None:
    seconds, groups = globals()[f"_{engine}"](path)
    print(json.dumps({"engine": engine, "seconds": seconds, "peak_mb": own_peak_mb(), "groups": groups},
                     ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

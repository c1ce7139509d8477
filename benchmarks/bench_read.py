"""Benchmark: qdanalysis.xlsx.read_workbook against pandas.read_excel (openpyxl, calamine).

Writes an Excel-like workbook (shared strings, a date style) of ``--rows`` rows x 10
columns into a temporary directory, then prints the median wall time of ``--runs`` runs
of each reader. It prints figures only; it asserts nothing.

Usage:
    python benchmarks/bench_read.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from qdanalysis.xlsx import read_workbook  # noqa: E402

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CATEGORIES = ["运维服务", "软件开发", "硬件采购", "数据资源", "安全保障"]
HEADER = ["序号", "项目名称", "类别", "预算金额", "执行金额", "执行率", "开始日期", "单位", "年度", "备注"]


def write_workbook(path: Path, n_rows: int) -> None:
    """Write a workbook shaped like an Excel export: shared strings and a date style."""
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def text_cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="s"><v>{sst(text)}</v></c>'

    cols = "ABCDEFGHIJ"
    rows = ['<row r="1">' + "".join(text_cell(f"{c}1", h) for c, h in zip(cols, HEADER)) + "</row>"]
    for i in range(1, n_rows + 1):
        r = i + 1
        budget = 1000 + (i * 37) % 90000 + 0.25
        cells = [
            f'<c r="A{r}"><v>{i}</v></c>',
            text_cell(f"B{r}", f"青岛市政务信息化项目{i:06d}"),
            text_cell(f"C{r}", CATEGORIES[i % len(CATEGORIES)]),
            f'<c r="D{r}"><v>{budget}</v></c>',
            f'<c r="E{r}"><v>{budget * 0.8}</v></c>',
            f'<c r="F{r}"><v>0.8</v></c>',
            f'<c r="G{r}" s="1"><v>{44927 + i % 365}</v></c>',
            text_cell(f"H{r}", f"单位{i % 40:02d}"),
            f'<c r="I{r}"><v>{2020 + i % 5}</v></c>',
            text_cell(f"J{r}", "") if i % 3 else text_cell(f"J{r}", "已完成验收"),
        ]
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    sheet = DECL + f'<worksheet xmlns="{MAIN_NS}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    shared = (
        DECL
        + f'<sst xmlns="{MAIN_NS}" count="{n_rows * 4}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    styles = (
        DECL + f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
        '</borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )
    parts = {
        "[Content_Types].xml": DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>",
        "_rels/.rels": DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": DECL
        + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="项目" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": DECL
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
        "xl/styles.xml": styles,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        start = time.perf_counter()
        write_workbook(path, args.rows)
        print(f"test file: {args.rows} rows x 10 columns, {path.stat().st_size / 1e6:.1f} MB "
              f"(written in {time.perf_counter() - start:.1f} s); median of {args.runs} runs")

        rows = read_workbook(path)[0].rows
        frame = pd.read_excel(path, engine="calamine", header=None)
        print(f"rows read: qdanalysis {len(rows)}, pandas {len(frame)}")

        readers = {
            "qdanalysis.xlsx.read_workbook (checks + calamine)": lambda: read_workbook(path),
            'pandas.read_excel(engine="calamine")': lambda: pd.read_excel(path, engine="calamine", header=None),
            'pandas.read_excel(engine="openpyxl")': lambda: pd.read_excel(path, engine="openpyxl", header=None),
        }
        results = {name: median_time(fn, args.runs) for name, fn in readers.items()}
        base = results["qdanalysis.xlsx.read_workbook (checks + calamine)"]
        width = max(map(len, results))
        for name, seconds in results.items():
            print(f"{name:<{width}}  {seconds:7.3f} s   x{seconds / base:5.2f}")


if __name__ == "__main__":
    main()

"""Writing the demo data set to disk: one folder per year, its workbook and a ``DEMO`` marker.

Nothing is ever written under ``data/raw/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from qdanalysis.atomic import write_bytes, write_text
from qdanalysis.demo.programme import DEFAULT_SEED, DEFAULT_YEARS, DEMO_MARK, MARKER_FILE
from qdanalysis.demo.workbook import workbook_bytes
from qdanalysis.demo.year import DemoYear, build_demo
from qdanalysis.paths import DATA_RAW


def refuse_raw(path: Path) -> None:
    """Refuse a folder that is, or lies under, ``data/raw/`` (real data only)."""
    raw, target = DATA_RAW.resolve(), path.resolve()
    if target == raw or raw in target.parents:
        raise PermissionError(f"示例数据不能写入 data/raw/：{path}")


def write_years(out: Path, data: dict[int, DemoYear], seed: int) -> list[Path]:
    """Each year's workbook into ``out/<year>/`` with the DEMO markers; the workbooks written."""
    marker = (f"{DEMO_MARK}：本文件夹中的工作簿由 qdanalysis.demo 按固定随机种子（{seed}）生成，"
              "仅用于演示，不是真实数据。\n")
    paths = []
    for year, year_data in data.items():
        folder = out / str(year)
        paths.append(write_bytes(folder / f"{DEMO_MARK}_{year}.xlsx", workbook_bytes(year_data)))
        write_text(folder / MARKER_FILE, marker)
    write_text(out / MARKER_FILE, marker)
    return paths


def generate_demo(out_dir: str | Path, years: Iterable[int] = DEFAULT_YEARS, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo data set: ``out_dir/<year>/示例数据_<year>.xlsx`` plus ``DEMO`` markers.

    Args:
        out_dir: where to write (one folder per year); never under ``data/raw/``.
        years: the years to generate (default 2018-2022).
        seed: the random seed; the same seed gives byte-identical workbooks.

    Returns:
        The workbooks written, in year order.

    Raises:
        PermissionError: ``out_dir`` lies under ``data/raw/``.
    """
    out = Path(out_dir)
    refuse_raw(out)
    return write_years(out, build_demo(years, seed), seed)

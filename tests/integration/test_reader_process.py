"""Hostile workbooks that would abort or exhaust the process inside a reader (calamine allocating what a
count or a far cell asks for, openpyxl expanding a range), each read by qdanalysis.read.xlsx in a child
Python process: the child must survive, and refuse the file naming what is wrong or read it in bounded memory.

Every file is built here, in tmp_path (tests/handmade_xlsx.py); nothing is committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from handmade_xlsx import SHEET_PART, SST_PART, build, long_sheet, sheet_with_dimension, sheet_xml, sst_xml

from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.read import xlsx

READER_SCRIPT = textwrap.dedent(
    """
    import sys
    from qdanalysis.errors import ValidationError
    from qdanalysis.read.xlsx import read_workbook
    try:
        read_workbook(sys.argv[1])
    except ValidationError as exc:
        print("REFUSED", exc.problems[0].message)
    else:
        print("ACCEPTED")
    """
)


def run_reader(path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-c", READER_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def test_hostile_unique_count_in_subprocess(tmp_path):
    # calamine issue #684: uniqueCount is used to pre-allocate; 10**9 strings (24 GB)
    # aborts the process with SIGABRT where the allocation fails.
    path = build(tmp_path / "sst.xlsx", {SST_PART: sst_xml(["hello"], unique=1_000_000_000)})
    assert path.stat().st_size < 2000
    proc = run_reader(path)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert "REFUSED" in proc.stdout
    assert "uniqueCount=1000000000" in proc.stdout


@pytest.mark.parametrize("ref", ["XFD1048576", "A4294967295"])
def test_far_cell_grid_bomb_in_subprocess(tmp_path, ref):
    # to_python(skip_empty_area=False) allocates the dense grid from A1: a cell at
    # XFD1048576 asks for 17 billion cells (calamine aborts on the allocation).
    # A row past Excel's last (A4294967295) is refused as outside the sheet, naming the cell (issue 30).
    cells = f'<row r="1"><c r="A1"><v>1</v></c></row><row><c r="{ref}"><v>2</v></c></row>'
    path = build(tmp_path / "far.xlsx", {SHEET_PART: sheet_xml(cells)})
    proc = run_reader(path)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert "REFUSED" in proc.stdout
    assert ("数据区域过大" if ref == "XFD1048576" else f"单元格位置「{ref}」超出了Excel工作表的范围") in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("far", ["XFD10001", "A4294967295"])
def test_far_cell_in_the_middle_of_a_long_sheet_in_subprocess(tmp_path, far):
    cells = long_sheet(20_000, {10_001: f'<row r="10001"><c r="{far}"><v>2</v></c></row>'})
    path = build(tmp_path / "middle.xlsx", {SHEET_PART: sheet_xml(cells)})
    proc = run_reader(path)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert "REFUSED" in proc.stdout
    assert ("数据区域过大" if far == "XFD10001" else f"单元格位置「{far}」超出了Excel工作表的范围") in proc.stdout


MEMORY_SCRIPT = textwrap.dedent(
    """
    import sys
    from qdanalysis.read.xlsx import read_workbook
    (sheet,) = read_workbook(sys.argv[1])
    print(sheet.rows, sheet.merged)
    # VmHWM: this process's own peak (ru_maxrss can carry the forking parent's, pytest's, over exec)
    status = open("/proc/self/status").read()
    print(int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:"))) // 1024)
    """
)


@pytest.mark.parametrize("element", [
    '<mergeCells count="1"><mergeCell ref="A1:O1048576"/></mergeCells>',
    '<hyperlinks><hyperlink ref="A1:O1048576" location="A1"/></hyperlinks>',
])
def test_fallback_reader_does_not_expand_ranges(tmp_path, element):
    # 15.7 million cells, just under the bound: openpyxl's normal mode made one object per
    # cell (2 GB, then MemoryError); the fallback now streams the sheet.
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>5</v></c></row>'
    path = build(tmp_path / "回退.xlsx", {SHEET_PART: sheet_with_dimension(cells, element)})
    with pytest.raises(xlsx.python_calamine.CalamineError):
        xlsx.python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(path)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    grid, peak_mb = proc.stdout.splitlines()
    merged = "[(0, 0, 0, 2)]" if "mergeCell" in element else "[]"
    assert grid == f"[[1, None, 5]] {merged}"
    assert int(peak_mb) < 600, peak_mb  # the interpreter and its libraries, not the range

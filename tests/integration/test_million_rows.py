"""A million-row budget workbook (written as raw SpreadsheetML, tests/spreadsheetml.py) loads in a child
process under a 2 GiB address-space limit, every figure summed right."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from limited_runs import run_python
from spreadsheetml import write_xlsx

MILLION = 1_000_000


def million_rows() -> Iterable[list]:
    yield ["2020年专项业务费预算执行明细表（台账导出）"]
    yield ["单位：元"]
    yield ["编号", "类别", "项目名称", "预算数", "执行数", "备注"]
    categories = ["关键设备维护服务费", "网络通信费", "软件运维费", "数据资源费", "安全保障费"]
    for i in range(MILLION):
        yield [f"{i + 1}", categories[i % 5], f"台账明细项目第{i + 1}号", 1000 + i % 9000, (1000 + i % 9000) // 2,
               "据实结算" if i % 3 == 0 else None]


LOAD_BUDGET = """
import sys
from qdanalysis.read.loaders import read_budget
sheet = read_budget(sys.argv[1])
items = sheet.items
print(len(items), sheet.totals["budget"], items["budget"].sum(), items["category"].nunique(), items["note"].count())
"""


@pytest.mark.slow
def test_a_million_row_budget_loads_within_2_gib(tmp_path):
    # Loading is what takes the memory. ``qdanalysis validate`` on this file peaks at the same
    # figure but takes twice as long: each of the five loaders reads the workbook again.
    path = write_xlsx(tmp_path / "百万行.xlsx", {"预算执行": million_rows()})

    # The limit stops a hang, it times nothing: about 45 s alone, 95 s beside make test's other process, and it
    # was seen past 170 s while the machine ran other jobs at load 10-15.
    run = run_python("-c", LOAD_BUDGET, path.name, cwd=tmp_path, timeout=420)

    assert run.returncode == 0, run.output[-3000:]
    budget = sum(1000 + i % 9000 for i in range(MILLION))
    assert run.stdout.split() == [str(MILLION), f"{budget}.00", f"{budget}.00", "5", str(-(-MILLION // 3))]
    print(f"\n1,000,000-row budget: loaded in {run.seconds:.1f} s, peak RSS {run.max_rss_mb:.0f} MB, "
          f"file {path.stat().st_size / 2**20:.1f} MiB")

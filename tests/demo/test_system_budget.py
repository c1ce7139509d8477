"""The demo's 一体化 budget sheet: read by the loader as the same items and figures as the hand-typed layout."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qdanalysis.demo.system_budget import SYSTEM_LAYOUT_YEAR
from qdanalysis.demo.workbook import workbook_bytes
from qdanalysis.demo.year import build_demo
from qdanalysis.read.loaders.budget import read_budget


@pytest.fixture(scope="module")
def data():
    return build_demo([SYSTEM_LAYOUT_YEAR])[SYSTEM_LAYOUT_YEAR]


def test_the_sheet_is_the_export_layout(data):
    ws = load_workbook(io.BytesIO(workbook_bytes(data)))["预算执行情况表"]
    assert [ws.cell(3, j).value for j in (1, 2, 3, 4, 6)] == ["序号", "项目名称", "支出经济分类", "预算数", "执行数"]
    assert [ws.cell(4, j).value for j in (4, 5, 6, 7)] == ["年初预算", "调整后预算", "支出金额", "执行率"]
    assert ws.cell(5, 1).value == "合计" and ws.cell(6, 2).value.startswith("一、")
    assert ws.cell(1, 1).value.startswith("【示例数据】")


def test_it_reads_as_the_years_items(tmp_path, data):
    path = tmp_path / "示例数据.xlsx"
    path.write_bytes(workbook_bytes(data))
    budget = read_budget(path)
    assert list(budget.items["code"]) == [i["code"] for i in data.budget]
    assert list(budget.items["category"]) == [i["category"] for i in data.budget]
    assert list(budget.items["executed"]) == [i["executed"] for i in data.budget]
    assert budget.totals["executed"] == data.total_executed
    classes = set(budget.economic["economic"])
    assert {"30213 维修（护）费", "31002 办公设备购置"} <= classes
    assert len(budget.economic) > len(budget.items)  # some items take two rows

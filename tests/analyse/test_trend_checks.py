"""The checks across years: agreement on the demo's years, and each disagreement named with its year, file and row."""

from __future__ import annotations

import openpyxl
import pytest

import qdanalysis
from qdanalysis.analyse import trend_checks as T
from qdanalysis.analyse.engine import analyse
from qdanalysis.demo.generate import generate_demo


def _unmerge(ws) -> None:
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for row in range(rng.min_row, rng.max_row + 1):
            ws.cell(row, rng.min_col).value = value


def _column(ws, header: str, header_row: int = 3) -> int:
    return next(c.column for c in ws[header_row] if c.value == header)


def _row_of(ws, column: int, value: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == value)


@pytest.mark.slow
def test_consistency_checks_name_year_file_and_row(tmp_path):
    generate_demo(tmp_path, years=[2019, 2020, 2021])
    clean = [analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)]
    assert set(T.consistency_checks(clean)["status"]) == {"一致"}

    path = tmp_path / "2021" / "示例数据_2021.xlsx"
    wb = openpyxl.load_workbook(path)
    budget = wb["预算执行"]
    _unmerge(budget)
    code_col, cat_col = _column(budget, "编号"), _column(budget, "类别")
    moved = _row_of(budget, code_col, "5.2")
    budget.cell(moved, cat_col).value = "大数据产业规划评估等费用"
    contracts = wb["合同台账"]
    id_col, renews_col = _column(contracts, "合同编号"), _column(contracts, "续签自")
    renewal = _row_of(contracts, id_col, "SL-2021-1.2")
    contracts.cell(renewal, renews_col).value = "SL-2020-1.2X"
    price_col = _column(contracts, "单价")
    restated = _row_of(contracts, id_col, "SL-2019-2.1-LT")
    contracts.cell(restated, price_col).value = 75000
    wb.save(path)

    checks = T.consistency_checks([analyse(qdanalysis.load_year(y, root=tmp_path)) for y in (2019, 2020, 2021)])
    bad = checks[checks["status"] == "不一致"].set_index("check")["detail"]
    assert bad["项目类别前后一致"] == (
        "项目5.2 专家评审费在2020年归入「宣传、培训、咨询、评估费等」（《示例数据_2020.xlsx》「预算执行」表第"
        f"{moved}行），2021年归入「大数据产业规划评估等费用」（《示例数据_2021.xlsx》「预算执行」表第{moved}行）；"
        "分类支出的跨年度比较按各年度自身的归类计算，请核实归类是否调整。")
    assert bad["续签关系可追溯"].startswith(
        f"2021年合同台账中合同「SL-2021-1.2」（《示例数据_2021.xlsx》「合同台账」表第{renewal}行）续签自「SL-2020-1.2X」，"
        "但2020年合同台账中没有该合同；其他年度的合同台账中也没有该合同")
    assert "单价由76000元变为75000元" in bad["同一合同各年度记载一致"]
    assert "「SL-2019-2.1-LT」在2019年合同台账" in bad["同一合同各年度记载一致"]

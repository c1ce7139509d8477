"""A demo year as an .xlsx workbook: the loaders' headers, 示例数据 everywhere, the same bytes for the same data."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from qdanalysis.demo.workbook import workbook_bytes
from qdanalysis.demo.year import build_demo


@pytest.fixture(scope="module")
def year2020():
    return build_demo([2019, 2020])[2020]


@pytest.fixture(scope="module")
def book(year2020):
    return workbook_bytes(year2020)


def test_one_sheet_per_table_and_a_readme(book):
    wb = load_workbook(io.BytesIO(book))
    assert wb.sheetnames == ["预算执行", "合同台账", "线路清单", "短信结算", "绩效指标", "支付明细", "说明"]
    budget = wb["预算执行"]
    assert budget["A1"].value == "【示例数据】2020年青岛市大数据局专项业务费预算执行明细表"
    assert "单位：元" in [c.value for c in budget[2]] and budget["A3"].value == "编号"
    assert wb["说明"]["A1"].value == "【示例数据】2020年示例数据说明"
    assert wb.properties.creator == "qdanalysis.demo" and wb.properties.title == "示例数据 2020"


def test_the_budget_sheet_ends_with_its_total_and_the_rate(book, year2020):
    ws = load_workbook(io.BytesIO(book))["预算执行"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    total, note = rows[-2:]
    assert note[0].startswith("注：本表为示例数据，由 qdanalysis.demo 按固定随机种子（20201231）生成")
    assert "合计" in total and f"执行率{(year2020.total_executed / year2020.total_budget * 100):.2f}%" in total


def test_the_same_data_gives_the_same_bytes_whatever_the_clock(book, year2020):
    assert workbook_bytes(year2020) == book
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2021, 1, 1, 0, 0, 0)}


def test_it_loads_as_a_year_of_real_input(book, tmp_path):
    import qdanalysis

    (tmp_path / "2020").mkdir()
    (tmp_path / "2020" / "示例数据_2020.xlsx").write_bytes(book)
    data = qdanalysis.load_year(2020, tmp_path)
    assert data.demo and len(data.sms) == 12 * 6 and len(data.budget) > 20

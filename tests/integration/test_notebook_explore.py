"""Notebook 0.1-explore-year run by papermill on the 2020 data, as an evaluator opens it in JupyterLab
(the kernel starts in notebooks/, the data root stays relative to the project)."""

from __future__ import annotations

import base64
import struct

import nbformat
import pytest

from qdanalysis.paths import NOTEBOOKS
from qdanalysis.run.notebook import KERNEL_NAME

pytestmark = pytest.mark.slow  # the exploring notebook run through a kernel


NOTEBOOK = NOTEBOOKS / "0.1-explore-year.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    import papermill

    out = tmp_path_factory.mktemp("explore") / NOTEBOOK.name
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters={"year": 2020, "data_root": "data/raw"},
                               kernel_name=KERNEL_NAME, language="python", cwd=str(NOTEBOOKS),
                               execution_timeout=300, progress_bar=False)
    return nbformat.read(out, as_version=4)


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def output_of(nb, first_line: str) -> str:
    """The text (printed and displayed) of the one code cell whose first line is ``first_line``."""
    (cell,) = [c for c in code_cells(nb) if c.source.splitlines()[0] == first_line]
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def row_of(text: str, label: str) -> list[str]:
    """The values of a printed frame's row ``label`` (a wide frame prints its first columns first)."""
    return next(line.split()[1:] for line in text.splitlines() if line.split() and line.split()[0] == label)


def test_the_parameters_are_the_year_and_the_data_root_with_their_types_and_help():
    import papermill

    params = papermill.inspect_notebook(str(NOTEBOOK))
    assert {k: p["inferred_type_name"] for k, p in params.items()} == {"year": "int", "data_root": "str"}
    assert {k: p["default"] for k, p in params.items()} == {"year": "2020", "data_root": '"data/raw"'}
    assert all(p["help"] for p in params.values())


def test_every_cell_runs_without_an_error(executed):
    cells = code_cells(executed)
    assert all(c.execution_count for c in cells)
    assert [o for c in cells for o in c.outputs if o.output_type == "error"] == []


def test_the_year_is_loaded_and_its_frames_shown(executed):
    assert output_of(executed, "import qdanalysis").startswith(
        "YearData(2020, budget=29, contracts=15, lines=4, sms=12, indicators=11")
    budget = output_of(executed, "data.budget")
    assert row_of(budget, "0")[:4] == ["1.1", "关键设备维护服务费", "电子政务机房UPS等关键设备维护服务费", "667000.00"]
    assert "HT-2014-2.1-LT" in output_of(executed, "data.contracts")
    assert "单位接入（主、副线路）" in output_of(executed, "data.lines")
    assert "整合视频监控数量" in output_of(executed, "data.indicators")


def test_the_analyses_are_shown_as_frames(executed):
    assert output_of(executed, "analysis = qdanalysis.analyse_year(year, data_root)").startswith("YearAnalysis(2020, ")
    categories = output_of(executed, "analysis.categories")
    assert row_of(categories, "6")[:4] == ["合计", "29", "9", "9410000.00"]
    assert "未逐项列明" in output_of(executed, "analysis.spend")
    assert "76000.00" in output_of(executed, "analysis.line_costs")
    assert "HT-2014-2.1-LT" in output_of(executed, "analysis.renewals")
    assert "5.1万路" in output_of(executed, "analysis.indicator_status")
    assert "不一致" in output_of(executed, "analysis.checks")
    assert "产出指标未覆盖主要支出项目" in output_of(executed, "from qdanalysis.analyse.findings import findings_table")


def test_the_total_and_its_undisclosed_part_are_stated_in_wan(executed):
    assert output_of(executed, "from qdanalysis.fmt import wan").splitlines() == [
        "合计行预算数：941.00万元", "各项目已列明的预算数之和：507.72万元", "未逐项列明（未披露）：433.28万元"]


def test_a_pandas_sum_writes_zero_where_the_qd_sum_keeps_undisclosed(executed):
    pandas_sum = output_of(executed, 'data.budget.groupby("category", sort=False)[["budget", "executed"]].sum()')
    qd_sum = output_of(executed, 'data.budget.qd.sum(by="category", columns=["budget", "executed"])')
    for category in ("大数据产业规划评估等费用", "宣传、培训、咨询、评估费等"):  # no item states a budget
        assert row_of(pandas_sum, category) == ["0.00", "0.00"]
        assert row_of(qd_sum, category) == ["<NA>", "<NA>"]
    assert row_of(pandas_sum, "关键设备维护服务费") == ["2135000.00", "0.00"]  # no executed figure per item either
    assert row_of(qd_sum, "关键设备维护服务费") == ["2135000.00", "<NA>"]
    assert row_of(output_of(executed, "data.budget.qd.describe()"), "count")[0] == "9.000000"


def test_the_own_chart_is_a_png_in_the_chinese_style_without_missing_glyphs(executed):
    images = [o.data["image/png"] for c in code_cells(executed) for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    png = base64.b64decode(images[0])
    width, height = struct.unpack(">II", png[16:24])
    assert png.startswith(b"\x89PNG") and width >= 800 and height >= 400 and len(png) > 20_000
    streams = "".join(o.text for c in code_cells(executed) for o in c.outputs if o.output_type == "stream")
    assert "Glyph" not in streams and "missing from font" not in streams


def test_a_figure_is_traced_to_its_workbook_sheet_row_and_column(executed):
    shown = output_of(executed, 'row = data.budget.dropna(subset=["budget"]).iloc[0]')
    assert row_of(shown, "src_sheet") == ["预算执行"] and row_of(shown, "src_row") == ["4"]
    assert row_of(shown, "budget") == ["667000.00"]
    assert output_of(executed, "from pathlib import Path").strip() == (
        "电子政务机房UPS等关键设备维护服务费：《2020年专项业务费.xlsx》「预算执行」表第4行，「预算数」列")

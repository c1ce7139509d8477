"""The package's front door: the loaders and the analysis, imported on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import qdanalysis
from qdanalysis.paths import PROJECT_ROOT


def test_the_front_door_names_the_loaders_and_the_analysis():
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.read.loaders import load_budget
    from qdanalysis.read.year import YearData, load_year
    from qdanalysis.run.pipeline import analysed_year

    assert qdanalysis.load_year is load_year and qdanalysis.YearData is YearData
    assert qdanalysis.load_budget is load_budget and qdanalysis.YearAnalysis is YearAnalysis
    assert qdanalysis.analyse_year is analysed_year  # the pipeline's function, under the name users know
    assert set(qdanalysis.__all__) <= set(dir(qdanalysis))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'qdanalysis' has no attribute 'load_everything'"):
        qdanalysis.load_everything


def test_importing_the_package_loads_nothing_heavy():
    code = "import sys, qdanalysis; print(sorted(m for m in ('pandas', 'matplotlib', 'openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_exploring_in_a_notebook_has_the_chart_style_and_the_findings_as_a_frame():
    import matplotlib

    import qdanalysis

    family = qdanalysis.chart_style()
    fonts = [*matplotlib.rcParams["font.family"], *matplotlib.rcParams["font.sans-serif"]]
    assert family and fonts.index(family) < fonts.index("DejaVu Sans")  # Chinese labels draw as text, not boxes
    frame = qdanalysis.findings_frame(qdanalysis.analyse_year(2020).findings)
    assert list(frame.columns) == ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议"] and len(frame) == 12

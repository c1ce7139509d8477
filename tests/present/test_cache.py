"""The figure and font-subset cache: keys by value, reuse, and a changed cell redrawing exactly its figures."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import pandas as pd
import pytest
from PIL import Image

from qdanalysis.analyse.engine import analyse
from qdanalysis.present import cache
from qdanalysis.present.blocks import Chart, Drawing, drawing
from qdanalysis.present.report import AnnualReport
from qdanalysis.read.year import load_year
from qdanalysis.run.pipeline import scoring_for


def test_values_are_hashed_by_content_and_type():
    frame = pd.DataFrame({"a": [Decimal("1.50"), None], "b": ["x", "y"]})
    same = pd.DataFrame({"a": [Decimal("1.50"), None], "b": ["x", "y"]})
    assert cache.value_digest(frame) == cache.value_digest(same)
    changed = same.copy()
    changed.loc[1, "b"] = "z"
    assert cache.value_digest(frame) != cache.value_digest(changed)
    # 1, 1.0, "1" and Decimal("1") draw differently (a label "1.0"), so they are different values
    digests = {cache.value_digest(v) for v in (1, 1.0, "1", Decimal("1"), Decimal("1.0"), True)}
    assert len(digests) == 6
    assert cache.value_digest({"a": 1, "b": 2}) != cache.value_digest({"b": 2, "a": 1})  # drawn in order
    assert cache.value_digest(pd.Series([1, 2], dtype="int64")) != cache.value_digest(pd.Series([1, 2], dtype="float64"))


def test_an_object_known_only_by_identity_is_not_cached(cache_dir):
    with pytest.raises(cache.Uncacheable, match="object"):
        cache.value_digest([object()])
    chart = Chart("odd", Drawing("qdanalysis.present.charts.base", "figure", (), {"width": object()}), "x")
    with pytest.raises(cache.Uncacheable):
        cache.chart_key(chart.draw, None)


def _charts(analysis) -> dict[str, Chart]:
    report = AnnualReport(analysis)
    return {b.key: b for s in report.sections for b in report.blocks(s.key) if isinstance(b, Chart)}


def _analysed(data):
    return analyse(data, scoring_for(data.year, "", data))


@pytest.fixture(scope="module")
def data2020():
    return load_year(2020, processed=False)


@pytest.mark.slow  # nine figures drawn, then read back
def test_a_second_rendering_reuses_every_figure_byte_for_byte(cache_dir, data2020):
    charts = _charts(_analysed(data2020))
    first = {k: cache.chart_png(c) for k, c in charts.items()}
    assert sorted(cache.DRAWN) == sorted(charts) and cache.REUSED == []
    assert len(list((cache_dir / "figures").rglob("*.png"))) == len(charts)
    cache.DRAWN.clear()
    again = {k: cache.chart_png(c) for k, c in _charts(_analysed(data2020)).items()}
    assert cache.DRAWN == [] and sorted(cache.REUSED) == sorted(charts)
    assert again == first
    # what the cache returns is what drawing gives: a figure drawn now, without the cache, is the same PNG
    fig = charts["indicators"].draw()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    assert buffer.getvalue() == first["indicators"]
    assert Image.open(io.BytesIO(first["indicators"])).format == "PNG"


@pytest.mark.slow  # the figures drawn twice
@pytest.mark.parametrize(("row", "column", "value", "redrawn"), [
    # 整合视频监控数量's actual value: only the indicators chart shows it
    (2, "actual_value", 52000.0, ["indicators"]),
    # the line-count target's value (80; its text ≥80条 unchanged): only the line-count chart draws it
    (0, "target_value", 90.0, ["line_count"]),
])
def test_a_changed_cell_redraws_exactly_the_figures_that_show_it(cache_dir, data2020, row, column, value, redrawn):
    before = {k: cache.chart_png(c) for k, c in _charts(_analysed(data2020)).items()}
    cache.DRAWN.clear()
    changed = copy.deepcopy(data2020)
    changed.frames["indicators"].loc[row, column] = value
    after = {k: cache.chart_png(c) for k, c in _charts(_analysed(changed)).items()}
    assert sorted(cache.DRAWN) == redrawn
    assert sorted(cache.REUSED) == sorted(set(before) - set(redrawn))
    assert all(after[k] != before[k] for k in redrawn)


def test_a_changed_setting_is_a_new_key(cache_dir):
    import matplotlib

    chart = drawing("indicators", "indicators", pd.DataFrame(), source="s")
    key = cache.chart_key(chart, None)
    assert cache.chart_key(chart, 200) != key
    with matplotlib.rc_context({"lines.linewidth": 7.5}):
        assert cache.chart_key(chart, None) != key
    assert cache.chart_key(chart, None) == key


def test_the_key_covers_the_code_and_the_font(cache_dir, monkeypatch):
    chart = drawing("indicators", "indicators", pd.DataFrame(), source="s")
    key, code_version = cache.chart_key(chart, None), cache.code_version
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the code")
    assert cache.chart_key(chart, None) != key
    monkeypatch.setattr(cache, "code_version", code_version)
    assert cache.chart_key(chart, None) == key
    monkeypatch.setattr(cache, "font_digest", lambda: "another font")
    assert cache.chart_key(chart, None) != key


def test_the_code_version_changes_with_any_module(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 2\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    cache.code_version.cache_clear()
    try:
        first = cache.code_version()
        cache.code_version.cache_clear()
        (package / "sub" / "b.py").write_text("y = 3\n")
        assert cache.code_version() != first
    finally:
        cache.code_version.cache_clear()


def test_a_font_subset_is_made_once_per_set_of_characters(cache_dir, monkeypatch):
    from qdanalysis.present import webfont

    made = []
    subset = webfont.subset_woff
    monkeypatch.setattr(webfont, "subset_woff", lambda chars, font=None: made.append(chars) or subset(chars, font))
    first = cache.font_subset("绩效评价" + webfont.ASCII)
    second = cache.font_subset("绩效评价" + webfont.ASCII)
    other = cache.font_subset("预算执行" + webfont.ASCII)
    assert first == second and first != other and first.startswith(b"wOFF")
    assert len(made) == 2
    assert len(list((cache_dir / "fonts").rglob("*.woff"))) == 2


def test_an_unreadable_or_foreign_entry_is_made_again(cache_dir, data2020):
    chart = _charts(_analysed(data2020))["indicators"]
    png = cache.chart_png(chart)
    (entry,) = (cache_dir / "figures").rglob("*.png")
    entry.write_bytes(b"not a png")
    assert cache.chart_png(chart) == png
    assert entry.read_bytes() == png

"""What the tests of present/ share: a figure cache of the test's own, what blocks say as text, the trends
sections' reader of the demo years."""

from __future__ import annotations

import pytest

from qdanalysis.present import cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache of this test's own, and the record of what was drawn and reused emptied."""
    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "processed"))
    monkeypatch.setattr(cache, "DRAWN", [])
    monkeypatch.setattr(cache, "REUSED", [])
    return tmp_path / "processed" / "cache"


def _blocks_text(blocks) -> str:
    from qdanalysis.present.blocks import Paragraph, Table

    parts = []
    for b in blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text)
        elif isinstance(b, Table):
            parts.append(b.caption + "\n" + b.text_frame().to_csv(index=False) + b.layout.note)
    return "\n".join(parts)


@pytest.fixture(scope="session")
def blocks_text():
    """``blocks_text(blocks)``: what the blocks say, one a line: each paragraph's text, each table's caption, rows
    (CSV) and note."""
    return _blocks_text


@pytest.fixture(scope="session")
def years_report():
    """``years_report(analyses)``: what a trends section reads of these analysed demo years (示例数据): the
    analyses and the comparisons across them (none for fewer than two years)."""
    from types import SimpleNamespace

    from qdanalysis.analyse.trends import analyse_trends

    def make(analyses):
        return SimpleNamespace(analyses=analyses, demo=True,
                               trends=analyse_trends(analyses) if len(analyses) > 1 else None)

    return make

"""What the tests of present/ share: a figure cache of the test's own, what blocks say as text, what a trends
section reads of a report's years."""

from __future__ import annotations

import functools

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


class _YearsReport:
    """What a trends section reads of a trends report: its years' analyses, whether they are the demo's (示例数据),
    and the comparisons across them, made when first read (none for fewer than two years)."""

    def __init__(self, analyses, demo: bool = True):
        self.analyses, self.demo = analyses, demo

    @functools.cached_property
    def trends(self):
        from qdanalysis.analyse.trends import analyse_trends

        return analyse_trends(self.analyses) if len(self.analyses) > 1 else None


@pytest.fixture(scope="session")
def years_report():
    """``years_report(analyses, demo=True)``: what a trends section reads of these analysed years (see
    :class:`_YearsReport`); the years may be stand-ins that only a section's own reading needs (year, findings)."""
    return _YearsReport

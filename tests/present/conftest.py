"""What the tests of present/ share: a figure cache of the test's own."""

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

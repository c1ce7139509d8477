"""Fixtures shared by every test folder: a test session's own processed store, workbooks built by the test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The helper modules beside this file (workbooks, chart_checks, spreadsheetml, browser, mutants) are
# imported by plain name from every test folder.
sys.path.insert(0, str(Path(__file__).parent))

from workbooks import make_workbook


@pytest.fixture(autouse=True, scope="session")
def _own_processed_folder(tmp_path_factory):
    """In this process, ``ingest`` and ``load_year`` use a folder of the test session, not the
    working tree's ``data/processed``: a ``make report`` run before the tests must not let them
    read stored tables instead of parsing (and no test writes there)."""
    import qdanalysis.read.store

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(qdanalysis.read.store, "DATA_PROCESSED", tmp_path_factory.mktemp("processed"))
        yield


@pytest.fixture
def workbook(tmp_path):
    """Factory: ``workbook({"预算执行": rows}, merges=...)`` -> path of a new .xlsx."""
    counter = iter(range(10_000))

    def factory(sheets, merges=None, name=None):
        return make_workbook(tmp_path / (name or f"wb{next(counter)}.xlsx"), sheets, merges)

    return factory

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


# --- analyses shared across test folders (built once per session; tests read them, never change them) ---


@pytest.fixture(scope="session")
def analysis2020():
    """The shipped 2020 data analysed as the outputs analyse it (scored with params/scoring-2020.yaml)."""
    from qdanalysis.run.pipeline import analysed_year

    return analysed_year(2020)


#: The years of the illustrative data set the trends tests compare.
DEMO_YEARS = range(2018, 2023)


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory):
    """A folder holding the demo's years (示例数据, 2018-2022), generated once."""
    from qdanalysis.demo.generate import generate_demo

    root = tmp_path_factory.mktemp("trends-demo")
    generate_demo(root)
    return root


@pytest.fixture(scope="session")
def analyses(demo_root):
    """The demo's years, each loaded and analysed unscored, in order."""
    import qdanalysis
    from qdanalysis.analyse.engine import analyse

    return [analyse(qdanalysis.load_year(y, root=demo_root)) for y in DEMO_YEARS]

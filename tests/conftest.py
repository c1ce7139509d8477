"""Shared fixtures: small workbooks that the tests build themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent))


def make_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write ``sheets`` (name -> rows, row 1 first) to ``path``; ``merges`` lists ranges like ``B4:B6``."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = ws.cell(row=r, column=c, value=value)
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


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

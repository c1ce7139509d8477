"""Small workbooks that the tests build themselves, with openpyxl (importable from every test folder)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


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

"""Calamine's cell positioning replayed: where each cell lands, and the cells a reader would misread."""

from __future__ import annotations

import zipfile

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector
from qdanalysis.read.safety.replay import audit_cells, replay


def replayed(xlsx, cells: str):
    path = xlsx(cells)
    with zipfile.ZipFile(path) as zf:
        return replay(Inspector(path), zf, zf.getinfo("xl/worksheets/sheet1.xml"))


def test_cells_without_a_reference_follow_the_one_before_as_calamine_places_them(xlsx):
    out = replayed(xlsx, '<row r="2"><c r="B2"><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
                         '<row><c><f>1+1</f></c><c r="E9"/></row>')
    assert out.errors == [(1, 2, "#N/A"), (2, 0, UNCACHED_FORMULA)]
    # only a cell with a value widens the range: not the formula without one, nor the empty <c r="E9"/>
    assert (out.max_row, out.max_col) == (2, 3)
    assert out.malformed == []


@pytest.mark.parametrize("cell, kind", [
    ('<c r="A1" t="x"><v>1</v></c>', "type"),
    ('<c r="A1" t="s"><v>1.5</v></c>', "shared"),
    ('<c r="A1" t="b"><v>2</v></c>', "bool"),
    ('<c r="A1" t="inlineStr"><v>7</v></c>', "inline"),
    ('<c r="1A"><v>1</v></c>', "ref"),
])
def test_a_cell_a_reader_would_misread_is_listed(xlsx, cell, kind):
    [(row0, col0, found, _)] = replayed(xlsx, f'<row r="1">{cell}</row>').malformed
    assert (row0, col0, found) == (0, 0, kind)


def test_the_audit_refuses_each_misread_cell_by_its_place(xlsx):
    path = xlsx('<row r="3"><c r="B3" t="b"><v>yes</v></c><c r="C3" t="s"><v> </v></c></row>')
    with pytest.raises(ValidationError) as err:
        audit_cells(Inspector(path))
    bool_cell, shared = err.value.problems
    assert (bool_cell.sheet, bool_cell.row, bool_cell.column) == ("预算执行", 3, "B列")
    assert bool_cell.message == "单元格B3标为逻辑值（TRUE/FALSE），却保存了「yes」"
    assert shared.message == "单元格C3是共享字符串，却没有保存编号"
    audit_cells(Inspector(xlsx()))  # a sound sheet passes

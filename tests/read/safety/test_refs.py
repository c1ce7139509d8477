"""A1 references: column letters both ways, and ranges as a workbook writes them."""

from __future__ import annotations

import pytest

from qdanalysis.read.safety import refs
from qdanalysis.read.safety.limits import EXCEL_COLS, EXCEL_ROWS


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"),
                                            (16383, "XFD")])
def test_column_letters_and_back(index, letters):
    assert refs.column_letter(index) == letters
    assert refs.column_index(letters.encode()) == index
    assert refs.column_index(letters.lower().encode()) == index


def test_a_negative_column_is_refused():
    with pytest.raises(ValueError, match="column index must be >= 0, got -1"):
        refs.column_letter(-1)


@pytest.mark.parametrize("ref, box", [
    (b"A1:P1048576", (1, 1, 1048576, 16)), (b"$B$2", (2, 2, 2, 2)), (b"C5:A1", (1, 1, 5, 3)),
    (b"A:C", (1, 1, EXCEL_ROWS, 3)), (b"3:5", (3, 1, 5, EXCEL_COLS)), (b" D4 ", (4, 4, 4, 4)),
])
def test_the_box_of_a_range(ref, box):
    assert refs.range_box(ref) == box


@pytest.mark.parametrize("ref", [b"", b"A", b"7", b"A1:B2:C3", b"A1-B2", b"ABCDEFGHIJKLMN1"])
def test_an_unreadable_range_has_no_box(ref):
    assert refs.range_box(ref) is None


def test_a_cell_reference_gives_its_letters_and_row():
    assert refs.REF.fullmatch(b"$AB$12").groups() == (b"AB", b"12")

"""A workbook's zip: parts streamed in bounded pieces, and which part holds which sheet."""

from __future__ import annotations

import zipfile

from workbooks import make_workbook

from qdanalysis.read.safety import zipread


def test_a_part_is_read_in_pieces_of_at_most_a_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(zipread, "CHUNK", 1000)
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b"x" * 2500)
    with zipfile.ZipFile(path) as zf:
        pieces = list(zipread.chunks(zf, zf.getinfo("big.xml")))
    assert [len(p) for p in pieces] == [1000, 1000, 500] and b"".join(pieces) == b"x" * 2500


def test_the_shared_strings_part_is_known_by_its_name_in_any_case():
    assert zipread.is_shared_strings_name("xl/sharedStrings.xml")
    assert zipread.is_shared_strings_name("xl/SHAREDSTRINGS.XML") and not zipread.is_shared_strings_name("xl/styles.xml")


def test_sheet_names_and_their_parts(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {"预算执行": [["a"]], "合同台账": [["b"]]})
    with zipfile.ZipFile(path) as zf:
        parts = zipread.sheet_parts(zf)
        assert parts == {"预算执行": "xl/worksheets/sheet1.xml", "合同台账": "xl/worksheets/sheet2.xml"}
        assert zipread.sheet_name(zf, "xl/worksheets/sheet2.xml") == "合同台账"
        assert zipread.sheet_name(zf, "xl/worksheets/sheet9.xml") == "xl/worksheets/sheet9.xml"


def test_a_zip_without_a_workbook_has_no_sheet_names(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with zipfile.ZipFile(path) as zf:
        assert zipread.sheet_parts(zf) == {}

"""A workbook's zip: parts streamed in bounded pieces, and which part holds which sheet."""

from __future__ import annotations

import threading
import zipfile

import pytest
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


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "qdanalysis-read-ahead"]


def _big_part(path, data: bytes, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("big.xml", data)
    return path


def test_a_large_part_is_read_ahead_in_the_same_pieces_and_the_helper_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(zipread, "CHUNK", 1000)
    monkeypatch.setattr(zipread, "READ_AHEAD_MIN", 2000)
    data = bytes(range(256)) * 40  # 10,240 bytes: eleven pieces
    path = _big_part(tmp_path / "a.zip", data)
    with zipfile.ZipFile(path) as zf, zf.open("big.xml") as fp, zipread.pieces(fp, len(data)) as read:
        assert len(_helpers()) == 1  # the helper thread decompresses ahead
        got = list(iter(read, b""))
        assert read() == b""  # the end stays the end
    assert [len(p) for p in got] == [1000] * 10 + [240] and b"".join(got) == data
    assert _helpers() == []


def test_a_small_part_is_read_without_a_helper(tmp_path, monkeypatch):
    monkeypatch.setattr(zipread, "CHUNK", 1000)
    path = _big_part(tmp_path / "a.zip", b"y" * 2500)
    with zipfile.ZipFile(path) as zf, zf.open("big.xml") as fp, zipread.pieces(fp, 2500) as read:
        assert _helpers() == [] and [len(p) for p in iter(read, b"")] == [1000, 1000, 500]


def test_the_helper_stops_when_the_reader_stops_early(tmp_path, monkeypatch):
    monkeypatch.setattr(zipread, "CHUNK", 1000)
    monkeypatch.setattr(zipread, "READ_AHEAD_MIN", 2000)
    path = _big_part(tmp_path / "a.zip", b"z" * 50_000)
    with pytest.raises(RuntimeError, match="refused"):  # a refusal after the first piece, the queue full behind it
        with zipfile.ZipFile(path) as zf, zf.open("big.xml") as fp, zipread.pieces(fp, 50_000) as read:
            assert read() == b"z" * 1000
            raise RuntimeError("refused")
    assert _helpers() == []


def test_an_error_of_the_zip_reader_is_raised_by_read_at_its_place(tmp_path, monkeypatch):
    monkeypatch.setattr(zipread, "CHUNK", 1000)
    monkeypatch.setattr(zipread, "READ_AHEAD_MIN", 2000)
    data = b"w" * 5000
    path = _big_part(tmp_path / "a.zip", data, zipfile.ZIP_STORED)
    raw = bytearray(path.read_bytes())
    at = raw.index(data)
    raw[at + 4000] ^= 1  # the last piece no longer matches the CRC
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf, zf.open("big.xml") as fp, zipread.pieces(fp, len(data)) as read:
        assert [len(read()) for _ in range(4)] == [1000] * 4
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            read()
        assert read() == b""
    assert _helpers() == []

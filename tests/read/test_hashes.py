"""Tests for qdanalysis.read.hashes: the SHA-256 of source files, without pandas."""

from __future__ import annotations

from qdanalysis.read.hashes import sha256, source_hashes


def test_sha256_is_the_files_digest(tmp_path):
    f = tmp_path / "预算.xlsx"
    f.write_bytes(b"abc")
    assert sha256(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_folder_lists_every_file_below_it_but_hidden_and_lock_files(tmp_path):
    (tmp_path / "短信").mkdir()
    (tmp_path / "短信" / "2020-01.csv").write_bytes(b"x" * 5)
    (tmp_path / "预算.xlsx").write_bytes(b"abc")
    (tmp_path / "~$预算.xlsx").write_bytes(b"lock")  # Excel's lock file while the workbook is open
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x").write_bytes(b"y")

    hashes = source_hashes(tmp_path)

    assert [(h["file"], h["bytes"]) for h in hashes] == [("短信/2020-01.csv", 5), ("预算.xlsx", 3)]
    assert hashes[1]["sha256"] == sha256(tmp_path / "预算.xlsx")


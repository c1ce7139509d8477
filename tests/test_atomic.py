"""Writing outputs whole or not at all, never under data/raw/."""

from __future__ import annotations

import os
import threading

import pytest

from qdanalysis.atomic import (
    RawDataWriteError,
    atomic_path,
    create_file,
    locked,
    new_folder,
    write_bytes,
    write_text,
)
from qdanalysis.paths import DATA_RAW


def test_a_file_appears_only_when_it_is_written_whole(tmp_path):
    target = tmp_path / "out" / "report.html"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp.name.startswith(".report.html.") and tmp.suffix == ".html"
        tmp.write_text("新", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "新" and os.listdir(target.parent) == ["report.html"]


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_one(tmp_path):
    target = write_text(tmp_path / "a.txt", "旧")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("半", encoding="utf-8")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "旧" and os.listdir(tmp_path) == ["a.txt"]


def test_outputs_get_the_usual_mode_not_mkstemps_private_one(tmp_path):
    path = write_bytes(tmp_path / "a.bin", b"\x00")
    assert path.read_bytes() == b"\x00"
    umask = os.umask(0)
    os.umask(umask)
    assert (path.stat().st_mode & 0o777) == 0o666 & ~umask


@pytest.mark.parametrize("target", [DATA_RAW / "x.xlsx", DATA_RAW, DATA_RAW / "2020" / "y.txt"])
def test_nothing_is_written_under_data_raw(target):
    with pytest.raises(RawDataWriteError, match="不能写入 data/raw/（原始数据只读）"):
        write_text(target, "x")
    with pytest.raises(RawDataWriteError):
        create_file(target, b"x")
    with pytest.raises(RawDataWriteError), locked(target):
        pass
    assert not (DATA_RAW / "x.xlsx").exists() and not (DATA_RAW / "2020" / "y.txt").exists()


def test_create_file_never_replaces_a_file(tmp_path):
    path = create_file(tmp_path / "new" / "a.yaml", b"year: 2021\n")
    assert path.read_bytes() == b"year: 2021\n"
    with pytest.raises(FileExistsError):
        create_file(path, b"other")
    assert path.read_bytes() == b"year: 2021\n" and os.listdir(path.parent) == ["a.yaml"]


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path):
    with new_folder(tmp_path / "2021") as tmp:
        (tmp / "a.xlsx").write_bytes(b"x")
        assert not (tmp_path / "2021").exists()
    assert (tmp_path / "2021" / "a.xlsx").read_bytes() == b"x"
    with pytest.raises(FileExistsError):
        with new_folder(tmp_path / "2021"):
            pass
    with pytest.raises(RuntimeError), new_folder(tmp_path / "2022") as tmp:
        (tmp / "half.xlsx").write_bytes(b"x")
        raise RuntimeError("failed half way")
    assert sorted(os.listdir(tmp_path)) == ["2021"]


def test_a_lock_lets_one_writer_in_at_a_time(tmp_path):
    lock = tmp_path / "store" / ".lock"
    order = []

    def second():
        with locked(lock):
            order.append("second")

    with locked(lock):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]

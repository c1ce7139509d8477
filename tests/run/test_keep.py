"""run.keep: a file the tool wrote and the evaluator edited is never replaced silently."""

from __future__ import annotations

import datetime as dt

import pytest

from qdanalysis.run import keep
from qdanalysis.run.keep import ChangedFileError


def _written(tmp_path, data=b"draft v1"):
    path = tmp_path / "2020" / "2020年绩效评价报告（初稿）.docx"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    keep.remember(path)
    return path


def test_a_file_as_the_tool_wrote_it_may_be_replaced(tmp_path):
    path = _written(tmp_path)
    assert not keep.changed(path)
    keep.check(path, force=False)  # no error
    assert keep.back_up(path) is None
    assert (tmp_path / ".runs" / "2020" / f"{path.name}.sha256").is_file()  # kept out of the report folder


def test_a_missing_file_is_not_changed(tmp_path):
    assert not keep.changed(tmp_path / "2020" / "absent.docx")


def test_an_edited_file_is_refused_with_the_way_out(tmp_path):
    path = _written(tmp_path)
    path.write_bytes(b"draft v1 with the evaluator's edits")

    with pytest.raises(ChangedFileError) as info:
        keep.check(path, force=False)

    text = str(info.value)
    assert "在上次生成之后已被修改" in text and "未覆盖" in text and "--force" in text
    assert "（备份 " in text and info.value.path == path
    keep.check(path, force=True)  # allowed: the caller backs it up


def test_a_file_the_tool_did_not_write_counts_as_changed(tmp_path):
    path = tmp_path / "2020" / "初稿.docx"
    path.parent.mkdir()
    path.write_bytes(b"an older draft, no fingerprint")
    assert keep.changed(path)


def test_the_backup_is_dated_and_never_overwrites_another(tmp_path):
    path = _written(tmp_path)
    path.write_bytes(b"edited")

    first = keep.back_up(path)
    second = keep.back_up(path)

    assert first.read_bytes() == b"edited" and second.read_bytes() == b"edited" and first != second
    today = dt.date.today().isoformat()
    assert first.name.startswith(f"2020年绩效评价报告（初稿）（备份 {today} ") and first.suffix == ".docx"
    assert path.read_bytes() == b"edited"  # the original is left for the caller to replace


def test_backup_name():
    path = keep.Path("r/2020/初稿.docx")
    assert keep.backup_name(path, dt.datetime(2021, 3, 5, 14, 20)).name == "初稿（备份 2021-03-05 1420）.docx"

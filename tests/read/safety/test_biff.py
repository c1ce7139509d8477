"""Tests for qdanalysis.read.safety.biff: Excel 97-2003 (.xls) and WPS .et workbooks are read with the xlsx limits.

The workbooks are the committed fixtures of ``tests/fixtures/`` (see its README); every damaged one is
made from them here, by patching one record of the ``Workbook`` stream.
"""

from __future__ import annotations

import ast
import re
import shutil
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.paths import DATA_RAW, PROJECT_ROOT
from qdanalysis.read import xlsx
from qdanalysis.read.safety.biff import MAX_XLS_BYTES
from qdanalysis.read.xlsx import read_workbook
from qdanalysis.read.year import load_year

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
XLS_2020 = FIXTURES / "2020年专项业务费.xls"
XLSX_2020 = DATA_RAW / "2020" / "2020年专项业务费.xlsx"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refusal(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_workbook(path)
    (problem,) = info.value.problems
    assert problem.file.endswith(path.name) and CHINESE.search(problem.message) and CHINESE.search(problem.hint)
    return info.value


def patched(tmp_path: Path, record: bytes, change, name: str = "预算.xls", occurrence: int = 0) -> Path:
    """The 2020 fixture with the ``occurrence``-th record starting with ``record`` (type and length) changed.

    The fixture's Workbook stream is contiguous in the file (LibreOffice writes it so), so a record
    is found and patched in the file's bytes; ``change(body) -> body`` keeps its length.
    """
    data = bytearray(XLS_2020.read_bytes())
    at = -1
    for _ in range(occurrence + 1):
        at = data.index(record, at + 1)
    length = struct.unpack_from("<H", data, at + 2)[0]
    body = change(bytes(data[at + 4:at + 4 + length]))
    assert len(body) == length
    data[at + 4:at + 4 + length] = body
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def test_an_xls_reads_as_the_xlsx_it_was_saved_from():
    old, new = read_workbook(XLSX_2020), read_workbook(XLS_2020)

    assert [s.name for s in new] == [s.name for s in old]
    for a, b in zip(old, new):
        assert b.rows == a.rows, a.name
        assert sorted(b.merged) == sorted(a.merged), a.name
        assert b.errors == a.errors == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["2020年专项业务费.xls", "2020年专项业务费.et", "2020年专项业务费.xlsx"])
def test_a_year_folder_of_xls_or_et_loads_the_same_year(tmp_path, name):
    """WPS saves .et in the Excel 97-2003 format; a file named .xlsx that is one is read by its content."""
    (tmp_path / "2020").mkdir()
    shutil.copy(XLS_2020, tmp_path / "2020" / name)

    ours, shipped = load_year(2020, tmp_path, processed=False), load_year(2020, processed=False)

    assert [f.name for f in ours.files] == [name]
    assert ours.totals == shipped.totals and ours.undisclosed == shipped.undisclosed
    for table in ("budget", "contracts", "lines", "sms", "indicators"):
        pd.testing.assert_frame_equal(ours.frames[table].drop(columns="src_file", errors="ignore"),
                                      shipped.frames[table].drop(columns="src_file", errors="ignore"))
    assert ours.skipped == []


def test_error_values_of_an_xls_are_listed_not_read_as_blanks():
    (sheet,) = read_workbook(FIXTURES / "错误值.xls")

    assert sheet.rows == [[1, None, None, "文字"], [True, None, None, None]]
    assert sheet.errors == [(0, 1, "#DIV/0!"), (0, 2, "#N/A")]


def test_an_encrypted_xls_is_refused_with_how_to_remove_the_password(tmp_path):
    # The record after the globals' BOF becomes FILEPASS (0x002F): what Excel writes for an open password.
    data = bytearray(XLS_2020.read_bytes())
    bof = data.index(struct.pack("<HHHH", 0x0809, 16, 0x0600, 0x0005))
    struct.pack_into("<H", data, bof + 20, 0x002F)
    path = tmp_path / "加密.xls"
    path.write_bytes(bytes(data))

    err = refusal(path)
    assert "工作簿设有打开密码" in err.problems[0].message and "取消密码" in err.problems[0].hint


def test_a_truncated_xls_is_refused_as_damaged(tmp_path):
    path = tmp_path / "截断.xls"
    path.write_bytes(XLS_2020.read_bytes()[:20_000])

    err = refusal(path)
    assert "文件已损坏或不完整" in err.problems[0].message and "重新导出" in err.problems[0].hint


def test_a_cell_beyond_column_iv_is_refused_before_calamine_opens_the_file(tmp_path, monkeypatch):
    path = patched(tmp_path, struct.pack("<HH", 0x00FD, 10), lambda b: b[:2] + struct.pack("<H", 16_000) + b[4:])

    def explode(*args, **kwargs):
        raise AssertionError("calamine was opened")

    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_filelike", explode)
    monkeypatch.setattr(xlsx.python_calamine.CalamineWorkbook, "from_path", explode)
    err = refusal(path)
    assert "16001列" in err.problems[0].message and "256列" in err.problems[0].message


def test_declared_dimensions_beyond_the_limits_are_refused(tmp_path):
    path = patched(tmp_path, struct.pack("<HH", 0x0200, 14),
                   lambda b: struct.pack("<II", 0, 0x7FFFFFFF) + b[8:])

    assert "声明的区域异常" in refusal(path).problems[0].message


def test_a_forged_shared_string_count_is_refused(tmp_path):
    data = XLS_2020.read_bytes()
    at = data.index(struct.pack("<H", 0x00FC))
    while struct.unpack_from("<H", data, at + 2)[0] < 8:  # the SST record, not a stray 0xFC byte pair
        at = data.index(struct.pack("<H", 0x00FC), at + 1)
    path = patched(tmp_path, data[at:at + 4], lambda b: b[:4] + struct.pack("<I", 50_000_000) + b[8:])

    assert "共享字符串表声明了50000000个字符串" in refusal(path).problems[0].message


def test_a_shared_string_index_beyond_the_table_names_the_cell(tmp_path):
    path = patched(tmp_path, struct.pack("<HH", 0x00FD, 10), lambda b: b[:6] + struct.pack("<I", 99_999))

    message = refusal(path).problems[0].message
    assert "工作表“预算执行”单元格A1" in message and "第100000个共享字符串" in message


@pytest.mark.slow
def test_an_oversized_xls_is_refused_by_its_size(tmp_path):
    path = tmp_path / "巨大.xls"
    with open(path, "wb") as fh:
        fh.write(XLS_2020.read_bytes())
        fh.truncate(MAX_XLS_BYTES + 1)  # sparse: no disk is used

    assert "Excel 97-2003 工作簿过大" in refusal(path).problems[0].message


def test_a_zip_named_xls_is_refused_as_what_it_is(tmp_path):
    path = tmp_path / "预算.xls"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("说明.txt", "不是工作簿")

    err = refusal(path)
    assert "看起来是" in err.problems[0].message and "另存为" in err.problems[0].hint


FUZZ = '''
import random, struct, sys
from pathlib import Path
from qdanalysis.errors import ValidationError
from qdanalysis.read.xlsx import read_workbook

base = Path(sys.argv[1]).read_bytes()
out = Path(sys.argv[2])
pos = base.index(struct.pack("<HHHH", 0x0809, 16, 0x0600, 0x0005))
records = []
while pos + 4 <= len(base) and base[pos:pos + 4] != bytes(4):
    length = struct.unpack_from("<H", base, pos + 2)[0]
    records.append((pos, length))
    pos += 4 + length
outcomes = {"read": 0, "refused": 0}
for seed in range(int(sys.argv[3]), int(sys.argv[3]) + int(sys.argv[4])):
    rng, data = random.Random(seed), bytearray(base)
    for _ in range(rng.choice([1, 1, 2, 3])):  # a field of a record: header or body, 2 or 4 bytes
        at, length = rng.choice(records)
        at += rng.randrange(0, 4 + max(length - 1, 0))
        value = rng.choice([0, 1, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0xFFFFFFFF, rng.randrange(1 << 32)])
        if rng.random() < 0.5 and at + 4 <= len(data):
            struct.pack_into("<I", data, at, value)
        elif at + 2 <= len(data):
            struct.pack_into("<H", data, at, value & 0xFFFF)
    out.write_bytes(bytes(data))
    try:
        read_workbook(out)
        outcomes["read"] += 1
    except ValidationError:
        outcomes["refused"] += 1
print(outcomes)
'''


@pytest.mark.slow
def test_mutated_records_are_read_or_refused_never_a_crash(tmp_path):
    """Each mutant overwrites fields of the fixture's BIFF records with edge values (seeded). Run in a
    child process: a reader that aborts (a failed allocation, a Rust abort) must fail this test, not
    end the test run. Seeds 600-999 hold one (673) that aborted the process, allocating 2.9 TB, before
    the DIMENSIONS check refused a first row past the last."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FUZZ, str(XLS_2020), str(tmp_path / "变异.xls"), "600", "400"],
                          capture_output=True, text=True, timeout=600, env={"RUST_BACKTRACE": "0", "PATH": ""})

    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert outcomes["read"] + outcomes["refused"] == 400 and outcomes["refused"] > 0 and outcomes["read"] > 0

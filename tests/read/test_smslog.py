"""The SMS platform's message log (明细文件): reading, aggregating, refusing, and the SMS loader hook."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from limited_runs import room_after
from workbooks import make_workbook

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.errors import display_path
from qdanalysis.read import smslog
from qdanalysis.read.parsing import CellError

HEADER = "发送时间,部门,条数\n"


def write_csv(path: Path, lines: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((header + "".join(line + "\n" for line in lines)).encode(encoding))
    return path


def as_dict(agg: pd.DataFrame) -> dict[tuple[str, str | None], int]:
    return {(f"{m:%Y-%m}", d): int(c) for m, d, c in zip(agg["month"], agg["department"], agg["count"])}


# --------------------------------------------------------------------------- aggregates


def test_csv_aggregates_month_by_department(tmp_path):
    log = write_csv(tmp_path / "log.csv", [
        "2020-01-01 00:00:01,办公厅,1",
        "2020-01-31 23:59:59,办公厅,2",
        "2020-01-15 08:00:00, 财政局 ,1",  # spaces around a name do not make a new department
        "2020-01-16 08:00:00,财政局,3",
        "2020-02-01 00:00:00,办公厅,1",
    ])
    agg = smslog.read_log(log, year=2020)
    assert as_dict(agg) == {("2020-01", "办公厅"): 3, ("2020-01", "财政局"): 4, ("2020-02", "办公厅"): 1}
    assert list(agg.columns) == ["month", "department", "count"]
    assert agg["month"].dtype == "datetime64[ns]" and agg["count"].dtype == "int64"


def test_one_row_per_message_without_count_or_department(tmp_path):
    log = write_csv(tmp_path / "log.csv", ["2020-03-01 10:00:00", "2020-03-02 10:00:00", "2020-04-01"],
                    header="发送时间\n")
    assert as_dict(smslog.read_log(log)) == {("2020-03", None): 2, ("2020-04", None): 1}


@pytest.mark.parametrize("stamp", [
    "2020-01-05 08:30:00", "2020-01-05T08:30:00", "2020-01-05", "2020-01-05 08:30", "2020/1/5 8:30",
    "2020/01/05 08:30:00", "2020年1月5日", "2020-01-05 08:30:00.250", "2020.1.5",
])
def test_timestamp_formats(tmp_path, stamp):
    log = write_csv(tmp_path / "log.csv", [f"{stamp},办公厅,2", "2020-02-01 00:00:00,办公厅,1"])
    assert as_dict(smslog.read_log(log, year=2020)) == {("2020-01", "办公厅"): 2, ("2020-02", "办公厅"): 1}


def test_gb18030_csv(tmp_path):
    log = write_csv(tmp_path / "log.csv", ["2020-01-01 00:00:01,卫健委,1"], encoding="gb18030")
    assert as_dict(smslog.read_log(log)) == {("2020-01", "卫健委"): 1}


def test_parquet_typed_and_text(tmp_path):
    typed = tmp_path / "typed.parquet"
    stamps = pa.array([dt.datetime(2020, 1, 1, 8), dt.datetime(2020, 1, 2), dt.datetime(2020, 12, 31, 23, 59)],
                      pa.timestamp("us"))
    dept = pa.array(["公安局", "公安局", "教育局"]).dictionary_encode()
    pq.write_table(pa.table({"发送时间": stamps, "发送部门": dept}), typed)
    expected = {("2020-01", "公安局"): 2, ("2020-12", "教育局"): 1}
    assert as_dict(smslog.read_log(typed, year=2020)) == expected

    text = tmp_path / "text.parquet"
    pq.write_table(pa.table({"时间": ["2020-01-01 08:00:00", "2020/1/2", "2020-12-31 23:59:00"],
                             "部门": ["公安局", "公安局", "教育局"], "计费条数": [1.0, 1.0, 1.0]}), text)
    assert as_dict(smslog.read_log(text, year=2020)) == expected


def test_csv_and_parquet_agree(tmp_path):
    lines = [f"2020-{m:02d}-{d:02d} 12:00:00,{dep},{1 + (m * d) % 3}"
             for m in range(1, 13) for d in (1, 15, 28) for dep in ("办公厅", "财政局")]
    csv_agg = smslog.read_log(write_csv(tmp_path / "log.csv", lines))
    frame = pd.read_csv(tmp_path / "log.csv")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "log.parquet")
    pd.testing.assert_frame_equal(csv_agg, smslog.read_log(tmp_path / "log.parquet"))
    assert csv_agg["count"].sum() == frame["条数"].sum()


def test_csv_logs_are_read_leaving_the_room_they_found_under_an_address_space_limit(tmp_path):
    # pyarrow's default pool (mimalloc) reserves 1 GiB of address space at its first allocation: under a limit
    # (ulimit -v, some Airflow workers) the workbook's readers after the log would find no room. (A parquet log
    # still takes it: pyarrow's parquet reader allocates from the default pool, see read_log.)
    lines = [f"2020-{m:02d}-{d:02d} 12:00:00,{dep},{1 + (m * d) % 3}"
             for m in range(1, 13) for d in (1, 15, 28) for dep in ("卫健委", "财政局")]
    gb18030 = write_csv(tmp_path / "gb18030.csv", lines, encoding="gb18030")  # typed times, 条数 summed
    text = write_csv(tmp_path / "text.csv", ["2020/1/2 8:30,公安局", "2020年3月1日,公安局", "2020-03-05 09:00,教育局"],
                     header="发送时间,部门\n")  # times as text, a message a row
    logs = [gb18030, text]
    call = f"[smslog.read_log(log, year=2020) for log in {list(map(str, logs))!r}]"
    shown, grown, room = room_after("from qdanalysis.read import smslog", call, cwd=tmp_path,
                                    show="[agg.to_dict('list') for agg in value]")
    assert shown == str([smslog.read_log(log, year=2020).to_dict("list") for log in logs])
    assert room, f"reading the logs grew the address space by {grown >> 20} MiB"


@pytest.mark.parametrize("counts, price, expected", [
    ([1], Decimal("0.065"), [Decimal("0.07")]),  # half up, not half even
    ([3], Decimal("0.065"), [Decimal("0.20")]),  # 0.195 rounded once per group, not 3 × 0.07
    ([6_000_000], Decimal("0.065"), [Decimal("390000.00")]),
    ([2, 0], Decimal("0.0655"), [Decimal("0.13"), Decimal("0.00")]),
    ([5], None, [None]),
])
def test_group_amounts(counts, price, expected):
    assert smslog.group_amounts(counts, price) == expected


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("line, column, words", [
    ("2020-02-30 08:00:00,办公厅,1", "发送时间", "2020-02-30"),
    ("2020-13-01,办公厅,1", "发送时间", "无法识别"),
    ("昨天,办公厅,1", "发送时间", "昨天"),
    (",办公厅,1", "发送时间", "为空"),
    ("2019-12-31 23:59:59,办公厅,1", "发送时间", "不在2020年内"),
    ("2020-01-02 00:00:00,办公厅,-1", "条数", "负数"),
    ("2020-01-02 00:00:00,办公厅,两条", "条数", "两条"),
    ("2020-01-02 00:00:00,办公厅,1.5", "条数", "1.5"),
    ("2020-01-02 00:00:00,办公厅,", "条数", "为空"),
    ("2020-01-02 00:00:00,,1", "部门", "为空"),
    ("2020-01-02 00:00:00,  ,1", "部门", "为空"),
    ("\x1b[2J2020-01-02,办公厅,1", "发送时间", "\u241b[2J"),  # a control character is shown, not sent
])
def test_bad_rows_are_named(tmp_path, line, column, words):
    log = write_csv(tmp_path / "log.csv", ["2020-01-01 00:00:01,办公厅,1", line, "2020-01-03 00:00:01,财政局,1"])
    err = pytest.raises(ValidationError, smslog.read_log, log, year=2020).value
    assert len(err.problems) == 1
    problem = err.problems[0]
    assert problem.file == display_path(log)
    assert problem.row == 3  # the header is line 1
    assert problem.column == column
    assert words in problem.message


def test_every_bad_row_is_reported_up_to_a_limit(tmp_path):
    lines = [f"2020-01-{1 + i % 28:02d} 00:00:00,办公厅,1" if i % 2 else "无效,办公厅,1" for i in range(60)]
    err = pytest.raises(ValidationError, smslog.read_log, write_csv(tmp_path / "log.csv", lines)).value
    listed = [p for p in err.problems if p.row is not None]
    assert [p.row for p in listed] == list(range(2, 2 + 2 * smslog.MAX_LISTED, 2))
    assert "共 30 行" in err.problems[-1].message


def test_parquet_rows_are_records(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"发送时间": ["2020-01-01", "2020-02-31"], "条数": [1, 1]}), path)
    problem = pytest.raises(ValidationError, smslog.read_log, path).value.problems[0]
    assert (problem.row, problem.column) == (2, "发送时间")


@pytest.mark.parametrize("content, words", [
    ("部门,条数\n办公厅,1\n", "缺少「发送时间」列"),
    ("发送时间,时间\n2020-01-01,2020-01-01\n", "两列都表示发送时间"),
    ("发送时间,部门\n", "没有任何记录"),
    ("", "空的"),
    ('发送时间,部门\n2020-01-01,办公厅,多余\n', "格式有误"),
])
def test_bad_files(tmp_path, content, words):
    log = tmp_path / "log.csv"
    log.write_text(content, encoding="utf-8")
    err = pytest.raises(ValidationError, smslog.read_log, log).value
    assert err.problems[0].file == display_path(log)
    assert words in err.problems[0].message


@pytest.mark.parametrize("content", [
    "发送时间,部门\n2020-01-01,办公厅\n".encode("utf-16"),  # neither UTF-8 nor GB18030 from its first bytes
    # GB18030 in the part the header's check reads (64 KB), a byte no GB18030 text has after it
    "发送时间,部门\n".encode("gb18030") + "2020-01-01 08:00:00,卫健委\n".encode("gb18030") * 3000 + b"2020-01-02,\x81\x20\n",
])
def test_an_encoding_neither_utf8_nor_gb18030_is_refused(tmp_path, content):
    log = tmp_path / "log.csv"
    log.write_bytes(content)
    err = pytest.raises(ValidationError, smslog.read_log, log).value
    assert [(p.file, p.row, p.column, p.message, p.hint) for p in err.problems] == [
        (display_path(log), None, "", "明细文件的编码无法识别（不是 UTF-8 或 GBK/GB18030）",
         "请用 Excel 或记事本另存为 UTF-8 编码的 CSV")]


def test_month_and_department_of_the_sheet_row(tmp_path):
    log = write_csv(tmp_path / "log.csv", ["2020-01-05,办公厅,1", "2020-02-05,办公厅,1", "2020-01-06,财政局,1"])
    err = pytest.raises(ValidationError, smslog.read_log, log, month=dt.date(2020, 1, 1)).value
    assert [(p.row, p.column) for p in err.problems] == [(3, "发送时间")]
    err = pytest.raises(ValidationError, smslog.read_log, log, department="办公厅").value
    assert [(p.row, p.column) for p in err.problems] == [(4, "部门")] and "财政局" in err.problems[0].message
    only_jan = write_csv(tmp_path / "jan.csv", ["2020-01-05", "2020-01-09"], header="发送时间\n")
    assert as_dict(smslog.read_log(only_jan, month=dt.date(2020, 1, 1), department="办公厅")) == {
        ("2020-01", "办公厅"): 2}


# --------------------------------------------------------------------------- the path


@pytest.fixture
def data_folder(tmp_path):
    folder = tmp_path / "raw" / "2020"
    write_csv(folder / "明细" / "log.csv", ["2020-01-01,办公厅,1"])
    write_csv(tmp_path / "raw" / "outside.csv", ["2020-01-01,办公厅,1"])
    (folder / "log.txt").write_text("x", encoding="utf-8")
    return folder


def test_resolve_log_path(data_folder):
    assert smslog.resolve_log_path("明细/log.csv", data_folder) == (data_folder / "明细" / "log.csv").resolve()
    assert smslog.resolve_log_path("明细\\log.csv", data_folder) == (data_folder / "明细" / "log.csv").resolve()
    assert smslog.resolve_log_path("./明细/../明细/log.csv", data_folder).name == "log.csv"


@pytest.mark.parametrize("value, words", [
    ("../outside.csv", "不在数据文件夹"),
    ("明细/../../outside.csv", "不在数据文件夹"),
    ("/etc/passwd", "绝对路径"),
    ("C:\\logs\\log.csv", "绝对路径"),
    ("\\\\server\\share\\log.csv", "绝对路径"),
    ("明细/nothing.csv", "不存在"),
    ("明细", "文件夹"),
    ("log.txt", "不受支持"),
    ("  ", "为空"),
])
def test_resolve_log_path_refusals(data_folder, value, words):
    with pytest.raises(CellError, match=words):
        smslog.resolve_log_path(value, data_folder)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlink_out_of_the_folder_is_refused(data_folder):
    (data_folder / "link.csv").symlink_to(data_folder.parent / "outside.csv")
    with pytest.raises(CellError, match="不在数据文件夹"):
        smslog.resolve_log_path("link.csv", data_folder)


# --------------------------------------------------------------------------- the SMS loader

SMS_HEAD = ["月份", "部门", "条数", "单价", "金额", "明细文件"]


def sms_workbook(folder: Path, *rows: list) -> Path:
    return make_workbook(folder / "短信.xlsx", {"短信结算": [["单位：元"], SMS_HEAD, *rows]})


def test_loader_replaces_the_row_by_the_aggregate(tmp_path):
    folder = tmp_path / "2020"
    write_csv(folder / "明细" / "2020.csv", ["2020-01-01 08:00:00,办公厅,2", "2020-01-09 08:00:00,办公厅,1",
                                             "2020-02-01 08:00:00,财政局,1"])
    wb = sms_workbook(folder, ["2020年3月", "公安局", 100, "0.065元/条", 6.5, None],
                      [None, None, None, "0.065元/条", None, "明细/2020.csv"])
    sms = qdanalysis.load_sms(wb, year=2020)
    assert [(f"{m:%Y-%m}", d, c) for m, d, c in zip(sms["month"], sms["department"], sms["count"])] == [
        ("2020-03", "公安局", 100), ("2020-01", "办公厅", 3), ("2020-02", "财政局", 1)]
    assert list(sms["amount"]) == [Decimal("6.50"), Decimal("0.20"), Decimal("0.07")]
    assert list(sms["unit_price"].iloc[1:]) == [Decimal("0.065")] * 2
    assert list(sms["log_file"]) == [None, "明细/2020.csv", "明细/2020.csv"]
    assert list(sms["src_row"]) == [3, 4, 4]
    # the sheet settled March; January and February are the log's count × price
    assert list(sms["amount_basis"]) == ["结算金额", "条数×单价", "条数×单价"]
    from qdanalysis.analyse import sms_costs as A
    assert list(A.sms_monthly(sms)["amount_basis"]) == ["条数×单价", "条数×单价", "结算金额"]


def test_loader_fills_a_monthly_row(tmp_path):
    folder = tmp_path / "2020"
    write_csv(folder / "1月.csv", ["2020-01-01", "2020-01-31"], header="发送时间\n")
    wb = sms_workbook(folder, ["2020年1月", "办公厅", 2, "0.065元/条", "0.13", "1月.csv"])
    sms = qdanalysis.load_sms(wb, year=2020)
    assert (sms["count"].tolist(), sms["department"].tolist()) == ([2], ["办公厅"])
    assert sms["amount"].tolist() == [Decimal("0.13")]
    assert sms["amount_basis"].tolist() == ["结算金额"]  # the sheet's total, which the log confirms


@pytest.mark.parametrize("row, column, words", [
    (["2020年1月", None, None, "0.065元/条", None, "../外面.csv"], "明细文件", "不在数据文件夹"),
    (["2020年1月", None, None, "0.065元/条", None, "没有.csv"], "明细文件", "不存在"),
    ([None, None, 5, "0.065元/条", None, "log.csv"], "条数", "不符"),
    ([None, None, None, "0.065元/条", "1.00", "log.csv"], "金额", "不符"),
    ([None, None, None, None, "0.20", "log.csv"], "金额", "没有单价"),
])
def test_loader_refusals_name_the_sheet_row(tmp_path, row, column, words):
    folder = tmp_path / "2020"
    write_csv(folder / "log.csv", ["2020-01-01,办公厅,1", "2020-01-02,办公厅,2"])
    write_csv(tmp_path / "外面.csv", ["2020-01-01,办公厅,1"])
    wb = sms_workbook(folder, row)
    problems = pytest.raises(ValidationError, qdanalysis.load_sms, wb, year=2020).value.problems
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.sheet, p.row, p.column.split("(")[0]) == (display_path(wb), "短信结算", 3, column)
    assert words in p.message


def test_loader_reports_log_problems_with_the_log_file(tmp_path):
    folder = tmp_path / "2020"
    log = write_csv(folder / "log.csv", ["2020-01-01,办公厅,1", "2019-06-01,办公厅,1"])
    wb = sms_workbook(folder, [None, None, None, "0.065元/条", None, "log.csv"])
    problems = pytest.raises(ValidationError, qdanalysis.load_sms, wb, year=2020).value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [(display_path(log), 3, "发送时间")]


def test_loader_refuses_a_month_twice(tmp_path):
    folder = tmp_path / "2020"
    write_csv(folder / "log.csv", ["2020-01-01,办公厅,1"])
    wb = sms_workbook(folder, ["2020年1月", "办公厅", 7, None, None, None],
                      [None, None, None, "0.065元/条", None, "log.csv"])
    problems = pytest.raises(ValidationError, qdanalysis.load_sms, wb, year=2020).value.problems
    assert [(p.row, p.column.split("(")[0]) for p in problems] == [(4, "月份")]
    assert "第3行重复" in problems[0].message


def test_load_year_reads_the_log(tmp_path):
    from qdanalysis.demo.generate import generate_demo

    generate_demo(tmp_path, years=[2020])
    folder = tmp_path / "2020"
    write_csv(folder / "明细.csv", ["2020-01-01 08:00:00"] * 3, header="发送时间\n")
    make_workbook(folder / "短信明细.xlsx", {"短信结算": [SMS_HEAD, ["2020年1月", "明细部门", None, "0.065元/条", None,
                                                                  "明细.csv"]]})
    sms = qdanalysis.load_year(2020, tmp_path).sms
    row = sms[sms["department"] == "明细部门"]
    assert row["count"].tolist() == [3] and row["amount"].tolist() == [Decimal("0.20")]

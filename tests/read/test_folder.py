"""A year's folder: the workbooks it reads, every other file named with why and how to convert it."""

from __future__ import annotations

import pytest
from workbooks import make_workbook

from qdanalysis.errors import ValidationError
from qdanalysis.read import folder

BUDGET = {"预算执行": [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]}


@pytest.fixture
def year(tmp_path):
    d = tmp_path / "2021"
    d.mkdir()
    for name in ("b.xlsx", "a.XLS", "c.et", "d.xlsm", "~$b.xlsx", ".hidden.xlsx", "预算.csv", "合同.xlsb", "说明.pdf",
                 "导出.html", "DEMO"):
        (d / name).write_bytes(b"x")
    (d / "明细").mkdir()
    return d


def test_the_workbooks_of_a_folder_in_order_and_a_file_as_itself(year):
    assert [p.name for p in folder.workbook_paths(year)] == ["a.XLS", "b.xlsx", "c.et", "d.xlsm"]
    assert folder.workbook_paths(year / "预算.csv") == [year / "预算.csv"]


def test_every_other_file_is_named_with_why_and_how(year):
    skipped = {s.path.name: (s.reason, s.hint) for s in folder.skipped_files(year)}
    assert set(skipped) == {"~$b.xlsx", ".hidden.xlsx", "预算.csv", "合同.xlsb", "说明.pdf", "导出.html"}
    assert skipped["~$b.xlsx"][0] == "Excel或WPS打开工作簿时生成的临时文件（~$开头），不是数据"
    assert skipped["合同.xlsb"] == ("Excel二进制工作簿（.xlsb），不支持此格式",
                                   "请用Excel或WPS打开后另存为“Excel工作簿（*.xlsx）”，再放回该文件夹")
    assert skipped["导出.html"][0] == "网页文件（有些系统导出的“Excel”其实是网页），不支持此格式"
    assert skipped["说明.pdf"][1].startswith("数据文件夹只读取 .xlsx、.xlsm、.xls、.et 工作簿；")
    assert "无需处理" in skipped["预算.csv"][1]  # an SMS log beside the workbook is expected
    assert folder.skipped_files(year / "absent") == []


def test_a_skipped_file_reads_as_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = folder.Skipped(tmp_path / "2021" / "预算.csv", "CSV或文本文件", "请另存")
    assert s.text() == "2021/预算.csv：CSV或文本文件（请另存）"


def test_a_path_without_a_workbook_says_what_it_holds(tmp_path):
    assert folder.no_workbook(tmp_path / "absent.xlsx").message == "找不到文件"
    (tmp_path / "2021").mkdir()
    empty = folder.no_workbook(tmp_path / "2021")
    assert (empty.message, empty.hint) == ("文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et）", "请把工作簿（.xlsx）放到该文件夹中")
    (tmp_path / "2021" / "预算.csv").write_text("a", encoding="utf-8")
    csv = folder.no_workbook(tmp_path / "2021")
    assert csv.message.startswith("文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et），未读取的文件：「预算.csv」：CSV或文本文件")


def test_within_shared_reads_each_workbook_is_read_once(tmp_path, monkeypatch):
    path = make_workbook(tmp_path / "a.xlsx", BUDGET)
    calls = []
    real = folder.read_workbook
    monkeypatch.setattr(folder, "read_workbook", lambda p: calls.append(p) or real(p))
    with folder.shared_reads():
        first, second = folder.read_sheets(path), folder.read_sheets(path)
    assert first is second and calls == [path]
    folder.read_sheets(path)  # outside the block: read again
    assert len(calls) == 2


def test_a_refusal_is_remembered_too(tmp_path, monkeypatch):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    calls = []
    real = folder.read_workbook
    monkeypatch.setattr(folder, "read_workbook", lambda p: calls.append(p) or real(p))
    with folder.shared_reads():
        for _ in range(2):
            with pytest.raises(ValidationError, match="不是Excel工作簿"):
                folder.read_sheets(bad)
    assert calls == [bad]

"""The file under check and the refusals it raises: one problem naming the file and the fix."""

from __future__ import annotations

from qdanalysis.read.safety.inspector import Archive, Inspector, SheetScan


def test_every_refusal_names_the_file_and_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    inspector = Inspector(tmp_path / "2021" / "预算.xlsx")
    assert (inspector.display, inspector.name) == ("2021/预算.xlsx", "预算.xlsx")
    [problem] = inspector.fail("不是工作簿", "请另存").problems
    assert (problem.file, problem.sheet, problem.row, problem.message, problem.hint) == (
        "2021/预算.xlsx", "", None, "不是工作簿", "请另存")
    assert inspector.resave_hint() == "请用Excel打开“预算.xlsx”，另存为“Excel工作簿（*.xlsx）”后重试"
    corrupt = inspector.corrupt("CRC 错误").problems[0]
    assert corrupt.message == "文件已损坏或不完整（CRC 错误）" and corrupt.hint.startswith("请重新导出或重新下载“预算.xlsx”")
    bomb = inspector.bomb("解压后超过1GB").problems[0]
    assert bomb.message == "解压后超过1GB，可能是恶意文件（压缩炸弹）" and bomb.hint.startswith("请勿打开来源不明的文件")
    long = inspector.too_long_text(40000).problems[0]
    assert long.message == "有单元格文本长度超过Excel上限32767个字符（约40000个），可能是恶意文件"


def test_what_a_scan_learns_starts_empty():
    scan = SheetScan("xl/worksheets/sheet1.xml")
    assert (scan.max_row, scan.max_col, scan.shared_refs, scan.errors, scan.ranges) == (0, 0, 0, [], 0)
    archive = Archive({"xl/worksheets/sheet1.xml": scan}, {"预算执行": "xl/worksheets/sheet1.xml"})
    assert not archive.legacy

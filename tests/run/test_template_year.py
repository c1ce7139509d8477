"""``qdanalysis template --year``: 整改情况 pre-filled with the year before's problems as ``new-year`` lists them, and
a file already at the path never replaced without a dated copy."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

import qdanalysis
from qdanalysis.analyse.findings import in_report_order
from qdanalysis.errors import QdanalysisError
from qdanalysis.paths import DATA_RAW
from qdanalysis.run.cli import main
from qdanalysis.run.template_year import write_year_template


def _followup_sheet(path):
    ws = load_workbook(path)["整改情况"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0]]
    head = next(i for i, r in enumerate(rows) if r[0] == "问题编号")
    return rows[head + 1:]


def test_the_year_befores_problems_fill_the_followup_sheet_as_new_year_lists_them(analysis2020, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(DATA_RAW / "2020", raw / "2020")
    out = tmp_path / "2021年模板.xlsx"
    assert main(["template", "--year", "2021", "--root", str(raw), str(out)]) == 0
    rows = _followup_sheet(out)
    found = in_report_order(analysis2020.findings)
    assert [r[0] for r in rows] == [f.code for f in found] and len(rows) == 12
    assert [r[1] for r in rows][:1] == [found[0].title] and all(r[3] is None for r in rows)  # no status: the team's
    assert ("整改情况表已列出2020年评价发现的 12 个问题（问题编号、上年问题、类别），由评价组逐条填写整改状态、整改措施和佐证"
            in capsys.readouterr().out)
    loaded = qdanalysis.load_year(2021, _folder_with(out, tmp_path), processed=False).followup
    assert list(loaded["code"]) == [f.code for f in found]  # the sheet loads back as a record


def _folder_with(workbook, tmp_path):
    root = tmp_path / "check"
    (root / "2021").mkdir(parents=True)
    shutil.copy(workbook, root / "2021" / workbook.name)
    return root


def test_without_a_year_before_the_sheet_stays_empty(tmp_path):
    made = write_year_template(tmp_path / "t.xlsx", 2020)
    assert made.followed == 0 and made.prior is None
    assert [r[0] for r in _followup_sheet(made.path)] == ["【示例】F02"]  # the worked example only


def test_a_refused_year_before_is_said_and_the_sheet_left_empty(tmp_path, capsys):
    raw = tmp_path / "raw"
    (raw / "2020").mkdir(parents=True)
    (raw / "2020" / "坏.xlsx").write_bytes(b"not a workbook")
    assert main(["template", "--year", "2021", "--root", str(raw), str(tmp_path / "t.xlsx")]) == 0
    out = capsys.readouterr().out
    assert (f"整改情况表未预填：2020年的数据未能读取（首个问题：{raw / '2020' / '坏.xlsx'}: 不是Excel工作簿（.xlsx），看起来是纯文本文件；"
            f"全部问题请运行 qdanalysis validate --year 2020 --root {raw} 查看）") in out
    assert [r[0] for r in _followup_sheet(tmp_path / "t.xlsx")] == ["【示例】F02"]


def test_an_existing_file_is_refused_and_with_force_kept_as_a_dated_copy(tmp_path, capsys):
    out = tmp_path / "评价记录.xlsx"
    out.write_bytes(b"the team's entries")
    with pytest.raises(QdanalysisError, match="评价记录.xlsx 已存在，可能已填有评价组的内容，未覆盖。要另出一份，请换一个文件名；"
                                              r"要重新生成，请加 --force（原文件先另存为 评价记录（备份 \d{4}-\d\d-\d\d \d{4}）.xlsx"):
        write_year_template(out)
    assert out.read_bytes() == b"the team's entries"
    assert main(["template", "--force", str(out)]) == 0
    [backup] = [p for p in tmp_path.iterdir() if "备份" in p.name]
    assert backup.read_bytes() == b"the team's entries" and load_workbook(out)["整改情况"] is not None
    assert f"原文件已先另存为：{backup}" in capsys.readouterr().out

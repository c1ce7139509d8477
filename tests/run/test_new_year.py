"""``qdanalysis new-year``: the params file, the pre-filled workbook, the refusals, and what validate says of it."""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

import qdanalysis
from qdanalysis.analyse.findings import in_report_order
from qdanalysis.paths import DATA_RAW, PARAMS
from qdanalysis.read.year import is_demo_folder
from qdanalysis.run import new_year as ny
from qdanalysis.run.cli import main
from qdanalysis.run.params import load_params

TITLE_2020 = "青岛市大数据局专项业务费2020年绩效评价数据分析"


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    """A data root holding the shipped 2020 folder, and a params folder whose 2020.yaml points at it."""
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> tuple[Path, Path]:
    """:func:`project` in ``tmp_path``: (``tmp_path/raw``, ``tmp_path/params``)."""
    raw, params = tmp_path / "raw", tmp_path / "params"
    shutil.copytree(DATA_RAW / "2020", raw / "2020")
    params.mkdir()
    text = (PARAMS / "2020.yaml").read_text(encoding="utf-8")
    text = text.replace("data_root: data/raw", f"data_root: {raw}")
    (params / "2020.yaml").write_text(text, encoding="utf-8")
    (params / "runner.yaml").write_text("allow_external_root: true\n", encoding="utf-8")  # the data is outside
    return raw, params


def snapshot(*folders: Path) -> dict[Path, bytes]:
    return {f: f.read_bytes() for folder in folders for f in sorted(folder.rglob("*")) if f.is_file()}


@dataclass(frozen=True)
class Made:
    """``new-year 2021`` run on a :func:`project` made in ``folder``: its data root, its params folder, every file of
    both before the command (:func:`snapshot`) and what the command printed."""

    folder: Path
    raw: Path
    params: Path
    before: dict[Path, bytes]
    out: str


def run_new_year(folder: Path, scoring: bool = False) -> Made:
    """``new-year 2021`` as a user runs it on a :func:`project` in ``folder`` (with ``scoring``: scoring-2020.yaml
    copied into its params folder first); it must succeed."""
    raw, params = make_project(folder)
    if scoring:
        shutil.copy(PARAMS / "scoring-2020.yaml", params / "scoring-2020.yaml")
    before = snapshot(raw / "2020", params)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 0
    return Made(folder, raw, params, before, printed.getvalue())


@pytest.fixture(scope="module")
def made_2021(tmp_path_factory) -> Made:
    """``new-year 2021`` run once for the module on a :func:`project`. The tests that only read what it made (the
    folder, the params file, validate) share it; those that edit the new year take a copy (:func:`copy_made`)."""
    return run_new_year(tmp_path_factory.mktemp("made_2021"))


@pytest.fixture(scope="module")
def made_2021_scored(tmp_path_factory) -> Made:
    """:func:`made_2021` with the 2020 scoring table in the params folder: new-year carries it to 2021."""
    return run_new_year(tmp_path_factory.mktemp("made_2021_scored"), scoring=True)


def copy_made(made: Made, tmp_path: Path) -> tuple[Path, Path]:
    """What ``made`` made, copied to ``tmp_path/raw`` and ``tmp_path/params`` for a test that edits it, as new-year
    would have written it there: the paths written in the params files (data_root, the scoring table's first
    comment) name the copy; no file names the shared folder."""
    raw, params = tmp_path / "raw", tmp_path / "params"
    shutil.copytree(made.raw, raw)
    shutil.copytree(made.params, params)
    for path in params.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(str(made.folder), str(tmp_path)), encoding="utf-8")
    assert (params / "2021.yaml").read_text(encoding="utf-8").count(f"data_root: {raw}\n") == 1
    for path in raw.rglob("*.xlsx"):
        with zipfile.ZipFile(path) as book:
            assert not [n for n in book.namelist() if str(made.folder).encode() in book.read(n)], path
    return raw, params


@pytest.fixture
def copy_of_2021(made_2021, tmp_path) -> tuple[Path, Path]:
    """:func:`made_2021` copied into ``tmp_path`` (:func:`copy_made`)."""
    return copy_made(made_2021, tmp_path)


def test_params_text_changes_the_year_and_the_title_and_keeps_every_comment():
    text = (PARAMS / "2020.yaml").read_text(encoding="utf-8")
    out = ny.params_for_year(text, 2020, 2021)
    assert yaml.safe_load(out)["year"] == 2021
    assert yaml.safe_load(out)["title"] == "青岛市大数据局专项业务费2021年绩效评价数据分析"
    assert "2020" not in out
    kept = [line for line in text.splitlines() if line.startswith("#")]
    assert len([line for line in out.splitlines() if line.startswith("#")]) == len(kept)
    assert out.count("\n") == text.count("\n")
    # keys it does not know (a nested section for the runner) and quoted titles carry over as they are
    nested = 'year: 2020\ntitle: "2020年报告"\nrunner:\n  cell_timeout: 600  # 秒\n'
    assert ny.params_for_year(nested, 2020, 2021) == 'year: 2021\ntitle: "2021年报告"\nrunner:\n  cell_timeout: 600  # 秒\n'
    assert ny.params_for_year(nested, 2020, 2021, demo=True).splitlines()[1] == 'title: "【示例数据】2021年报告"'


@pytest.mark.slow
def test_new_year_writes_the_params_file_and_a_prefilled_folder(made_2021):
    raw, params, before, out = made_2021.raw, made_2021.params, made_2021.before, made_2021.out

    assert snapshot(raw / "2020") == {k: v for k, v in before.items() if k.parent == raw / "2020"}
    assert (params / "2020.yaml").read_bytes() == before[params / "2020.yaml"]
    written = load_params(params / "2021.yaml")
    assert written["year"] == 2021 and written["title"] == "青岛市大数据局专项业务费2021年绩效评价数据分析"
    assert sorted(p.name for p in (raw / "2021").iterdir()) == ["2021年专项业务费.xlsx"]
    assert sorted(p.name for p in raw.iterdir()) == ["2020", "2021"]  # no temporary folder left behind

    old, new = qdanalysis.load_year(2020, raw, processed=False), qdanalysis.load_year(2021, raw, processed=False)
    assert list(new.budget["code"]) == list(old.budget["code"])
    assert list(new.budget["category"]) == list(old.budget["category"])
    assert list(new.budget["item"]) == list(old.budget["item"])
    assert new.budget[["budget", "adjusted_budget", "executed"]].isna().all().all()
    assert list(new.indicators["target_text"]) == list(old.indicators["target_text"])
    assert new.indicators["actual_text"].isna().all() and new.indicators["actual_value"].isna().all()
    assert list(new.lines["carrier"]) == list(old.lines["carrier"])
    assert list(new.lines["bandwidth_mbps"].astype(object)) == list(old.lines["bandwidth_mbps"].astype(object))
    assert list(new.lines["count_unit"]) == ["条", "条", "条", "单位"]  # 92个单位 stays organisations
    assert new.lines["monthly_fee"].isna().all()
    assert [m.month for m in new.sms["month"]] == list(range(1, 13)) and {m.year for m in new.sms["month"]} == {2021}
    assert new.sms[["count", "unit_price", "amount"]].isna().all().all()
    assert len(new.contracts) == 0  # no 2020 contract states an end after 2020
    # the evaluation table of the new year: 决策 and 过程 (with 政府采购及合同管理: the year has a ledger), then its sheet
    assert list(new.record["name"])[:2] == ["立项依据充分性", "立项程序规范性"] and len(new.record) == 23
    assert not new.demo

    wb = load_workbook(raw / "2021" / "2021年专项业务费.xlsx")
    assert wb["预算执行"]["A1"].value == "2021年预算执行"
    assert wb["预算执行"]["A2"].value.startswith("说明：本表由2020年度数据预填，沿用上年的项目编号、类别和项目名称；"
                                               "预算数、调整后预算数、执行数和合计行待填写")
    assert "实际完成值待填写" in wb["绩效指标"]["A2"].value
    assert wb["填写说明"]["A2"].value.startswith("本工作簿由 qdanalysis new-year 依据2020年度数据预填")

    lines = out.splitlines()
    assert lines[0] == "已建立2021年度（由2020年数据预填）："
    assert "报告标题“青岛市大数据局专项业务费2021年绩效评价数据分析”" in lines[1]
    assert "  预算执行：29 个项目，已预填编号、类别和名称；请填写预算数、执行数" in out
    assert "  绩效指标：11 个指标，已预填指标值（上年的绩效指标表没有分值，分值栏留空）；请填写实际完成值" in out
    assert not (params / "scoring-2021.yaml").exists()  # there was no 2020 table to carry over: said plainly
    assert ("  评分表：上一年度没有评分表文件（scoring-<年>.yaml），2021年的评分表按绩效指标表生成"
            "（评价记录现按《2020年专项业务费》工作簿「绩效指标」表列出），各指标的分值由该表生成，与上一年度评分所用的分值"
            f"可能不同；要沿用固定的分值，请把评分表存为 {params / 'scoring-2021.yaml'}") in out.splitlines()
    assert "未写服务结束日期，无法判断是否延续到2021年，未预填：HT-2020-1.1、HT-2020-1.2、HT-1.5" in out
    assert lines[-2] == f"填写完成后校验：qdanalysis validate {raw / '2021'}/"
    assert lines[-1] == "生成报告：qdanalysis run --year 2021"


@pytest.mark.slow
def test_new_year_carries_the_scoring_table_forward_and_says_so(made_2021_scored):
    raw, params, out = made_2021_scored.raw, made_2021_scored.params, made_2021_scored.out

    old, new = (yaml.safe_load((params / f"scoring-{y}.yaml").read_text(encoding="utf-8")) for y in (2020, 2021))
    assert new["year"] == 2021 and new["name"] == "青岛市大数据局专项业务费2021年绩效评价指标体系"
    assert new["indicators"] == old["indicators"] and new["source"] == old["source"]  # the weights carry over
    assert (params / "scoring-2021.yaml").read_text(encoding="utf-8").startswith(
        f"# 由 qdanalysis new-year 2021 从 {params / 'scoring-2020.yaml'} 复制：指标和分值沿用2020年")
    assert (f"  评分表：{params / 'scoring-2021.yaml'}（由 {params / 'scoring-2020.yaml'} 复制，指标和分值沿用2020年，"
            "只改了年份；本年指标或分值有调整的请修改该文件）") in out.splitlines()
    assert "按评分表“青岛市大数据局专项业务费2021年绩效评价指标体系”列出 23 个指标" in out
    record = load_workbook(raw / "2021" / "2021年专项业务费.xlsx")["评价记录"]
    weights = [r[2] for r in record.iter_rows(min_row=3, values_only=True) if r[1]]
    assert weights == [i["weight"] for i in old["indicators"]]


@pytest.mark.slow
def test_an_existing_scoring_table_of_the_new_year_is_left_as_it_is(project, capsys):
    raw, params = project
    shutil.copy(PARAMS / "scoring-2020.yaml", params / "scoring-2020.yaml")
    mine = (PARAMS / "scoring-2020.yaml").read_text(encoding="utf-8").replace("year: 2020", "year: 2021")
    (params / "scoring-2021.yaml").write_text(mine, encoding="utf-8")

    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 0

    assert (params / "scoring-2021.yaml").read_text(encoding="utf-8") == mine
    assert f"  评分表：沿用已有的 {params / 'scoring-2021.yaml'}" in capsys.readouterr().out.splitlines()


@pytest.mark.slow
def test_validate_reports_the_new_year_as_to_be_filled(made_2021, capsys):
    raw = made_2021.raw

    assert main(["validate", str(raw / "2021")]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{raw / '2021'}: 通过校验（预算执行29行，合同台账0行，线路清单4行，短信结算12行，绩效指标11行")
    assert out[1] == ("  未使用的工作表：《2021年专项业务费.xlsx》「填写说明」是 qdanalysis template 生成的填写说明，"
                      "不是数据表，未使用")
    assert out[2] == ("  空白（按未披露处理，不是错误；已掌握的请补填，不要填 0）：预算执行 预算数29行、执行数29行；"
                      "线路清单 月租4行；短信结算 条数12行、金额12行；绩效指标 实际完成值11行")


@pytest.mark.slow
def test_contracts_that_run_on_are_carried_with_their_renewal_link(demo_root, tmp_path, capsys):
    root = tmp_path / "demo"
    shutil.copytree(demo_root, root)  # the demo as generate_demo writes it
    assert main(["new-year", "2023", "--root", str(root), "--params-dir", str(tmp_path / "params")]) == 0
    out = capsys.readouterr().out

    old = qdanalysis.load_year(2022, root, processed=False)
    new = qdanalysis.load_year(2023, root, processed=False)
    runs_on = old.contracts[old.contracts["end"] > "2022-12-31"]
    assert list(new.contracts["contract_id"]) == list(runs_on["contract_id"]) == ["SL-2022-2.1-LT", "SL-2019-2.3"]
    assert list(new.contracts["renews"]) == ["SL-2019-2.1-LT", None]
    assert list(new.contracts["end"]) == list(runs_on["end"])
    assert new.contracts[["amount", "unit_price", "paid_in_year"]].isna().all().all()
    # a copy of illustrative data stays illustrative: marker, file name, titles and the report title
    assert new.demo and is_demo_folder(root / "2023")
    assert (root / "2023" / "示例数据_2023.xlsx").is_file() and (root / "2023" / "DEMO").is_file()
    assert load_workbook(root / "2023" / "示例数据_2023.xlsx")["预算执行"]["A1"].value == "【示例数据】2023年预算执行"
    assert load_params(tmp_path / "params" / "2023.yaml")["title"] == "【示例数据】2023年专项业务费绩效评价数据分析"
    assert out.splitlines()[0] == "已建立2023年度（由2022年数据预填），沿用示例数据，仍为示例数据（不是真实数据）："
    assert "合同台账：2 份服务期延续到2023年的合同" in out
    assert out.splitlines()[-1] == f"生成报告：qdanalysis run --year 2023 --root {root}"


@pytest.mark.parametrize("existing", ["folder", "params"])
def test_an_existing_folder_or_params_file_is_refused_and_nothing_changes(project, existing, capsys):
    raw, params = project
    if existing == "folder":
        (raw / "2021").mkdir()
        (raw / "2021" / "草稿.txt").write_text("用户自己的文件", encoding="utf-8")
    else:
        (params / "2021.yaml").write_text("year: 2021\n", encoding="utf-8")
    before = snapshot(raw, params)

    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 1

    out = capsys.readouterr().out
    assert snapshot(raw, params) == before
    assert sorted(p.name for p in raw.iterdir()) == (["2020", "2021"] if existing == "folder" else ["2020"])
    where = raw / "2021" if existing == "folder" else params / "2021.yaml"
    kind = "文件夹" if existing == "folder" else "文件"
    assert f"{where}: {kind}已存在；new-year 只新建，不改动已有的文件（2021年度已经建立，请直接填写" in out


@pytest.mark.slow
def test_a_year_without_a_previous_year_needs_empty(project, capsys):
    raw, params = project

    assert main(["new-year", "2019", "--from", "2018", "--root", str(raw), "--params-dir", str(params)]) == 1
    out = capsys.readouterr().out
    assert out.strip() == (f"{raw / '2018'}: 找不到2018年的数据文件夹，无法预填2019年的工作簿"
                           "（请用 --from 指定要沿用的年度，或加 --empty 生成空白模板）")
    assert sorted(p.name for p in raw.iterdir()) == ["2020"] and sorted(p.name for p in params.iterdir()) == ["2020.yaml", "runner.yaml"]

    assert main(["new-year", "2019", "--from", "2018", "--root", str(raw), "--params-dir", str(params), "--empty"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "已建立2019年度（空白模板）："
    blank = qdanalysis.load_year(2019, raw, processed=False)
    assert len(blank.budget) == 0 and len(blank.indicators) == 0
    written = (params / "2019.yaml").read_text(encoding="utf-8")
    assert "由 qdanalysis new-year 2019 生成；上一年度没有参数文件" in written
    assert load_params(params / "2019.yaml")["title"] == "2019年专项业务费绩效评价数据分析"


def test_a_root_other_than_the_params_files_is_refused(project, tmp_path, capsys):
    raw, params = project
    other = tmp_path / "other"
    shutil.copytree(raw, other)

    assert main(["new-year", "2021", "--root", str(other), "--params-dir", str(params)]) == 1

    assert "run --year 将不会读取新建的文件夹（请去掉 --root，或用 --params-dir 指定另一个参数文件夹）" in capsys.readouterr().out
    assert not (other / "2021").exists() and not (params / "2021.yaml").exists()


@pytest.mark.slow
def test_a_failure_half_way_leaves_no_folder_and_no_params_file(project, monkeypatch, capsys):
    raw, params = project

    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(ny, "read_inputs", broken)  # after the workbook is written into the temporary folder
    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 3
    assert sorted(p.name for p in raw.iterdir()) == ["2020"]
    assert sorted(p.name for p in params.iterdir()) == ["2020.yaml", "runner.yaml"]

    monkeypatch.undo()
    real_rename = ny.new_folder.__globals__["os"].rename

    def rename_fails(src, dst):
        raise OSError("设备忙")

    monkeypatch.setattr(ny.new_folder.__globals__["os"], "rename", rename_fails)  # the params file is made by then
    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 3
    monkeypatch.setattr(ny.new_folder.__globals__["os"], "rename", real_rename)
    assert sorted(p.name for p in raw.iterdir()) == ["2020"]
    assert sorted(p.name for p in params.iterdir()) == ["2020.yaml", "runner.yaml"]


@pytest.mark.slow
def test_a_new_year_filled_in_runs_into_a_report_titled_with_its_year(copy_of_2021, tmp_path, capsys):
    from qdanalysis.run.runner import run_year

    raw, params = copy_of_2021
    path = raw / "2021" / "2021年专项业务费.xlsx"
    wb = load_workbook(path)
    ws = wb["预算执行"]
    head = next(r for r in range(1, 6) if ws.cell(r, 1).value == "编号")
    items = [r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 3).value]
    for r in items:  # 预算数 (D) and 执行数 (F), in 万元 as the sheet's unit line says
        ws.cell(r, 4).value, ws.cell(r, 6).value = 10, 9.5
    ws.cell(items[-1] + 1, 2).value = "合计"
    ws.cell(items[-1] + 1, 4).value, ws.cell(items[-1] + 1, 6).value = 10 * len(items), 9.5 * len(items)
    wb.save(path)
    capsys.readouterr()
    assert main(["validate", str(raw / "2021")]) == 0
    assert "预算数" not in capsys.readouterr().out  # the amounts are no longer blank

    result = run_year(2021, tmp_path / "reports", params_file=params / "2021.yaml")

    assert result.ok, result.error
    html = result.html.read_text(encoding="utf-8")
    assert "<title>青岛市大数据局专项业务费2021年绩效评价数据分析</title>" in html
    assert TITLE_2020 not in html
    assert "290.00" in html  # 29 items × 10万元, the budget the report states


def test_a_year_folder_put_there_by_hand_gets_its_params_file_only(project, capsys):
    raw, params = project
    shutil.copytree(raw / "2020", raw / "2021")
    before = snapshot(raw)

    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 1
    assert "数据文件夹已有而缺参数文件时，加 --params-only 只生成参数文件" in capsys.readouterr().out

    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params), "--params-only"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert snapshot(raw) == before
    assert load_params(params / "2021.yaml")["title"] == "青岛市大数据局专项业务费2021年绩效评价数据分析"
    assert out[0] == (f"已生成参数文件：{params / '2021.yaml'}（由 {params / '2020.yaml'} 复制，year 和标题中的年份改为2021；"
                      f"报告标题“青岛市大数据局专项业务费2021年绩效评价数据分析”）；数据文件夹 {raw / '2021'}/ 未改动")
    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params), "--params-only"]) == 1


@pytest.mark.slow
def test_the_teams_sheets_carry_their_headers_to_the_new_year_but_not_last_years_rows(project, capsys):
    from team_record import DECISION_HEADER, TEAM_HEADER, record_workbook

    raw, params = project
    record_workbook(raw / "2020" / "评价组记录.xlsx")
    assert len(qdanalysis.load_year(2020, raw, processed=False).team_findings) == 2

    assert main(["new-year", "2021", "--root", str(raw), "--params-dir", str(params)]) == 0

    out = capsys.readouterr().out
    assert "  评价发现：空表（不沿用上年的问题）；由评价组填写本年现场核查发现的问题（选填）" in out
    assert "  发现处理：空表（上年的处理意见不适用于本年）" in out
    wb = load_workbook(raw / "2021" / "2021年专项业务费.xlsx")
    for sheet, header in (("评价发现", TEAM_HEADER), ("发现处理", DECISION_HEADER)):
        rows = [r for r in wb[sheet].iter_rows(values_only=True) if any(v is not None for v in r)]
        head = next(i for i, r in enumerate(rows) if r[0] in ("类别", "编号"))
        assert [v for v in rows[head] if v is not None] == header
        [example] = rows[head + 1:]  # the worked example only: no row of 2020
        assert any(str(v).startswith("【示例】") for v in example if v)
    new = qdanalysis.load_year(2021, raw, processed=False)
    assert new.team_findings.empty and new.decisions.empty


@pytest.mark.slow
def test_the_payment_ledger_carries_its_header_to_the_new_year_but_not_last_years_payments(demo_root, tmp_path, capsys):
    from qdanalysis.read.schema import PAYMENTS

    raw, params = tmp_path / "raw", tmp_path / "params"
    shutil.copytree(demo_root / "2022", raw / "2022")
    params.mkdir()
    (params / "runner.yaml").write_text("allow_external_root: true\n", encoding="utf-8")
    paid = qdanalysis.load_year(2022, raw, processed=False).frames["payments"]
    assert len(paid) > 0

    assert main(["new-year", "2023", "--root", str(raw), "--params-dir", str(params)]) == 0

    out = capsys.readouterr().out
    assert f"  支付明细：空表（2022年的{len(paid)}笔支付不沿用）；请按本年国库集中支付明细填写（选填）" in out
    [book] = (raw / "2023").glob("*.xlsx")
    rows = [r for r in load_workbook(book)["支付明细"].iter_rows(values_only=True) if any(v is not None for v in r)]
    head = next(i for i, r in enumerate(rows) if r[0] == "支付日期")
    assert [v for v in rows[head] if v is not None] == [c.header for c in PAYMENTS.columns]
    assert rows[head + 1:] == []  # no payment of 2022
    new = qdanalysis.load_year(2023, raw, processed=False)
    assert new.frames.get("payments") is None or new.frames["payments"].empty


def _fill_2021_from_2020(raw: Path, team: dict[str, tuple]) -> None:
    """The 2021 folder as the bureau would fill it: 2020's sheets, the SMS quantity target replaced by a rate target,
    items 1.1 and 1.2 merged, and the team's 整改情况 rows (the pre-filled sheet new-year wrote, kept)."""
    src = load_workbook(raw / "2020" / "2020年专项业务费.xlsx")
    made = load_workbook(raw / "2021" / "2021年专项业务费.xlsx")
    for row in src["短信结算"].iter_rows():
        for c in row:
            if isinstance(c.value, str):
                c.value = c.value.replace("2020年", "2021年")
    for row in src["绩效指标"].iter_rows():
        if row[2].value == "保障金宏短信数量":
            row[2].value, row[3].value, row[4].value = "金宏短信发送成功率", "≥99%", "99.6%"
    budget = src["预算执行"]
    rows = {budget.cell(r, 1).value: r for r in range(1, budget.max_row + 1)}
    budget.cell(rows["1.1"], 3).value = "电子政务机房关键设备及核心网络安全设备维护费"
    budget.cell(rows["1.1"], 4).value = 66.7 + 72.8
    budget.delete_rows(rows["1.2"])
    contracts = src["合同台账"]
    for r in range(1, contracts.max_row + 1):
        if contracts.cell(r, 2).value in ("1.1", "1.2"):
            contracts.cell(r, 2).value, contracts.cell(r, 3).value = "1.1", "电子政务机房关键设备及核心网络安全设备维护费"
    record = made["整改情况"]
    out = src.create_sheet("整改情况")
    for row in record.iter_rows(values_only=True):
        row = list(row)
        if row[0] in team:
            row[3:8] = team[row[0]]
        out.append(row)
    del src["说明"]
    src.save(raw / "2021" / "2021年专项业务费.xlsx")


def test_2021_made_from_2020_follows_up_its_problems(made_2021, copy_of_2021):
    from qdanalysis.run.pipeline import analysed_year

    raw, params = copy_of_2021
    assert ("  整改情况：12 个2020年的问题；由评价组逐条核实，填写整改状态（已整改、部分整改、未整改或待核实）、整改措施和佐证；"
            "留空的按数据分析的系统建议列示，标为待评价组确认") in made_2021.out
    prefilled = qdanalysis.load_year(2021, raw, processed=False).followup
    before = analysed_year(2020, raw, params_dir=params)
    assert list(prefilled["code"]) == [f.code for f in in_report_order(before.findings)]
    assert prefilled["status"].isna().all()

    _fill_2021_from_2020(raw, {"F04": ("已整改", "两项目合并", "2021年预算批复", "张三", "2021-05-20"),
                               "F09": ("部分整改", "平台扩容", "验收报告", "张三", "2021-05-20")})
    followup = analysed_year(2021, raw, params_dir=params).followup

    assert followup.year == 2020 and len(followup.items) == 12
    by_code = {i.problem.code: i for i in followup.items}
    sms, merged, target = by_code["F02"], by_code["F04"], by_code["F09"]
    assert (sms.status, sms.proposed, sms.decided) == ("已整改", "已整改", False)  # the rule's proposal
    assert (merged.status, merged.proposed, merged.decided, merged.by) == ("已整改", "已整改", True, "张三，2021-05-20")
    assert (target.status, target.proposed, target.disagrees) == ("部分整改", "未整改", True)
    assert by_code["F11"].evidence == "本年仍发现此问题，数据所示情况与上年相同。"
    assert [followup.count(s) for s in ("已整改", "部分整改", "未整改", "待核实")] == [2, 1, 9, 0]


def test_an_indicator_replaced_in_the_new_year_names_the_scoring_line_and_what_to_edit(made_2021_scored, tmp_path):
    """new-year copies scoring-2020.yaml; the user then replaces the SMS quantity target by a rate target in the
    2021 绩效指标 sheet: the copied table's line, the indicator gone, the one the table does not cover, the edit."""
    from qdanalysis import ValidationError
    from qdanalysis.run.pipeline import analysed_year

    raw, params = copy_made(made_2021_scored, tmp_path)
    book = raw / "2021" / "2021年专项业务费.xlsx"
    wb = load_workbook(book)
    for row in wb["绩效指标"].iter_rows():
        if row[2].value == "保障金宏短信数量":
            row[2].value, row[3].value = "金宏短信发送成功率", "≥99%"
    wb.save(book)
    line = next(n for n, text in enumerate((params / "scoring-2021.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if "indicator: 保障金宏短信数量" in text)
    with pytest.raises(ValidationError) as caught:
        analysed_year(2021, raw, params_dir=params)
    [problem] = caught.value.problems
    assert problem.file.endswith("scoring-2021.yaml") and problem.row == line
    assert problem.message == ("指标「保障金宏短信数量」对应的三级指标「保障金宏短信数量」不在2021年的绩效指标表"
                               "（《2021年专项业务费》工作簿「绩效指标」表）中")
    assert problem.hint.startswith("绩效指标表中有、评分表未对应的指标：金宏短信发送成功率；"
                                   f"请修改 {problem.file} 第{line}行这一项：指标已更换的，把 indicator: 保障金宏短信数量 "
                                   "改为绩效指标表中新的三级指标名称（如 indicator: 金宏短信发送成功率），")
    assert "指标已取消的，删除这一项，并把它的4分调给一级指标“产出”的其他指标，使各组分值合计不变" in problem.hint


@pytest.mark.slow
def test_a_record_row_for_an_indicator_replaced_after_new_year_says_what_to_rename_it_to_or_delete(copy_of_2021,
                                                                                                  capsys):
    """Without a scoring file, 2021 is scored on its own 绩效指标 sheet: the 评价记录 new-year pre-filled keeps the
    replaced indicator's row, and validate names that row, the sheet's indicator it could mean and the edit."""
    raw, params = copy_of_2021
    book = raw / "2021" / "2021年专项业务费.xlsx"
    wb = load_workbook(book)
    [sheet_row] = [row[2].row for row in wb["绩效指标"].iter_rows() if row[2].value == "保障网络线路数量"]
    wb["绩效指标"].cell(sheet_row, 3).value = "接入网络线路数量"
    [record_row] = [row[1].row for row in wb["评价记录"].iter_rows() if row[1].value == "保障网络线路数量"]
    wb.save(book)
    capsys.readouterr()

    assert main(["validate", str(raw / "2021")]) == 1

    [line] = [t for t in capsys.readouterr().out.splitlines() if "保障网络线路数量" in t]
    assert line == (f"{book}:评价记录:{record_row}:三级指标: 评分表“2021年绩效评价指标体系（决策、过程按预置表，产出、效益按"
                    "2021年绩效指标表）”中没有指标「保障网络线路数量」（评分表的指标取自《2021年专项业务费》工作簿「绩效指标」表），"
                    "可能已改名或删除（评价记录中尚未记录的指标只有「接入网络线路数量」（产出，《2021年专项业务费.xlsx》「绩效指标」表"
                    f"第{sheet_row}行）。若第{record_row}行记的是该指标，请把第{record_row}行「三级指标」改为「接入网络线路数量」；"
                    f"若「保障网络线路数量」已不再评分，请删除第{record_row}行）")

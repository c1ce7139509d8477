"""The input tables, declared once: every consumer follows the declaration, and a missing table has its own error."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from workbooks import make_workbook

import qdanalysis
from qdanalysis.errors import MissingTableError, ValidationError
from qdanalysis.read import store
from qdanalysis.read.inputs import BY_NAME, FRAME_NAMES, INPUTS, read_inputs
from qdanalysis.read.loaders import load_contracts, load_sms, read_budget
from qdanalysis.read.template import write_template
from qdanalysis.run.cli import main
from qdanalysis.run.ingest import ingest

BUDGET_ROWS = [["单位：元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 100, 90], ["合计", None, 100, 90]]
SMS_ROWS = [["单位：元"], ["月份", "部门", "条数", "单价", "金额"], ["1月", "办公厅", 1000, "0.065元/条", 65],
            ["2月", "办公厅", 2000, "0.065元/条", 130]]


def test_the_declaration():
    assert [t.name for t in INPUTS] == ["budget", "contracts", "lines", "sms", "indicators", "payments", "results",
                                        "project", "record", "team_findings", "decisions", "followup", "prior_problems"]
    assert [t.title for t in INPUTS] == ["预算执行", "合同台账", "线路清单", "短信结算", "绩效指标", "支付明细", "产出与成效",
                                         "项目信息", "评价记录", "评价发现", "发现处理", "整改情况", "上年主要问题"]
    assert [t.name for t in INPUTS if t.ledger] == ["payments"]
    assert [t.name for t in INPUTS if t.required] == ["budget"]
    assert [t.name for t in INPUTS if t.evaluator] == ["results", "project", "record", "team_findings", "decisions",
                                                      "followup", "prior_problems"]
    assert FRAME_NAMES == ("budget", "subtotals", "economic", "contracts", "lines", "sms", "indicators", "payments",
                           "results", "project", "record", "team_findings", "decisions", "followup", "prior_problems",
                           "self_funds")


def test_a_missing_table_is_its_own_error(workbook):
    path = workbook({"预算执行": BUDGET_ROWS})
    with pytest.raises(MissingTableError) as err:
        load_contracts(path)
    assert (err.value.table, err.value.title) == ("contracts", "合同台账")
    assert isinstance(err.value, ValidationError)
    [problem] = err.value.problems
    assert problem.message == "找不到「合同台账」表" and "请把工作表命名为「合同台账」" in problem.hint


def test_a_malformed_table_is_not_a_missing_one(workbook):
    path = workbook({"预算执行": [["类别", "项目名称", "预算数", "执行数"], ["甲", "A", "abc", 1]]})
    with pytest.raises(ValidationError) as err:
        read_budget(path)
    assert not isinstance(err.value, MissingTableError)
    assert "金额「abc」无法识别为数字" in str(err.value)


def test_read_inputs_lists_what_is_missing_and_keeps_every_problem(workbook):
    path = workbook({"预算执行": BUDGET_ROWS, "短信结算": SMS_ROWS[:2] + [["13月", "办公厅", 1, None, None]]})
    found = read_inputs(path, 2021)
    assert [t.name for t in found.missing] == ["contracts", "lines", "indicators", "payments", "results", "project",
                                               "record", "team_findings", "decisions", "followup", "prior_problems"]
    assert found.rows == {"budget": 1}
    [problem] = found.problems
    assert (problem.sheet, problem.row) == ("短信结算", 3) and problem.column.startswith("月份")


def test_a_required_table_that_is_absent_is_a_problem_unless_not_required(workbook):
    path = workbook({"线路清单": [["单位：元"], ["单位", "运营商", "线路类型", "带宽", "数量", "月租"], ["全市", "联通", "专线", "100M", 1, 942]]})
    assert [p.message for p in read_inputs(path).problems] == ["找不到「预算执行」表"]
    assert read_inputs(path, require=False).problems == []


def test_load_year_holds_every_declared_table(tmp_path):
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": BUDGET_ROWS, "短信结算": SMS_ROWS})
    y = qdanalysis.load_year(2021, tmp_path)
    assert list(y.tables()) == [t.name for t in INPUTS]
    assert y.missing == ["合同台账", "线路清单", "绩效指标"]  # the evaluator's optional sheets are not "missing data"
    assert list(y.sms["count"]) == [1000, 2000]  # 「1月」 read in the year being loaded
    assert y.contracts.empty and list(y.contracts.columns) == list(BY_NAME["contracts"].dtypes)
    assert y.payments.empty and list(y.payments.columns) == list(BY_NAME["payments"].dtypes)  # the optional ledger
    with pytest.raises(AttributeError, match="receipts"):
        _ = y.receipts


@pytest.mark.slow
def test_the_store_holds_every_declared_frame(tmp_path):
    make_workbook(tmp_path / "raw" / "2021" / "a.xlsx", {"预算执行": BUDGET_ROWS})
    result = ingest(2021, tmp_path / "raw", tmp_path / "processed")
    assert set(result.manifest["tables"]) == {*FRAME_NAMES, "checks"}
    stored = store.read_stored(2021, tmp_path / "raw", tmp_path / "processed")
    assert stored is not None and list(stored.frames) == list(FRAME_NAMES)


@pytest.mark.slow
def test_the_template_has_a_sheet_per_declared_table(tmp_path):
    wb = load_workbook(write_template(tmp_path / "模板.xlsx", 2021))
    assert wb.sheetnames == ["填写说明", *(t.title for t in INPUTS)]


@pytest.mark.slow
def test_validate_reads_year_less_months_in_the_folder_year(tmp_path, capsys):
    """validate reads 「1月」 as load_year does: in the year its folder names, or the one given."""
    make_workbook(tmp_path / "2021" / "a.xlsx", {"预算执行": BUDGET_ROWS, "短信结算": SMS_ROWS})
    assert main(["validate", str(tmp_path / "2021")]) == 0
    assert "通过校验（预算执行1行，短信结算2行）" in capsys.readouterr().out
    loose = make_workbook(tmp_path / "散件" / "a.xlsx", {"预算执行": BUDGET_ROWS, "短信结算": SMS_ROWS})
    assert main(["validate", str(loose)]) == 1
    assert "短信结算:3:月份" in capsys.readouterr().out
    assert main(["validate", "--year", "2021", str(loose)]) == 0
    with pytest.raises(ValidationError):
        load_sms(loose)  # without a year, a month without one is refused


def test_a_chart_sheet_named_for_a_table_is_refused_by_validate_and_ingest_alike(tmp_path, capsys):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart

    wb = Workbook()
    wb.active.title = "合同台账"
    for row in [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额"], ["A-1", "A", "甲", "2020-01-01", 1]]:
        wb.active.append(row)
    wb.create_chartsheet("预算执行").add_chart(BarChart())
    (tmp_path / "2020").mkdir()
    wb.save(tmp_path / "2020" / "图表.xlsx")
    message = "工作表「预算执行」是图表工作表，不是数据表，其中没有「预算执行」的数据"
    assert main(["validate", str(tmp_path / "2020")]) == 1
    out = capsys.readouterr().out
    assert f"2020/图表.xlsx:预算执行: {message}" in out and "通过校验" not in out
    with pytest.raises(ValidationError) as info:
        ingest(2020, tmp_path, tmp_path / "processed")
    [p] = info.value.problems
    assert (p.sheet, p.row, p.message) == ("预算执行", None, message)
    assert p.hint.startswith("请把「预算执行」的数据放在普通工作表中，表头应包含：类别、项目名称、预算数、执行数")


def test_a_chart_sheet_beside_the_table_it_is_named_after_is_fine(tmp_path):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart

    wb = Workbook()
    wb.active.title = "预算执行"
    for row in BUDGET_ROWS:
        wb.active.append(row)
    wb.create_chartsheet("预算执行图").add_chart(BarChart())
    wb.save(tmp_path / "图.xlsx")
    assert list(read_budget(tmp_path / "图.xlsx").items["item"]) == ["A"]


def test_a_copied_workbook_is_one_message_naming_both(tmp_path, capsys):
    import shutil

    from qdanalysis.paths import DATA_RAW
    from qdanalysis.run.cli import main

    folder = tmp_path / "2021"
    folder.mkdir()
    shipped = next((DATA_RAW / "2020").glob("*.xlsx"))
    shutil.copyfile(shipped, folder / "专项业务费.xlsx")
    shutil.copyfile(shipped, folder / "专项业务费 - 副本.xlsx")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{folder / '专项业务费 - 副本.xlsx'}: 与「专项业务费.xlsx」内容完全相同，是同一工作簿的副本；同一年度的数据会被读两次"
                   "（请删除或移出「专项业务费 - 副本.xlsx」，文件夹中只保留「专项业务费.xlsx」）"]
    # an edited copy is still named as one, and load_year refuses it the same way
    make_workbook(folder / "专项业务费 - 副本.xlsx", {"预算执行": BUDGET_ROWS})
    with pytest.raises(ValidationError) as err:
        qdanalysis.load_year(2021, tmp_path, processed=False)
    [p] = err.value.problems
    assert p.file.endswith("专项业务费 - 副本.xlsx") and "看起来是「专项业务费.xlsx」的副本" in p.message


@pytest.mark.slow
def test_validate_on_a_folder_requires_the_budget_and_notes_the_optional_tables(tmp_path, capsys):
    from qdanalysis.run.cli import main

    folder = tmp_path / "2021"
    make_workbook(folder / "合同.xlsx", {"合同台账": [["单位：元"], ["合同编号", "项目名称", "供应商", "签订日期", "合同金额"],
                                                   ["A-1", "机房维护", "某公司", "2021-01-01", 10]]})
    assert main(["validate", str(folder)]) == 1
    assert "找不到「预算执行」表" in capsys.readouterr().out
    make_workbook(folder / "预算.xlsx", {"预算执行": BUDGET_ROWS})
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "通过校验（预算执行" in out and "  注：未提供（选填）：线路清单、短信结算、绩效指标、支付明细、产出与成效、项目信息、评价记录" in out

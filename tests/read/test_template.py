"""The input template: a sheet per declared table with its headers, and the record's rows for a scored year."""

from __future__ import annotations

import pytest

from qdanalysis.run.cli import main


@pytest.mark.slow
def test_template_round_trip(tmp_path, capsys):
    path = tmp_path / "模板.xlsx"
    assert main(["template", str(path)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", "预算执行", "合同台账", "线路清单", "短信结算", "绩效指标", "支付明细", "产出与成效",
                             "项目信息", "评价记录", "评价发现", "发现处理", "整改情况", "上年主要问题"]
    assert wb["评价记录"]["B4"].value is None  # no year: the record's rows are not known
    assert [c.value for c in wb["预算执行"][3]][:6] == ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数"]
    guide = [r for r in wb["填写说明"].iter_rows(values_only=True)]
    assert ("预算执行", "执行数", "必填", "实际支出、支出数、执行金额、实际执行、支出金额", "截至年末的实际支出；未知留空") in guide
    # a user fills the template in: it loads as it is
    ws = wb["预算执行"]
    ws.append(["1.1", "关键设备维护服务费", "机房维护", 66.7, None, 60])
    ws.append([None, "合计", None, 66.7, None, 60])
    wb.save(path)
    from qdanalysis.read.loaders import read_budget

    sheet = read_budget(path)
    assert sheet.totals["budget"] == __import__("decimal").Decimal("667000.00")


@pytest.mark.slow
def test_template_for_a_year_lists_its_scored_indicators(tmp_path, capsys):
    path = tmp_path / "2020模板.xlsx"
    assert main(["template", "--year", "2020", str(path)]) == 0
    out = capsys.readouterr().out
    assert "评价记录表已按评分表“青岛市大数据局专项业务费2020年绩效评价指标体系”列出 23 个指标" in out
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["评价记录"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    assert rows[0][:4] == ("一级指标", "三级指标", "分值", "评分方式")
    # the evaluation's own indicators: 决策 and 过程 as well as the year's 产出 and 效益
    assert rows[1][:4] == ("决策", "立项依据充分性", 4, "填写得分（0—4）")
    assert ("过程", "预算执行率", 5, "由预算表计算，无需填写得分") == rows[8][:4]
    assert ("过程", "政府采购及合同管理规范性", 2, "填写得分（0—2）") == rows[12][:4]
    assert ("效益", "运行维护制度健全性", 6, "填写 达成、部分达成 或 未达成（或直接填写得分）") == rows[21][:4]
    assert ("效益", "使用部门满意度", 10, "填写得分（0—10）") == rows[23][:4]
    assert len(rows) == 24
    # filled in as an evaluator would, the sheet loads and scores
    last = max(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "使用部门满意度")
    ws.cell(row=last, column=7).value = "满意度问卷汇总（回收62份）"
    ws.cell(row=last, column=6).value = 8.5
    wb.save(path)
    from qdanalysis.read.loaders.texts import load_record

    record = load_record(path)
    assert list(record["name"])[-1] == "使用部门满意度" and str(record["score"].iloc[-1]) == "8.5"


@pytest.mark.slow
def test_the_teams_sheets_have_a_worked_example_that_is_not_read_and_their_instructions(tmp_path, capsys):
    from openpyxl import load_workbook

    from qdanalysis.read.inputs import read_inputs

    path = tmp_path / "模板.xlsx"
    assert main(["template", str(path)]) == 0
    wb = load_workbook(path)
    team, decisions = wb["评价发现"], wb["发现处理"]
    assert team["A2"].value.startswith("评价组在座谈、资料核查等现场工作中发现的问题，一个问题一行")
    assert "以“【示例】”开头的行是填写示例，不读取，可删除" in decisions["A2"].value
    assert [c.value for c in team[3]][:4] == ["类别", "二级", "问题", "具体情况"]
    assert [c.value for c in team[4]][:3] == ["过程", "资金管理", "【示例】未制定专项业务费资金管理办法"]
    assert [c.value for c in decisions[3]][:3] == ["编号", "系统发现", "处理意见"]
    assert [c.value for c in decisions[4]][:3] == ["【示例】F04", "不同项目的服务内容重叠", "修改"]
    guide = [r[0] for r in wb["填写说明"].iter_rows(values_only=True)]
    assert "某格以“【示例】”开头的行是填写示例，程序不读取；可照着填写后删除。" in guide
    rows = {(r[0], r[1]): r for r in wb["填写说明"].iter_rows(values_only=True)}
    assert rows[("发现处理", "处理意见")][2:] == ("必填", "处理结果、评价组意见", "采纳、修改 或 不采纳")
    assert rows[("评价发现", "类别")][2] == "必填"
    # as written, the template's example rows are not read; a row the team adds under them is
    found = read_inputs(path, 2021, require=False)
    assert (found.rows["team_findings"], found.rows["decisions"], found.problems) == (0, 0, [])
    team.append(["决策", "项目立项", "立项程序欠规范"])
    wb.save(path)
    found = read_inputs(path, 2021, require=False)
    assert found.loaded["team_findings"]["title"].tolist() == ["立项程序欠规范"]


@pytest.mark.slow
def test_template_for_a_year_lists_the_findings_of_its_data_for_the_team_to_decide(tmp_path, capsys):
    from openpyxl import load_workbook

    from qdanalysis.read.loaders.team import load_decisions

    path = tmp_path / "2020模板.xlsx"
    assert main(["template", "--year", "2020", str(path)]) == 0
    assert "发现处理表已列出本年度数据分析发现的 12 个问题（编号、系统发现），由评价组逐条填写处理意见" in capsys.readouterr().out
    wb = load_workbook(path)
    ws = wb["发现处理"]
    rows = [r[:3] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
    assert rows[0] == ("F01", "产出指标未覆盖主要支出项目", None) and len(rows) == 12
    assert not any(str(r[0]).startswith("【示例】") for r in rows)  # listed rows replace the example
    assert load_decisions(path).empty  # listed, not decided: every finding is still a proposal
    ws.cell(row=4, column=3).value = "采纳"
    wb.save(path)
    assert load_decisions(path)[["code", "original", "decision"]].values.tolist() == [
        ["F01", "产出指标未覆盖主要支出项目", "采纳"]]


def test_only_the_sheets_that_hold_money_carry_a_unit_line(tmp_path):
    from openpyxl import load_workbook

    from qdanalysis.read.template import write_template

    wb = load_workbook(write_template(tmp_path / "模板.xlsx", 2021))
    for title in ("预算执行", "合同台账", "线路清单", "短信结算"):
        assert any(c.value == "单位：万元" for c in wb[title]["A"][:3]), title
    for title in ("项目信息", "评价记录"):
        assert all(c.value != "单位：万元" for c in wb[title]["A"]), title
        assert wb[title]["A2"].value in ("事项", "一级指标", "三级指标"), title  # the header comes next

"""The evaluator's record (评价记录): loaded like every sheet, scored, cited in the report and the export."""

from __future__ import annotations

import shutil

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from openpyxl import load_workbook
from workbooks import make_workbook

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.paths import DATA_RAW
from qdanalysis.present.excel import write_workbook
from qdanalysis.present.report import AnnualReport
from qdanalysis.read.loaders.texts import load_record

HEADER = ["三级指标", "实际完成值", "得分", "佐证材料", "评价意见", "评价人", "日期"]

#: What an evaluation team would enter for the 2020 indicators the data gives no result for, or one the
#: tool doubts (整合视频监控数量, 采购成本, 视频资源共享数量), and for 决策 and 过程.
RECORD_2020 = [
    ["保障网络线路数量", "95条", None, "线路清单及运营商账单（2020年12月）", None, "张三", "2021-05-20"],
    ["保障金宏短信数量", "650万条", None, "金宏短信平台月度统计", "按条计费，建议改设质量指标", "张三", "2021-05-20"],
    ["系统正常运行率", "99.5%", None, "运维监控系统年报", None, "李四", "2021-05-21"],
    ["验收合格率", "100%", None, "2020年项目验收单（12份）", None, "李四", "2021-05-21"],
    ["故障响应时间", "1.5小时", None, "运维工单统计表", None, "李四", "2021-05-21"],
    ["运行维护制度健全性", "部分达成", None, "《机房运维管理制度》", "未制定专项业务费资金管理办法", "王五", "2021-05-22"],
    ["应急保障制度健全性", "达成", None, "《网络安全应急预案》（2019年）", None, "王五", "2021-05-22"],
    ["立项依据充分性", None, 4, "部门职责文件", None, "张三", "2021-05-20"],
    ["立项程序规范性", None, 2, "座谈记录", "未经可行性研究、专家论证", "张三", "2021-05-20"],
    ["绩效目标合理性", None, 2, "绩效目标申报表", None, "张三", "2021-05-20"],
    ["绩效指标明确性", None, 2, "绩效目标申报表", None, "张三", "2021-05-20"],
    ["预算编制科学性", None, 2, "预算情况说明", None, "张三", "2021-05-20"],
    ["资金分配合理性", None, 2.5, "预算情况说明", None, "张三", "2021-05-20"],
    ["资金到位率", "100%", None, "指标文件", None, "李四", "2021-05-21"],
    ["资金使用合规性", None, 3, "会计凭证抽查", None, "李四", "2021-05-21"],
    ["管理制度健全性", None, 1.5, "座谈记录", "未制定专项业务费资金管理办法", "李四", "2021-05-21"],
    ["制度执行有效性", None, 2, "调整手续", None, "李四", "2021-05-21"],
    ["政府采购及合同管理规范性", None, 1, "合同台账", None, "李四", "2021-05-21"],
    ["整合视频监控数量", None, 3, "平台接入清单", "以路计，按本项目接入数核定", "李四", "2021-05-21"],
    ["采购成本", None, 2, "预算执行表", "指标设置不科学", "李四", "2021-05-21"],
    ["视频资源共享数量", None, 6, "省平台推送记录", "以路计，口径不一致", "王五", "2021-05-22"],
    ["使用部门满意度", None, 8.5, "满意度问卷汇总（回收62份）", "部分单位反映报修响应慢", "王五", "2021-05-22"],
]


def test_the_record_loads_with_its_evidence(workbook):
    path = workbook({"评价记录": [["2020年评价记录"], HEADER, *RECORD_2020]})
    record = load_record(path)
    assert list(record["name"]) == [r[0] for r in RECORD_2020]
    assert record["score"].iloc[-1] == 8.5 and record["actual"].iloc[0] == "95条"
    assert record["date"].iloc[0] == pd.Timestamp("2021-05-20") and list(record["src_row"])[:2] == [3, 4]


@pytest.mark.parametrize("row, column, message", [
    (["系统正常运行率", None, -1, None, None, None, None], "得分", "得分 -1 小于 0"),
    (["系统正常运行率", None, "很好", None, None, None, None], "得分", "很好"),
    ([None, None, 5, "问卷", None, None, None], "三级指标", "缺少三级指标名称"),
    (["保障网络线路数量", "90条", None, None, None, None, None], "三级指标", "指标「保障网络线路数量」重复：评价记录表第3行已有这一指标的记录"),
])
def test_the_record_refuses_a_bad_row_by_file_sheet_row_and_column(workbook, row, column, message):
    path = workbook({"评价记录": [["2020年评价记录"], HEADER, RECORD_2020[0], row]}, name="记录.xlsx")
    with pytest.raises(ValidationError) as err:
        load_record(path)
    [p] = err.value.problems
    assert (p.file.endswith("记录.xlsx"), p.sheet, p.row) == (True, "评价记录", 4)
    assert column in p.column and message in p.message and p.hint


def test_a_record_in_two_workbooks_names_both_files(tmp_path):
    folder = tmp_path / "2020"
    make_workbook(folder / "评价记录.xlsx", {"评价记录": [["2020年评价记录"], HEADER, *RECORD_2020[:2]]})
    make_workbook(folder / "评价记录（张三）.xlsx", {"评价记录": [["2020年评价记录"], HEADER, RECORD_2020[0]]})

    with pytest.raises(ValidationError) as info:
        load_record(folder)

    [problem] = info.value.problems
    first, second = sorted(["评价记录.xlsx", "评价记录（张三）.xlsx"])  # the folder is read in name order
    assert problem.file.endswith(second) and problem.row == 3
    assert problem.message == f"指标「保障网络线路数量」重复：《{first}》的评价记录表第3行已有这一指标的记录"
    assert "一个年度只能有一份评价记录" in problem.hint


def test_a_sheet_that_is_not_named_for_the_record_is_not_taken_for_it(workbook):
    """The 绩效指标 sheet has a 三级指标 column too: the record is found by its name only."""
    data = qdanalysis.load_year(2020)
    assert data.record.empty and "评价记录" not in data.missing  # optional, and not reported as missing


@pytest.fixture(scope="module")
def recorded_2020(tmp_path_factory):
    """The 2020 folder plus the evaluator's record in a workbook of its own."""
    root = tmp_path_factory.mktemp("raw")
    shutil.copytree(DATA_RAW / "2020", root / "2020")
    make_workbook(root / "2020" / "评价记录.xlsx", {"评价记录": [["2020年评价记录"], HEADER, *RECORD_2020]})
    return qdanalysis.analyse_year(2020, root)


def test_with_the_record_the_2020_score_is_graded(recorded_2020):
    r = recorded_2020.score
    assert r.missing == [] and r.doubted == [] and r.graded
    # 决策 4 + 2 + 2 + 2 + 2 + 2.5 = 14.5; 过程 3 + 4.91 + 3 + 1.5 + 2 + 1 = 15.41;
    # 产出 5 + 4 + 3 + 4 + 4 + 4 + 2 = 26; 效益 6 + 3 (部分达成 of 6) + 6 + 8.5 = 23.5
    assert (r.total, r.grade) == (79.41, "中")
    assert r.evaluators == ["张三（2021-05-20）", "李四（2021-05-21）", "王五（2021-05-22）"]
    assert r.proposals == []  # the evaluator's 部分达成 replaces the system's proposal
    sheet = r.sheet.set_index("name")
    assert sheet.loc["保障金宏短信数量", "evidence"] == "金宏短信平台月度统计"
    assert "（评价意见：按条计费，建议改设质量指标）" in sheet.loc["保障金宏短信数量", "basis"]


@pytest.mark.slow
def test_the_report_and_the_export_cite_each_scores_evidence(recorded_2020, tmp_path):
    blocks = AnnualReport(recorded_2020).blocks("scoring")
    text = "".join(getattr(b, "text", "") for b in blocks)
    assert "总分 79.41 分（满分 100 分），等级「中」。全部指标均已确认。" in text
    assert "评价人：张三（2021-05-20）、李四（2021-05-21）、王五（2021-05-22）" in text
    [table] = [b for b in blocks if hasattr(b, "frame")]
    frame = table.text_frame()
    evidence = dict(zip(frame["三级指标"], frame["佐证材料"]))
    assert evidence["使用部门满意度"] == "满意度问卷汇总（回收62份）"
    assert evidence["预算执行率"] == "预算执行表：执行数、预算数"
    out = write_workbook(recorded_2020, tmp_path / "x.xlsx")
    ws = load_workbook(out)["评分"]
    header = [c.value for c in ws[2]]
    rows = {r[2]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["故障响应时间"][header.index("佐证材料")] == "运维工单统计表"
    form = {r[3]: r for r in load_workbook(out)["绩效自评表"].iter_rows(values_only=True) if r[3]}
    assert form["使用部门满意度"][7:9] == (8.5, "部分单位反映报修响应慢")  # the record's 评价意见
    assert [r for r in load_workbook(out)["绩效自评表"].iter_rows(values_only=True) if r[0] == "等级"][0][6] == "中"
    plt.close("all")

"""The evaluation team's record for 2020, as a team would enter it: two problems of the source report that come
from fieldwork (评价发现) and a decision on three findings of the data (发现处理: 修改, 不采纳, 采纳)."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbooks import make_workbook

from qdanalysis.paths import DATA_RAW

TEAM_HEADER = ["类别", "二级", "问题", "具体情况", "依据", "原因", "建议", "关联指标", "严重程度", "评价人", "日期"]
TEAM_ROWS = [
    ["决策", "项目立项", "立项程序欠规范",
     "专项业务费项目大部分为延续性项目，项目事前未经过必要的可行性研究、专家论证、风险评估、绩效评估、集体决策。",
     "座谈记录（2021年5月20日）、项目立项资料", None,
     "加强项目前期的决策管理及评估论证，根据业务处室提报的项目需求，组织专家进行总体论证，优化项目结构，调减不必要的或无效的项目。",
     "立项程序规范性", None, "张三", "2021-05-20"],
    ["过程", "过程管理", "未制定专项业务费资金管理办法",
     "专项业务费资金涉及项目内容多、业务处室多，但大数据局未制定专项业务费资金管理办法，管理制度有待进一步完善。",
     "座谈记录（2021年5月20日）、财务制度汇编", "对专项业务费的制度建设重视不够。",
     "尽快出台专项业务费资金管理办法，完善和细化项目管理、资金分配、档案管理等关键环节的规定和要求。",
     "管理制度健全性", None, "李四", "2021-05-21"],
]
DECISION_HEADER = ["编号", "系统发现", "处理意见", "修改后问题", "修改后具体情况", "修改后建议", "理由", "评价人", "日期"]
AMENDED_TITLE = "同类运维项目分别立项，服务内容重叠"
AMENDED_TEXT = ("《市大数据局2020年基本支出专项经费预算情况》中，电子政务机房UPS等关键设备维护服务费与电子政务核心网络设备安全设备"
                "维护两项内容解释的项目服务内容一致，网络、网闸维保服务，UPS更换等均在2个项目中分别体现。")
AMENDED_ADVICE = "对同类运维养护项目合并实施。"
REJECT_REASON = "1.1、1.2于2019年采购、续签一次，不属于长期续签；续签金额已在座谈中核实。"
DECISION_ROWS = [
    ["F04", "不同项目的服务内容重叠", "修改", AMENDED_TITLE, AMENDED_TEXT, AMENDED_ADVICE,
     "重叠见于预算情况说明，不在合同台账", "张三", "2021-05-22"],
    ["F05-3", None, "不采纳", None, None, None, REJECT_REASON, "张三", "2021-05-22"],
    ["F06", None, "采纳", None, None, None, None, "张三", "2021-05-22"],
]


def record_workbook(path: Path) -> Path:
    """The record as one workbook holding both sheets."""
    return make_workbook(path, {"评价发现": [["2020年评价发现"], TEAM_HEADER, *TEAM_ROWS],
                                "发现处理": [DECISION_HEADER, *DECISION_ROWS]})


def recorded_root(root: Path) -> Path:
    """``root/2020``: the shipped 2020 workbooks plus the record in a workbook of its own; returns ``root``."""
    shutil.copytree(DATA_RAW / "2020", root / "2020")
    record_workbook(root / "2020" / "评价组记录.xlsx")
    return root

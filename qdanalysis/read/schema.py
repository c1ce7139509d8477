"""The input contract, declared once: tables, their columns, Chinese headers and synonyms.

Loaders, the template writer and the docs all read these declarations; no header string
is written anywhere else. See ``DATA_CONTRACT.md`` in the shared folder for the prose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

#: Money in 元, exact to the fen, through every sum.
MONEY = pd.ArrowDtype(pa.decimal128(18, 2))
#: Unit prices (``0.065元/条``) need finer precision than the fen.
PRICE = pd.ArrowDtype(pa.decimal128(18, 4))
#: The instructions sheet ``qdanalysis template`` writes first, and its header row: not a data table.
GUIDE_SHEET = "填写说明"
GUIDE_HEADER = ("工作表", "列名", "是否必填", "也可写作", "填写要求")
#: What a line inventory row's 数量 counts: lines, or organisations whose own lines are not counted (``92个单位``).
LINES_COUNTED, UNITS_COUNTED = "条", "单位"


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Attributes:
        key: English snake_case name in the loaded DataFrame.
        header: canonical Chinese header.
        synonyms: other headers accepted for it.
        required: the header must be present (a cell may still be empty where the data
            does not say; each loader decides which values are mandatory).
        kind: how cells are parsed: text, code, money, price, date, month, count,
            bandwidth, target, quantity, decimal.
        fill_down: a value written once (or in a merged cell) applies to the rows below.
        hint: what to write, in Chinese, for the template's 填写说明 sheet.
        periods: for a money column, the billing periods a cell may state after its unit
            (``/年`` in 预算数); a cell stating another (``7.6万元/月``) is refused. None: any
            (the loader decides, as for 合同金额 against 计费方式).
    """

    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    fill_down: bool = False
    hint: str = ""
    periods: tuple[str, ...] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class SheetSchema:
    """One input table: its sheet name keywords and columns."""

    key: str
    title: str
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""
    #: Found only in a sheet named for it, never by its headers alone (its headers resemble another table's).
    by_name_only: bool = False
    #: A worked example row the template writes (cells in column order), marked :data:`EXAMPLE_MARK` so
    #: that it is never read as data.
    example: tuple = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


#: The periods an annual money column accepts: none, or ``/年``.
ANNUAL = ("年",)

_NOTE = Column("note", "备注", ("说明",), hint="任意说明文字")
#: How a contract or a line names its budget item's code (else it is linked by 项目名称).
_ITEM_CODE = Column("item_code", "项目编号", ("预算项目编号",), kind="code", hint="对应预算表的编号")
_SOURCE = Column("source", "来源", ("数据来源", "依据"), hint="数据出处，例如报告章节或凭证号")
#: What a 数量 counts when it is not this year's number of lines (92个单位: the 2018 count of organisations).
_COUNT_NOTE = Column("count_note", "数量说明", ("数量口径",), hint="数量的口径或年份，如 2018年外联网单位数；按本年线路条数填写的留空")
#: 支出金额 is how the 预算管理一体化系统 heads the 执行数 column (under 执行数, beside 执行率).
_EXECUTED_SYNONYMS = ("实际支出", "支出数", "执行金额", "实际执行", "支出金额")

BUDGET = SheetSchema(
    "budget",
    "预算执行",
    ("预算执行", "预算", "执行明细"),
    (
        Column("code", "编号", ("序号", "项目编号"), kind="code", hint="项目编号，如 1.1；按文本保存"),
        Column("category", "类别", ("项目类别", "大类"), True, fill_down=True, hint="5大类之一；可合并单元格或只写在首行"),
        Column("item", "项目名称", ("项目", "支出项目", "明细项目"), True, hint="明细项目名称；同一年度不得重复"),
        Column("budget", "预算数", ("预算金额", "年初预算", "预算"), True, kind="money", hint="年初预算金额；未知留空",
               periods=ANNUAL),
        Column("adjusted_budget", "调整后预算数", ("调整预算", "调整后预算"), kind="money", hint="调整后的预算；未调整留空",
               periods=ANNUAL),
        Column("executed", "执行数", _EXECUTED_SYNONYMS, True, kind="money",
               hint="截至年末的实际支出；未知留空", periods=ANNUAL),
        _NOTE,
        _SOURCE,
        Column("implementation", "实施情况", ("实施内容",),
               hint="资料对本项目实施情况的表述（原文摘录，如 完成视频监控资源共享平台建设）；不填金额，未述及留空"),
    ),
    "每个明细项目一行；可含小计、合计行（会自动核对）。",
)

#: The budget-execution table as the 预算管理一体化系统 exports it: no 类别 column (categories are heading
#: rows 一、… and （一）…, which carry their subtotals), a 项目代码 as the item's key, one row per 支出经济分类.
#: Found by its header in a sheet of any name; a sheet whose header has a 类别 column is the hand-typed layout.
BUDGET_SYSTEM = SheetSchema(
    "budget",
    "预算执行",
    (),
    (
        Column("code", "序号", ("编号", "项目编号"), kind="code"),
        Column("item_code", "项目代码", ("项目编码",), kind="code", hint="预算管理一体化系统的项目代码；作为项目的唯一标识"),
        Column("item", "项目名称", ("项目", "支出项目", "明细项目"), True),
        Column("economic", "支出经济分类", ("经济分类", "部门经济分类", "政府经济分类", "经济分类科目"),
               hint="如 30213 维修（护）费；同一项目可按经济分类分多行"),
        Column("budget", "预算数", ("预算金额", "年初预算", "预算"), True, kind="money", periods=ANNUAL),
        Column("adjusted_budget", "调整后预算数", ("调整预算", "调整后预算"), kind="money", periods=ANNUAL),
        Column("executed", "执行数", _EXECUTED_SYNONYMS, True, kind="money", periods=ANNUAL),
        _NOTE,
        _SOURCE,
    ),
    "预算管理一体化系统导出的预算执行表：分类标题行（一、…／（一）…）给出类别并作为小计核对，"
    "同一项目按支出经济分类分多行时合并为一个项目。",
)

CONTRACTS = SheetSchema(
    "contracts",
    "合同台账",
    ("合同台账", "合同"),
    (
        Column("contract_id", "合同编号", ("合同号",), True, kind="code", hint="唯一编号"),
        _ITEM_CODE,
        Column("item", "项目名称", ("项目",), True, hint="对应预算表的项目名称"),
        Column("vendor", "供应商", ("中标供应商", "服务商"), True, hint="未公开可留空"),
        Column("signed", "签订日期", ("签约日期", "合同日期"), True, kind="date", hint="如 2019-08-10、2019年8月；未知留空"),
        Column("start", "服务开始", ("服务起始日期", "服务开始日期"), kind="date"),
        Column("end", "服务结束", ("服务截止日期", "服务结束日期"), kind="date"),
        Column("amount", "合同金额", ("金额", "中标金额"), kind="money", hint="按年计费填年度金额；按月或按条计费可留空并填单价"),
        Column("billing", "计费方式", ("计价方式",), hint="年、月、条 或 一次性"),
        Column("unit_price", "单价", (), kind="price", hint="如 7.6万元/月、0.065元/条"),
        Column("quantity", "数量", ("线路数", "计费数量"), kind="count", hint="单价对应的数量（如线路条数）；空白按1计"),
        Column("procurement", "采购方式", (), hint="公开招标、竞争性磋商、单一来源、续签等"),
        Column("renews", "续签自", ("原合同编号",), kind="code", hint="本合同续签的原合同编号"),
        Column("paid_in_year", "本年支付", ("本年支付金额", "当年支付"), kind="money", hint="本年度实际支付；与合同金额不同时填写",
               periods=ANNUAL),
        Column("scope", "服务内容", ("服务范围",), hint="服务内容描述，用于发现重复的服务范围"),
        _NOTE,
        _SOURCE,
        Column("scope_source", "服务内容出处", ("服务内容来源",),
               hint="服务内容的出处，如 合同第三条、《预算情况说明》；取自合同文本的可留空"),
        _COUNT_NOTE,
    ),
    "每份合同一行；续签合同填写「续签自」。",
)

LINES = SheetSchema(
    "lines",
    "线路清单",
    ("线路清单", "线路"),
    (
        Column("unit", "单位", ("使用单位",), True),
        Column("carrier", "运营商", (), True, hint="中国联通、中国电信、中国移动等"),
        Column("line_type", "线路类型", (), hint="互联网出口、单位接入、省电子政务专网等"),
        Column("bandwidth_mbps", "带宽", (), True, kind="bandwidth", hint="如 1000M、1G；未知留空"),
        Column("count", "数量", ("线路数",), kind="count", hint="本行代表的线路条数，默认1；只知单位数时写“92个单位”"),
        Column("monthly_fee", "月租", ("月租费", "月费用"), True, kind="money", hint="每条线路每月费用"),
        Column("start", "起租日期", (), kind="date"),
        _ITEM_CODE,
        Column("item", "项目名称", ("项目",), hint="对应预算表的项目名称；未填项目编号时据此对应预算项目"),
        _NOTE,
        _SOURCE,
        _COUNT_NOTE,
    ),
    "每条或每组同价线路一行。",
)

SMS = SheetSchema(
    "sms",
    "短信结算",
    ("短信结算", "短信"),
    (
        Column("month", "月份", (), True, kind="month", hint="如 2020年1月"),
        Column("department", "部门", (), hint="发送部门；不分部门可留空"),
        Column("count", "条数", ("发送量",), True, kind="count", hint="发送条数；未知留空"),
        Column("unit_price", "单价", (), kind="price", hint="如 0.065元/条"),
        Column("amount", "金额", (), kind="money", hint="结算金额", periods=("月",)),
        Column("log_file", "明细文件", ("短信明细", "明细路径"),
               hint="短信平台导出的发送明细（CSV 或 parquet），写相对于本工作簿所在文件夹的路径，"
                    "如 明细/2020年短信.csv；填写后本行按明细汇总为每月每部门的条数，金额=条数×单价"),
        _NOTE,
        _SOURCE,
    ),
    "每月（或每月每部门）一行；也可用「明细文件」指向短信平台的发送明细，由程序汇总。",
)

INDICATORS = SheetSchema(
    "indicators",
    "绩效指标",
    ("绩效指标", "绩效目标", "指标"),
    (
        Column("level1", "一级指标", (), True, fill_down=True),
        Column("level2", "二级指标", (), True, fill_down=True),
        Column("name", "三级指标", ("指标名称",), True),
        Column("target", "指标值", ("目标值",), True, kind="target", hint="如 ≥80条、≤2小时、100%、健全"),
        Column("actual", "实际完成值", ("完成值",), kind="quantity", hint="如 5.1万路；未知留空"),
        Column("weight", "分值", ("权重",), kind="decimal"),
        Column("item_codes", "对应项目", ("对应项目编号", "覆盖项目"), kind="codes",
               hint="该指标衡量的预算项目编号，多个用顿号分隔，如 2.1、2.2、2.3"),
        _NOTE,
        _SOURCE,
    ),
    "绩效目标申报表的指标，一个三级指标一行。",
)

#: The indicator block of the MoF 《项目支出绩效自评表》 (财预〔2020〕10号 附件), as units report their
#: indicators: the same indicators as 绩效指标, with the unit's own 得分 and its explanation of deviations.
#: Found by a sheet name with 自评表, or by the header 年度指标值 (绩效指标 writes 指标值).
SELF_EVALUATION = SheetSchema(
    "self_evaluation",
    "绩效自评表",
    ("自评表",),
    (
        Column("level1", "一级指标", (), True, fill_down=True),
        Column("level2", "二级指标", (), True, fill_down=True),
        Column("name", "三级指标", ("指标名称",), True),
        Column("target", "年度指标值", ("年度目标值",), True, kind="target", hint="如 ≥80条、≤2小时、100%、健全"),
        Column("actual", "实际完成值", ("完成值", "全年实际值"), kind="quantity"),
        Column("weight", "分值", (), kind="decimal"),
        Column("self_score", "得分", ("自评得分",), kind="decimal", hint="单位自评的得分"),
        Column("deviation", "偏差原因分析及改进措施", ("偏差原因分析", "偏差原因", "改进措施")),
    ),
    "单位按财政部《项目支出绩效自评表》填报的绩效自评表：资金栏与预算执行表核对，指标栏作为本年度绩效指标，"
    "单位自评得分原样保留、与本评价的得分并列。",
)

#: The 资金 block above it (项目资金（万元）): one row per source of the money, figures as the block states them.
SELF_FUNDS = SheetSchema(
    "self_funds",
    "绩效自评表资金栏",
    ("自评表",),
    (
        Column("initial_budget", "年初预算数", (), kind="money", periods=ANNUAL),
        Column("budget", "全年预算数", (), True, kind="money", periods=ANNUAL),
        Column("executed", "全年执行数", (), True, kind="money", periods=ANNUAL),
        Column("weight", "分值", (), kind="decimal"),
        Column("rate", "执行率", ("预算执行率",)),  # a ratio: read by the loader (98.27% or 0.9827)
        Column("self_score", "得分", ("自评得分",), kind="decimal"),
    ),
)
#: The rows of the 资金 block, as the form labels them.
FUND_LINES = ("年度资金总额", "当年财政拨款", "上年结转资金", "其他资金")
#: Rows of the form's indicator block that end it: its total and grade.
SELF_EVALUATION_END = ("总分", "合计", "总计", "等级", "评价等级", "自评等级")

RESULTS = SheetSchema(
    "results",
    "产出与成效",
    ("产出与成效", "工作成效", "成效"),
    (
        Column("name", "名称", ("成效", "事项"), True, hint="如 网络接入带宽由100M提升至1000M的单位"),
        Column("value", "数值", ("数量", "完成值"), True, hint="按来源原文填写，如 79、5.1万、超过8000万"),
        Column("unit", "单位", ("计量单位",), hint="如 个、路、条、件"),
        _NOTE,
        _SOURCE,
    ),
    "评价报告“工作成效”一节引用的产出和成效数字，一项一行，注明来源；选填。",
)

PROJECT = SheetSchema(
    "project",
    "项目信息",
    ("项目信息",),
    (
        Column("field", "事项", ("项目",), True, hint="项目名称、主管部门、实施单位、资金来源、项目背景、总体目标"),
        Column("text", "内容", ("说明",), True, hint="按立项文件或预算说明原文填写"),
        _SOURCE,
    ),
    "项目名称、主管部门、实施单位、资金来源（如 均为财政拨款）、项目背景、总体目标，一项一行；选填。",
)

#: The bureau's 国库集中支付 export: one row per payment; optional. It shows when money went out (against
#: 序时进度), to whom (against the contract's 供应商) and how much per contract.
PAYMENTS = SheetSchema(
    "payments",
    "支付明细",
    ("支付明细", "国库集中支付", "支付台账", "付款明细"),
    (
        Column("date", "支付日期", ("付款日期", "日期", "支付时间"), True, kind="date", hint="如 2020-12-25；须为本年度内的日期"),
        Column("item_code", "项目代码", ("项目编号", "预算项目编号", "项目编码"), kind="code",
               hint="对应预算表的项目代码（或编号）；与项目名称至少填一项"),
        Column("item", "项目名称", ("项目",), hint="对应预算表的项目名称；与项目代码至少填一项"),
        Column("amount", "金额", ("支付金额", "付款金额"), True, kind="money", hint="本笔支付金额", periods=()),
        Column("payee", "收款人", ("收款单位", "收款方", "收款人全称"), hint="与合同台账的供应商核对"),
        Column("contract_id", "合同编号", ("合同号",), kind="code", hint="本笔支付对应的合同；无合同留空"),
        Column("economic", "支出经济分类", ("经济分类", "部门经济分类")),
        Column("memo", "摘要", ("用途", "支付用途")),
        Column("voucher", "凭证号", ("支付凭证号", "凭证编号"), kind="code"),
        _NOTE,
        _SOURCE,
    ),
    "国库集中支付明细，一笔支付一行；选填。提供后分析支付进度（序时进度、年底集中支付）、收款人与合同供应商是否一致、"
    "按合同支付是否超过合同金额。",
)

#: The band words of a qualitative indicator (rule ``levels``), best first.
LEVEL_WORDS = ("达成", "部分达成", "未达成")

#: A row with a cell that starts with this is the template's worked example: never read as data.
EXAMPLE_MARK = "【示例】"
_EXAMPLE_NOTE = f"以“{EXAMPLE_MARK}”开头的行是填写示例，不读取，可删除。"


def team_sheet(key: str, title: str, sheet_names: tuple[str, ...], columns: tuple[Column, ...], description: str,
               *, evaluator: str, date_synonym: str, example: tuple = ()) -> SheetSchema:
    """A sheet the evaluation team fills in, in one shape: its own columns, then 评价人 (``evaluator``: its hint)
    and 日期 (also headed ``date_synonym``); found only in a sheet named for it; with a worked ``example`` row,
    which its description says is not read."""
    return SheetSchema(
        key, title, sheet_names,
        (*columns, Column("evaluator", "评价人", (), hint=evaluator),
         Column("date", "日期", (date_synonym,), kind="date", hint="如 2021-05-20")),
        description + (_EXAMPLE_NOTE if example else ""), by_name_only=True, example=example)


RECORD = team_sheet(
    "record",
    "评价记录",
    ("评价记录", "评分记录"),
    (
        Column("level1", "一级指标", (), fill_down=True, hint="由模板按评分表填好，供对照"),
        Column("name", "三级指标", ("指标名称", "指标"), True, hint="与评分表的三级指标名称一致，一个指标一行"),
        Column("weight", "分值", (), kind="decimal", hint="由模板按评分表填好，供对照；计分以评分表为准"),
        Column("method", "评分方式", ("填写方式",), hint="由模板按评分表填好：填实际完成值、得分，或 达成/部分达成/未达成"),
        Column("actual", "实际完成值", ("完成值", "核实值"), hint="评价组核实的实际完成值，如 98.5%、≤1.5小时；定性指标写 达成、部分达成 或 未达成"),
        Column("score", "得分", ("评分",), kind="decimal", hint="评价人给出的得分（0 到分值）；填写后以此为准"),
        Column("evidence", "佐证材料", ("佐证", "依据材料"), hint="所依据的文件、记录，如 2020年运维工单统计表、满意度问卷汇总"),
        Column("opinion", "评价意见", ("意见", "扣分原因"), hint="评分理由、偏差原因和改进建议"),
    ),
    "评价组对每个评分指标的核实结果、得分和佐证，一个指标一行；选填（可放在年度工作簿中，也可单独成一个工作簿放在年度文件夹内）。",
    evaluator="填写评分的评价组成员",
    date_synonym="评价日期",
)

#: The team's decisions on a finding the data shows: confirmed, reworded, rejected.
ADOPT, AMEND, REJECT = "采纳", "修改", "不采纳"
DECISIONS = (ADOPT, AMEND, REJECT)
#: How serious a problem is, most serious first (the findings' 严重程度).
SEVERITY_WORDS = ("高", "中", "低")

TEAM_FINDINGS = team_sheet(
    "team_findings",
    "评价发现",
    ("评价发现",),
    (
        Column("category", "类别", ("一级指标", "维度"), True, fill_down=True, hint="决策、过程、产出 或 效益"),
        Column("level2", "二级", ("二级指标",), fill_down=True, hint="如 项目立项、资金管理、组织实施"),
        Column("title", "问题", ("问题名称", "存在的问题"), True, hint="问题的标题，一句话，如 立项程序欠规范"),
        Column("detail", "具体情况", ("情况说明", "问题描述"), hint="问题的具体表现，按核查所见写明"),
        Column("basis", "依据", ("佐证材料", "证据"), hint="所依据的座谈记录、资料名称等"),
        Column("cause", "原因", ("原因分析",), hint="问题的原因；写入报告第五部分的原因分析"),
        Column("advice", "建议", ("整改建议",), hint="针对本问题的建议；写入报告第六部分"),
        Column("indicators", "关联指标", ("相关指标",), hint="该问题涉及的评价指标名称（评分表的三级指标），多个用顿号分隔；选填"),
        Column("severity", "严重程度", (), hint="高、中 或 低；选填，不填则不定级"),
    ),
    "评价组在座谈、资料核查等现场工作中发现的问题，一个问题一行；与数据分析发现的问题一起编号，写入报告的问题和建议；"
    "选填（可放在任一工作簿中）。",
    evaluator="填写本条的评价组成员",
    date_synonym="核查日期",
    example=("过程", "资金管理", "【示例】未制定专项业务费资金管理办法",
             "单位未制定专项业务费资金管理办法，资金使用和审批缺少制度依据。", "座谈记录（2021年5月20日）、财务制度汇编",
             "对专项业务费的管理重视不够", "制定专项业务费资金管理办法，明确开支范围和审批程序。", "资金使用合规性", "",
             "张三", "2021-05-20"),
)

FINDING_DECISIONS = team_sheet(
    "decisions",
    "发现处理",
    ("发现处理",),
    (
        Column("code", "编号", ("问题编号", "发现编号"), True, kind="code", hint="数据分析发现的编号，见报告导出表“主要问题”的编号列，如 F04、F05-2"),
        Column("original", "系统发现", ("原问题",), hint="该编号的问题标题，供对照；填写后程序核对编号与标题是否一致"),
        Column("decision", "处理意见", ("处理结果", "评价组意见"), True, hint="采纳、修改 或 不采纳"),
        Column("title", "修改后问题", (), hint="处理意见为“修改”时填写评价组的问题标题"),
        Column("detail", "修改后具体情况", (), hint="处理意见为“修改”时填写评价组的表述"),
        Column("advice", "修改后建议", (), hint="处理意见为“修改”时填写评价组的建议"),
        Column("reason", "理由", ("不采纳理由", "说明"), hint="不采纳时必填：不采纳的理由；修改时可写修改的理由"),
    ),
    "评价组对数据分析发现的每个问题的处理：采纳、修改（写明评价组的表述）或不采纳（写明理由），一个编号一行；"
    "未处理的问题在报告中标为“系统发现，待评价组确认”；选填（可放在任一工作簿中）。",
    evaluator="作出处理的评价组成员",
    date_synonym="处理日期",
    example=("【示例】F04", "不同项目的服务内容重叠", "修改", "两项目维护范围的划分有待明确", "",
             "", "经座谈核实，两项目维护的设备仅部分重叠。", "张三", "2021-05-20"),
)

FOLLOWUP = team_sheet(
    "followup",
    "整改情况",
    ("整改情况", "整改记录"),
    (
        Column("code", "问题编号", ("编号", "上年编号"), True, kind="code",
               hint="上年报告导出表“主要问题”的编号列，如 F04、H01；new-year 已按上年的问题预填"),
        Column("title", "上年问题", ("问题",), hint="上年报告中的问题标题，供对照；new-year 已预填"),
        Column("category", "类别", ("一级指标",), hint="决策、过程、产出 或 效益；new-year 已预填"),
        Column("status", "整改状态", ("整改结果",), hint="已整改、部分整改、未整改 或 待核实；留空则按系统建议，标为待评价组确认"),
        Column("measures", "整改措施", ("整改内容",), hint="单位采取的整改措施，按核查所见写明"),
        Column("evidence", "佐证", ("佐证材料", "依据"), hint="所依据的文件、记录，如 2021年绩效目标申报表"),
    ),
    "评价组对上年评价发现问题整改情况的核实，一个问题一行；问题编号、上年问题由 new-year 按上年报告预填。"
    "整改状态留空的，报告采用数据分析的系统建议并标为待评价组确认；选填。",
    evaluator="核实整改情况的评价组成员",
    date_synonym="核实日期",
    example=("【示例】F02", "数量指标设在按量计费的服务上", "决策", "已整改", "2021年绩效目标将短信数量指标改为发送成功率指标",
             "2021年绩效目标申报表", "张三", "2021-05-20"),
)

#: The problems of the year before, as the Excel export of its report lists them (its 主要问题 sheet, copied into
#: this year's folder under this name): what the 整改情况 section follows when that year's data is not beside this one.
PRIOR_PROBLEMS = SheetSchema(
    "prior_problems",
    "上年主要问题",
    ("上年主要问题",),
    (
        Column("number", "序号", (), kind="code", hint="上年报告中的序号"),
        Column("code", "编号", ("问题编号",), True, kind="code", hint="上年报告导出表的编号，如 F04、H01"),
        Column("title", "问题", (), True, hint="上年报告中的问题标题"),
        Column("severity", "严重程度", (), hint="高、中、低 或 未定级"),
        Column("category", "类别", (), hint="决策、过程、产出 或 效益"),
        Column("basis", "依据", (), hint="上年报告中的依据"),
        Column("advice", "建议", (), hint="上年报告中的建议"),
        Column("origin", "来源", (), hint="数据分析 或 评价组核查"),
        Column("decision", "评价组处理", (), hint="上年评价组的处理"),
    ),
    "上年报告导出表（Excel）的“主要问题”工作表，复制到本年度文件夹的任一工作簿并改名为“上年主要问题”；"
    "上年的数据文件夹不在本年度旁边时，整改情况一节按此列出上年的问题；选填。",
    by_name_only=True,
)

#: Words that mark subtotal and total rows (not items).
SUBTOTAL_WORDS = ("小计",)
TOTAL_WORDS = ("合计", "总计", "总额")
#: Text at the start of a row that marks notes and signatures below a table.
NOTE_PREFIXES = (
    "注:", "注1", "注①", "注释", "说明:", "备注:", "填表人", "填表:", "制表人", "制表:", "审核人", "审核:",
    "单位负责人", "财务负责人", "负责人:", "经办人", "联系人", "联系电话", "填报人", "填报日期", "日期:",
    "报送日期", "数据来源:", "资料来源:",
)

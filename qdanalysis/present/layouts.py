"""The tables the report shows and the export writes, declared once.

Each :class:`TableLayout` names a table's columns in Chinese and says which hold money (元,
shown in 万元 with two decimals) and which hold ratios. The report renders a layout as text;
the Excel export writes real numbers with the matching number format. The tables the report
shows are numbered in the order they appear (:func:`caption`), the same numbers in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from qdanalysis.analyse.analyses import UNITEMISED
from qdanalysis.domain import NOT_ADJUSTED

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis


@dataclass(frozen=True)
class TableLayout:
    """A table: sheet name, caption, columns (key -> Chinese header), money and ratio columns."""

    name: str
    caption: str
    columns: dict[str, str]
    money: tuple[str, ...] = ()
    percent: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    widths: dict[str, int] = field(default_factory=dict)
    #: A sentence under the table (HTML) or below its rows (Excel), where :func:`for_year` keeps it.
    note: str = ""
    #: Excel number formats of the other numeric columns (a ratio as 倍, a price per Mbps).
    number_formats: dict[str, str] = field(default_factory=dict)
    #: A detail sheet: the Excel export ends it with a 合计 row.
    detail: bool = False


#: The score sheet: its columns come from the scoring table; the layout gives its sheet name and caption.
SCORE = TableLayout("评分", "绩效评分", {})

COMPOSITION = TableLayout(
    "项目构成", "项目构成",
    {"category": "类别", "items": "项目数", "items_disclosed": "列明预算数的项目", "budget": "已列明预算（万元）"},
    money=("budget",), integer=("items", "items_disclosed"))

SPEND = TableLayout(
    "逐项支出", "各项目已列明的金额",
    {"code": "编号", "item": "项目", "amount": "金额（万元）", "basis": "依据"}, money=("amount",))

CATEGORIES = TableLayout(
    "分类支出", "分类支出",
    {"category": "类别", "items": "项目数", "budget": "已列明预算数（万元）", "adjusted_budget": "调整后预算（万元）",
     "executed": "执行数（万元）", "execution_rate": "执行率", "share": "占预算比例"},
    money=("budget", "adjusted_budget", "executed"), percent=("execution_rate", "share"), integer=("items",),
    note="注：“未逐项列明”一行的项目已分别计入上列各类的项目数；其金额按预算合计减各类已列明数推算，不是逐项数据。")

LINE_COSTS = TableLayout(
    "线路费用", "线路费用",
    {"carrier": "运营商", "line_type": "线路类型", "lines": "条数", "units": "按单位计数（个）",
     "bandwidth_mbps": "带宽（Mbps）", "monthly_cost": "月费用（万元）", "annual_cost": "年费用（推算，万元）",
     "cost_per_mbps_month": "每Mbps月费用（元）"},
    money=("monthly_cost", "annual_cost"), integer=("lines", "units", "bandwidth_mbps"),
    number_formats={"cost_per_mbps_month": "0.00"})

SMS_DEPARTMENTS = TableLayout(
    "各部门短信", "各部门短信",
    {"department": "部门", "count": "条数", "amount": "金额（万元）", "months_disclosed": "有数据的月数"},
    money=("amount",), integer=("count", "months_disclosed"))

RENEWALS = TableLayout(
    "合同续签", "合同续签与成本",
    {"item": "项目", "vendor": "供应商", "links": "合同数", "renewals": "续签次数", "first_cost": "首份年度金额（万元）",
     "last_cost": "最近年度金额（万元）", "cagr": "年均增长", "reference": "最近竞争性采购/最早合同",
     "cost_basis": "年度金额依据", "years": "年度数", "spent_since": "期间推算支出（万元）"},
    money=("first_cost", "last_cost", "spent_since"), percent=("cagr",), integer=("links", "renewals", "years"),
    dates=("reference",))

INDICATORS = TableLayout(
    "绩效指标", "绩效目标完成情况",
    {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target_text": "指标值", "actual_text": "实际完成值",
     "status": "完成情况", "comparison": "对比"})

RESULTS = TableLayout(
    "产出与成效", "产出与成效",
    {"name": "名称", "value": "数值", "unit": "单位", "source": "来源"})

CHECKS = TableLayout(
    "数据核对", "数据核对",
    {"check": "核对项", "formula": "算式", "computed": "测算（万元）", "stated": "表列（万元）", "status": "结果",
     "detail": "说明"},
    money=("computed", "stated"))

BUDGET_ITEMS = TableLayout(
    "预算明细", "预算明细",
    {"code": "编号", "category": "类别", "item": "项目名称", "budget": "预算数（万元）", "adjusted_budget": "调整后预算数（万元）",
     "executed": "执行数（万元）", "note": "备注", "source": "来源"},
    money=("budget", "adjusted_budget", "executed"), detail=True)

MONTHLY_LINES = TableLayout(
    "月度线路费用", "按月计费线路合同的月度费用",
    {"month": "月份", "item_code": "项目编号", "item": "项目", "vendor": "供应商", "cost": "费用（万元）"},
    money=("cost",), dates=("month",), detail=True)

SMS_MONTHLY = TableLayout(
    "短信月度", "金宏短信月度发送量与费用",
    {"month": "月份", "count": "条数", "amount": "金额（万元）", "amount_basis": "金额依据"},
    money=("amount",), integer=("count",), dates=("month",), detail=True)

PRICES = TableLayout(
    "同带宽价格", "同带宽线路价格对比",
    {"line_type": "线路类型", "bandwidth_mbps": "带宽（Mbps）", "carrier": "运营商", "monthly_fee": "月费（万元）",
     "ratio_to_cheapest": "为最低价的倍数"},
    money=("monthly_fee",), integer=("bandwidth_mbps",), number_formats={"ratio_to_cheapest": '0.0"倍"'})


def shown(analysis: YearAnalysis) -> list[TableLayout]:
    """The tables the annual report shows for this analysis, in the order they appear."""
    tables = [COMPOSITION, SPEND, CATEGORIES]
    if not analysis.data.lines.empty:
        tables.append(LINE_COSTS)
    if not analysis.data.sms.empty and len(analysis.sms_departments):
        tables.append(SMS_DEPARTMENTS)
    tables.append(RENEWALS)
    if not analysis.indicator_status.empty:
        tables.append(INDICATORS)
    if not analysis.data.results.empty:
        tables.append(RESULTS)
    if analysis.score is not None:
        tables.append(SCORE)
    tables.append(CHECKS)
    return tables


def caption(layout: TableLayout, analysis: YearAnalysis) -> str:
    """``表N 标题`` for a table the report shows (N in order of appearance), else the title alone."""
    numbers = {t.name: i for i, t in enumerate(shown(analysis), start=1)}
    number = numbers.get(layout.name)
    return f"表{number} {layout.caption}" if number else layout.caption


#: Columns that say nothing for a year whose budget was not adjusted (调整后预算数 left blank).
ADJUSTED_COLUMNS = ("adjusted_budget",)


def for_year(layout: TableLayout, analysis: YearAnalysis) -> TableLayout:
    """The layout as this year shows it: a budget that was not adjusted (未调整) has no 调整后预算 column
    of 未披露 cells, and the note on the 未逐项列明 row appears only where the row does."""
    if layout.name == CATEGORIES.name and UNITEMISED not in set(analysis.categories["category"]):
        layout = replace(layout, note="")
    if analysis.data.totals.get("adjustment") != NOT_ADJUSTED or not set(ADJUSTED_COLUMNS) & set(layout.columns):
        return layout
    keep = {k: v for k, v in layout.columns.items() if k not in ADJUSTED_COLUMNS}
    return replace(layout, columns=keep, money=tuple(c for c in layout.money if c not in ADJUSTED_COLUMNS))

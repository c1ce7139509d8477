"""An illustrative multi-year data set (示例数据), generated from code with a fixed seed.

The shipped data has one real year (2020), taken from the evaluation report. Trend charts
and the renewal analysis need several years, so :func:`generate_demo` writes a made-up
2018-2022 series in exactly the input format the loaders read, plausible against the 2020
facts (5 categories, 29 items, the Unicom/Telecom/provincial line prices, 942元/月 unit
access lines, 0.065元/条 SMS). Every figure is invented: every sheet's title starts with
【示例数据】, every row's 来源 says so, and each year folder holds a ``DEMO`` marker file,
so that the report can label every chart and table built from it (:func:`is_demo_folder`).

Generation is deterministic: one :class:`random.Random` seeded once and drawn in a fixed
order; workbook timestamps and zip entry times are fixed, so the same seed gives
byte-identical files. Money is computed with :class:`~decimal.Decimal` in 元; totals are
the sums of the items, to the fen. Nothing is ever written under ``data/raw/``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from qdanalysis.atomic import write_bytes, write_text
from qdanalysis.domain import DEMO_LABEL
from qdanalysis.money import FEN, WAN
from qdanalysis.paths import DATA_RAW
from qdanalysis.read.schema import BUDGET, CONTRACTS, INDICATORS, LINES, SMS, TOTAL_WORDS, SheetSchema
from qdanalysis.read.year import DEMO_MARKER_FILE, is_demo_folder

#: The word that marks demo data in file names, titles, sources and chart badges.
DEMO_MARK = DEMO_LABEL
#: The 来源 of every generated row.
DEMO_SOURCE = f"{DEMO_MARK}（由 qdanalysis.run.demo 按固定随机种子生成，非真实数据）"
#: Prefix of every sheet's title line.
DEMO_TITLE_PREFIX = f"【{DEMO_MARK}】"
#: Marker file written into every generated folder (what :func:`is_demo_folder` looks for).
MARKER_FILE = DEMO_MARKER_FILE
DEFAULT_YEARS = range(2018, 2023)
DEFAULT_SEED = 20201231
#: Workbook created/modified time and zip entry time: fixed, so files are byte-identical.
FIXED_TIMESTAMP = dt.datetime(2021, 1, 1, 0, 0, 0)

SMS_PRICE = Decimal("0.065")
UNIT_LINE = "单位：元"

# --- the programme: 5 categories, 29 items (names as in the 2020 workbook) ------------

ITEMS: tuple[tuple[str, str, str], ...] = (
    ("1.1", "关键设备维护服务费", "电子政务机房UPS等关键设备维护服务费"),
    ("1.2", "关键设备维护服务费", "电子政务核心网络设备安全设备维护费"),
    ("1.3", "关键设备维护服务费", "网络设备、Radware负载均衡、网闸等设备的维保及配件"),
    ("1.4", "关键设备维护服务费", "网络、网闸、行为审计等设备及配件的维保服务"),
    ("1.5", "关键设备维护服务费", "EMC系统维保"),
    ("1.6", "关键设备维护服务费", "市级机关办公楼网络终端运维服务"),
    ("1.7", "关键设备维护服务费", "市级机关三号楼C组UPS蓄电池更新尾款"),
    ("1.8", "关键设备维护服务费", "市级机关二号楼UPS蓄电池更换"),
    ("1.9", "关键设备维护服务费", "青岛市级视频监控资源共享平台服务项目"),
    ("1.10", "关键设备维护服务费", "项目监理费"),
    ("2.1", "网络线路及安全保障", "全市机关Internet专线费"),
    ("2.2", "网络线路及安全保障", "市直单位网络接入费"),
    ("2.3", "网络线路及安全保障", "部门接入省电子政务专网线路租用费"),
    ("2.4", "网络线路及安全保障", "市级机关（人大政协办公楼、帝威大厦）无线局域网网络服务费"),
    ("2.5", "网络线路及安全保障", "市电子政务外网优化提升项目（一期）"),
    ("2.6", "网络线路及安全保障", "市级机关无线局域网项目"),
    ("2.7", "网络线路及安全保障", "金宏短信平台通信费"),
    ("2.8", "网络线路及安全保障", "青岛市级电子政务外网、政务云第三方安全监测与保障服务项目"),
    ("3.1", "电子认证数字证书及服务费", "数字证书购置和更新服务费"),
    ("4.1", "大数据产业规划评估等费用", "规划执行情况评估"),
    ("4.2", "大数据产业规划评估等费用", "青岛市智慧城市建设情况评估"),
    ("4.3", "大数据产业规划评估等费用", "数字经济政策扶持项目评审和验收"),
    ("4.4", "大数据产业规划评估等费用", "政务数据治理"),
    ("5.1", "宣传、培训、咨询、评估费等", "“互联网+政务服务”第三方评估"),
    ("5.2", "宣传、培训、咨询、评估费等", "专家评审费"),
    ("5.3", "宣传、培训、咨询、评估费等", "培训教室无盘化系统运维费"),
    ("5.4", "宣传、培训、咨询、评估费等", "大数据产业推动经济发展培训"),
    ("5.5", "宣传、培训、咨询、评估费等", "大数据产业规划专题讲座"),
    ("5.6", "宣传、培训、咨询、评估费等", "大数据工作宣传和培训印刷费"),
    ("6.1", "数据安全保障", "政务数据安全风险评估"),
    ("6.2", "数据安全保障", "政务数据安全监测预警服务"),
)
ITEM_NAME = {code: name for code, _, name in ITEMS}
#: Items set up in a later year (a category that appears: 数据安全保障 from 2021).
ITEM_FROM = {"6.1": 2021, "6.2": 2021}

# --- generation parameters -----------------------------------------------------------

#: Total budget per year, 元 (drawn uniformly, a multiple of 100元).
BUDGET_TOTAL_RANGE = (Decimal(9_000_000), Decimal(9_800_000))
#: Programme execution rate per year must fall in this range (redrawn otherwise).
EXECUTION_RATE_RANGE = (Decimal("0.93"), Decimal("0.995"))
#: Items paid without a contract in the ledger: execution per item.
FREE_ITEM_EXECUTION = (0.78, 1.0)
#: Share of annual service contracts paid with a deduction, and the deduction's range.
DEDUCTION_SHARE, DEDUCTION_RANGE = 0.25, (0.95, 0.995)
#: A renewal after an open tender: new price relative to the last one.
TENDER_PRICE_RANGE = (0.90, 1.0)
#: Chains whose re-tender brings a clearly lower price (the maintenance chain that grew 5-8% a year).
TENDER_PRICE_OVERRIDES = {"1.1": (0.80, 0.88)}
#: Years between tenders of a chain that is never re-tendered (renewed year after year).
NEVER = 99

#: Annual service contracts renewed every year (续签), re-tendered (公开招标) every few years:
#: code, vendors, first-year amount (元), growth per renewal, years between tenders, offset
#: of the first tender from the first generated year.
ANNUAL_CHAINS: tuple[tuple[str, tuple[str, ...], int, tuple[float, float], int, int, str], ...] = (
    ("1.1", ("青岛示例机房工程有限公司", "山东示例电力科技有限公司"), 610_000, (0.05, 0.08), 3, 0,
     "对1-4号电子政务机房UPS及配电系统、空调系统、机房监控系统进行巡检维护；网络、网闸维保服务；UPS更换"),
    ("1.2", ("青岛示例网络技术有限公司", "山东示例信息安全有限公司"), 685_000, (0.02, 0.06), 3, 1,
     "交换机等网络设备维护服务；网闸、网关等安全设备维护服务；网络、网闸维保服务；UPS更换"),
    ("1.3", ("示例软件集团有限公司",), 275_000, (0.02, 0.05), 3, 1,
     "网络设备、Radware负载均衡、网闸等设备的维保、技术支持、定期巡检及配件"),
    ("1.5", ("示例存储系统服务有限公司",), 450_000, (0.0, 0.0), 3, 2,
     "EMC存储系统（2012年政务云建设项目购置）年度维保服务"),
    ("1.6", ("青岛示例运维服务有限公司",), 275_000, (0.02, 0.05), NEVER, 0,
     "3名工程师常驻市级机关1-4号楼及人大政协办公楼，维护网络和终端计算机"),
    ("1.9", ("青岛示例视频科技有限公司",), 320_000, (0.03, 0.07), 3, 0,
     "市级视频监控资源共享平台运行服务，汇聚并向省级平台推送视频资源"),
    ("2.4", ("中国联通", "中国移动"), 175_000, (0.0, 0.03), 3, 1,
     "人大政协办公楼、帝威大厦无线局域网网络服务"),
    ("2.5", ("青岛示例网络技术有限公司",), 487_000, (0.0, 0.0), 3, 0,
     "市电子政务外网公共服务域广域网和互联网统一出口优化提升（采购服务）"),
    ("2.6", ("中国电信", "中国移动"), 240_000, (0.0, 0.04), 3, 2,
     "市级机关1-4号楼、市行政审批大厅、市公共资源交易大厅无线局域网服务"),
    ("2.8", ("山东示例信息安全有限公司", "青岛示例安全技术有限公司"), 360_000, (0.03, 0.08), 3, 1,
     "电子政务外网、政务云安全监控、上线安全评估、重点时期保障、攻防演练"),
    ("3.1", ("示例数字认证有限公司",), 408_000, (0.0, 0.0), 3, 0,
     "全市机关及全额拨款事业单位数字证书购置和更新服务"),
    ("5.3", ("青岛示例教育科技有限公司",), 75_000, (0.0, 0.05), 3, 2,
     "培训教室无盘化系统运维，一年6次巡检及全年现场排障"),
)

#: Monthly line prices, 元 per line per month (Unicom is 7.6 / 0.79 ≈ 9.6 times Telecom).
UNICOM_EXIT, TELECOM_EXIT = Decimal(76_000), Decimal(7_900)
PROVINCIAL_LINE, PROVINCIAL_LINE_OLD_YEARLY = Decimal(11_700), Decimal(120_000)
PROVINCIAL_LINE_FROM = dt.date(2019, 6, 1)
#: Unit access lines: price before the 2019 tender and the tender price; units per year.
ACCESS_PRICE_OLD, ACCESS_PRICE = Decimal(965), Decimal(942)
ACCESS_TENDER_YEAR = 2019
ACCESS_UNITS = (85, 95)
ACCESS_UNICOM_SHARE = 0.6
#: After the 2019 tender China Telecom lowers its access price at each yearly renewal (as the
#: market's per-Mbps prices fall); China Unicom keeps the tender price.
TELECOM_ACCESS_CUT = (0.06, 0.10)

#: SMS: departments with their share of the messages, seasonality by month, annual total.
SMS_DEPARTMENTS = (("办公厅", 0.22), ("发改委", 0.12), ("财政局", 0.15), ("公安局", 0.25),
                   ("卫健委", 0.16), ("教育局", 0.10))
SMS_SEASON = (0.080, 0.060, 0.085, 0.085, 0.085, 0.080, 0.080, 0.080, 0.085, 0.075, 0.090, 0.115)
#: The message-count target rises 50万条 a year (600万条 in 2020, as in the 2020 report); the
#: messages sent fall between these fractions of it, so that some years miss the target.
SMS_TARGET_2020, SMS_TARGET_STEP = 6_000_000, 500_000
SMS_ANNUAL_RANGE = (0.94, 1.10)
SMS_ANNUAL_LIMITS = (0.92, 1.12)

#: Items with no contract in the ledger: relative weight of their share of the budget left
#: after the contracted items (the 2020 report gives no figure for them).
FREE_ITEM_WEIGHTS = {
    "1.4": 30, "1.7": 23, "1.8": 20, "1.10": 6, "4.1": 25, "4.2": 30, "4.3": 20, "4.4": 35,
    "5.1": 30, "5.2": 5, "5.4": 12, "5.5": 8, "5.6": 10, "6.1": 45, "6.2": 40,
}
#: Categories whose uncontracted items take a growing part of the budget: yearly growth of their
#: weight from the first generated year (大数据产业规划评估 grows faster than the total).
FREE_CATEGORY_GROWTH = {"4": 0.15}
#: Fallback weights for contracted items in a year that no contract covers.
FALLBACK_WEIGHT = 25

#: Table 1-1 of the 2020 report (the cost target is each year's budget), with the items each
#: indicator measures as the 2020 data maps them.
INDICATOR_ROWS = (
    ("产出指标", "数量指标", "保障网络线路数量", "≥80条", "2.1、2.2、2.3"),
    ("产出指标", "数量指标", "保障金宏短信数量", None, "2.7"),
    ("产出指标", "数量指标", "整合视频监控数量", "≥10万", "1.9"),
    ("产出指标", "质量指标", "系统正常运行率", "≥95%", None),
    ("产出指标", "质量指标", "验收合格率", "100%", None),
    ("产出指标", "时效指标", "故障响应时间", "≤2小时", None),
    ("产出指标", "成本指标", "采购成本", None, None),
    ("效益指标", "社会效益指标", "视频资源共享数量", "≥3万条", "1.9"),
    ("效益指标", "可持续影响指标", "运行维护制度健全性", "健全", None),
    ("效益指标", "可持续影响指标", "应急保障制度健全性", "健全", None),
    ("满意度指标", "服务对象满意度指标", "使用部门满意度", "≥85%", None),
)
#: The 2020 evaluation found no fund management rules; the demo has them from 2021.
RULES_FROM_YEAR = 2021


# --- projects of a demo portfolio ---------------------------------------------------

#: The word every invented vendor's name carries (青岛示例网络技术有限公司).
VENDOR_MARK = "示例"
#: The programme named in the default demo's sheet titles.
DEFAULT_PROGRAMME = "青岛市大数据局专项业务费"


@dataclass(frozen=True)
class DemoProfile:
    """What makes one demo project differ from another (the default is the 2018-2022 demo).

    Attributes:
        programme: the programme named in the sheet titles.
        size: the year's total budget is :data:`BUDGET_TOTAL_RANGE` times this (the contracted
            items stay as they are; the items without a contract take the rest).
        categories: the budget categories the project has, by the first digit of their codes
            (an item of :data:`ITEM_FROM` only from its year).
        execution: the range of the year's execution rate, and of an uncontracted item's.
        vendor_tag: written after 示例 in every invented vendor's name, so that each project
            has its own vendors (the carriers stay 中国联通, 中国电信, 中国移动).
    """

    programme: str = DEFAULT_PROGRAMME
    size: Decimal = Decimal(1)
    categories: tuple[str, ...] = ("1", "2", "3", "4", "5", "6")
    execution: tuple[tuple[Decimal, Decimal], tuple[float, float]] = (EXECUTION_RATE_RANGE, FREE_ITEM_EXECUTION)
    vendor_tag: str = ""

    def has(self, code: str) -> bool:
        return code.split(".")[0] in self.categories

    @property
    def items(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(item for item in ITEMS if self.has(item[0]))

    def items_in(self, year: int) -> tuple[tuple[str, str, str], ...]:
        """The items the project has in ``year`` (an item set up later is absent before)."""
        return tuple(item for item in self.items if ITEM_FROM.get(item[0], year) <= year)

    def vendor(self, name: str) -> str:
        return name.replace(VENDOR_MARK, VENDOR_MARK + self.vendor_tag, 1) if self.vendor_tag else name


DEFAULT_PROFILE = DemoProfile()

#: The projects of a demo portfolio (``qdanalysis demo --projects N``), used in turn: name,
#: 主管部门, size, categories, execution rate range, uncontracted items' execution range.
PORTFOLIO_PROJECTS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, str], tuple[float, float]], ...] = (
    ("示例市大数据局专项业务费", "示例市大数据发展管理局", "1.0", ("1", "2", "3", "4", "5"), ("0.93", "0.995"), (0.78, 1.0)),
    ("示例市政务云运维经费", "示例市行政审批服务局", "2.4", ("1", "2", "3", "5"), ("0.85", "0.93"), (0.55, 1.0)),
    ("示例市公安视频专网运维经费", "示例市公安局", "1.5", ("1", "2", "3"), ("0.95", "0.995"), (0.85, 1.0)),
    ("示例市教育城域网运维经费", "示例市教育局", "3.6", ("1", "2", "3", "4", "5"), ("0.76", "0.86"), (0.5, 0.95)),
    ("示例市卫健信息化运维经费", "示例市卫生健康委员会", "1.2", ("1", "2", "5"), ("0.90", "0.97"), (0.7, 1.0)),
    ("示例市人社信息系统运维经费", "示例市人力资源和社会保障局", "2.0", ("1", "2", "3", "4"), ("0.88", "0.95"), (0.6, 1.0)),
    ("示例市应急指挥通信保障经费", "示例市应急管理局", "4.5", ("1", "2"), ("0.80", "0.90"), (0.55, 0.95)),
    ("示例市城管物联感知运维经费", "示例市城市管理局", "1.8", ("1", "2", "3", "5"), ("0.96", "1.00"), (0.9, 1.0)),
)
#: Written after :data:`VENDOR_MARK` in the vendors' names of the 2nd, 3rd, … project.
VENDOR_TAGS = "甲乙丙丁戊己庚辛壬癸"
#: How many years each project of a demo portfolio has by default (ending with the last demo year).
PORTFOLIO_YEARS = 3


def portfolio_profile(index: int) -> tuple[str, str, DemoProfile]:
    """(project id, 主管部门, profile) of the ``index``-th (0-based) project of a demo portfolio."""
    name, department, size, categories, rate, free = PORTFOLIO_PROJECTS[index % len(PORTFOLIO_PROJECTS)]
    round_ = index // len(PORTFOLIO_PROJECTS)
    if round_:
        name, department = f"{name}（第{round_ + 1}批）", department
    tag = "" if index == 0 else VENDOR_TAGS[(index - 1) % len(VENDOR_TAGS)] + (str(round_ + 1) if round_ else "")
    profile = DemoProfile(programme=name, size=Decimal(size), categories=categories,
                          execution=((Decimal(rate[0]), Decimal(rate[1])), free), vendor_tag=tag)
    return f"demo-{index + 1:02d}", department, profile


# --- the generated data --------------------------------------------------------------


@dataclass
class DemoContract:
    """One contract of the demo ledger (money in 元)."""

    contract_id: str
    item_code: str
    vendor: str
    signed: dt.date
    start: dt.date
    end: dt.date | None
    billing: str
    amount: Decimal | None = None
    unit_price: Decimal | None = None
    quantity: int | None = None
    procurement: str = ""
    renews: str | None = None
    scope: str = ""
    note: str = ""
    #: When the service this contract continues first started (for the line inventory).
    since: dt.date | None = None

    def active(self, year: int) -> bool:
        return self.start <= dt.date(year, 12, 31) and (self.end is None or self.end >= dt.date(year, 1, 1))

    def months_in(self, year: int) -> int:
        first = max(self.start, dt.date(year, 1, 1))
        last = dt.date(year, 12, 31) if self.end is None else min(self.end, dt.date(year, 12, 31))
        return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)

    def annual_cost(self) -> Decimal | None:
        if self.billing == "年":
            return self.amount
        if self.billing == "月":
            return _fen(self.unit_price * (self.quantity or 1) * 12)
        return None


@dataclass
class DemoYear:
    """One year of demo data: rows of each table keyed by schema column keys."""

    year: int
    seed: int
    programme: str = DEFAULT_PROGRAMME
    budget: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    sms: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    total_budget: Decimal = Decimal(0)
    total_executed: Decimal = Decimal(0)
    sms_count: int = 0


def _fen(x: Decimal) -> Decimal:
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def _hundreds(x: Decimal | float) -> Decimal:
    """Round to 100元: how budgets and contract prices are usually set."""
    return _fen((Decimal(x) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100)


def _wan(yuan: Decimal) -> str:
    return f"{(yuan / WAN).quantize(FEN, rounding=ROUND_HALF_UP)}"


def _uniform(rng: random.Random, bounds: tuple[float, float]) -> Decimal:
    return Decimal(str(round(rng.uniform(*bounds), 6)))


def _contract_id(year: int, code: str, suffix: str = "") -> str:
    return f"SL-{year}-{code}{suffix}"


def _term_chain(rng: random.Random, code: str, suffix: str, first_start: dt.date, first_end: dt.date,
                term_years: int, until: int, **fields: Any) -> list[DemoContract]:
    """A contract and its 续签 renewals, each following the last for ``term_years`` years."""
    first = DemoContract(_contract_id(first_start.year, code, suffix), code, signed=_signed(rng, first_start),
                         start=first_start, end=first_end, since=first_start, **fields)
    chain = [first]
    while chain[-1].end is not None and chain[-1].end < dt.date(until, 12, 31):
        prev = chain[-1]
        start = prev.end + dt.timedelta(days=1)
        end = dt.date(start.year + term_years, start.month, start.day) - dt.timedelta(days=1)
        chain.append(replace(prev, contract_id=_contract_id(start.year, code, suffix), signed=_signed(rng, start),
                             start=start, end=end, procurement="续签", renews=prev.contract_id,
                             note=f"续签{prev.contract_id}，价格不变"))
    return chain


def _signed(rng: random.Random, start: dt.date) -> dt.date:
    """Signing date: calendar-year contracts are signed (often late) in their first weeks,
    others a few days before service starts."""
    if start.month == 1 and start.day == 1:
        return start + dt.timedelta(days=rng.randint(3, 45))
    return start - dt.timedelta(days=rng.randint(5, 25))


def _standing_contracts(rng: random.Random, until: int) -> list[DemoContract]:
    """Multi-year contracts: the Internet exits, the provincial line and the SMS framework."""
    lt = _term_chain(
        rng, "2.1", "-LT", dt.date(2014, 1, 1), dt.date(2018, 12, 31), 3, until,
        vendor="中国联通", billing="月", unit_price=UNICOM_EXIT, procurement="单一来源",
        scope="全市机关Internet联通出口，带宽由100M升级为1000M并续租",
        note="《Internet接入线路续租》；联通出口1000M，7.6万元/月")
    dx = _term_chain(
        rng, "2.1", "-DX", dt.date(2017, 1, 1), dt.date(2019, 12, 31), 3, until,
        vendor="中国电信", billing="月", unit_price=TELECOM_EXIT, procurement="竞争性磋商",
        scope="全市机关Internet电信出口，1条1000M互联网出口", note="电信出口1000M，0.79万元/月")
    old_provincial = DemoContract(
        _contract_id(2016, "2.3"), "2.3", "中国电信", signed=_signed(rng, dt.date(2016, 6, 1)),
        start=dt.date(2016, 6, 1), end=PROVINCIAL_LINE_FROM - dt.timedelta(days=1), billing="年",
        amount=PROVINCIAL_LINE_OLD_YEARLY, procurement="单一来源",
        scope="部门接入省电子政务专网原线路租用", note="原线路，2019年5月31日到期后改由中国联通提供")
    provincial = _term_chain(
        rng, "2.3", "", PROVINCIAL_LINE_FROM, dt.date(2024, 12, 31), 5, until,
        vendor="中国联通", billing="月", unit_price=PROVINCIAL_LINE, procurement="竞争性磋商",
        scope="与省电子政务专网互联互通的非涉密网络线路租用", note="2019年6月起，1.17万元/月")
    sms = _term_chain(
        rng, "2.7", "", dt.date(2017, 1, 1), dt.date(2022, 12, 31), 6, until,
        vendor="示例通信服务有限公司", billing="条", unit_price=SMS_PRICE, procurement="竞争性磋商",
        scope="全市部门通过金宏短信平台发送短信，据实结算", note="2017年采购价格0.065元/条")
    return lt + dx + [old_provincial] + provincial + sms


class _AnnualChain:
    """A yearly service contract: renewed (续签) with growth, re-tendered (公开招标) every few years."""

    def __init__(self, spec, first_year: int):
        self.code, self.vendors, base, self.growth, self.every, offset, self.scope = spec
        self.amount = _fen(Decimal(base))
        self.first_year, self.tender_offset = first_year, offset
        self.last: DemoContract | None = None
        self.vendor = self.vendors[0]

    def next(self, rng: random.Random, year: int) -> DemoContract:
        since_first = year - self.first_year - self.tender_offset
        tender = since_first >= 0 and since_first % self.every == 0
        if self.last is None:
            procurement, renews, note = ("公开招标" if tender else "竞争性磋商"), None, ""
        elif tender:
            self.amount = _hundreds(self.amount * _uniform(rng, TENDER_PRICE_OVERRIDES.get(self.code,
                                                                                       TENDER_PRICE_RANGE)))
            self.vendor = rng.choice(self.vendors)
            procurement, renews, note = "公开招标", None, f"重新公开招标（上一合同{self.last.contract_id}）"
        else:
            growth = _uniform(rng, self.growth)
            new = _hundreds(self.amount * (1 + growth))
            note = (f"续签{self.last.contract_id}，金额较上年增长{(new / self.amount - 1) * 100:.1f}%"
                    if new != self.amount else f"续签{self.last.contract_id}，金额不变")
            self.amount = new
            procurement, renews = "续签", self.last.contract_id
        start = dt.date(year, 1, 1)
        self.last = DemoContract(_contract_id(year, self.code), self.code, self.vendor, _signed(rng, start), start,
                                 dt.date(year, 12, 31), "年", amount=self.amount, procurement=procurement,
                                 renews=renews, scope=self.scope, note=note)
        return self.last


class _AccessChain:
    """Unit access lines (2.2): one contract a year per carrier at a per-line monthly price.

    Both carriers were tendered in 2019 at one price; from then on China Telecom lowers its
    price at each yearly renewal while China Unicom keeps it (the per-Mbps trend the report
    compares). The units are split between them by :data:`ACCESS_UNICOM_SHARE`.
    """

    CARRIERS = (("中国联通", "-LT"), ("中国电信", "-DX"))

    def __init__(self, first_year: int):
        self.units = None
        self.last: dict[str, DemoContract] = {}
        self.price: dict[str, Decimal] = {}
        self.first_year = first_year

    def next(self, rng: random.Random, year: int) -> list[DemoContract]:
        lo, hi = ACCESS_UNITS
        self.units = rng.randint(lo, hi) if self.units is None else min(hi, max(lo, self.units + rng.randint(-2, 3)))
        unicom = round(self.units * ACCESS_UNICOM_SHARE)
        tender = year == ACCESS_TENDER_YEAR
        start = dt.date(year, 1, 1)
        out = []
        for carrier, suffix in self.CARRIERS:
            last = self.last.get(carrier)
            old = self.price.get(carrier)
            if year < ACCESS_TENDER_YEAR:
                price = ACCESS_PRICE_OLD
            elif tender or old is None:
                price = ACCESS_PRICE
            elif carrier == "中国电信":
                price = _fen(old * (1 - _uniform(rng, TELECOM_ACCESS_CUT)))
            else:
                price = old
            if last is None or tender:
                procurement, renews = ("公开招标" if tender else "竞争性磋商"), None
                note = "主、副线路均价（每条每月）" + ("；2019年公开招标中标价" if tender else "")
            else:
                procurement, renews = "续签", last.contract_id
                note = (f"续签{last.contract_id}，单价不变" if price == old
                        else f"续签{last.contract_id}，单价由{old}元降至{price}元（每条每月）")
            self.price[carrier] = price
            quantity = unicom if carrier == "中国联通" else self.units - unicom
            contract = DemoContract(_contract_id(year, "2.2", suffix), "2.2", carrier, _signed(rng, start), start,
                                    dt.date(year, 12, 31), "月", unit_price=price, quantity=quantity,
                                    procurement=procurement, renews=renews,
                                    scope="市直外联网单位网络接入主、副线路租用", note=note)
            self.last[carrier] = contract
            out.append(contract)
        return out


def build_demo(years: Iterable[int] = DEFAULT_YEARS, seed: int = DEFAULT_SEED,
               profile: DemoProfile = DEFAULT_PROFILE) -> dict[int, DemoYear]:
    """Generate the demo tables for ``years`` (pure: no I/O). Same seed and profile, same data."""
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("years must name at least one year")
    rng = random.Random(seed)
    standing = _standing_contracts(rng, years[-1])
    chains = [_AnnualChain(spec, years[0]) for spec in ANNUAL_CHAINS if profile.has(spec[0])]
    access = _AccessChain(years[0])
    video = Decimal(str(round(rng.uniform(1.6, 2.2), 1)))
    out: dict[int, DemoYear] = {}
    written_ids: set[str] = set()
    for year in years:
        data = DemoYear(year, seed, profile.programme)
        contracts = [c.next(rng, year) for c in chains] + access.next(rng, year)
        contracts += [c for c in standing if c.active(year)]
        contracts.sort(key=lambda c: (_code_key(c.item_code), c.start, c.contract_id))
        sms_rows = _sms(rng, year, sms_target(year))
        sms_total = sum((r["amount"] for r in sms_rows), Decimal(0))
        budget, executed, paid = _budget(rng, year, contracts, sms_total, profile, years[0])
        data.budget = _budget_rows(budget, executed, contracts, profile.items_in(year))
        data.contracts = [_contract_row(c, paid.get(c.contract_id), written_ids, profile) for c in contracts]
        written_ids |= {c.contract_id for c in contracts}
        data.lines = _line_rows(year, contracts)
        data.sms = sms_rows
        data.total_budget = sum(budget.values(), Decimal(0))
        data.total_executed = sum(executed.values(), Decimal(0))
        data.sms_count = sum(r["count"] for r in sms_rows)
        video += Decimal(str(round(rng.uniform(1.2, 1.9), 1)))
        data.indicators = _indicator_rows(rng, year, data, video)
        out[year] = data
    return out


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split("."))


def sms_target(year: int) -> int:
    """The year's message-count target: 600万条 in 2020, 50万条 more each year."""
    return SMS_TARGET_2020 + SMS_TARGET_STEP * (year - 2020)


def _sms(rng: random.Random, year: int, target: int) -> list[dict[str, Any]]:
    """12 months × the departments, counts summing to about the target, amount = count × 0.065."""
    limits = (target * SMS_ANNUAL_LIMITS[0], target * SMS_ANNUAL_LIMITS[1])
    while True:
        annual = round(target * rng.uniform(*SMS_ANNUAL_RANGE))
        shares = [(d, w * rng.uniform(0.85, 1.15)) for d, w in SMS_DEPARTMENTS]
        norm = sum(w for _, w in shares) * sum(SMS_SEASON)
        rows = []
        for month, season in enumerate(SMS_SEASON, start=1):
            for dept, w in shares:
                count = round(annual * w * season / norm * rng.uniform(0.9, 1.1))
                rows.append({"month": f"{year}年{month}月", "department": dept, "count": count,
                             "unit_price": SMS_PRICE, "amount": _fen(count * SMS_PRICE), "source": DEMO_SOURCE})
        total = sum(r["count"] for r in rows)
        if limits[0] <= total <= limits[1]:
            return rows


def _budget(rng: random.Random, year: int, contracts: list[DemoContract], sms_total: Decimal,
            profile: DemoProfile = DEFAULT_PROFILE, first_year: int | None = None) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Budget and executed per item code, and what each contract was paid in the year.

    A contracted item's budget is the annual cost of the contracts in force at year end; it
    is paid in full, for the months of service, or with a deduction. The SMS item pays the
    settlements. The rest of the year's total goes to the other items by weight.
    """
    first_year = year if first_year is None else first_year
    budget: dict[str, Decimal] = {}
    executed: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    year_end = dt.date(year, 12, 31)
    for c in contracts:
        if c.billing == "条":
            continue
        if c.end is None or c.end >= year_end:
            budget[c.item_code] = budget.get(c.item_code, Decimal(0)) + c.annual_cost()
        months = c.months_in(year)
        if c.billing == "月":
            pay = _fen(c.unit_price * (c.quantity or 1) * months)
        elif months < 12:
            pay = _fen(c.amount * months / 12)
        elif rng.random() < DEDUCTION_SHARE:
            pay = _fen((c.amount * _uniform(rng, DEDUCTION_RANGE)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            pay = c.amount
        paid[c.contract_id] = pay
        executed[c.item_code] = executed.get(c.item_code, Decimal(0)) + pay
    budget["2.7"] = (sms_total / WAN).quantize(Decimal(1), rounding=ROUND_CEILING) * WAN \
        + Decimal(rng.randint(0, 3)) * WAN
    executed["2.7"] = sms_total
    for c in contracts:
        if c.billing == "条":
            paid[c.contract_id] = sms_total
    total_lo, total_hi = (int(x * profile.size / 100) for x in BUDGET_TOTAL_RANGE)
    total = Decimal(rng.randint(total_lo, total_hi) * 100)
    free = [code for code, _, _ in profile.items_in(year) if code not in budget]
    weights = {code: FREE_ITEM_WEIGHTS.get(code, FALLBACK_WEIGHT) * rng.uniform(0.8, 1.25)
               * (1 + FREE_CATEGORY_GROWTH.get(code.split(".")[0], 0)) ** (year - first_year) for code in free}
    left = total - sum(budget.values(), Decimal(0))
    if left < 20_000 * len(free):
        raise ValueError(f"{year}: contracted items exceed the drawn total budget; widen BUDGET_TOTAL_RANGE")
    wsum = sum(weights.values())
    for code in free[:-1]:
        budget[code] = _hundreds(left * Decimal(weights[code] / wsum))
    budget[free[-1]] = left - sum((budget[c] for c in free[:-1]), Decimal(0))
    (lo, hi), free_execution = profile.execution
    fixed = sum(executed.values(), Decimal(0))
    for _ in range(100_000):
        spent = {code: _fen(budget[code] * _uniform(rng, free_execution)) for code in free}
        rate = (fixed + sum(spent.values(), Decimal(0))) / total
        if lo <= rate <= hi:
            break
    else:
        raise ValueError(f"{year}: no execution rate in [{lo}, {hi}] is reachable; widen the profile's ranges")
    executed.update(spent)
    return budget, executed, paid


def _budget_rows(budget: dict[str, Decimal], executed: dict[str, Decimal],
                 contracts: list[DemoContract], items: tuple[tuple[str, str, str], ...] = ITEMS) -> list[dict[str, Any]]:
    rows = []
    for code, category, name in items:
        ids = [c.contract_id for c in contracts if c.item_code == code]
        note = f"见合同台账{'、'.join(ids)}" if ids else ""
        if code == "2.7":
            note = "按0.065元/条据实结算（见短信结算）"
        rows.append({"code": code, "category": category, "item": name, "budget": budget[code],
                     "executed": executed[code], "note": note, "source": DEMO_SOURCE})
    return rows


def _contract_row(c: DemoContract, paid: Decimal | None, earlier_ids: set[str],
                  profile: DemoProfile = DEFAULT_PROFILE) -> dict[str, Any]:
    renews, note = c.renews, c.note
    if renews and renews not in earlier_ids:
        # The contract renewed lies before the generated years: say so rather than link nowhere.
        note, renews = f"{note}（原合同{renews}早于示例数据年份）", None
    return {
        "contract_id": c.contract_id, "item_code": c.item_code, "item": ITEM_NAME[c.item_code],
        "vendor": profile.vendor(c.vendor),
        "signed": c.signed, "start": c.start, "end": c.end, "amount": c.amount, "billing": c.billing,
        "unit_price": c.unit_price, "quantity": c.quantity, "procurement": c.procurement, "renews": renews,
        "paid_in_year": paid, "scope": c.scope, "note": note, "source": DEMO_SOURCE,
    }


def _line_rows(year: int, contracts: list[DemoContract]) -> list[dict[str, Any]]:
    """The line inventory at year end, derived from the line contracts in force."""
    year_end = dt.date(year, 12, 31)
    rows = []
    for c in contracts:
        if c.end is not None and c.end < year_end:
            continue
        base = {"unit": "全市机关", "carrier": c.vendor, "count": 1, "start": c.start, "item_code": c.item_code,
                "note": f"合同{c.contract_id}", "source": DEMO_SOURCE}
        if c.item_code == "2.1":
            rows.append({**base, "line_type": "互联网出口", "bandwidth_mbps": "1000M", "monthly_fee": c.unit_price,
                         "start": c.since or c.start})
        elif c.item_code == "2.3":
            fee = c.unit_price if c.billing == "月" else _fen(c.amount / 12)
            rows.append({**base, "line_type": "省电子政务专网", "bandwidth_mbps": "100M", "monthly_fee": fee})
        elif c.item_code == "2.2":
            rows.append({**base, "unit": "市直单位（外联网单位）", "line_type": "单位接入（主、副线路）",
                         "bandwidth_mbps": "20M", "count": c.quantity, "monthly_fee": c.unit_price, "start": None})
    return rows


def _indicator_rows(rng: random.Random, year: int, data: DemoYear, video: Decimal) -> list[dict[str, Any]]:
    lines = sum(r["count"] for r in data.lines)
    shared = (video * Decimal(str(round(rng.uniform(0.85, 0.97), 2)))).quantize(Decimal("0.1"))
    actual = {
        "保障网络线路数量": f"{lines}条",
        "保障金宏短信数量": f"{data.sms_count}条",
        "整合视频监控数量": f"{video}万路",
        "系统正常运行率": f"{rng.uniform(97.5, 99.9):.1f}%",
        "验收合格率": "100%",
        "故障响应时间": f"{rng.uniform(0.8, 2.6):.1f}小时",
        "采购成本": f"{data.total_executed}元",
        "视频资源共享数量": f"{shared}万路",
        "运行维护制度健全性": "健全" if year >= RULES_FROM_YEAR else "不健全",
        "应急保障制度健全性": "健全",
        "使用部门满意度": f"{rng.uniform(82.0, 96.0):.1f}%",
    }
    rows = []
    for level1, level2, name, target, codes in INDICATOR_ROWS:
        if name == "保障金宏短信数量":
            target = f"≥{sms_target(year) // 10000}万条"
        target = target or f"≤{_wan(data.total_budget)}万元"
        rows.append({"level1": level1, "level2": level2, "name": name, "target": target,
                     "actual": actual[name], "item_codes": codes, "source": DEMO_SOURCE})
    return rows


# --- writing the workbooks ---------------------------------------------------------

_BUDGET_KEYS = ("code", "category", "item", "budget", "adjusted_budget", "executed", "note", "source")
_CONTRACT_KEYS = ("contract_id", "item_code", "item", "vendor", "signed", "start", "end", "amount", "billing",
                  "unit_price", "quantity", "procurement", "renews", "paid_in_year", "scope", "note", "source")
_LINE_KEYS = ("unit", "carrier", "line_type", "bandwidth_mbps", "count", "monthly_fee", "start", "item_code",
              "note", "source")
_SMS_KEYS = ("month", "department", "count", "unit_price", "amount", "note", "source")
_INDICATOR_KEYS = ("level1", "level2", "name", "target", "actual", "item_codes", "note", "source")
_MONEY_FORMAT, _PRICE_FORMAT, _DATE_FORMAT, _COUNT_FORMAT = "#,##0.00", "#,##0.0000", "yyyy-mm-dd", "#,##0"
_WIDTH = {"text": 16, "code": 9, "money": 15, "price": 12, "date": 12, "count": 10, "month": 12}
_WIDE = {"item", "scope", "note", "source", "name"}


def _sheet(wb: Workbook, table: SheetSchema, title: str, keys: tuple[str, ...], rows: list[dict[str, Any]],
           *, unit_line: bool, seed: int, merge_key: str | None = None,
           total: dict[str, Any] | None = None) -> None:
    """One sheet as a bureau keeps it: title, 单位 line, header, rows, 合计 row, a note."""
    ws = wb.create_sheet(table.title)
    cols = [table.column(k) for k in keys]
    width = len(cols)
    ws.cell(1, 1, DEMO_TITLE_PREFIX + title).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    header_row = 2
    if unit_line:
        ws.cell(2, width, UNIT_LINE).alignment = Alignment(horizontal="right")
        header_row = 3
    for j, col in enumerate(cols, start=1):
        ws.cell(header_row, j, col.header).font = Font(bold=True)
        w = 40 if col.key in _WIDE else _WIDTH.get(col.kind, 12)
        ws.column_dimensions[get_column_letter(j)].width = w
    body = list(rows) + ([total] if total else [])
    runs = _runs([row.get(merge_key) for row in rows]) if merge_key else []
    firsts = {first for first, _ in runs}
    for i, row in enumerate(body):
        r = header_row + 1 + i
        for j, col in enumerate(cols, start=1):
            value = row.get(col.key)
            if col.key == merge_key and row is not total and i not in firsts:
                value = None  # written once, in the merged cell
            elif col.fill_down and col.key != merge_key and i > 0 and value == body[i - 1].get(col.key):
                value = None  # written once, on the first row it applies to
            if value is None or value == "":
                continue
            cell = ws.cell(r, j, value)
            fmt = {"money": _MONEY_FORMAT, "price": _PRICE_FORMAT, "date": _DATE_FORMAT}.get(col.kind)
            if col.kind == "count" and isinstance(value, int):
                fmt = _COUNT_FORMAT
            if fmt:
                cell.number_format = fmt
            if row is total:
                cell.font = Font(bold=True)
    if merge_key:
        j = keys.index(merge_key) + 1
        for first, last in runs:
            if last > first:
                ws.merge_cells(start_row=header_row + 1 + first, start_column=j,
                               end_row=header_row + 1 + last, end_column=j)
                ws.cell(header_row + 1 + first, j).alignment = Alignment(vertical="center", wrap_text=True)
    note_row = header_row + len(body) + 2
    ws.cell(note_row, 1, f"注：本表为{DEMO_MARK}，由 qdanalysis.run.demo 按固定随机种子（{seed}）生成，"
                         f"仅用于演示分析流程，不是真实数据{'；金额单位为元' if unit_line else ''}。")
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _runs(values: list[Any]) -> list[tuple[int, int]]:
    """Runs of equal consecutive values, as (first, last) indices."""
    runs: list[tuple[int, int]] = []
    for i, v in enumerate(values):
        if runs and values[runs[-1][0]] == v:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _readme_sheet(wb: Workbook, data: DemoYear) -> None:
    ws = wb.create_sheet("说明")
    rate = _rate_percent(data)
    lines = [
        f"{DEMO_TITLE_PREFIX}{data.year}年示例数据说明",
        f"本工作簿是{DEMO_MARK}，由 qdanalysis.run.demo 用 random.Random({data.seed}) 生成，不是真实数据，"
        "不得作为评价结论的依据。",
        "用途：演示多年度趋势、续签合同增长、线路与短信费用核对等分析流程；格式与真实输入完全相同。",
        f"依据：结构（{len({r['category'] for r in data.budget})}大类{len(data.budget)}个项目）、线路单价（联通出口7.6万元/月、电信出口0.79万元/月、省专网1.17万元/月、"
        "单位接入942元/月）、短信单价0.065元/条、绩效指标表1-1取自2020年绩效评价报告；其余金额均为随机生成。",
        f"本年合计：预算{_wan(data.total_budget)}万元，执行{_wan(data.total_executed)}万元，执行率{rate}%；"
        f"短信{data.sms_count}条。",
        "约定：金额单位为元（各表第2行「单位：元」）；合计行等于各项目之和（精确到分）；"
        "合同编号格式为 SL-年份-项目编号，「续签自」指向以前年度示例数据中的合同编号。",
    ]
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120


def _rate_percent(data: DemoYear) -> Decimal:
    return (data.total_executed / data.total_budget * 100).quantize(FEN, rounding=ROUND_HALF_UP)


def workbook_bytes(data: DemoYear) -> bytes:
    """The year's workbook as .xlsx bytes, identical for identical data."""
    wb = Workbook()
    wb.remove(wb.active)
    y = data.year
    total = {"category": TOTAL_WORDS[0], "budget": data.total_budget, "executed": data.total_executed,
             "note": f"执行率{_rate_percent(data)}%",
             "source": DEMO_SOURCE}
    _sheet(wb, BUDGET, f"{y}年{data.programme}预算执行明细表", _BUDGET_KEYS, data.budget,
           unit_line=True, seed=data.seed, merge_key="category", total=total)
    _sheet(wb, CONTRACTS, f"{y}年{data.programme}合同台账（{y}年度在履行合同）", _CONTRACT_KEYS,
           data.contracts, unit_line=True, seed=data.seed)
    _sheet(wb, LINES, f"{y}年{data.programme}线路租用清单（{y}年12月31日在用）", _LINE_KEYS, data.lines,
           unit_line=True, seed=data.seed)
    _sheet(wb, SMS, f"{y}年金宏短信平台通信费结算明细", _SMS_KEYS, data.sms, unit_line=True, seed=data.seed)
    _sheet(wb, INDICATORS, f"{y}年专项业务费项目绩效目标及完成情况（表1-1）", _INDICATOR_KEYS, data.indicators,
           unit_line=False, seed=data.seed)
    _readme_sheet(wb, data)
    for prop in ("created", "modified"):
        setattr(wb.properties, prop, FIXED_TIMESTAMP)
    wb.properties.creator = wb.properties.lastModifiedBy = "qdanalysis.run.demo"
    wb.properties.title = f"{DEMO_MARK} {y}"
    buffer = io.BytesIO()
    # ExcelWriter, not wb.save(): save() stamps the modified time with the clock.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times: openpyxl stamps each entry with the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# --- public API ---------------------------------------------------------------------


def _refuse_raw(path: Path) -> None:
    raw, target = DATA_RAW.resolve(), path.resolve()
    if target == raw or raw in target.parents:
        raise PermissionError(f"示例数据不能写入 data/raw/：{path}")


def _write_years(out: Path, data: dict[int, DemoYear], seed: int) -> list[Path]:
    """Each year's workbook into ``out/<year>/`` with the DEMO markers; the workbooks written."""
    marker = (f"{DEMO_MARK}：本文件夹中的工作簿由 qdanalysis.run.demo 按固定随机种子（{seed}）生成，"
              "仅用于演示，不是真实数据。\n")
    paths = []
    for year, year_data in data.items():
        folder = out / str(year)
        paths.append(write_bytes(folder / f"{DEMO_MARK}_{year}.xlsx", workbook_bytes(year_data)))
        write_text(folder / MARKER_FILE, marker)
    write_text(out / MARKER_FILE, marker)
    return paths


def generate_demo(out_dir: str | Path, years: Iterable[int] = DEFAULT_YEARS, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo data set: ``out_dir/<year>/示例数据_<year>.xlsx`` plus ``DEMO`` markers.

    Args:
        out_dir: where to write (one folder per year); never under ``data/raw/``.
        years: the years to generate (default 2018-2022).
        seed: the random seed; the same seed gives byte-identical workbooks.

    Returns:
        The workbooks written, in year order.

    Raises:
        PermissionError: ``out_dir`` lies under ``data/raw/``.
    """
    out = Path(out_dir)
    _refuse_raw(out)
    return _write_years(out, build_demo(years, seed), seed)


def generate_portfolio(out_dir: str | Path, projects: int, years: int = PORTFOLIO_YEARS,
                       seed: int = DEFAULT_SEED) -> tuple[Path, list[Path]]:
    """Write a demo portfolio: ``projects`` projects of different sizes, categories and vendors.

    Each project gets ``out_dir/<id>/raw/<year>/`` (its workbooks, as :func:`generate_demo`
    writes them, from its own seed and :class:`DemoProfile`), ``out_dir/<id>/params/<year>.yaml``
    (a title saying 示例数据), and ``out_dir/portfolio.yaml`` lists them all.

    Args:
        out_dir: where to write; never under ``data/raw/``.
        projects: how many projects (1-99).
        years: how many years each project has, ending with the last demo year (1-5).
        seed: the first project's seed; project ``i`` uses ``seed + i``.

    Returns:
        The portfolio file and the workbooks written.

    Raises:
        PermissionError: ``out_dir`` lies under ``data/raw/``.
        ValueError: ``projects`` or ``years`` out of range.
    """
    if not 1 <= projects <= 99:
        raise ValueError(f"projects must be 1-99, not {projects}")
    if not 1 <= years <= len(DEFAULT_YEARS):
        raise ValueError(f"years must be 1-{len(DEFAULT_YEARS)}, not {years}")
    out = Path(out_dir)
    _refuse_raw(out)
    run_years = list(DEFAULT_YEARS)[-years:]
    entries, paths = [], []
    for index in range(projects):
        project_id, department, profile = portfolio_profile(index)
        paths += _write_years(out / project_id / "raw", build_demo(run_years, seed + index, profile), seed + index)
        for year in run_years:
            write_text(out / project_id / "params" / f"{year}.yaml",
                       f"# {DEMO_MARK}：{profile.programme}{year}年的运行参数（由 qdanalysis demo 生成）。\n"
                       f"year: {year}\ntitle: 【{DEMO_MARK}】{profile.programme}{year}年绩效评价数据分析\n")
        entries.append(
            f"  - id: {project_id}\n    name: {profile.programme}\n    department: {department}\n"
            f"    data_root: {project_id}/raw\n    params: {project_id}/params\n"
            f"    years: [{', '.join(str(y) for y in run_years)}]\n")
    portfolio = write_text(out / "portfolio.yaml", (
        f"# {DEMO_MARK}：由 qdanalysis demo --projects {projects} 按固定随机种子（{seed}）生成的项目组合，"
        "所有项目、单位和数字均为虚构，仅用于演示。\n"
        "# 运行：qdanalysis run --portfolio <本文件的路径> --out <报告目录>\n"
        f"title: 【{DEMO_MARK}】专项资金绩效评价总览\nprojects:\n" + "".join(entries)))
    write_text(out / MARKER_FILE, f"{DEMO_MARK}：本文件夹中的项目组合由 qdanalysis.run.demo 生成，仅用于演示，不是真实数据。\n")
    return portfolio, paths


__all__ = ["generate_demo", "generate_portfolio", "build_demo", "is_demo_folder", "DemoProfile", "DEFAULT_YEARS",
           "DEFAULT_SEED"]

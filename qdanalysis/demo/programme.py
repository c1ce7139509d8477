"""The made-up programme: its items, prices and the ranges each year's figures are drawn from.

Everything here is plausible against the 2020 facts (5 categories, 29 items, the
Unicom/Telecom/provincial line prices, 942元/月 unit access lines, 0.065元/条 SMS) and invented
otherwise. :class:`DemoProfile` says what one project of a demo portfolio changes. The labels
that mark every generated figure as 示例数据 are declared here once, and so are the money
helpers the other demo modules share (money in 元, :class:`~decimal.Decimal`, to the fen).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from qdanalysis.domain import DEMO_LABEL
from qdanalysis.read.year import DEMO_MARKER_FILE

#: The word that marks demo data in file names, titles, sources and chart badges.
DEMO_MARK = DEMO_LABEL
#: The 来源 of every generated row.
DEMO_SOURCE = f"{DEMO_MARK}（由 qdanalysis.demo 按固定随机种子生成，非真实数据）"
#: Prefix of every sheet's title line.
DEMO_TITLE_PREFIX = f"【{DEMO_MARK}】"
#: Marker file written into every generated folder (what ``read.year.is_demo_folder`` looks for).
MARKER_FILE = DEMO_MARKER_FILE
DEFAULT_YEARS = range(2018, 2023)
DEFAULT_SEED = 20201231

FEN = Decimal("0.01")
WAN = Decimal(10000)
SMS_PRICE = Decimal("0.065")

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


# --- what one project of a portfolio changes ------------------------------------------

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


# --- money, as budgets and prices are set ---------------------------------------------


def fen(x: Decimal) -> Decimal:
    """Round to the fen."""
    return Decimal(x).quantize(FEN, rounding=ROUND_HALF_UP)


def hundreds(x: Decimal | float) -> Decimal:
    """Round to 100元: how budgets and contract prices are usually set."""
    return fen((Decimal(x) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100)


def wan(yuan: Decimal) -> str:
    """元 as 万元 text to the hundredth (941.00)."""
    return f"{(yuan / WAN).quantize(FEN, rounding=ROUND_HALF_UP)}"


def uniform(rng: random.Random, bounds: tuple[float, float]) -> Decimal:
    """A draw in ``bounds`` as a Decimal of 6 places."""
    return Decimal(str(round(rng.uniform(*bounds), 6)))

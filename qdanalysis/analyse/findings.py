"""Problems the data can show (问题与建议): the finding, the rule that finds it, and their order.

A rule (:class:`Rule`) is declared once, beside the function that applies it, with its code, its
dimension (决策、过程、产出、效益) and the performance indicators it bears on; the registry
(:mod:`qdanalysis.analyse.rules.registry`) lists every rule. A rule returns findings only when the
data supports them. Money in ``figures`` is in 元 as :class:`~decimal.Decimal`; ratios are floats;
texts show 万元 and percentages with two decimals, rounded half up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from qdanalysis.domain import DIMENSIONS
from qdanalysis.fmt import wan
from qdanalysis.read.inputs import BY_NAME

HIGH, MEDIUM, LOW = "高", "中", "低"
#: Severities, most serious first (the order of :func:`sort_findings`).
SEVERITIES = (HIGH, MEDIUM, LOW)
#: Who found a problem: a rule on the data, or the evaluation team in its fieldwork (评价发现 sheet).
DATA_ORIGIN, TEAM_ORIGIN = "数据分析", "评价组核查"
ORIGINS = (DATA_ORIGIN, TEAM_ORIGIN)
#: What a rule bears on when it examines every indicator of the 绩效指标 sheet.
EVERY_INDICATOR = "绩效指标"

FINDING_COLUMNS = ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议"]
TABLE_COLUMN = "table"
_SRC = ("src_file", "src_sheet", "src_row")


@dataclass(eq=False)
class Finding:
    """One problem the data shows.

    Attributes:
        code: its rule's code, ``F01``…; ``F05-2`` when a rule finds several.
        title: the problem in a few Chinese words.
        severity: 高, 中 or 低.
        category: its rule's dimension: 决策, 过程, 产出 or 效益 (as in the seed report's section 三).
        figures: the evidence by name: money in 元 (Decimal, None when undisclosed),
            ratios as floats, counts as ints.
        rows: the input rows behind it; ``table`` names the table and ``src_file``,
            ``src_sheet``, ``src_row`` are kept where the input has them.
        summary: one Chinese sentence with the figures.
        recommendation: what to do, in Chinese.
        limitation: what the data lacks rather than what the bureau did: it belongs to the
            report's 其他需要说明的问题 (data limitations), not to its problems.
        bears_on: the evaluation indicators (评价指标, by name: 绩效目标合理性…) it bears on; the
            engine fills it from its rule's ``bears_on``, a finding the team enters from its 关联指标.
            Scoring proposes a score for each of them (系统建议) until the evaluator confirms one.
        origin: who found it: :data:`DATA_ORIGIN` (a rule on the data) or :data:`TEAM_ORIGIN` (the
            evaluation team's fieldwork, 评价发现 sheet); a team finding may have no severity ("").
        decision: the team's decision on a finding of the data (采纳 or 修改; a rejected one leaves the
            findings); "" while it waits for one. A team finding is the team's own and needs none.
        note: whose words and when (the team's name and date), or the team's reason.
        cause: the team's analysis of the cause (原因), written in the draft's 原因分析.
        basis: the team's evidence in words (座谈记录, 资料名称…), where a rule has ``rows``.
    """

    code: str
    title: str
    severity: str
    category: str
    figures: dict
    rows: pd.DataFrame
    summary: str
    recommendation: str
    limitation: bool = False
    bears_on: tuple[str, ...] = ()
    origin: str = DATA_ORIGIN
    decision: str = ""
    note: str = ""
    cause: str = ""
    basis: str = ""

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}, not {self.origin!r}")
        if self.severity not in SEVERITIES and not (self.origin == TEAM_ORIGIN and self.severity == ""):
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.category not in DIMENSIONS:
            raise ValueError(f"category must be one of {DIMENSIONS}, not {self.category!r}")

    @property
    def rule_code(self) -> str:
        """The code of the rule that found it: ``F05`` for ``F05-2``."""
        return self.code.split("-")[0]


@dataclass(frozen=True)
class Rule:
    """A finding rule, declared beside its function.

    Attributes:
        code: stable code, ``F01``… for a year's rules, ``T01``… for rules across years.
        dimension: 决策, 过程, 产出 or 效益: the category of every finding of the rule.
        read: how the rule reads the evidence the registry gives it (a year's data and analyses,
            or the comparisons across years); returns a finding, a list of them, or None.
        indicators: the performance indicators (绩效指标) it bears on, by the level or name it
            selects them by, or :data:`EVERY_INDICATOR`; empty when it examines none.
        indicator_setting: it judges how an indicator is set (its ceiling, unit or target level),
            not what was spent or achieved: the report shows these beside the score.
        bears_on: the evaluation indicators (评价指标体系's 三级指标: 绩效指标明确性, 预算编制科学性…)
            and so the 评分要点 its findings bear on; every finding of the rule carries them.
        across_years: it compares years (the trends report) rather than reading one year.
        shrinks: (key in the finding's ``figures``, its Chinese name) of the figure that shrinks as the problem is
            put right: found again next year with a smaller one, the problem is 部分整改 (the follow-up of the year
            before's problems); empty when only the subjects the rule finds can change.
    """

    code: str
    dimension: str
    _: KW_ONLY
    read: Callable[[Any], Finding | list[Finding] | None]
    indicators: tuple[str, ...] = ()
    indicator_setting: bool = False
    across_years: bool = False
    bears_on: tuple[str, ...] = ()
    shrinks: tuple[str, str] | tuple[()] = ()

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"dimension must be one of {DIMENSIONS}, not {self.dimension!r}")

    def finding(self, **fields: Any) -> Finding:
        """A finding of this rule: its code and category are the rule's."""
        return Finding(code=self.code, category=self.dimension, **fields)

    def apply(self, evidence: Any) -> list[Finding]:
        """The rule's findings on ``evidence`` (none when the data does not support one)."""
        found = self.read(evidence)
        found = [] if found is None else [found] if isinstance(found, Finding) else list(found)
        return [f if f.bears_on else replace(f, bears_on=self.bears_on) for f in found]


# --- what every rule writes with ---------------------------------------------------------------


def unit_price_text(price, unit: str) -> str:
    """``0.065元/条``; in 万元 from 1,000 元 up (``7.60万元/月``)."""
    p = Decimal(price)
    return f"{wan(p)}/{unit}" if p >= 1000 else f"{p.normalize():f}元/{unit}"


def join(parts, sep: str = "、") -> str:
    return sep.join(str(p) for p in parts)


def evidence_rows(*parts: tuple[str, pd.DataFrame]) -> pd.DataFrame:
    """The rows behind a finding: copies of input rows with a ``table`` column in front."""
    frames = []
    for key, rows in parts:
        if rows is None or rows.empty:
            continue
        out = rows.copy()
        out.insert(0, TABLE_COLUMN, BY_NAME[key].title if key in BY_NAME else key)
        frames.append(out.reset_index(drop=True))
    if not frames:
        return pd.DataFrame(columns=[TABLE_COLUMN, *_SRC])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def numbered(findings: list[Finding]) -> list[Finding]:
    """Suffix a rule's code with -1, -2… when it found more than one problem."""
    if len(findings) < 2:
        return findings
    return [replace(f, code=f"{f.code}-{i}") for i, f in enumerate(findings, start=1)]


def budget_rows(budget: pd.DataFrame, codes) -> pd.DataFrame:
    return budget[budget["code"].isin(list(codes))]


def code_key(code: str) -> tuple:
    """``1.10`` after ``1.9``; names after codes."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", str(code)))


# --- order and table ---------------------------------------------------------------------------


def _rank(f: Finding) -> int:
    """Most severe first; a team finding without a severity after every graded one."""
    return SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES)


def in_report_order(findings: list[Finding]) -> list[Finding]:
    """Grouped by the four first-level indicators (决策、过程、产出、效益), most severe first within each (the
    data's and the team's together; the team's without a severity last, in the order of its sheet):
    the order and the numbers of the report's 主要问题, of the Excel sheet and of the draft."""
    return sorted(findings, key=lambda f: (DIMENSIONS.index(f.category), _rank(f), f.origin != DATA_ORIGIN,
                                           code_key(f.code[1:])))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first; within a severity, by rule code."""
    return sorted(findings, key=lambda f: (_rank(f), f.origin != DATA_ORIGIN, code_key(f.code[1:])))


def sources_text(rows: pd.DataFrame) -> str:
    """``合同台账第4、5行；预算执行第4行`` for the rows that carry a source."""
    if rows.empty or "src_row" not in rows or "src_sheet" not in rows:
        return ""
    known = rows.dropna(subset=["src_row", "src_sheet"])
    parts = [f"{sheet}第{join(sorted({int(r) for r in g['src_row']}))}行"
             for sheet, g in known.groupby("src_sheet", sort=False)]
    return "；".join(parts)


def input_rows_text(rows: pd.DataFrame) -> str:
    """``《2020年专项业务费》「合同台账」第4、5行、「预算执行」第4行`` for the rows that carry a source: the input
    rows a reader can open, by workbook (no workbook name where the rows keep no file)."""
    if rows.empty or "src_row" not in rows or "src_sheet" not in rows:
        return ""
    known = rows.dropna(subset=["src_row", "src_sheet"])
    files = known["src_file"] if "src_file" in known else pd.Series([None] * len(known), index=known.index)
    book = files.map(lambda f: f"《{Path(str(f)).stem}》" if isinstance(f, (str, Path)) and str(f) else "")
    out: dict[str, list[str]] = {}
    for (b, sheet), g in known.assign(book=book).groupby(["book", "src_sheet"], sort=False):
        out.setdefault(b, []).append(f"「{sheet}」第{join(sorted({int(r) for r in g['src_row']}))}行")
    return "；".join(b + "、".join(sheets) for b, sheets in out.items())


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding, in the order given: 序号, 编号 (the rule's code), 问题, 严重程度, 类别, 依据, 建议.

    ``依据`` is the summary followed by the source rows (来源：…).
    """
    rows = []
    for number, f in enumerate(findings, start=1):
        src = input_rows_text(f.rows)
        basis = f"（依据：{f.basis}）" if f.basis else ""
        rows.append({"序号": number, "编号": f.code, "问题": f.title, "严重程度": f.severity or "未定级",
                     "类别": f.category, "依据": f.summary + (f"（来源：{src}）" if src else "") + basis,
                     "建议": f.recommendation})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)

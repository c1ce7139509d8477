"""What a report section is, and what it reads: :class:`Section` and :class:`Context`.

A section declares, once, its key, its title, the sentence that introduces it, the blocks it shows
(:mod:`qdanalysis.present.blocks`), the Excel sheets it contributes and where the Word draft's
财预〔2020〕10号 outline places it. The order of the sections is :data:`qdanalysis.present.sections.SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from qdanalysis.domain import NOT_ADJUSTED
from qdanalysis.present.blocks import Block, Table, TableLayout

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.read.year import YearData

#: Columns that say nothing for a year whose budget was not adjusted (调整后预算数 left blank).
ADJUSTED_COLUMNS = ("adjusted_budget",)

#: The annual report's title when the parameters give none.
DEFAULT_TITLE = "专项业务费绩效评价数据分析"


@dataclass(frozen=True)
class Context:
    """What every section reads: the year's analysis and the report's title."""

    analysis: YearAnalysis
    title: str = DEFAULT_TITLE

    @property
    def data(self) -> YearData:
        return self.analysis.data

    @property
    def demo(self) -> bool:
        return self.analysis.demo

    def workbooks(self) -> str:
        """The year's workbooks in words (《2020年专项业务费》工作簿); paths are for 数据核对."""
        if not self.data.files:
            return f"{self.data.year}年数据文件夹"
        return "、".join(f"《{f.stem}》" for f in self.data.files) + "工作簿"

    def source(self, *sheets: str) -> str:
        """A chart's source line: the workbooks and sheets it was drawn from (《2020年专项业务费》工作簿的预算执行表)."""
        names = "、".join(f"{s}表" for s in sheets)
        return f"{self.workbooks()}{'的' if names else ''}{names}" + ("（示例数据，非真实数据）" if self.demo else "")

    def table(self, layout: TableLayout, frame, **kwargs) -> Table:
        """A table of this year (marked 示例数据 when the data is); a budget that was not adjusted (未调整)
        has no 调整后预算 column of 未披露 cells."""
        if self.data.totals.get("adjustment") == NOT_ADJUSTED and set(ADJUSTED_COLUMNS) & set(layout.columns):
            layout = replace(layout, columns={k: v for k, v in layout.columns.items() if k not in ADJUSTED_COLUMNS},
                             money=tuple(c for c in layout.money if c not in ADJUSTED_COLUMNS))
        return Table(layout, frame, self.demo, **kwargs)


def no_sheets(ctx: Context) -> list[Table]:
    return []


@dataclass(frozen=True)
class Section:
    """One section of the annual report.

    Attributes:
        key: the section's name in code (``budget``), by which outlines refer to it.
        title: its heading without the numeral (项目概况); empty for the report's head.
        intro: the sentence under the heading, saying what the section shows.
        blocks: the section's paragraphs, tables and charts for a year.
        sheets: the tables the Excel export writes for it (the report's own and detail sheets).
        dimension: 决策, 过程, 产出 or 效益: the Word draft shows the section under 四、绩效评价指标分析 in that
            dimension, unless its outline places it elsewhere.
        optional: shown (heading and all) only for a year whose data it has something to show of (an
            optional input such as the payment ledger); a year without that data keeps its numbering.
    """

    key: str
    title: str
    intro: str
    blocks: Callable[[Context], list[Block]]
    sheets: Callable[[Context], list[Table]] = no_sheets
    dimension: str = ""
    optional: bool = False

"""The annual report: its sections (:data:`~qdanalysis.present.sections.SECTIONS`) read from one year's analysis.

:class:`AnnualReport` assembles the sections' blocks once, numbers the tables it shows (表1, 表2, …) in
the order they appear, and hands the blocks to a renderer: :meth:`AnnualReport.show` in the notebook
(HTML), :mod:`qdanalysis.present.excel` and :mod:`qdanalysis.present.draft` for the other formats.
Nothing here computes a figure or loads data: the report receives a
:class:`~qdanalysis.analyse.year.YearAnalysis`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from qdanalysis.errors import QdanalysisError
from qdanalysis.fmt import SUMMARY_MIME, chinese_numeral, years_named
from qdanalysis.present.blocks import Block, Table
from qdanalysis.present.render.html import block_html, section_html, show, show_heading
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import DEFAULT_TITLE, Context, Section
from qdanalysis.present.summary import run_payload

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis

__all__ = ["AnnualReport", "DEFAULT_TITLE", "show"]


class AnnualReport:
    """The annual report's sections for one year's analysis, assembled once.

    Args:
        analysis: the year's analysis.
        title: the report's title (its year, if it names one, must be the analysis's).
        sections: the sections in order (default :data:`~qdanalysis.present.sections.SECTIONS`).
    """

    def __init__(self, analysis: YearAnalysis, title: str | None = None,
                 sections: Iterable[Section] = SECTIONS) -> None:
        title = title or DEFAULT_TITLE
        other = [y for y in years_named(title) if y != analysis.year]
        if other:
            raise QdanalysisError(f"报告标题「{title}」中的{other[0]}年与所分析的{analysis.year}年不一致"
                                  f"（请把标题中的年份改为{analysis.year}年，或不填标题以使用默认标题）")
        self.analysis = analysis
        self.title = title
        self.context = Context(analysis, title)
        self.sections = tuple(sections)
        self._blocks: dict[str, list[Block]] | None = None

    @property
    def demo(self) -> bool:
        return self.analysis.demo

    def _assembled(self) -> dict[str, list[Block]]:
        """Every section's blocks, the tables the report shows numbered in order of appearance."""
        if self._blocks is None:
            number = 0
            assembled = {}
            for section in self.sections:
                blocks = []
                for block in section.blocks(self.context):
                    if isinstance(block, Table) and block.shown:
                        number += 1
                        block = replace(block, number=number)
                    blocks.append(block)
                assembled[section.key] = blocks
            self._blocks = assembled
        return self._blocks

    def blocks(self, key: str) -> list[Block]:
        """The blocks of the section ``key``."""
        return self._assembled()[key]

    def numbers(self) -> dict[str, int]:
        """Each shown table's number, by the table's key."""
        return {b.key: b.number for blocks in self._assembled().values() for b in blocks
                if isinstance(b, Table) and b.number}

    def headings(self) -> dict[str, str]:
        """Each titled section's numbered heading (一、项目概况), by key."""
        titled = [s for s in self.sections if s.title]
        return {s.key: f"{chinese_numeral(i)}、{s.title}" for i, s in enumerate(titled, start=1)}

    def sheets(self) -> list[Table]:
        """The tables the Excel export writes, section by section, with the report's numbers."""
        numbers = self.numbers()
        return [replace(t, number=numbers.get(t.key)) for s in self.sections for t in s.sheets(self.context)]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def parts(self) -> list[tuple[str, str, list[Block]]]:
        """(heading, introduction, blocks) of each section in order; the head has no heading."""
        headings = self.headings()
        return [(headings.get(s.key, ""), s.intro, self.blocks(s.key)) for s in self.sections]

    def show(self) -> None:
        """Display every section in the notebook: its heading and introduction, then its blocks."""
        for heading, intro, blocks in self.parts():
            if heading:
                show_heading(heading, intro)
            show(blocks)

    def html(self) -> str:
        """The whole report as one HTML fragment (what :meth:`show` displays, in one string)."""
        return "".join((section_html(heading, intro) if heading else "") + "".join(
            block_html(b) for b in blocks if not isinstance(b, Table) or b.shown) for heading, intro, blocks in self.parts())

    def run_summary(self) -> None:
        """Display the score line for the runner (``qdanalysis run`` prints it); not shown in the report."""
        from IPython.display import display

        display({SUMMARY_MIME: run_payload(self.analysis)}, raw=True)

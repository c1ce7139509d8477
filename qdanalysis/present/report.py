"""The annual report: its sections (:data:`~qdanalysis.present.sections.SECTIONS`) read from one year's analysis.

:class:`AnnualReport` assembles the sections' blocks once and numbers the tables it shows (表1, 表2, …) in
the order they appear (:class:`~qdanalysis.present.outline.Outline`); the notebook shows them
(:meth:`~qdanalysis.present.outline.Outline.show`), :mod:`qdanalysis.present.excel` and
:mod:`qdanalysis.present.draft` render them in the other formats. Nothing here computes a figure or
loads data: the report receives a :class:`~qdanalysis.analyse.year.YearAnalysis`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

from qdanalysis.errors import QdanalysisError
from qdanalysis.fmt import SUMMARY_MIME, years_named
from qdanalysis.present.blocks import Table
from qdanalysis.present.outline import Outline
from qdanalysis.present.render.html import show
from qdanalysis.present.sections import SECTIONS
from qdanalysis.present.sections.base import DEFAULT_TITLE, Context, Section
from qdanalysis.present.summary import run_payload

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis

__all__ = ["AnnualReport", "DEFAULT_TITLE", "show"]


class AnnualReport(Outline):
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
        super().__init__(Context(analysis, title), sections)
        self.analysis = analysis
        self.title = title

    @property
    def demo(self) -> bool:
        return self.analysis.demo

    def sheets(self) -> list[Table]:
        """The tables the Excel export writes, section by section, with the report's numbers."""
        numbers = self.numbers()
        return [replace(t, number=numbers.get(t.key)) for s in self.sections for t in s.sheets(self.context)]

    def run_summary(self) -> None:
        """Display the score line for the runner (``qdanalysis run`` prints it); not shown in the report."""
        from IPython.display import display

        payload = run_payload(self.analysis)
        if payload.get("followup"):  # the overview's counts link to this section, by its heading's anchor
            payload["followup"]["heading"] = self.headings().get("followup")
        display({SUMMARY_MIME: payload}, raw=True)

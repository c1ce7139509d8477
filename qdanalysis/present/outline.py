"""A report as an ordered tuple of sections: its blocks assembled once, its tables numbered, shown.

:class:`Outline` is what the annual report (:class:`~qdanalysis.present.report.AnnualReport`) and the
multi-year report (:class:`~qdanalysis.present.trends_report.TrendsReport`) share: each section's
blocks built once from the report's context, the tables it shows numbered in the order they appear
(表1, 表2, …), the sections numbered 一、二、… under their titles, and the whole displayed in a
notebook (:meth:`Outline.show`) or written as one HTML fragment (:meth:`Outline.html`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from qdanalysis.fmt import chinese_numeral
from qdanalysis.present.blocks import Block, Chart, Paragraph, Table, numbered
from qdanalysis.present.render.html import block_html, section_html, show, show_heading
from qdanalysis.present.sections.base import Section


class Outline:
    """Sections in order over one context (the object every section's ``blocks`` reads).

    Args:
        context: what the sections read (a :class:`~qdanalysis.present.sections.base.Context`, or the
            multi-year report itself).
        sections: the sections in order.
    """

    def __init__(self, context: Any, sections: Iterable[Section]) -> None:
        self.context = context
        self.sections = tuple(sections)
        self._blocks: dict[str, list[Block]] | None = None

    def _assembled(self) -> dict[str, list[Block]]:
        """Every section's blocks, the tables the report shows numbered in order of appearance, and every
        :class:`~qdanalysis.present.blocks.Ref` to a table given that number."""
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
            numbers = _numbers(assembled)
            self._blocks = {key: [numbered(b, numbers) if isinstance(b, Paragraph) else b for b in blocks]
                            for key, blocks in assembled.items()}
        return self._blocks

    def blocks(self, key: str) -> list[Block]:
        """The blocks of the section ``key``."""
        return self._assembled()[key]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def numbers(self) -> dict[str, int]:
        """Each shown table's number, by the table's key."""
        return _numbers(self._assembled())

    def headings(self) -> dict[str, str]:
        """Each titled section's numbered heading (一、项目概况), by key."""
        titled = [s for s in self.sections if s.title and self.shown(s)]
        return {s.key: f"{chinese_numeral(i)}、{s.title}" for i, s in enumerate(titled, start=1)}

    def parts(self) -> list[tuple[str, str, list[Block]]]:
        """(heading, introduction, blocks) of each section in order; a section without a title has no heading."""
        headings = self.headings()
        return [(headings.get(s.key, ""), s.intro, self.blocks(s.key)) for s in self.sections if self.shown(s)]

    def shown(self, section: Section) -> bool:
        """Whether a section is shown: an optional one only when it has blocks for this year."""
        return not getattr(section, "optional", False) or bool(self.blocks(section.key))

    def show(self) -> None:
        """Display every section in the notebook: its heading and introduction, then its blocks (the figures drawn
        by this process and a child at once: :mod:`qdanalysis.present.drawer`)."""
        from qdanalysis.present.drawer import drawing_ahead

        parts = self.parts()
        with drawing_ahead(self.charts()):
            for heading, intro, blocks in parts:
                if heading:
                    show_heading(heading, intro)
                show(blocks)

    def charts(self) -> list[Chart]:
        """Every chart of the shown sections, in order."""
        return [b for _, _, blocks in self.parts() for b in blocks if isinstance(b, Chart)]

    def html(self) -> str:
        """The whole report as one HTML fragment (what :meth:`show` displays, in one string)."""
        return "".join((section_html(heading, intro) if heading else "") + "".join(
            block_html(b) for b in blocks if not isinstance(b, Table) or b.shown) for heading, intro, blocks in self.parts())


def _numbers(assembled: dict[str, list[Block]]) -> dict[str, int]:
    """The number of each numbered table among the assembled blocks, by the table's key."""
    return {b.key: b.number for blocks in assembled.values() for b in blocks if isinstance(b, Table) and b.number}

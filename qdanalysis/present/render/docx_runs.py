"""Runs of text in a Word paragraph: the East Asian face on each, optional breaks in lists of codes, and fields.

A run names its faces explicitly (:func:`~qdanalysis.present.render.docx_typography.set_fonts`); a list of codes
(``1.1、1.2、2.10``) may break after each 、 but never inside a code; a complex field (PAGE, TOC) is written as Word
writes one, with the text shown until Word updates it.
"""

from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.run import Run

from qdanalysis.present.render.docx_typography import BODY_FONT, set_fonts

#: An enumeration comma before a code or figure (``1.1、1.2、2.10``): a zero-width space after it marks where the line
#: may break (Word's and LibreOffice's optional break), so that a long list of codes breaks between its codes and
#: never inside one ("1." then "1"), which LibreOffice does to a list without a place to break.
LIST_BREAK = re.compile(r"、(?=[0-9A-Za-z])")
ZERO_WIDTH_SPACE = "\u200b"
#: What python-docx writes in a run as other elements than text: a tab (``w:tab``), a line break (``w:br``).
_RUN_BREAKS = re.compile(r"[\t\r\n]")


def breakable(text: str) -> str:
    """``text`` with an optional break after each 、 that a code or figure follows (:data:`LIST_BREAK`)."""
    return LIST_BREAK.sub("、" + ZERO_WIDTH_SPACE, text)


def add_run(p, text: str, east_asian: str, *, bold: bool = False, size=None):
    """A run of ``text`` (made :func:`breakable`) at the end of the paragraph ``p``, in the face ``east_asian``.

    A text without tabs or line breaks is one ``w:t``, written at once: what python-docx's ``add_run`` writes,
    without its emptying the new run and reading the text character by character (most of a draft's runs)."""
    text = breakable(text)
    if text and not _RUN_BREAKS.search(text):
        r = p._p.add_r()  # noqa: SLF001 - python-docx's add_run, past its character-by-character text
        r.add_t(text)
        run = Run(r, p)
    else:
        run = p.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    set_fonts(run.element.get_or_add_rPr(), east_asian)
    return run


def add_field(p, instruction: str, shown: str, *, size=None) -> None:
    """A complex field (begin, instruction, separate, the text shown until it is updated, end)."""
    def run_with(child) -> None:
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        set_fonts(rpr, BODY_FONT[0])
        if size is not None:
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size.pt * 2)))
            rpr.append(sz)
        r.append(rpr)
        r.append(child)
        p._p.append(r)  # noqa: SLF001 - python-docx has no public API for a complex field

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = shown
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)

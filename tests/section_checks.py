"""What the section tests share: a context over a changed analysis, and the blocks as text and kinds.

The 2020 analysis itself is the session fixture ``analysis2020`` (tests/conftest.py); a test that needs
another year changes a copy of it with :func:`variant` (the analysis is never modified).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from qdanalysis.present.blocks import Chart, Figure, Paragraph, Placeholder, Table
from qdanalysis.present.sections.base import DEFAULT_TITLE, Context


def variant(analysis, *, frames: dict | None = None, headline: dict | None = None, data: dict | None = None,
            **fields: Any):
    """A copy of ``analysis`` with some of its fields, its data's fields, its data's tables or its headline
    figures replaced."""
    d = analysis.data
    if frames or data:
        d = replace(d, **(data or {}), **({"frames": {**d.frames, **frames}} if frames else {}))
    if headline:
        fields["headline"] = replace(analysis.headline, **headline)
    return replace(analysis, data=d, **fields)


def context(analysis, title: str = DEFAULT_TITLE, **changes: Any) -> Context:
    """The context a section reads, over ``analysis`` changed as :func:`variant` changes it."""
    return Context(variant(analysis, **changes) if changes else analysis, title)


def shape(blocks) -> list[str]:
    """Each block as ``p``/``note``/``warning``/``title`` (a paragraph's style), ``chart:<key>`` or ``table:<key>``."""
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b.style)
        elif isinstance(b, Chart):
            out.append(f"chart:{b.key}")
        else:
            assert isinstance(b, Table), b
            out.append(f"table:{b.key}")
    return out


def paragraphs(blocks) -> list[str]:
    """The text of each paragraph, in order."""
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def figures(blocks) -> list[tuple[str, str, str]]:
    """(text, kind, basis) of every figure part of the paragraphs."""
    return [(p.text, p.kind, p.basis) for b in blocks if isinstance(b, Paragraph) for p in b.parts
            if isinstance(p, Figure)]


def placeholders(blocks) -> list[str]:
    """What each placeholder part asks the evaluation team for."""
    return [p.what for b in blocks if isinstance(b, Paragraph) for p in b.parts if isinstance(p, Placeholder)]

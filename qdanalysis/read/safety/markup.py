"""Raw XML bytes read without a parser: tag and attribute patterns, a text's length as Excel
counts it, and a piece of XML as a message may quote it."""

from __future__ import annotations

import re
from html import unescape

#: An element name; every pattern over tags allows a namespace prefix made of one.
NAME = rb"[A-Za-z_][\w.\-]*"
ATTRS = rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)"  # attribute text, quote-aware
ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*([\"'])(.*?)\1", re.S)
ATTR_T = re.compile(rb"(?:^|\s)t\s*=\s*([\"'])(.*?)\1", re.S)
_RPH = re.compile(r"<(?:[\w.\-]+:)?rPh\b.*?</(?:[\w.\-]+:)?rPh>", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TAGS = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9A-Fa-f]+|\w+);")
#: A start, end or empty-element tag: ``(closing slash, self-closing slash)``.
TAG = re.compile(rb"<(/?)[A-Za-z_][^>]*?(/?)>")


def text_length(si: bytes) -> int:
    """Characters of one ``<si>`` as Excel counts them (phonetic runs excluded)."""
    text = _RPH.sub("", si.decode("utf-8", "replace"))
    text = _CDATA.sub(lambda m: "x" * len(m.group(1)), text)
    text = _TAGS.sub("", text)
    return len(_ENTITY.sub("x", text)) if "&" in text else len(text)


def shown_bytes(text: bytes, limit: int = 40) -> str:
    """Raw XML text as a message may quote it: decoded, unescaped, shortened, controls made visible."""
    shown = unescape(text[: limit * 4].decode("utf-8", "replace"))
    shown = shown if len(shown) <= limit else shown[:limit] + "…"
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in shown)


def nesting_depth(xml: bytes) -> int:
    """The deepest nesting of elements in a piece of XML (self-closing ones not counted): ``<r><t>x</t></r>``
    is 2. Unbalanced closing tags count from zero again, so a piece cut anywhere is bounded from below."""
    depth = deepest = 0
    for m in TAG.finditer(xml):
        if m.group(1):
            depth = max(depth - 1, 0)
        elif not m.group(2):
            depth += 1
            deepest = max(deepest, depth)
    return deepest

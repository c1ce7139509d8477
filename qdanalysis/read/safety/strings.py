"""The shared-strings table: its compression ratio, a forged string count, strings longer than
Excel allows, and the text the sheets' references to it would make a reader materialise."""

from __future__ import annotations

import operator
import re
import zipfile
from array import array
from html import unescape
from typing import TYPE_CHECKING

from qdanalysis.read.safety.limits import (
    MAX_CARRY,
    MAX_CELL_CHARS,
    MAX_SHARED_TEXT_CHARS,
    MAX_SST_RATIO,
    MAX_TEXT_DEPTH,
    MAX_UNIQUE_STRINGS,
    MIN_BYTES_PER_STRING,
    SST_RATIO_MIN_SIZE,
)
from qdanalysis.read.safety.markup import ATTRS, NAME, nesting_depth, text_length
from qdanalysis.read.safety.worksheet import cut_at_row
from qdanalysis.read.safety.zipread import chunks

if TYPE_CHECKING:
    from qdanalysis.read.safety.inspector import Inspector, SheetScan

_SST_TAG = re.compile(rb"<(?:" + NAME + rb":)?sst(?=[\s/>])" + ATTRS + rb">")
_SI_TAG = re.compile(rb"<(?:" + NAME + rb":)?si(?=[\s/>])" + ATTRS + rb">")
_ATTR_UNIQUE = re.compile(rb"(?:^|\s)uniqueCount\s*=\s*([\"'])(.*?)\1", re.S)


def check_sst_ratio(inspector: Inspector, info: zipfile.ZipInfo) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > SST_RATIO_MIN_SIZE and ratio > MAX_SST_RATIO:
        raise inspector.bomb(f"共享字符串表“{info.filename}”压缩比异常（{ratio:.0f}倍，上限{MAX_SST_RATIO}倍）")


def check_unique_count(inspector: Inspector, info: zipfile.ZipInfo, attrs: bytes) -> None:
    """Refuse a forged ``uniqueCount`` (calamine pre-allocates that many strings)."""
    m = _ATTR_UNIQUE.search(attrs)
    if not m:
        return
    value = unescape(m.group(2).decode("utf-8", "replace")).strip()
    if not re.fullmatch(r"\+?[0-9]+", value):
        return
    count = int(value)
    limit = min(MAX_UNIQUE_STRINGS, info.file_size // MIN_BYTES_PER_STRING)
    if count > limit:
        raise inspector.malicious(
            f"共享字符串表声明的字符串数量异常（uniqueCount={count}，该文件最多可能有{limit}个），可能是恶意文件"
        )


class SstScan:
    """Streams a shared-strings part: forged counts and over-long strings.

    With ``lengths``, also records the exact length of every string, by index.
    """

    def __init__(self, inspector: Inspector, info: zipfile.ZipInfo, end_tag: bytes, lengths: array | None = None):
        self.inspector = inspector
        self.info = info
        self.end_tag = end_tag  # b"</si>", or with the root's namespace prefix
        self.lengths = lengths
        self.carry = b""
        self.longest = 0  # upper bound (bytes, markup included) of any string's length
        self.started = False  # the first piece also holds the XML declaration and <sst>

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = buf.rfind(self.end_tag)
        cut = 0 if cut < 0 else cut + len(self.end_tag)
        self.carry = buf[cut:]
        if len(self.carry) > MAX_CARRY:
            raise self.inspector.too_long_text(len(self.carry))
        self._segment(buf[:cut], complete=True)

    def finish(self) -> None:
        self._segment(self.carry, complete=False)
        self.carry = b""

    def _segment(self, seg: bytes, complete: bool) -> None:
        if not seg:
            return
        if b"sst" in seg:
            for m in _SST_TAG.finditer(seg):
                check_unique_count(self.inspector, self.info, m.group(1))
        pieces = seg.split(self.end_tag)
        if complete:
            pieces.pop()  # the empty remainder after the final end tag
        if not self.started and pieces:
            self.started = True
            first = _SI_TAG.search(pieces[0])  # not the declaration: it would inflate the bound
            pieces[0] = pieces[0][first.start():] if first else b""
        longest = max(map(len, pieces), default=0)
        if longest > MAX_CELL_CHARS:
            for piece in pieces:
                if len(piece) > MAX_CELL_CHARS:
                    chars = text_length(_last_si(piece))
                    if chars > MAX_CELL_CHARS:
                        raise self.inspector.too_long_text(chars)
        self._check_depth(pieces)
        self.longest = max(self.longest, longest)
        if self.lengths is not None and complete:
            for piece in pieces:
                si = _last_si(piece)
                if si:
                    self.lengths.append(text_length(si))


    def _check_depth(self, pieces: list[bytes]) -> None:
        """Refuse a string nested deeper than Excel writes (<si><r><rPr><b/>): readers disagree on its text."""
        # Each string on its own (an average over the segment would let many empty strings hide a deep one):
        # nesting deeper than MAX_TEXT_DEPTH inside <si> takes more tags than ``limit`` (their end tags included).
        limit = 2 * MAX_TEXT_DEPTH + 2
        if max(map(_TAG_COUNT, pieces), default=0) <= limit:  # the usual case, without a Python step per string
            return
        for piece in pieces:
            if piece.count(b"<") > limit:
                si = _last_si(piece)
                depth = nesting_depth(si) - 1  # the <si> itself
                if depth > MAX_TEXT_DEPTH:
                    raise self.inspector.malicious(
                        f"共享字符串表“{self.info.filename}”中有一段文字的格式嵌套了{depth}层（Excel最多{MAX_TEXT_DEPTH}层），"
                        "不同的读取程序会读出不同的内容，可能是恶意文件或文件已损坏")


_TAG_COUNT = operator.methodcaller("count", b"<")


def _last_si(piece: bytes) -> bytes:
    """The ``<si>`` element a piece ends with (self-closing ones are skipped, as calamine does)."""
    last = b""
    for m in _SI_TAG.finditer(piece):
        if not m.group(1).endswith(b"/"):
            last = piece[m.start() :]
    return last


def check_shared_text(inspector: Inspector, zf: zipfile.ZipFile, sst: SstScan, sheets: dict[str, SheetScan]) -> None:
    """Exact count of characters the reader would materialise from shared strings."""
    lengths = array("L")
    exact = SstScan(inspector, sst.info, sst.end_tag, lengths)
    for chunk in chunks(zf, sst.info):
        exact.feed(chunk)
    exact.finish()
    total = sum(_shared_chars(zf, zf.getinfo(part), lengths) for part in sheets)
    if total > MAX_SHARED_TEXT_CHARS:
        raise inspector.malicious(
            f"工作簿中的长文本被大量重复引用，读取需要展开约{total}个字符（上限{MAX_SHARED_TEXT_CHARS}个），可能是恶意文件"
        )


_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
# A shared-string cell and the index in its <v>: the opening tag must not be self-closing,
# and the <v> must come before the cell closes.
_SHARED_VALUE = re.compile(
    rb"<" + _NS + rb"c\b[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*(?<!/)>(?:(?!</" + _NS + rb"c>).)*?<" + _NS
    + rb"v\b[^>]*>\s*(\d{1,12})\s*<",
    re.S,
)


def _shared_chars(zf: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: array) -> int:
    """Characters a reader materialises from shared strings for one sheet: the length of the
    string every shared-string cell refers to, summed (vectorised: a 100,000-row ledger in
    well under a second). A cell a reader would skip is still counted, so the bound errs on
    the side of refusing."""
    import numpy as np

    table = np.frombuffer(lengths, dtype=np.uint32 if lengths.itemsize == 4 else np.uint64).astype(np.int64)
    total = 0
    carry = b""
    for chunk in chunks(zf, info):
        buf = carry + chunk
        cut = cut_at_row(buf)
        carry = buf[cut:]
        total += _sum_refs(buf[:cut], table)
    return total + _sum_refs(carry, table)


def _sum_refs(seg: bytes, table) -> int:
    import numpy as np

    refs = _SHARED_VALUE.findall(seg)
    if not refs:
        return 0
    idx = np.array(refs).astype(np.int64)
    idx = idx[idx < len(table)]
    return int(table[idx].sum())

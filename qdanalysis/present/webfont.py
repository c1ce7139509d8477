"""The report's Chinese font, subset to the characters a page uses, as an ``@font-face`` rule.

The HTML report is read (and printed) on machines that may have no Chinese font: without
one every heading and paragraph shows as boxes. The charts already draw with the Noto Sans
SC that the zhplot wheel ships (SIL Open Font License); the HTML embeds the same font,
reduced by fontTools' subsetter to the characters of the page and compressed as WOFF, in a
``data:`` URI, so nothing is fetched from a network. The full font is 10.6 MB; the subset
of a year's report (about 600 distinct characters) is about 145 KB as base64.

WOFF (zlib), not WOFF2 (brotli): the browsers still found on government intranet PCs (Internet
Explorer 9-11, old 360 and QQ browsers in compatibility mode) read WOFF but not WOFF2, and WOFF is
made in a third of the time (0.29 s against 0.84 s for 2020's page) for about 25 KB more.

This module imports no plotting library: :mod:`qdanalysis.present.style` takes the font
path from here.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import io
from pathlib import Path
from typing import Any, Callable

FONT_FILE = "NotoSansSC-Regular.ttf"
#: The family name the embedded font is declared under; first in the report's font stack.
FAMILY = "Noto Sans SC"
#: Printable ASCII is always kept: digits and Latin letters that CSS adds (page numbers).
ASCII = "".join(chr(c) for c in range(0x20, 0x7F))


def cjk_font_path() -> Path:
    """Path of the NotoSansSC-Regular.ttf shipped by zhplot (OFL).

    The package is located without importing it: importing zhplot rewrites rcParams.

    Raises:
        FileNotFoundError: zhplot is not installed or ships no such font.
    """
    spec = importlib.util.find_spec("zhplot")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"未安装 zhplot，找不到中文字体 {FONT_FILE}；请先运行 make env")
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(f"zhplot 中没有字体文件 fonts/{FONT_FILE}；请重新安装 zhplot")


def characters_of(page: str, extra: str = "") -> str:
    """The characters a page can show: everything outside ASCII in it (entities decoded), plus
    printable ASCII and ``extra``, sorted.

    Base64 images and markup are ASCII, so outside ASCII there is only text (and a few
    font names in the style sheet, which costs a handful of glyphs).
    """
    wanted = {ch for ch in set(html.unescape(page)) if ord(ch) > 0x7E and ch.isprintable()}  # set(): in C, 10x faster
    return "".join(sorted(wanted | set(ASCII) | set(extra)))


def _options() -> Any:
    """The subsetter's options: WOFF, every name record, no hinting."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]  # keeps the copyright and licence (OFL) notices inside the font
    options.notdef_outline = True
    options.hinting = False  # screens and printers of today do not need TrueType hinting
    return options


#: The tables of the font that every subset reads, whatever the characters: parsing them is most of a
#: subset's time (about 0.4 s of the 2020 page's 0.7 s on an idle machine) and does not depend on the page.
READ_BY_EVERY_SUBSET = ("cmap", "glyf", "hmtx", "vmtx", "GDEF", "GSUB", "GPOS")


def load_font(font: str | Path | None = None) -> Any:
    """The font opened for :func:`subset_woff`, with what every subset reads already parsed.

    A run's font worker calls this while the kernel executes (:mod:`qdanalysis.present.font_worker`), so that the
    subset made after the kernel is left with the work that depends on the page's characters. The
    font is opened as the subsetter opens it (lazily), and parsed only as far as any subset parses it: the glyph
    order, the tables of :data:`READ_BY_EVERY_SUBSET`, and the layout tables down to the format of each lookup's
    subtables, which the subsetter looks at first (parsing those tables whole takes 20 times longer). Lazy
    parsing gives the same objects whenever it happens, so the subset's bytes are those of a font the subsetter
    opened itself (tests/present/test_webfont.py). A loaded font serves one subset: subsetting changes it.
    """
    from fontTools import subset

    loaded = subset.load_font(str(font or cjk_font_path()), _options())
    loaded.getGlyphOrder()
    for tag in READ_BY_EVERY_SUBSET:
        if tag not in loaded:
            continue
        table = loaded[tag]
        lookups = getattr(getattr(getattr(table, "table", None), "LookupList", None), "Lookup", None) or []
        for lookup in lookups:
            for subtable in lookup.SubTable:
                getattr(getattr(subtable, "ExtSubTable", subtable), "Format", None)
    return loaded


def subset_woff(characters: str, font: str | Path | None = None, *, loaded: Any = None) -> bytes:
    """The font reduced to ``characters`` (and what their shaping needs), as WOFF.

    Args:
        characters: the characters to keep.
        font: the font file (default :func:`cjk_font_path`).
        loaded: the font already opened by :func:`load_font` (then ``font`` is not read); it is used up.
    """
    from fontTools import subset

    options = _options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    if loaded is None:
        loaded = subset.load_font(str(font or cjk_font_path()), options)
    try:
        subsetter.subset(loaded)
        buffer = io.BytesIO()
        subset.save_font(loaded, buffer, options)
    finally:
        loaded.close()
    return buffer.getvalue()


def font_face_css(page: str, extra: str = "", subset: Callable[[str], bytes] = subset_woff) -> str:
    """An ``@font-face`` rule declaring :data:`FAMILY` as the subset of the font for ``page``, made by ``subset``
    (the report passes :func:`qdanalysis.present.cache.font_subset`, which keeps it for the next page)."""
    data = base64.b64encode(subset(characters_of(page, extra))).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400; '
            f'font-display: block; src: url(data:font/woff;base64,{data}) format("woff"); }}')

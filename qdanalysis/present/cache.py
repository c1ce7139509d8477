"""Drawn figures and font subsets kept under ``data/processed/cache/``, keyed by the hash of all they depend on.

A chart's PNG depends on the chart function and its arguments (a :class:`~qdanalysis.present.blocks.Drawing`),
the code that draws it, the plotting libraries, the fonts and matplotlib's settings (rcParams) when it is
drawn; a font subset on its characters, the font file and the code. The key of an entry is the SHA-256 of
all of it, so an entry is never stale: when anything changes, the key changes and the figure is drawn
again. Entries are content-addressed and written atomically; the folder can be deleted at any time
(``data/processed`` is rebuildable), it is never under ``data/raw``.

What goes into a figure's key:

- :func:`code_version`: every ``.py`` file of the qdanalysis package (a change anywhere redraws everything);
- the versions of Python, matplotlib, seaborn, numpy, pandas, Pillow and kiwisolver;
- the report font's bytes (:func:`~qdanalysis.present.webfont.cjk_font_path`) and matplotlib's list of fonts;
- matplotlib's rcParams once the report theme is applied (a notebook that changes a setting gets new keys);
- the chart function's module and name, and every argument, hashed by value (:func:`value_digest`);
- the resolution asked for.

An argument of a type :func:`value_digest` does not know makes the chart uncacheable: it is drawn every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import io
import math
import os
import platform
import sys
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from qdanalysis.paths import DATA_PROCESSED

if TYPE_CHECKING:
    from qdanalysis.present.blocks import Chart, Drawing

#: Bumped when the layout of the cache or of its keys changes.
CACHE_FORMAT = "1"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("matplotlib", "seaborn", "numpy", "pandas", "pillow", "kiwisolver", "fonttools")
#: rcParams that say where a figure is shown, not what is drawn (the kernel's inline backend turns interactive on).
SCREEN_ONLY = ("backend", "interactive", "toolbar", "keymap.", "webagg.", "tk.", "macosx.", "figure.raise_window")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Which figures of this process were drawn and which came from the cache (by chart key), for tests and benchmarks.
DRAWN: list[str] = []
REUSED: list[str] = []


class Uncacheable(TypeError):
    """An argument whose value cannot be hashed reliably: the chart is drawn every time."""


def cache_root() -> Path:
    """``data/processed/cache`` (``QDANALYSIS_PROCESSED`` moves it with the rest of the store)."""
    return Path(os.environ.get("QDANALYSIS_PROCESSED") or DATA_PROCESSED) / "cache"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The SHA-256 of every ``.py`` file of the package (path and bytes), in path order."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> str:
    versions = [f"python={platform.python_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return ";".join(versions)


@lru_cache(maxsize=1)
def font_digest() -> str:
    """The SHA-256 of the report font's file."""
    from qdanalysis.present.webfont import cjk_font_path

    return hashlib.sha256(cjk_font_path().read_bytes()).hexdigest()


# --------------------------------------------------------------------------- values


def _feed(h: Any, value: Any) -> None:
    """Feed ``value`` into the hash ``h``, tagged by type so that 1, 1.0, '1' and Decimal('1') differ."""
    import numpy as np
    import pandas as pd

    def tag(name: str, text: str = "") -> None:
        h.update(f"<{name}:{len(text)}>{text}".encode())

    if value is None or value is pd.NA or value is pd.NaT:
        tag("none", repr(value))
    elif isinstance(value, (bool, np.bool_)):
        tag("bool", str(bool(value)))
    elif isinstance(value, (int, np.integer)):
        tag("int", str(int(value)))
    elif isinstance(value, (float, np.floating)):
        tag("float", "nan" if math.isnan(value) else repr(float(value)))
    elif isinstance(value, str):
        tag("str", value)
    elif isinstance(value, bytes):
        tag("bytes", value.hex())
    elif isinstance(value, Decimal):
        tag("decimal", str(value))
    elif isinstance(value, pd.Timestamp):
        tag("timestamp", value.isoformat())
    elif isinstance(value, (dt.datetime, dt.date, dt.time)):
        tag(type(value).__name__, value.isoformat())
    elif isinstance(value, (pd.Period, pd.Timedelta, dt.timedelta, np.datetime64, np.timedelta64)):
        tag(type(value).__name__, str(value))
    elif isinstance(value, enum.Enum):
        tag("enum", f"{type(value).__module__}.{type(value).__qualname__}.{value.name}")
    elif isinstance(value, pd.DataFrame):
        tag("frame", str(value.shape))
        _feed(h, value.index)
        for name in value.columns:
            _feed(h, name)
            _feed(h, value[name])
    elif isinstance(value, pd.Series):
        tag("series", str(value.dtype))
        _feed(h, value.name)
        _feed(h, value.index)
        _feed(h, value.to_numpy(dtype=object))
    elif isinstance(value, pd.Index):
        tag("index", f"{type(value).__name__}:{value.dtype}:{value.names}")
        _feed(h, value.to_numpy(dtype=object))
    elif isinstance(value, np.ndarray):
        tag("array", f"{value.dtype}:{value.shape}")
        for item in value.ravel(order="C"):
            _feed(h, item)
    elif isinstance(value, (list, tuple)):
        tag(type(value).__name__ if type(value) in (list, tuple) else f"{type(value).__qualname__}", str(len(value)))
        for item in value:
            _feed(h, item)
    elif isinstance(value, dict):  # in order: a chart iterates a dict in its order
        tag("dict", str(len(value)))
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
    elif isinstance(value, (set, frozenset)):
        tag("set", str(len(value)))
        for digest in sorted(value_digest(item) for item in value):
            tag("item", digest)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        tag("dataclass", f"{type(value).__module__}.{type(value).__qualname__}")
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    else:
        raise Uncacheable(f"cannot hash a {type(value).__module__}.{type(value).__qualname__} by value")


def value_digest(value: Any) -> str:
    """The SHA-256 of ``value`` by content (frames, series, Decimal, dates, containers, dataclasses).

    Raises:
        Uncacheable: ``value`` holds an object of a type hashed here by nothing but its identity.
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


# --------------------------------------------------------------------------- matplotlib


def _rc_digest() -> str:
    """matplotlib's settings as a chart is drawn: the report theme applied first (as drawing would), then
    every rcParam but those of windows and screens (:data:`SCREEN_ONLY`: the notebook's inline backend and the
    draft's Agg draw the same pixels)."""
    from matplotlib import font_manager, rcParams

    from qdanalysis.present import style

    if not style._theme_applied:  # noqa: SLF001 - the theme drawing would apply
        style.apply_theme()
    style.use_cjk_font()
    h = hashlib.sha256()
    for key in sorted(rcParams):
        if not key.startswith(SCREEN_ONLY):
            h.update(f"{key}={rcParams[key]!r}\n".encode())
    fonts = sorted(f"{f.fname}|{f.name}|{f.style}|{f.variant}|{f.weight}|{f.stretch}|{f.size}\n"
                   for f in font_manager.fontManager.ttflist)
    h.update("".join(fonts).encode())
    return h.hexdigest()


def chart_key(drawing: Drawing, dpi: float | None) -> str:
    """The cache key of ``drawing`` rendered at ``dpi`` (None: the figure's own resolution).

    Raises:
        Uncacheable: an argument cannot be hashed by value.
    """
    h = hashlib.sha256()
    for part in ("figure", CACHE_FORMAT, code_version(), library_versions(), font_digest(), _rc_digest(),
                 drawing.module, drawing.function, value_digest(drawing.args), value_digest(drawing.kwargs),
                 "own" if dpi is None else repr(float(dpi))):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


def _render(chart: Chart, dpi: float | None) -> bytes:
    import matplotlib.pyplot as plt

    fig = chart.draw()
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi if dpi is None else dpi)
        return buf.getvalue()
    finally:
        plt.close(fig)


def chart_png(chart: Chart, dpi: float | None = None) -> bytes:
    """The chart as PNG bytes at ``dpi`` (None: the figure's own): from the cache when an entry has this
    chart's key, else drawn and kept there. A chart that is not a :class:`Drawing`, or whose arguments
    cannot be hashed, is drawn every time."""
    from qdanalysis.present.blocks import Drawing

    if not isinstance(chart.draw, Drawing):
        DRAWN.append(chart.key)
        return _render(chart, dpi)
    try:
        key = chart_key(chart.draw, dpi)
    except Uncacheable:
        DRAWN.append(chart.key)
        return _render(chart, dpi)
    path = _figure_path(key)
    drawer = _drawer()
    ahead = drawer.take(key) if drawer is not None and key in drawer.charts else None
    if ahead is not None:  # drawn by the drawer's child (qdanalysis.present.drawer)
        write_entry(path, ahead)
        DRAWN.append(chart.key)
        return ahead
    data = read_entry(path)
    if data is not None and data.startswith(PNG_SIGNATURE):
        REUSED.append(chart.key)
        return data
    data = _render(chart, dpi)
    write_entry(path, data)
    DRAWN.append(chart.key)
    return data


def _figure_path(key: str) -> Path:
    return cache_root() / "figures" / key[:2] / f"{key}.png"


def _drawer() -> Any:
    """The drawer sharing the figures with a child (:mod:`qdanalysis.present.drawer`), if one is active."""
    drawer = sys.modules.get("qdanalysis.present.drawer")
    return None if drawer is None else drawer.ACTIVE


def pending(charts: Iterable[Chart], dpi: float | None = None) -> list[tuple[str, Chart]]:
    """(key, chart) of each of ``charts`` that :func:`chart_png` would draw (cacheable, and not in the cache),
    once each, in order."""
    from qdanalysis.present.blocks import Drawing

    todo: dict[str, Chart] = {}
    for chart in charts:
        if not isinstance(chart.draw, Drawing):
            continue
        try:
            key = chart_key(chart.draw, dpi)
        except Uncacheable:
            continue
        if key not in todo and not _figure_path(key).is_file():
            todo[key] = chart
    return list(todo.items())


# --------------------------------------------------------------------------- entries


def read_entry(path: Path) -> bytes | None:
    """An entry's bytes, or None when there is none (or it cannot be read: it is made again)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_entry(path: Path, data: bytes) -> None:
    """Write an entry atomically (a reader never sees half of it; two writers write the same bytes).

    A cache folder that cannot be written (read-only, full) only costs the next run the drawing: the
    output is the same, so the error is not raised.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


# --------------------------------------------------------------------------- font subsets


def _font_entry(characters: str) -> Path:
    """Where the subset to ``characters`` is kept: its key is the characters, the font's bytes, the subsetting code
    of :mod:`~qdanalysis.present.webfont` and fontTools' version."""
    from qdanalysis.present import webfont

    h = hashlib.sha256()
    code = hashlib.sha256(Path(webfont.__file__).read_bytes()).hexdigest()  # the subsetter's options are there
    for part in ("font", CACHE_FORMAT, code, library_versions(), font_digest(), characters):
        h.update(part.encode() + b"\0")
    key = h.hexdigest()
    return cache_root() / "fonts" / key[:2] / f"{key}.woff"


def cached_font_subset(characters: str) -> bytes | None:
    """The kept subset to ``characters``, or None."""
    data = read_entry(_font_entry(characters))
    return data if data is not None and data.startswith(b"wOFF") else None


def font_subset(characters: str, made: Callable[[], bytes] | None = None) -> bytes:
    """The report font subset to ``characters`` as WOFF: from the cache when it has it (:func:`cached_font_subset`),
    else made and kept there. ``made`` makes it (the subset a :class:`~qdanalysis.present.font_worker.FontWorker`
    made of the same characters); by default :func:`~qdanalysis.present.webfont.subset_woff`."""
    from qdanalysis.present import webfont

    data = cached_font_subset(characters)
    if data is not None:
        return data
    data = made() if made is not None else webfont.subset_woff(characters)
    write_entry(_font_entry(characters), data)
    return data

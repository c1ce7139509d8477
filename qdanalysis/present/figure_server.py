"""A Word draft's figures drawn by a process forked before the year is read, so that loading the plotting libraries
costs the draft no time.

``qdanalysis draft`` spends its first second reading and analysing the year, on one core; drawing needs matplotlib and
seaborn loaded and the report theme applied (a few tenths of a second more), and then the figures themselves.
:func:`figure_server` forks a child at once (once what both need is loaded: :data:`PRELOADED`) that loads all of that
(and hashes the code, the libraries and the font for the cache keys) on the other core, then waits. As soon as the
year's analysis frames exist (before the checks, the findings and the score are computed, and python-docx is
loaded), :meth:`FigureServer.submit_frames` hands it the charts (pickled into a private folder: a pipe could make
this process wait for the child); the report's own charts, made later from the whole analysis, are the same ones
(:meth:`FigureServer.png` knows them by their pickle, else by the values their cache key hashes). The child gets
each one's PNG exactly as :func:`~qdanalysis.present.cache.chart_png` would (from the cache, or drawn and kept
there), sharing the drawing with a child of its own (:mod:`qdanalysis.present.drawer`), while this process writes
the document's text and tables. :meth:`FigureServer.png` then gives each figure, waiting for it if need be. This
process never loads matplotlib; the bytes are those this process would have drawn (the child is a copy of it,
and the cache key says so).

The child runs in a session of its own (as a report's kernel does): where Linux groups the processes of a session for
the scheduler (``autogroup``), the drawing then gets a share of the machine of its own beside this process's, instead
of one share split between the two while other work runs (the figures are most of the draft's time).

A chart that cannot be pickled (its ``draw`` is not a :class:`~qdanalysis.present.blocks.Drawing`) is drawn here, as
before. The child dies with this process (``PR_SET_PDEATHSIG``; a session of its own takes it out of the terminal's
signals) and the ``with`` block stops and reaps it on any way
out; its folders are inside this process's private folder, removed at the end. An error in the child is raised
here, with its message, when the figure is asked for (:class:`~qdanalysis.present.drawer.DrawingFailed`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import pkgutil
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qdanalysis.present.drawer import DrawingFailed, _die_with_parent, fork, next_message, send_error, stop_child

if TYPE_CHECKING:
    from qdanalysis.analyse.year import YearAnalysis
    from qdanalysis.present.blocks import Chart

#: The file the charts are handed over in, inside the private folder.
CHARTS_FILE = "charts.pickle"
#: What both processes need: the modules of what the charts carry (their arguments: pandas frames, pyarrow arrays, the
#: year's totals), which the child needs to take them and this process to read the year: loaded once before the fork,
#: not by both after it. The analysis (``qdanalysis.analyse.year``: its rules, scoring and follow-up) is loaded after
#: it, here alone: the child loads only the few analysis modules whose names the chart modules import (0.013 s of
#: CPU, against 0.07 s more before the fork).
PRELOADED = ("qdanalysis.present.blocks", "qdanalysis.read.year")
#: The chart modules of the trends report, which a draft has no charts of (:func:`chart_modules`).
TRENDS = ("trends",)
#: The annual report's sections with charts: each shows only the year's analysis frames (and its data), not its
#: checks, findings or score (:meth:`FigureServer.submit_frames`).
FRAME_SECTIONS = ("budget", "categories", "economic", "indicators", "lines", "payments", "renewals", "sms")


def warm() -> None:
    """What drawing needs, loaded before any figure is asked for: matplotlib (Agg, its artists' property lists
    left out: :func:`artists_undocumented`), seaborn and the report theme, the annual report's chart modules
    (:func:`chart_modules`; another chart's module is loaded when the charts arrive, :func:`_serve`), the image
    formats Pillow loads on a first save, the cache key's hashes of the code, the libraries and the font, and the
    font itself."""
    with artists_undocumented():
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import font_manager
        from matplotlib.backends.backend_agg import RendererAgg
        from PIL import Image

        from qdanalysis.present import cache, style
        for module in chart_modules():
            importlib.import_module(module)
        if not style._theme_applied:  # noqa: SLF001 - the theme a first figure would apply (and seaborn)
            style.apply_theme()
    style.use_cjk_font()
    cache.code_version()
    cache.library_versions()
    cache.font_digest()
    Image.preinit()  # as the first PNG saved would (the drawer's child then need not)
    # the Chinese font opened and measured once (its glyph tables read), as the first label of a figure would
    RendererAgg(10, 10, 72).get_text_width_height_descent("图", font_manager.FontProperties(), ismath=False)


@contextlib.contextmanager
def artists_undocumented() -> Iterator[None]:
    """matplotlib loaded within the block without the property list it writes into the docstring of each artist
    class's ``set`` method (``matplotlib.artist.kwdoc``, called for each of some hundred classes as they are
    defined): about a third of loading matplotlib, and nothing a process that only draws reads. Only a docstring
    differs (``help(Line2D.set)`` lists no properties in this process); the figures are the same bytes. Where
    matplotlib's artists are loaded already, nothing changes; ``kwdoc`` itself is put back after the block."""
    if "matplotlib.artist" in sys.modules:
        yield
        return
    from matplotlib import artist

    kwdoc = artist.kwdoc
    artist.kwdoc = _no_property_list
    try:
        yield
    finally:
        artist.kwdoc = kwdoc


def _no_property_list(artist: object) -> str:
    return ""


def chart_modules() -> list[str]:
    """The modules of the annual report's charts (those of :mod:`qdanalysis.present.charts` but the trends
    report's), which a draft's figures are drawn by."""
    from qdanalysis.present import charts

    return [f"{charts.__name__}.{m.name}" for m in pkgutil.iter_modules(charts.__path__) if m.name not in TRENDS]


class FigureServer:
    """The child that draws a draft's figures (see the module's text); :func:`figure_server` starts and stops it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="qdanalysis-draw-"))
        self.pid: int | None = None
        self.charts: list[Chart] = []
        self.sent: dict[int, int] = {}  # id(chart) -> its index in the handed-over list
        self.pickled: dict[bytes, int] = {}  # a chart as handed over (pickled) -> its index
        self.done: dict[int, bool] = {}  # index -> drawn (True) or taken from the cache (False)
        self.handed = False  # whether the charts have been handed over (:meth:`submit`)
        self._to_child: int | None = None
        self._from_child: int | None = None
        self._buffer = b""

    # --- this process ---------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the child (once :data:`PRELOADED` is loaded): it loads what drawing needs, then waits for the charts."""
        for name in PRELOADED:
            importlib.import_module(name)
        go_read, go_write = os.pipe()
        done_read, done_write = os.pipe()
        pid = fork()
        if pid == 0:  # the child: never returns
            os.close(go_write)
            os.close(done_read)
            self._child(go_read, done_write)
        os.close(go_read)
        os.close(done_write)
        self.pid, self._to_child, self._from_child = pid, go_write, done_read

    def submit(self, charts: Iterable[Chart]) -> None:
        """Hand the child the ``charts`` (those that can be pickled); it starts drawing them in this order. Once: a
        later call hands over nothing (a chart the child was not given is drawn here when asked for)."""
        if self.handed:
            return
        self.handed = True
        picklable = []
        for chart in charts:
            if id(chart) in self.sent:
                continue
            try:
                pickled = pickle.dumps(chart, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - a chart that cannot travel is drawn here
                continue
            self.sent[id(chart)] = len(picklable)
            self.pickled.setdefault(pickled, len(picklable))
            picklable.append(chart)
        self.charts = picklable
        tmp = self.folder / f".{CHARTS_FILE}.tmp"
        tmp.write_bytes(pickle.dumps(picklable, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.folder / CHARTS_FILE)
        os.write(self._to_child, b"go\n")  # a few bytes: never waits for the child

    def submit_frames(self, partial: YearAnalysis, title: str | None = None) -> None:
        """Hand the child the charts of the report (titled ``title``) that show only the analysis's frames, from
        the year's ``partial`` analysis (:func:`~qdanalysis.analyse.engine.frames_only`, before its checks, findings
        and score are computed): those of the sections :data:`FRAME_SECTIONS`. The report's own charts, made later
        from the whole analysis, are the same charts (:meth:`png` knows them by their pickle)."""
        from qdanalysis.present.report import AnnualReport
        from qdanalysis.present.sections import SECTIONS

        self.submit(AnnualReport(partial, title, [s for s in SECTIONS if s.key in FRAME_SECTIONS]).charts())

    def png(self, chart: Chart) -> bytes:
        """The chart's PNG: the child's, waiting for it if need be; drawn here if the child was not given it (nor
        a chart pickled the same: the same function of the same arguments, :meth:`submit_frames`).

        Raises:
            DrawingFailed: the child could not draw it, or stopped before it had.
        """
        from qdanalysis.present import cache

        index = self.sent.get(id(chart))
        if index is None and self.pickled:
            index = self._handed_as(chart)
        if index is None:
            return cache.chart_png(chart)
        while index not in self.done:
            self._receive(chart)
        (cache.DRAWN if self.done[index] else cache.REUSED).append(chart.key)
        return (self.folder / f"{index}.png").read_bytes()

    def _handed_as(self, chart: Chart) -> int | None:
        """The index of the chart handed over that draws the same figure as ``chart`` (made again from the same
        data): pickled the same, else the same function of arguments of the same value as those handed over (the
        value the figure's cache key hashes: :func:`~qdanalysis.present.cache.value_digest`; a frame may pickle
        otherwise once its arrays have been combined, with the same values). None if there is none."""
        from qdanalysis.present.blocks import Drawing
        from qdanalysis.present.cache import value_digest

        try:
            pickled = pickle.dumps(chart, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a chart that cannot be pickled was not handed over
            return None
        if pickled in self.pickled:
            return self.pickled[pickled]
        draw = chart.draw
        if not isinstance(draw, Drawing):
            return None
        with contextlib.suppress(Exception):  # a value hashed by identity only: not known to be the same
            digest = value_digest((draw.args, draw.kwargs))
            for handed, index in self.pickled.items():
                other = self.charts[index].draw
                if (isinstance(other, Drawing) and (other.module, other.function) == (draw.module, draw.function)
                        and self.charts[index].key == chart.key):
                    given = pickle.loads(handed).draw  # as handed over, whatever became of the objects since
                    if value_digest((given.args, given.kwargs)) == digest:
                        return index
        return None

    def _receive(self, chart: Chart) -> None:
        """One message of the child: a figure ready, or its error."""
        try:
            kind, index, self._buffer = next_message(self._from_child, self._buffer, chart.key,
                                                     lambda ident: self.charts[int(ident)].key, lambda: "")
        except DrawingFailed:
            self.close()
            raise
        self.done[int(index)] = kind == "drawn"

    def close(self) -> None:
        """Stop the child if it still runs (reaped, never left behind), and remove the private folder."""
        stop_child(self.pid)
        self.pid = None
        for name in ("_to_child", "_from_child"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- the child ------------------------------------------------------------------------------

    def _child(self, go: int, done: int) -> None:
        status = 0
        try:
            _die_with_parent()
            os.setsid()  # a share of the CPU of its own (see the module's text)
            sys.stdout = sys.stderr = open(os.devnull, "w")  # the parent's streams are the parent's
            tempfile.tempdir = str(self.folder)  # the drawer's folder inside ours: removed with it
            warm()
            with os.fdopen(go, "rb") as pipe:
                if pipe.readline() != b"go\n":
                    os._exit(0)  # the parent is done without figures
            charts = pickle.loads((self.folder / CHARTS_FILE).read_bytes())
            status = _serve(charts, self.folder, done)
        except BaseException as exc:  # noqa: BLE001 - whatever happens, the child must not go on as a copy of the parent
            with contextlib.suppress(BaseException):
                send_error(done, "-", exc)
            status = 1
        finally:
            os._exit(status)


def _serve(charts: list[Chart], folder: Path, done: int) -> int:
    """Get each chart's PNG in order (from the cache, or drawn here and by the drawer's child), write it to
    ``folder`` and say so; 1 after an error (said with its message)."""
    from qdanalysis.present import cache
    from qdanalysis.present.blocks import Drawing
    from qdanalysis.present.drawer import drawing_ahead

    for module in dict.fromkeys(c.draw.module for c in charts if isinstance(c.draw, Drawing)):
        with contextlib.suppress(Exception):  # an error is its chart's, raised when the chart is drawn
            importlib.import_module(module)  # the charts' modules, before the drawer's child is forked: loaded once
    served: set[int] = set()

    def serve(index: int) -> None:
        drawn = len(cache.DRAWN)
        data = cache.chart_png(charts[index])
        tmp = folder / f".{index}.png.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / f"{index}.png")
        os.write(done, f"{'drawn' if len(cache.DRAWN) > drawn else 'reused'} {index}\n".encode())
        served.add(index)

    with drawing_ahead(charts) as drawer:
        keys = {} if drawer is None else {id(chart): key for key, chart in drawer.charts.items()}
        for index in range(len(charts)):
            # the figures the drawer's child has finished (from the last one back) said first: the parent may be
            # waiting for one of them (a draft does not show the charts in the report's order)
            finished = drawer.finished() if drawer is not None else set()
            ready = [i for i in range(index, len(charts)) if i not in served and keys.get(id(charts[i])) in finished]
            for i in [*ready, index]:
                if i in served:
                    continue
                try:
                    serve(i)
                except BaseException as exc:  # noqa: BLE001 - reported to the parent, with its message
                    send_error(done, str(i), exc)
                    return 1
    return 0


@contextlib.contextmanager
def figure_server() -> Iterator[FigureServer | None]:
    """A :class:`FigureServer` started now, stopped at the end of the block; None where processes cannot be forked
    (the figures are then drawn in this process, where they are shown)."""
    if not hasattr(os, "fork"):
        yield None
        return
    server = FigureServer()
    try:
        server.start()
        yield server
    finally:
        server.close()

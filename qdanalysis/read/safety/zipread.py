"""Reading the parts of a workbook's zip: streamed in bounded pieces, small ones whole, and which
part holds which sheet."""

from __future__ import annotations

import contextlib
import queue
import threading
import zipfile
from typing import Callable, Iterator

from qdanalysis.read.safety.limits import CHUNK, MB

#: A part at least this large is decompressed one piece ahead of its scan, in a helper thread.
READ_AHEAD_MIN = 4 * CHUNK


def chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the decompressed content of a part in bounded pieces."""
    with zf.open(info) as fp:
        while True:
            chunk = fp.read(CHUNK)
            if not chunk:
                return
            yield chunk


@contextlib.contextmanager
def pieces(fp, size: int) -> Iterator[Callable[[], bytes]]:
    """``read()`` giving the next piece (at most :data:`CHUNK` bytes, ``b""`` at the end) of ``fp``, an open part
    of ``size`` declared bytes.

    The pieces of a large part come from a helper thread that decompresses (zlib and the CRC run without the GIL)
    up to two pieces ahead while the caller scans the last one: the same bytes in the same order, each error of the
    zip reader raised by ``read()`` where a direct read raises it. The thread stops, and is waited for, when the
    block ends, however it ends: nothing reads the file after the block."""
    if size < READ_AHEAD_MIN:
        yield lambda: fp.read(CHUNK)
        return
    ahead = _ReadAhead(fp)
    try:
        yield ahead.read
    finally:
        ahead.close()


class _ReadAhead:
    """The helper thread of :func:`pieces` and its bounded queue of pieces (or of the error that ended it)."""

    def __init__(self, fp):
        self._fp = fp
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._run, name="qdanalysis-read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                piece = self._fp.read(CHUNK)
                self._queue.put(piece)
                if not piece:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, who raises it
            self._queue.put(exc)

    def read(self) -> bytes:
        if self._done:
            return b""
        item = self._queue.get()
        if isinstance(item, BaseException):
            self._done = True
            raise item
        if not item:
            self._done = True
        return item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():  # a piece waiting for room in the queue: make room
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.01)
        self._thread.join()


def is_shared_strings_name(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name, resolved the way calamine resolves it (best effort)."""
    from defusedxml import ElementTree as SafeET

    try:
        rels_root = SafeET.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
        book_root = SafeET.fromstring(_read_small(zf, "xl/workbook.xml"))
    except Exception:  # noqa: BLE001 - names only improve messages
        return {}
    targets = {el.get("Id"): el.get("Target") or "" for el in rels_root.iter() if el.tag.endswith("Relationship")}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parts = {}
    for el in book_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get("name") is not None:
            target = targets.get(el.get(rid), "")
            if target.startswith("/xl/"):
                target = target[1:]
            elif not target.startswith("xl/"):
                target = "xl/" + target
            parts[el.get("name")] = target
    return parts


def sheet_name(zf: zipfile.ZipFile, part: str) -> str:
    """The name of the sheet a part holds, or the part's own name."""
    names = {p: n for n, p in sheet_parts(zf).items()}
    return names.get(part, part)


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 16 * MB) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ValueError(name)
    with zf.open(info) as fp:
        return fp.read(limit + 1)

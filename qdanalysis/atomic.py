"""Writing outputs so that a reader never sees half a file and a killed run loses nothing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path
from typing import Iterator

from qdanalysis.errors import QdanalysisError
from qdanalysis.paths import DATA_RAW


class RawDataWriteError(QdanalysisError, PermissionError):
    """An output was aimed at data/raw/, which code never writes."""


def _refuse_raw(path: Path) -> None:
    """Code never writes under data/raw/ (the shipped and the users' input)."""
    raw = DATA_RAW.resolve()
    target = path.resolve()
    if target == raw or raw in target.parents:
        raise RawDataWriteError(f"不能写入 data/raw/（原始数据只读）：{path}；请把输出放到其他文件夹")


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``."""
    path = Path(path)
    _refuse_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    # mkstemp creates 0600; outputs are shared reports, so give them the usual umask-based mode.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def locked(lock_path: str | Path) -> Iterator[None]:
    """Hold an exclusive advisory lock (one writer at a time for a folder)."""
    lock_path = Path(lock_path)
    _refuse_raw(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Writing outputs so that a reader never sees half a file and a killed run loses nothing."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from qdanalysis.errors import QdanalysisError
from qdanalysis.paths import DATA_RAW


class RawDataWriteError(QdanalysisError, PermissionError):
    """An output was aimed at data/raw/, which code never writes."""


def refuse_raw(path: Path) -> None:
    """Code never writes under data/raw/ (the shipped and the users' input)."""
    raw = DATA_RAW.resolve()
    target = path.resolve()
    if target == raw or raw in target.parents:
        raise RawDataWriteError(f"不能写入 data/raw/（原始数据只读）：{path}；请把输出放到其他文件夹")


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``."""
    path = Path(path)
    refuse_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    # mkstemp creates 0600; outputs are shared reports, so give them the usual umask-based mode.
    os.chmod(tmp, 0o666 & ~_umask())
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    except OSError as err:
        raise _named(err, path) from err
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _named(err: OSError, path: Path) -> OSError:
    """A full disk's error names the file being written (the write itself went to a temporary name, or none)."""
    if err.errno == errno.ENOSPC and (not err.filename or Path(str(err.filename)).name.startswith(f".{path.name}.")):
        return OSError(err.errno, err.strerror, str(path))
    return err


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def create_file(path: str | Path, data: bytes) -> Path:
    """Write a file that must not exist yet, whole or not at all.

    The bytes go to a temporary file beside ``path``, which is then hard-linked to ``path``:
    the link fails if ``path`` exists by then, so an existing file is never replaced.

    Raises:
        FileExistsError: ``path`` exists.
    """
    path = Path(path)
    refuse_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.link(tmp, path)
    except OSError as err:
        raise _named(err, path) from err
    finally:
        os.unlink(tmp)
    return path


@contextlib.contextmanager
def new_folder(path: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``path``; on success it is renamed to ``path``.

    The one way code creates something under ``data/raw/`` (``qdanalysis new-year``): a folder
    that did not exist appears whole or not at all, and nothing already there is changed. The
    rename fails on a folder that is not empty; an empty one made in the instant between the
    check and the rename holds nothing that could be lost.

    Raises:
        FileExistsError: ``path`` exists (before or after the caller's writes).
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(str(path))
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        if path.exists():
            raise FileExistsError(str(path))
        os.rename(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


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
    refuse_raw(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

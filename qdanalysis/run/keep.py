"""Keeping the evaluator's work: a file the tool writes and the evaluator then edits (the Word draft).

When the tool writes such a file it remembers its fingerprint (SHA-256) in ``<out>/.runs/<year>/``. Before
writing it again: a file that is unchanged since is simply replaced; a changed one (edited in Word, or one whose
fingerprint is unknown) is refused, unless the user asks with ``--force``, and then it is first copied to a
dated backup beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

from qdanalysis.errors import QdanalysisError, display_path

#: The hidden folder beside the year folders (shared with the notebook runs' logs and locks).
RUNS_FOLDER = ".runs"


class ChangedFileError(QdanalysisError):
    """A file the tool wrote has been changed since (or was not written by it): it is not overwritten.

    Attributes:
        path: the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{display_path(path)} 在上次生成之后已被修改（或不是本工具生成的），为免丢失评价组的修改，未覆盖。"
            f"要保留修改而另出一份，请用 --out 指定其他目录；要重新生成，请加 --force（原文件先另存为 "
            f"{backup_name(path, dt.datetime.now()).name} 这样带日期的备份）")


def _record(path: Path) -> Path:
    """``<out>/.runs/<year>/<name>.sha256`` for ``<out>/<year>/<name>``."""
    return path.parent.parent / RUNS_FOLDER / path.parent.name / f"{path.name}.sha256"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed(path: str | Path) -> bool:
    """Whether ``path`` exists and is not, byte for byte, what the tool last wrote there."""
    path = Path(path)
    if not path.exists():
        return False
    record = _record(path)
    try:
        written = record.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return True
    return written != _digest(path)


def backup_name(path: Path, when: dt.datetime) -> Path:
    """``<stem>（备份 2021-03-05 1420）<suffix>`` beside ``path``."""
    return path.with_name(f"{path.stem}（备份 {when:%Y-%m-%d %H%M}）{path.suffix}")


def check(path: str | Path, force: bool) -> None:
    """Refuse, before any work is done, to replace a changed ``path`` unless ``force``.

    Raises:
        ChangedFileError: ``path`` changed since the tool wrote it and ``force`` is false.
    """
    if not force and changed(path):
        raise ChangedFileError(Path(path))


def back_up(path: str | Path) -> Path | None:
    """Copy a changed ``path`` to a dated backup beside it (never over another file); None when unchanged."""
    path = Path(path)
    if not changed(path):
        return None
    now = dt.datetime.now()
    target = backup_name(path, now)
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{path.stem}（备份 {now:%Y-%m-%d %H%M} {n}）{path.suffix}")
    shutil.copy2(path, target)
    return target


def remember(path: str | Path) -> None:
    """Note the fingerprint of the file the tool has just written at ``path``."""
    path = Path(path)
    record = _record(path)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(_digest(path) + "\n", encoding="ascii")

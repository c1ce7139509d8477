"""A report's figures drawn by two processes at once: this one, and a child forked for the purpose.

Drawing the figures is most of a report's time in its process (a figure takes 0.1-0.3 s to lay out and
render as PNG), and it uses one core. :func:`drawing_ahead` forks one child, once the report's blocks are
built, that draws the figures the cache (:mod:`qdanalysis.present.cache`) does not hold, from the last one
backwards, while this process shows or writes the report in order and draws, from the first one forwards,
every figure the child has not taken yet. Each figure is claimed by exactly one of the two (an exclusive
file per figure in a private folder), so none is drawn twice. The child writes the PNG there and says so
through a pipe; :func:`~qdanalysis.present.cache.chart_png` takes it from there and keeps it in the cache
as if drawn here. The bytes are the same whichever process draws: the child is a copy of this process
(same code, data, fonts and matplotlib settings) and the cache key says so.

The child exits as soon as nothing is left to claim; it dies with this process (``PR_SET_PDEATHSIG``), and
the ``with`` block stops and reaps it on any way out. A process killed outright (SIGKILL) leaves its private folder
behind: each drawer holds a lock on a file in its folder while it lives (the kernel drops it when the process and
its child are gone), and a drawer that starts removes the folders whose lock is free (:func:`remove_stale_folders`). An error in the child is raised here, with its
message, when this process needs the figure it could not draw (:class:`DrawingFailed`).

A report that runs beside others draws every figure in this process, in order, as before: a kernel whose parent
or grandparent runs other kernels too (``run --portfolio`` runs several at once, and they keep every core busy: a child
would only add work, and the resident memory of its pages shared with the parent). ``QDANALYSIS_DRAW_JOBS``
decides instead when set (1: this process alone; 2: with a child).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import select
import shutil
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qdanalysis.errors import QdanalysisError

if TYPE_CHECKING:
    from qdanalysis.present.blocks import Chart

#: Environment variable: how many processes draw a report's figures (1: this one alone; default 2 with 2+ cores).
JOBS_VARIABLE = "QDANALYSIS_DRAW_JOBS"
#: How long this process waits for the child's next figure before it stops the child (a figure takes seconds).
WAIT_SECONDS = 600.0
#: The private folders' names start so (in the system's temporary folder).
FOLDER_PREFIX = "qdanalysis-draw-"
#: The file of a private folder locked by its drawer while the drawer's process (or its child) lives.
LOCK_FILE = "owner.lock"
#: The drawer of the report being shown or written, if any (read by :func:`~qdanalysis.present.cache.chart_png`).
ACTIVE: Drawer | None = None


class DrawingFailed(QdanalysisError):
    """The child could not draw a figure: its error, with the chart's key."""


def draw_jobs() -> int:
    """How many processes draw figures: :data:`JOBS_VARIABLE` if set (1 or more), else 2 on a machine with 2 cores
    or more unless this is one of several kernels of one parent (:func:`sibling_kernels`), and 1 on one core or
    where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return 1
    text = os.environ.get(JOBS_VARIABLE, "").strip()
    if text:
        try:
            return max(1, int(text))
        except ValueError:
            raise QdanalysisError(f"环境变量 {JOBS_VARIABLE}={text!r} 不是正整数（请设为 1 或 2，或删除该变量）") from None
    return 2 if (os.cpu_count() or 1) >= 2 and not sibling_kernels() else 1


def sibling_kernels(proc: Path = Path("/proc")) -> int:
    """How many other Jupyter kernels (``ipykernel`` in their command line) run under this process's parent or
    grandparent: the kernels of one ``run --portfolio``, whether its threads or its worker processes start them.
    0 for a report run alone, or where ``/proc`` cannot tell."""
    parents: dict[int, int] = {}
    kernels: set[int] = set()
    for entry in proc.glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_bytes()
            pid = int(entry.name)
            parents[pid] = int(stat[stat.rindex(b")") + 2:].split()[1])
            if stat.startswith(b"python", stat.index(b"(") + 1) and b"ipykernel" in (entry / "cmdline").read_bytes():
                kernels.add(pid)
        except (OSError, ValueError, IndexError):
            continue
    me = os.getpid()
    runners = {os.getppid()}
    runners |= {parents[p] for p in runners if parents.get(p, 0) > 1}  # the grandparent, unless init

    def under_runner(pid: int) -> bool:
        for _ in range(64):  # a chain of parents, never a cycle
            pid = parents.get(pid, 0)
            if pid in runners:
                return True
            if pid <= 1:
                return False
        return False

    return sum(1 for pid in kernels if pid != me and under_runner(pid))


def send_error(pipe: int, ident: str, exc: BaseException) -> None:
    """Tell the parent through ``pipe`` that figure ``ident`` ("-": none in particular) failed with ``exc``, on one
    line ("error <id> <message>", read by :func:`next_message`)."""
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    os.write(pipe, f"error {ident} {message}".replace("\n", " ").encode() + b"\n")


def stop_child(pid: int | None) -> None:
    """Kill the child ``pid`` if it still runs, and reap it: it is never left behind, not even as a zombie."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def next_message(pipe: int | None, buffer: bytes, waited: str, name: Callable[[str], str],
                 ended: Callable[[], str]) -> tuple[str, str, bytes]:
    """The next line a drawing child wrote to ``pipe`` ("<kind> <id>", or "error <id> <message>" where the id is
    "-" for an error outside any figure): its kind, its figure's id and what remains of ``buffer``. Raises ``DrawingFailed`` (the caller then stops the child)
    when the child is silent for WAIT_SECONDS or has gone (``ended()`` says how) while figure ``waited`` was awaited,
    and when it reports an error (``name`` turns the id into the chart's name)."""
    while b"\n" not in buffer:
        if pipe is not None and not select.select([pipe], [], [], WAIT_SECONDS)[0]:
            raise DrawingFailed(f"绘图子进程 {WAIT_SECONDS:g} 秒内未画完任何图表，已停止；图表 {waited} 未生成")
        chunk = os.read(pipe, 4096) if pipe is not None else b""
        if not chunk:
            raise DrawingFailed(f"绘图子进程在绘制图表前退出{ended()}，图表 {waited} 未生成")
        buffer += chunk
    line, buffer = buffer.split(b"\n", 1)
    kind, ident, *message = line.decode().split(" ", 2)
    if kind == "error":
        what = "绘图子进程出错" if ident == "-" else f"图表 {name(ident)} 绘制失败"
        raise DrawingFailed(f"{what}：{' '.join(message)}")
    return kind, ident, buffer


class Drawer:
    """The figures of one report shared between this process and one child (see the module's text).

    Args:
        todo: (cache key, chart) of each figure to draw, in the order the report shows them.
        dpi: the resolution they are drawn at (None: each figure's own).
    """

    def __init__(self, todo: list[tuple[str, Chart]], dpi: float | None) -> None:
        self.order = [key for key, _ in todo]
        self.charts = dict(todo)
        self.dpi = dpi
        remove_stale_folders()
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        self._lock: int | None = _hold_lock(self.folder / LOCK_FILE)
        self.done: set[str] = set()  # drawn by the child
        self.mine: set[str] = set()  # claimed by this process
        self.pid: int | None = None
        self._pipe: int | None = None
        self._buffer = b""

    # --- both processes -----------------------------------------------------------------------

    def claim(self, key: str) -> bool:
        """Take the figure ``key`` to draw: True for exactly one of the two processes."""
        try:
            os.close(os.open(self.folder / f"{key}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    # --- the child ----------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the child; it draws from the last figure backwards, then exits."""
        read, write = os.pipe()
        pid = fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            self._child(write)
        os.close(write)
        self.pid, self._pipe = pid, read

    def _child(self, pipe: int) -> None:
        status = 0
        try:
            _die_with_parent()
            devnull = open(os.devnull, "w")  # the notebook's streams belong to the parent's threads
            sys.stdout = sys.stderr = devnull
            from qdanalysis.present.cache import _render

            for key in reversed(self.order):
                if not self.claim(key):
                    continue  # the parent's
                try:
                    data = _render(self.charts[key], self.dpi)
                except BaseException as exc:  # noqa: BLE001 - reported to the parent, with its message
                    send_error(pipe, key, exc)
                    status = 1
                    break
                tmp = self.folder / f".{key}.png.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, self.folder / f"{key}.png")
                os.write(pipe, f"done {key}\n".encode())
        except BaseException as exc:  # noqa: BLE001 - whatever happens, the child must not go on as a copy of the parent
            with contextlib.suppress(BaseException):
                send_error(pipe, "-", exc)
            status = 1
        finally:
            os._exit(status)

    # --- the parent ---------------------------------------------------------------------------

    def take(self, key: str) -> bytes | None:
        """The figure ``key`` if the child has drawn it (waiting for it if the child is drawing it); None when it
        is this process's to draw.

        Raises:
            DrawingFailed: the child could not draw it, or stopped before it had.
        """
        if key in self.mine or self.claim(key):
            self.mine.add(key)
            return None
        while key not in self.done:
            self.receive(key)
        return (self.folder / f"{key}.png").read_bytes()

    def receive(self, key: str) -> None:
        """One message of the child: a figure drawn, or its error."""
        try:
            _, done, self._buffer = next_message(self._pipe, self._buffer, self._name(key), self._name,
                                                    lambda: f"（{self._exit_text()}）")
        except DrawingFailed:
            self.close()
            raise
        self.done.add(done)

    def finished(self) -> set[str]:
        """The figures the child has drawn so far (its messages read without waiting for more). A message of an
        error is left for :meth:`receive`, which raises it when its figure is asked for."""
        while self._pipe is not None and select.select([self._pipe], [], [], 0)[0]:
            chunk = os.read(self._pipe, 4096)
            if not chunk:
                break
            self._buffer += chunk
        while b"\n" in self._buffer and self._buffer.startswith(b"done "):  # a whole line: next_message reads nothing
            _, done, self._buffer = next_message(None, self._buffer, "", self._name, lambda: "")
            self.done.add(done)
        return self.done

    def _name(self, key: str) -> str:
        chart = self.charts.get(key)
        return chart.key if chart is not None else key[:12]

    def _exit_text(self) -> str:
        if self.pid is None:
            return "已结束"
        with contextlib.suppress(ChildProcessError):
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
            if os.WIFSIGNALED(status):
                return f"信号 {os.WTERMSIG(status)}"
            return f"退出码 {os.WEXITSTATUS(status)}"
        self.pid = None
        return "已结束"

    def close(self) -> None:
        """Stop the child if it still runs (reaped, never left behind), and remove the private folder."""
        stop_child(self.pid)
        self.pid = None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def finish(self) -> None:
        """Wait for the child's exit once every figure is drawn (it has nothing left to claim), then clean up."""
        try:
            for key in self.order:  # a figure not shown is claimed (the child need not draw it), or waited for
                if key not in self.done and key not in self.mine and not self.claim(key):
                    self.take(key)
        finally:
            self.close()


def _hold_lock(path: Path) -> int:
    """Create ``path`` and hold an exclusive lock on it (for as long as the returned descriptor stays open in this
    process or a child forked from it).

    The file is locked under another name and then renamed to ``path``: another drawer starting at the same moment
    (two reports of ``run --portfolio``) never finds ``path`` unlocked between its creation and its lock, which it
    would take for a folder whose drawer is gone (:func:`remove_stale_folders`)."""
    unlocked = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(unlocked, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.rename(unlocked, path)
    return fd


def remove_stale_folders(tmp: str | Path | None = None) -> list[Path]:
    """Remove the private folders that drawers whose processes are gone left in ``tmp`` (default: the system's
    temporary folder), and say which.

    A folder is removed only when it is a drawer's (named :data:`FOLDER_PREFIX`…, a folder, not a link, of this
    user) and its :data:`LOCK_FILE` exists and can be locked: its drawer's process and child are gone (a live one
    holds the lock, whatever its process namespace). A folder without that file is left as it is.
    """
    removed = []
    try:
        entries = list(os.scandir(tmp if tmp is not None else tempfile.gettempdir()))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(FOLDER_PREFIX):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            fd = os.open(os.path.join(entry.path, LOCK_FILE), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # not a drawer's folder, or gone meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its drawer lives
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
        finally:
            os.close(fd)
    return removed


def fork() -> int:
    """``os.fork()``, with this process's objects frozen for the child's garbage collector (:func:`gc.freeze`, as
    Python's documentation advises before a fork): the child's collections then pass over only the objects it makes
    itself, not the hundreds of thousands it inherits (which would cost it tenths of a second and copy every page they
    are on). This process's own are unfrozen at once; where something else froze objects before, nothing is
    frozen or unfrozen."""
    if gc.get_freeze_count():
        return os.fork()
    gc.freeze()
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:
            gc.unfreeze()
    return pid


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no orphan drawing for nobody)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)


@contextlib.contextmanager
def drawing_ahead(charts: Iterable[Chart], dpi: float | None = None, jobs: int | None = None) -> Iterator[Drawer | None]:
    """While the block runs, a child draws the ``charts`` the cache does not hold (see the module's text).

    Nothing is forked when ``jobs`` (default :func:`draw_jobs`) is 1, when fewer than two figures are to be
    drawn, or when another drawer is active: then every figure is drawn in order where it is shown.
    """
    global ACTIVE
    from qdanalysis.present.cache import pending

    todo = pending(charts, dpi) if (jobs is None or jobs >= 2) and ACTIVE is None else []
    if len(todo) < 2 or (jobs is None and draw_jobs() < 2):  # a rerun finds every figure in the cache: no look at /proc
        yield None
        return
    drawer = Drawer(todo, dpi)
    try:
        drawer.start()
        ACTIVE = drawer
        yield drawer
        drawer.finish()
    finally:
        ACTIVE = None
        drawer.close()

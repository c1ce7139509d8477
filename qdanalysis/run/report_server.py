"""The report server of a DAG run: it imports the runner's code once, holds a kernel zygote, and forks a child per
report that runs the command as a new ``qdanalysis`` process would.

Each task of the portfolio DAG runs ``qdanalysis run --portfolio FILE --only LABEL``. As its own process, each paid
``qdanalysis``'s start (papermill, nbconvert, jupyter_client: ~1 s of CPU) and a kernel launched normally (ipykernel,
pandas, matplotlib and qdanalysis imported again: ~1.4 s), which ``run --portfolio`` pays once for all its reports
(:mod:`qdanalysis.run.zygote`). The overview's task, ``qdanalysis overview --portfolio FILE``, paid the same start for
about a second of work. With ``QDANALYSIS_REPORT_SERVER=1`` (the DAG sets it) the command is a thin client
(:mod:`qdanalysis.run.report_client`) of a server started by the first task that needs one:
``python -m qdanalysis.run.report_server SOCKET PORTFOLIO``, detached, in the client's folder and environment (less
the per-task variables, :mod:`qdanalysis.run.report_key`).

The server:

- listens on a Unix socket in a folder only its user can enter (:func:`qdanalysis.run.report_client.socket_folder`),
  and answers only connections of its own user (``SO_PEERCRED``); it never listens on a network;
- imports what a report's command imports (:data:`PRELOAD`) and starts one kernel zygote (with its own imports);
- for each request (the client's arguments, environment, folder and key, with its stdin, stdout and stderr attached)
  checks the key: a client whose code, environment, folder or portfolio differ is answered ``stale`` (with the
  variables that differ), and the server stops taking requests, finishes what runs and exits, so that the client
  starts a new one in its place;
- forks a child per report (:func:`_child`): its own session, the client's descriptors as 0-2, folder,
  environment and arguments, for a report a kernel zygote of its own forked from the server's (the kernel forked
  fresh for the notebook, as in ``run --portfolio``; the overview runs no notebook), then ``qdanalysis``'s own
  ``main``; it sends the exit status back. The
  server never runs a report itself: each report is a new process from the state after the imports, and a failing
  one fails alone. A client that goes away (its task killed) takes its child with it (:func:`_watch`); a child
  that dies without an answer is answered by the server with the signal that ended it;
- exits by itself once nothing has run for ``QDANALYSIS_REPORT_SERVER_IDLE`` seconds (default
  :data:`IDLE_SECONDS`), removing its socket.

Its log (start, each request, refusals, exit): ``<reports>/.runs/report-server.log``, with the kernel zygote's.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from qdanalysis.run import report_key
from qdanalysis.run.report_client import peer_uid
from qdanalysis.run.zygote import recv_line

#: Seconds without a request or a running report after which the server exits.
IDLE_SECONDS = 60.0
IDLE_VARIABLE = "QDANALYSIS_REPORT_SERVER_IDLE"
#: What a report's command imports (measured from ``sys.modules`` after one), imported once here.
PRELOAD = ("qdanalysis.run.cli", "qdanalysis.run.portfolio", "qdanalysis.run.notebook", "qdanalysis.run.zygote",
           "qdanalysis.present.html_export", "qdanalysis.present.font_worker", "qdanalysis.present.webfont",
           "qdanalysis.present.cache", "qdanalysis.analyse.scoring_file", "papermill", "papermill.engines",
           "nbclient", "nbclient.exceptions", "nbformat", "nbconvert", "jupyter_client.manager",
           "jupyter_client.kernelspec", "zmq", "zmq.asyncio", "traitlets", "bs4", "tinycss2", "lxml.html")
#: Seconds a connection may take to send its request.
REQUEST_TIMEOUT = 10.0


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} report server {os.getpid()}: {message}", file=sys.stderr, flush=True)


def read_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One JSON line and the descriptors attached to it (``({}, [])`` if the client closed first)."""
    line, fds = recv_line(conn, 1 << 20, 3)
    if not line:
        for fd in fds:
            os.close(fd)
        return {}, []
    return json.loads(line), fds


def send(conn: socket.socket, message: dict[str, Any]) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass  # the client is gone


def preload() -> None:
    """Import :data:`PRELOAD` as a report's command does (papermill without its HDFS import)."""
    from qdanalysis.run.notebook import _import_papermill

    _import_papermill()
    for name in PRELOAD:
        __import__(name)


class Server:
    """The listening socket, the kernel zygote and the children of one server (see the module docstring)."""

    def __init__(self, path: Path, portfolio: str, idle: float) -> None:
        self.path, self.idle = path, idle
        self.lock_path = path.with_suffix(".lock")
        self.key = report_key.key(dict(os.environ), os.getcwd(), portfolio)
        self.children: dict[int, socket.socket] = {}  # report child pid -> its connection (answered if it dies)
        self.stale = ""
        self.refusal = ""  # why this server runs nothing (each client then runs in-process)
        self.zygote: Any = None
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # Bound beside the path and renamed over it: a client never sees a path without a listener behind it
        # except that of a dead server (refused: it starts another).
        temp = path.with_name(f".{path.name}.{os.getpid()}")
        temp.unlink(missing_ok=True)
        self.listener.bind(str(temp))
        os.chmod(temp, 0o600)
        self.listener.listen(16)
        os.rename(temp, path)
        self.inode = path.stat().st_ino

    def start_zygote(self, log_path: Path) -> None:
        from qdanalysis.paths import PROJECT_ROOT
        from qdanalysis.run import zygote

        if not zygote.enabled():
            log("no kernel zygote (QDANALYSIS_KERNEL_ZYGOTE=0 or no pidfd): kernels are launched normally")
            return
        self.zygote = zygote.Zygote(zygote.kernel_env(), PROJECT_ROOT, log_path, varies=report_key.per_task)

    def serve(self) -> dict[str, Any] | None:
        """Answer requests until idle (or stale and done); in each forked child, its request (for :func:`_child`)."""
        wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        last = time.monotonic()
        while True:
            watched = [wake_r] + ([self.listener] if not self.stale else [])
            ready = select.select(watched, [], [], 1.0)[0]
            if wake_r in ready:
                _drain(wake_r)
            self._reap()
            if self.children:
                last = time.monotonic()
            if self.listener in ready:
                last = time.monotonic()
                child = self._accept()
                if child is not None:
                    os.close(wake_r)
                    os.close(wake_w)
                    return child
            if self.stale and not self.children:
                log(f"stale ({self.stale}): exits")
                return None
            if not self.children and time.monotonic() - last > self.idle and self._leave():
                log(f"idle for {self.idle:.0f} s: exits")
                return None

    def _accept(self) -> dict[str, Any] | None:
        conn, _ = self.listener.accept()
        conn.settimeout(REQUEST_TIMEOUT)
        try:
            if peer_uid(conn) != os.geteuid():
                log(f"refused a connection of user {peer_uid(conn)}")
                conn.close()
                return None
            request, fds = read_request(conn)
        except (OSError, ValueError) as err:
            log(f"a request could not be read: {err}")
            conn.close()
            return None
        if not request:
            conn.close()
            return None
        if request.get("key") != self.key:
            differs = report_key.differences(dict(os.environ), request.get("env", {}))
            self.stale = (f"the environment differs in {differs}" if differs
                          else "the code, the folder or the portfolio file changed")
            self.listener.close()  # no further request: the client starts a server in this one's place
            send(conn, {"stale": self.stale})
            log(f"stale for a client: {self.stale}")
            for fd in fds:
                os.close(fd)
            conn.close()
            return None
        if self.refusal:
            send(conn, {"error": self.refusal})
            for fd in fds:
                os.close(fd)
            conn.close()
            return None
        zsock = None
        if self.zygote is not None and request.get("kernel", True):
            from qdanalysis.run.zygote import ZygoteUnavailable

            try:
                zsock = self.zygote.fork_zygote()
            except ZygoteUnavailable as err:
                log(f"no kernel zygote for this report ({err}): its kernel is launched normally")
        pid = os.fork()
        if pid == 0:  # the child keeps its own connection, descriptors and zygote, nothing else of the server's
            self.listener.close()
            for other in self.children.values():
                other.close()
            if self.zygote is not None:
                self.zygote.forget()
            return {"request": request, "fds": fds, "conn": conn, "zygote": zsock}
        for fd in fds:
            os.close(fd)
        if zsock is not None:
            zsock.close()
        self.children[pid] = conn
        log(f"child {pid}: {' '.join(request.get('argv', []))}")
        return None

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            if os.WIFSIGNALED(status):  # the child's own answer never came: say how it ended
                send(conn, {"signal": os.WTERMSIG(status)})
                log(f"child {pid} ended by signal {os.WTERMSIG(status)}")
            conn.close()

    def _leave(self) -> bool:
        """Stop listening unless a client is about to connect (it holds the slot's lock); whether it did."""
        with open(self.lock_path, "a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            if select.select([self.listener], [], [], 0)[0]:
                return False  # a connection waits: serve it
            self._unlisten()
        return True

    def _unlisten(self) -> None:
        """Remove the socket if it is still this server's (not a newer server's at the same path), stop listening."""
        try:
            if self.path.stat().st_ino == self.inode:
                self.path.unlink()
        except FileNotFoundError:
            pass
        self.listener.close()

    def close(self) -> None:
        """Stop the zygote; remove the socket if it is still this server's (a stopped server, not a stale one)."""
        if self.zygote is not None:
            self.zygote.close()
        if not self.stale and self.listener.fileno() != -1:
            self._unlisten()


def _stopped(signum: int, frame: Any) -> None:
    log("stopped by SIGTERM")
    raise SystemExit(128 + signum)


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 512):
                return
        except BlockingIOError:
            return


def _watch(conn: socket.socket, done: threading.Event) -> None:
    """In a report's child: when the client goes away (its task killed) before the answer, end this child's process
    group with SIGTERM, as Airflow ends a task's command."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    if not done.is_set():
        os.killpg(os.getpgid(0), signal.SIGTERM)


def _child(work: dict[str, Any], kernel: tuple[dict[str, str], str] | None) -> None:
    """Become the client's ``qdanalysis`` process, run its command, send the exit status, and exit."""
    from qdanalysis.run import report_client, zygote
    from qdanalysis.run.cli import main

    request, conn = work["request"], work["conn"]
    os.setsid()
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for target, fd in enumerate(work["fds"][:3]):
        os.dup2(fd, target)
    for fd in work["fds"]:
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [request["argv0"], *request["argv"]]
    sys.stdout.reconfigure(line_buffering=os.isatty(1))
    report_key.package_fingerprint.cache_clear()  # read again: the run's fingerprints are of the files as they are
    report_client.IN_SERVER = True
    if work["zygote"] is not None and kernel is not None:
        zygote.ACTIVE = zygote.Zygote.attached(work["zygote"], *kernel, varies=report_key.per_task)
    conn.settimeout(None)
    done = threading.Event()
    send(conn, {"started": os.getpid()})
    threading.Thread(target=_watch, args=(conn, done), daemon=True).start()
    try:
        code = main(request["argv"])
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
    except BaseException:  # noqa: BLE001 - as the interpreter reports an uncaught exception
        import traceback

        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter runs at exit, before the status is sent
    if zygote.ACTIVE is not None:
        zygote.ACTIVE.close()
    done.set()
    send(conn, {"exit": code})
    os._exit(code)


def _exit_code(code: Any) -> int:
    """The exit status of ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    """``python -m qdanalysis.run.report_server SOCKET PORTFOLIO LOG``."""
    path, portfolio, log_path = Path(argv[0]), argv[1], Path(argv[2])
    idle = float(os.environ.get(IDLE_VARIABLE) or IDLE_SECONDS)
    server = Server(path, portfolio, idle)
    log(f"listening on {path} (idle timeout {idle:.0f} s)")
    signal.signal(signal.SIGTERM, _stopped)  # stopped (Airflow stopping, a shutdown): its socket removed too
    from qdanalysis.run import zygote

    work = None
    try:
        preload()
        server.start_zygote(log_path)
        threads = len(os.listdir("/proc/self/task"))
        if threads != 1:  # a fork would copy one thread of several: refuse, and the clients run in-process
            server.refusal = f"the server has {threads} threads after its imports: it cannot fork"
        log(server.refusal or "ready")
        work = server.serve()
    finally:
        if work is None:  # the server exits (a child returns from serve() with its work instead)
            server.close()
    if work is None:
        return 0
    kernel = (server.zygote.env, server.zygote.cwd) if server.zygote is not None else None
    zygote.ACTIVE = None
    _child(work, kernel)
    return 0  # not reached: the child exits in _child


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

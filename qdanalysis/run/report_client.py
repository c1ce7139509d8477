"""The thin client of the report server (:mod:`qdanalysis.run.report_server`): ``qdanalysis run --portfolio FILE
--only LABEL`` and ``qdanalysis overview --portfolio FILE`` with ``QDANALYSIS_REPORT_SERVER=1`` (what the portfolio
DAG's report tasks and its overview run).

The command sends its arguments, environment, folder and stdin/stdout/stderr to the server of its portfolio and
reports folder (one socket per pair, :func:`slot`), and exits with the status the server's child sends back: the
child writes straight to the command's own output (the task's log), and a report that fails, fails this command
alone, as before. No server, or a dead one (a socket that refuses), is replaced by a new one started here, detached
(``python -P -m qdanalysis.run.report_server``); one whose key differs (code, environment, folder or portfolio:
:mod:`qdanalysis.run.report_key`) answers ``stale`` and is replaced too. Whenever no server can be used, the
command runs in this process as it would without the variable, after saying why on stderr.

Clients take the slot's lock (``<slot>.lock``) shared to connect and exclusive to start a server; a server leaving
after its idle time takes it exclusive, so that no client connects to a socket that is going away.

Imports the standard library and :mod:`qdanalysis.paths` only (``python -X importtime``: the command's start).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qdanalysis.run import report_key

#: Set to 1 (the DAG does) to run ``run --portfolio FILE --only LABEL`` through the report server.
VARIABLE = "QDANALYSIS_REPORT_SERVER"
SERVER_MODULE = "qdanalysis.run.report_server"
#: True in the server's children, which run the command themselves.
IN_SERVER = False
#: Seconds to wait for a server started here to listen, and for a server's first answer (its imports included).
LISTEN_TIMEOUT, ANSWER_TIMEOUT = 30.0, 180.0
#: The server's log, under the reports folder (beside the runs' kernel logs).
LOG_NAME = ".runs/report-server.log"


class Unavailable(Exception):
    """No server can run this command; the message says why (Chinese, printed before running in-process)."""


def served(args: Any, argv: list[str] | None) -> int:
    """Run the parsed command ``args``: through the report server when asked and possible, else here."""
    if IN_SERVER or os.environ.get(VARIABLE) != "1":
        return args.func(args)
    if listing(args):  # the DAG's plan: start the server while Airflow schedules the reports
        try:
            Client(args, []).prestart()
        except Unavailable as err:
            print(f"报告服务进程未预先启动：{err}", file=sys.stderr, flush=True)
        return args.func(args)
    if not eligible(args):
        return args.func(args)
    try:
        return Client(args, sys.argv[1:] if argv is None else list(argv)).run()
    except Unavailable as err:
        print(f"报告服务进程不可用，改在本进程中运行：{err}", file=sys.stderr, flush=True)
        return args.func(args)


def eligible(args: Any) -> bool:
    """Whether the command is one of the DAG's tasks after ``plan``: a report's, ``run --portfolio FILE --only
    LABEL`` (no --list, no --pdf), or the overview's, ``overview --portfolio FILE``."""
    if _command(args) == "cmd_overview":
        return bool(getattr(args, "portfolio", None))
    return (_command(args) == "cmd_run" and bool(getattr(args, "portfolio", None))
            and bool(getattr(args, "only", None)) and not getattr(args, "list", False)
            and not getattr(args, "pdf", False))


def runs_kernel(args: Any) -> bool:
    """Whether the command runs a notebook (a report's), so that its child needs a kernel zygote (the overview's
    does not)."""
    return _command(args) == "cmd_run"


def _command(args: Any) -> str:
    """The name of the function the parsed command line runs (``cmd_run``, ``cmd_overview``…)."""
    return getattr(args.func, "__name__", "")


def listing(args: Any) -> bool:
    """Whether the command is the DAG's plan: ``run --portfolio FILE --out REPORTS --list``."""
    return (_command(args) == "cmd_run" and bool(getattr(args, "portfolio", None))
            and getattr(args, "list", False) and getattr(args, "out", None) is not None)


def socket_folder() -> Path:
    """``$XDG_RUNTIME_DIR/qdanalysis`` (else ``<tmp>/qdanalysis-<uid>``), made 0700; refused unless it is a real
    folder of this user that no one else may enter."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = (Path(runtime) / "qdanalysis" if runtime and os.path.isdir(runtime)
              else Path(tempfile.gettempdir()) / f"qdanalysis-{os.geteuid()}")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError as err:
        raise Unavailable(f"无法创建套接字目录 {folder}（{err.strerror}）") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise Unavailable(f"套接字目录 {folder} 不是本用户独占的目录（应为本用户所有、权限 0700 的目录，不是链接）")
    return folder


def slot(reports: Path, portfolio: Path) -> str:
    """The name of the server of one reports folder and portfolio file."""
    return hashlib.sha256(f"{reports}\0{portfolio}".encode()).hexdigest()[:20]


@contextlib.contextmanager
def locked(path: Path, how: int) -> Iterator[None]:
    with open(path, "a+b") as lock:
        fcntl.flock(lock, how)
        yield


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (``SO_PEERCRED``)."""
    import struct

    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _stdio() -> list[int]:
    """This process's stdin, stdout and stderr (``/dev/null`` for one that is closed), to hand to the server."""
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return fds


class Client:
    def __init__(self, args: Any, argv: list[str]) -> None:
        from qdanalysis.paths import REPORTS

        cwd = os.getcwd()
        self.portfolio = Path(cwd, args.portfolio).resolve()
        self.reports = Path(cwd, args.out if args.out is not None else REPORTS).resolve()
        folder = socket_folder()
        name = slot(self.reports, self.portfolio)
        self.path, self.lock = folder / f"{name}.sock", folder / f"{name}.lock"
        if len(str(self.path)) > 100:
            raise Unavailable(f"套接字路径过长：{self.path}")
        self._buf = b""
        self.request = {"argv": argv, "argv0": sys.argv[0], "cwd": cwd, "env": dict(os.environ),
                        "key": report_key.key(dict(os.environ), cwd, args.portfolio), "kernel": runs_kernel(args)}

    def run(self) -> int:
        why = ""
        for _ in range(3):
            conn = self._connect() or self._start()
            answer = self._ask(conn)
            if "started" in answer:
                return self._follow(conn)
            conn.close()
            if "error" in answer:  # the server runs nothing (it says why)
                raise Unavailable(f"报告服务进程拒绝运行：{answer['error']}")
            why = f"报告服务进程已过期：{answer['stale']}" if "stale" in answer else "报告服务进程未应答"
        raise Unavailable(why)

    def prestart(self) -> None:
        """Start the slot's server unless one listens (without waiting for its imports)."""
        (self._connect() or self._start()).close()

    def _connect(self, lock: bool = True) -> socket.socket | None:
        """A connection to the slot's server, or None if there is none (no socket, or a dead one that refuses);
        ``lock``: take the slot's lock shared to connect (not when this client holds it exclusive)."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with locked(self.lock, fcntl.LOCK_SH) if lock else contextlib.nullcontext():
                conn.connect(str(self.path))
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            return None
        except OSError as err:
            conn.close()
            raise Unavailable(f"无法连接 {self.path}（{err.strerror}）") from None
        if peer_uid(conn) != os.geteuid():
            conn.close()
            raise Unavailable(f"{self.path} 的服务进程不属于本用户")
        return conn

    def _start(self) -> socket.socket:
        """Start a server for the slot (unless another client just did) and connect to it."""
        with locked(self.lock, fcntl.LOCK_EX):
            conn = self._connect(lock=False)
            if conn is not None:
                return conn
            log = self.reports / LOG_NAME
            log.parent.mkdir(parents=True, exist_ok=True)
            before = self.path.stat().st_ino if self.path.exists() else None  # a dead server's socket
            with open(log, "ab") as err:
                process = subprocess.Popen(
                    [sys.executable, "-P", "-m", SERVER_MODULE, str(self.path), str(self.portfolio), str(log)],
                    env=report_key.common_env(dict(os.environ)), stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
            deadline = time.monotonic() + LISTEN_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if self.path.stat().st_ino != before:
                        conn = self._connect(lock=False)
                        if conn is not None:
                            return conn
                except FileNotFoundError:
                    pass
                time.sleep(0.02)
            if process.poll() is None:
                process.kill()
            raise Unavailable(f"报告服务进程未能启动（退出状态 {process.wait()}，见 {log}）")

    def _ask(self, conn: socket.socket) -> dict[str, Any]:
        """Send the request with stdin/stdout/stderr attached; the first answer ({} if the server went away)."""
        conn.settimeout(ANSWER_TIMEOUT)
        self._buf = b""
        try:
            socket.send_fds(conn, [json.dumps(self.request).encode() + b"\n"], _stdio())
            return self._line(conn) or {}
        except OSError:
            return {}

    def _follow(self, conn: socket.socket) -> int:
        """Wait for the report's exit status (its output goes straight to ours)."""
        conn.settimeout(None)
        answer = self._line(conn)
        if answer is None:
            print("错误：报告服务进程意外退出，命令未完成", file=sys.stderr, flush=True)
            return 1
        if "signal" in answer:
            print(f"错误：运行该命令的进程被信号 {answer['signal']} 结束", file=sys.stderr, flush=True)
            return 128 + int(answer["signal"])
        return int(answer["exit"])

    def _line(self, conn: socket.socket) -> dict[str, Any] | None:
        buf = self._buf
        while b"\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            buf += chunk
        line, self._buf = buf.split(b"\n", 1)
        return json.loads(line)

"""A forking kernel launcher for a run of many notebooks: one process imports the kernel's libraries once and
forks a fresh kernel for each notebook.

A kernel started by jupyter_client (``python -m ipykernel_launcher -f <connection file>``) spends about 0.5 s
starting ipykernel and 0.9 s importing pandas, matplotlib and qdanalysis before the notebook's first cell does
any work: separate runs pay it each time, and so did every notebook of ``run --portfolio``. Here the runner of
``run --portfolio`` starts one *zygote* (``python -m qdanalysis.run.zygote_main``, :mod:`~qdanalysis.run.zygote_main`),
which imports ipykernel and those libraries and then waits. For each kernel jupyter_client would launch, the
runner sends the zygote the command, environment and working folder; the zygote forks a child that becomes the
kernel (:func:`~qdanalysis.run.zygote_main.become_kernel`): a new session, the requested environment and folder,
stdin/stdout/stderr as jupyter_client gives a kernel, no other descriptor, and then ipykernel's own launcher. The
child is forked from the zygote, which never runs a notebook: every kernel starts from the same state a fresh
process has after those imports, and nothing of one notebook can reach another.

The runner holds each forked kernel as a :class:`ForkedKernel`, a :class:`subprocess.Popen` look-alike that
jupyter_client's provisioner polls, waits for, interrupts and kills as it would its own child: signals go to
the kernel through a pidfd (no pid reuse) or to its process group, its exit is known from the pidfd at once and
its exit status from a pipe the zygote writes when it reaps it.

Used only by runs of several notebooks in one process (``run --portfolio``; :func:`serving`): for a single
run the zygote's imports would be the kernel's imports, paid once either way. Anything unusual makes a launch
fall back to jupyter_client's own (a normal process), with the reason written to the run's kernel log: no zygote,
a zygote that died or refused, a kernel command or environment other than the zygote's.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: The module the zygote process runs.
MAIN_MODULE = "qdanalysis.run.zygote_main"
#: The kernel command the zygote can fork for (after the interpreter): jupyter_client's python3 kernel spec.
LAUNCHER = ["-m", "ipykernel_launcher"]
#: In the zygote's command line, which its kernels share: what :func:`qdanalysis.present.drawer.sibling_kernels`
#: looks for in a kernel's (the zygote itself is not named python, as kernels are: it is not counted).
KERNEL_MARK = "--forks-ipykernel"
#: Environment variables that differ between kernels of one run and are set per kernel.
PER_KERNEL_ENV = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})
#: Seconds a launch waits for the zygote's answer (its imports included, on a busy machine).
LAUNCH_TIMEOUT = 120.0
#: The zygote serving this process's runs, if any (:func:`serving`); read by the kernel manager of notebook.py.
ACTIVE: Zygote | None = None


class ZygoteUnavailable(Exception):
    """The zygote cannot launch this kernel; the message says why (English, for the kernel log)."""


class ForkedKernel:
    """A kernel forked by the zygote, as jupyter_client's provisioner uses a :class:`subprocess.Popen`."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, status_fd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd: int | None = os.pidfd_open(pid)
        self._status_fd: int | None = status_fd

    def _exited(self) -> bool:
        assert self._pidfd is not None
        return bool(select.select([self._pidfd], [], [], 0)[0])

    def _collect(self) -> int:
        """The exit status, from the zygote's pipe (it reaps the kernel at once: wait at most a few seconds)."""
        data = b""
        if self._status_fd is not None:
            if select.select([self._status_fd], [], [], 5.0)[0]:
                data = os.read(self._status_fd, 64)
            os.close(self._status_fd)
            self._status_fd = None
        self.returncode = os.waitstatus_to_exitcode(int(data)) if data.strip() else -signal.SIGKILL
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        return self.returncode

    def poll(self) -> int | None:
        if self.returncode is None and self._exited():
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            assert self._pidfd is not None
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self._pidfd], [], [], left)[0]:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0.0)
            self._collect()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None and self._pidfd is not None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The runner's side of one zygote process: it starts it, asks it for kernels, and stops it.

    Args:
        env: the environment of the kernels it forks (the zygote imports under it).
        cwd: their working folder.
        log: the zygote's own log (its stderr).
        varies: which environment variables may differ between a kernel's environment and ``env`` (default: those
            set per kernel, :data:`PER_KERNEL_ENV`).
    """

    def __init__(self, env: dict[str, str], cwd: Path, log: Path, varies: Callable[[str], bool] | None = None) -> None:
        self.env = dict(env)
        self.cwd = str(cwd)
        self._varies = varies or PER_KERNEL_ENV.__contains__
        self._lock = threading.Lock()
        self._dead: str = ""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ours.settimeout(LAUNCH_TIMEOUT)
        self._sock = ours
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", MAIN_MODULE, str(theirs.fileno()), KERNEL_MARK], env=self.env, cwd=self.cwd,
                stdin=subprocess.DEVNULL, stderr=err, pass_fds=[theirs.fileno()], start_new_session=True)
        theirs.close()

    def _fits(self, cmd: list[str], kw: dict[str, Any]) -> dict[str, Any]:
        """The request for ``cmd`` and ``kw`` (jupyter_client's launch_kernel arguments), or why the zygote cannot."""
        if [os.path.realpath(cmd[0]), *cmd[1:3]] != [os.path.realpath(sys.executable), *LAUNCHER]:
            raise ZygoteUnavailable(f"kernel command {cmd[:3]} is not {[sys.executable, *LAUNCHER]}")
        unknown = {k for k, v in kw.items()
                   if v not in (None, False) and k not in ("env", "cwd", "stderr", "kernel_id", "extra_arguments")}
        if unknown:
            raise ZygoteUnavailable(f"launch arguments the zygote does not handle: {sorted(unknown)}")
        env = dict(kw.get("env") or os.environ)
        differs = sorted(k for k in set(env) | set(self.env)
                         if k not in PER_KERNEL_ENV and not self._varies(k) and env.get(k) != self.env.get(k))
        if differs:
            raise ZygoteUnavailable(f"the kernel's environment differs from the zygote's in {differs}")
        if str(kw.get("cwd") or os.getcwd()) != self.cwd:
            raise ZygoteUnavailable(f"the kernel's folder {kw.get('cwd')} is not the zygote's {self.cwd}")
        return {"argv": [os.path.expanduser(a) for a in cmd[3:]], "env": env}

    def launch(self, cmd: list[str], kw: dict[str, Any]) -> ForkedKernel:
        """Fork a kernel for jupyter_client's ``launch_kernel(cmd, **kw)``.

        Raises:
            ZygoteUnavailable: this kernel must be launched normally (the message says why).
        """
        request = self._fits(cmd, kw)
        stderr = kw.get("stderr")
        err_fd = stderr.fileno() if stderr is not None and hasattr(stderr, "fileno") else 2
        with self._lock:
            if self._dead:
                raise ZygoteUnavailable(self._dead)
            try:
                socket.send_fds(self._sock, [json.dumps(request).encode() + b"\n"], [err_fd])
                line, fds = self._answer()
            except OSError as err:  # TimeoutError included: the zygote hangs
                line, fds = b"", []
                self._dead = f"the zygote exited or cannot be reached ({err})"
            if not line:
                self._dead = self._dead or f"the zygote exited (status {self.process.poll()})"
                raise ZygoteUnavailable(self._dead)
        answer = json.loads(line)
        if "error" in answer or not fds:
            for fd in fds:
                os.close(fd)
            raise ZygoteUnavailable(f"the zygote refused: {answer.get('error', 'no status pipe')}")
        return ForkedKernel(int(answer["pid"]), fds[0])

    def _answer(self) -> tuple[bytes, list[int]]:
        """The zygote's answer line (b"" if it exited) and the descriptor sent with it."""
        return recv_line(self._sock, 4096, 1)

    @classmethod
    def attached(cls, sock: socket.socket, env: dict[str, str], cwd: str,
                 varies: Callable[[str], bool] | None = None) -> Zygote:
        """The runner's side of a zygote that another zygote forked (:meth:`fork_zygote`), serving ``sock``; the
        arguments as the constructor's. It exits when this side closes; its parent reaps it."""
        self = cls.__new__(cls)
        self.env, self.cwd, self._varies = dict(env), str(cwd), varies or PER_KERNEL_ENV.__contains__
        self._lock, self._dead, self._sock, self.process = threading.Lock(), "", sock, None
        sock.settimeout(LAUNCH_TIMEOUT)
        return self

    def fork_zygote(self) -> socket.socket:
        """Have the zygote fork a zygote of its own for another runner (each child of the report server,
        :mod:`qdanalysis.run.report_server`): the runner's end of its socket, for :meth:`attached`.

        Raises:
            ZygoteUnavailable: the zygote cannot (the message says why).
        """
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._lock, theirs:
            if self._dead:
                raise ZygoteUnavailable(self._dead)
            try:
                socket.send_fds(self._sock, [b'{"serve": true}\n'], [theirs.fileno()])
                line, fds = self._answer()
            except OSError as err:
                line, fds = b"", []
                self._dead = f"the zygote exited or cannot be reached ({err})"
        for fd in fds:
            os.close(fd)
        answer = json.loads(line) if line else {"error": self._dead or "the zygote exited"}
        if "pid" not in answer:
            ours.close()
            raise ZygoteUnavailable(f"the zygote refused: {answer.get('error')}")
        return ours

    def forget(self) -> None:
        """In a child forked from the runner: close this process's copy of the socket (the zygote serves on)."""
        self._sock.close()

    def close(self) -> None:
        """Stop the zygote (its end of the socket closes, it exits) and reap it."""
        with self._lock:
            self._dead = self._dead or "the zygote was stopped"
            self._sock.close()
        if self.process is None:  # attached: its parent reaps it
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def recv_line(sock: socket.socket, size: int, maxfds: int) -> tuple[bytes, list[int]]:
    """One newline-ended line from a Unix socket and the descriptors sent with it, up to ``maxfds`` a message
    (the zygote's answers, the report server's requests); the line is b"" if the other end closed first, and the
    descriptors received until then are returned all the same, for the caller to close."""
    line, fds = b"", []
    while not line.endswith(b"\n"):
        chunk, got, _, _ = socket.recv_fds(sock, size, maxfds)
        fds += got
        if not chunk:
            return b"", fds
        line += chunk
    return line, fds


def launch(cmd: list[str], kw: dict[str, Any]) -> ForkedKernel:
    """A kernel forked by the active zygote for jupyter_client's ``launch_kernel(cmd, **kw)``.

    Raises:
        ZygoteUnavailable: no zygote serves this process, or it cannot launch this kernel (the message says why).
    """
    zygote = ACTIVE
    if zygote is None:
        raise ZygoteUnavailable("no zygote serves this run")
    return zygote.launch(cmd, kw)


def kernel_env() -> dict[str, str]:
    """The environment jupyter_client gives a python3 kernel started from this process (the zygote's)."""
    from jupyter_client.kernelspec import KernelSpecManager

    env = dict(os.environ)
    env.update(KernelSpecManager().get_kernel_spec("python3").env or {})
    return env


def _pidfds() -> bool:
    """Whether this system gives process descriptors (Linux 5.3 or later), which :class:`ForkedKernel` needs."""
    if not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def enabled() -> bool:
    """Whether kernels are forked: not turned off (``QDANALYSIS_KERNEL_ZYGOTE=0``) and process descriptors exist."""
    return os.environ.get("QDANALYSIS_KERNEL_ZYGOTE", "1") != "0" and _pidfds()


@contextlib.contextmanager
def serving(log: Path, cwd: Path) -> Iterator[Zygote | None]:
    """Start a zygote for the kernels this process launches inside the ``with`` block, and stop it afterwards.

    Yields None, and nothing is forked, when ``QDANALYSIS_KERNEL_ZYGOTE=0`` or where a forked kernel could not be
    held as a process descriptor (not Linux, or before 5.3): every kernel is launched normally then.
    """
    global ACTIVE
    if not enabled():
        yield None
        return
    zygote = Zygote(kernel_env(), cwd, log)
    ACTIVE = zygote
    try:
        yield zygote
    finally:
        ACTIVE = None
        zygote.close()

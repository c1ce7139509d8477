"""The zygote process of :mod:`qdanalysis.run.zygote`: it imports what every kernel imports, then forks kernels.

``python -m qdanalysis.run.zygote_main FD``: FD is its end of a Unix socket to the runner. It imports
:data:`PRELOAD` (ipykernel, and what the notebooks import: pandas, matplotlib, qdanalysis), then answers each
request, one JSON line with the kernel's stderr attached as a descriptor, by forking a kernel; the answer is
``{"pid": …}`` with the read end of a pipe attached, on which it writes the kernel's wait status when it reaps it.
A request ``{"serve": true}`` with a socket attached forks a zygote that serves that socket instead (a runner of
its own: each child of the report server, :mod:`qdanalysis.run.report_server`), answered ``{"pid": …}``.
It exits when the runner closes the socket; its kernels then see their parent gone and exit (ipykernel's
parent poller, given this process as ``JPY_PARENT_PID``).

Before each fork the zygote checks that it is a single thread and holds no zmq context: a fork copies one
thread, and a lock another thread held would stay locked in the kernel forever. Two libraries would start
threads while importing: OpenBLAS its pool (numpy) and jemalloc a background thread (pyarrow, which pandas imports).
The zygote imports with ``OPENBLAS_NUM_THREADS=1`` and ``JE_ARROW_MALLOC_CONF=background_thread:false`` (unless the
environment sets them), and each kernel gets back the OpenBLAS thread count a fresh process would have; jemalloc
is not pyarrow's memory pool here (mimalloc is), its background thread only purges pages.

What a forked kernel gets that a fresh one would too (:func:`become_kernel`): its own session and process group
(interrupts reach it and its children), the requested environment, folder and ``sys.argv``, stdin a pipe already
closed, stdout that of the runner, stderr the run's kernel log, no other descriptor, the default signal handlers,
its process name, what the imports put in ``os.environ`` (:data:`IMPORTED_ENV`), a newly seeded numpy random generator (Python's ``random`` reseeds itself after a fork) and
``sys.path`` as ``ipykernel_launcher`` leaves it. It shares with its siblings what the imports computed, as
processes that imported the same modules from the same files compute the same, and the seed of ``str`` hashes.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import sys
from pathlib import Path
from typing import Any

#: What the zygote imports before forking: ipykernel and what it imports as a kernel starts (its debugger: ~0.5 s),
#: and what the annual and trends notebooks import (listed from a kernel's ``sys.modules`` after a report).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.debugger",
           "IPython.core.completerlib", "IPython.extensions.storemagic", "sqlite3", "tornado.platform.asyncio",
           "tornado.queues", "qdanalysis", "qdanalysis.present.report", "qdanalysis.present.trends_report",
           "qdanalysis.run.pipeline", "qdanalysis.present.cache", "qdanalysis.present.drawer",
           "qdanalysis.present.webfont", *(f"qdanalysis.present.charts.{m}" for m in (
               "base", "budget", "categories", "economic", "indicators", "lines", "payments", "renewals", "sms",
               "trends")),
           "matplotlib.pyplot", "matplotlib.backends.backend_agg", "seaborn", "PIL.PngImagePlugin", "pyarrow.dataset")
#: Set for the zygote's imports only (unless already set), so that no library starts a thread.
NO_THREADS_ENV = {"OPENBLAS_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false"}
#: ipykernel's default matplotlib backend, set by IPKernelApp.init_gui_pylab before the notebook imports matplotlib.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_PR_SET_NAME, _PR_GET_NAME = 15, 16


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def process_name() -> bytes:
    buf = ctypes.create_string_buffer(16)
    _libc().prctl(_PR_GET_NAME, buf, 0, 0, 0)
    return buf.value


def set_process_name(name: bytes) -> None:
    _libc().prctl(_PR_SET_NAME, ctypes.c_char_p(name[:15]), 0, 0, 0)


def threads() -> int:
    """The threads of this process (native ones included)."""
    return len(os.listdir("/proc/self/task"))


def why_not_fork() -> str:
    """Why this process must not fork now (a second thread, a zmq context), or ""."""
    if threads() != 1:
        names = sorted(Path(f"/proc/self/task/{t}/comm").read_text().strip() for t in os.listdir("/proc/self/task"))
        return f"the zygote has {threads()} threads ({', '.join(names)})"
    zmq = sys.modules.get("zmq")
    if zmq is not None and getattr(zmq.Context, "_instance", None) is not None:
        return "the zygote holds a zmq context"
    return ""


def _openblas() -> Any:
    """numpy's OpenBLAS, loaded in this process, or None."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "openblas" in line and line.rstrip().endswith(".so"):
                return ctypes.CDLL(line.split()[-1], mode=os.RTLD_NOLOAD)
    return None


def _openblas_setter(lib: Any) -> Any:
    for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads"):
        if hasattr(lib, name):
            return getattr(lib, name)
    return None


def blas_threads(env: dict[str, str]) -> int:
    """The OpenBLAS threads a fresh process with ``env`` starts: its variables, in OpenBLAS's order, else the CPUs
    this process may run on."""
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        text = env.get(name, "").strip()
        if text.isdigit() and int(text) > 0:
            return int(text)
    return len(os.sched_getaffinity(0))


#: What the imports of :data:`PRELOAD` set in ``os.environ`` (pydevd: ``PYDEVD_USE_FRAME_EVAL``), as they do in a
#: kernel that imports them: given again to each forked kernel (:func:`preload`, :func:`become_kernel`).
IMPORTED_ENV: dict[str, str] = {}


def preload(env: dict[str, str]) -> None:
    """Import :data:`PRELOAD` as a kernel would, under ``env`` and without starting a thread; keep in
    :data:`IMPORTED_ENV` what the imports set in the environment."""
    ours = {k: v for k, v in NO_THREADS_ENV.items() if k not in env}
    if "MPLBACKEND" not in env:
        ours["MPLBACKEND"] = INLINE_BACKEND
    os.environ.update(ours)
    for name in PRELOAD:
        __import__(name)
    IMPORTED_ENV.update({k: v for k, v in os.environ.items() if k not in ours and env.get(k) != v})
    os.environ.clear()
    os.environ.update(env)


def become_kernel(request: dict[str, Any], name: bytes, keep: tuple[int, int]) -> None:
    """Turn this forked child into a fresh kernel process for ``request`` (see the module docstring).

    Args:
        request: ``argv`` (after ``-m ipykernel_launcher``) and ``env``.
        name: the process name to take back.
        keep: (stderr descriptor, descriptor to close last: the end of the pipe the zygote waits on).
    """
    err_fd, ready_fd = keep
    os.setsid()
    os.close(ready_fd)  # the zygote answers the runner once the kernel is its own process group
    r, w = os.pipe()
    os.close(w)
    os.dup2(r, 0)
    os.dup2(err_fd, 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    set_process_name(name)
    env = {**request["env"], **IMPORTED_ENV}
    env["JPY_PARENT_PID"] = str(os.getppid())
    os.environ.clear()
    os.environ.update(env)
    _import_time_env(int(env["JPY_PARENT_PID"]))
    sys.argv = [str(Path(sys.modules["ipykernel"].__file__).parent.parent / "ipykernel_launcher.py"),
                *request["argv"]]
    lib = _openblas()
    setter = _openblas_setter(lib) if lib is not None else None
    if setter is not None:
        setter(blas_threads(env))
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()


def _import_time_env(parent: int) -> None:
    """What the preloaded modules read from a per-kernel variable while importing, read again for this kernel:
    IPKernelApp's ``parent_handle`` defaults to ``JPY_PARENT_PID`` as it was at import (it makes the kernel exit
    with its parent and keeps its connection banner off the terminal)."""
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.class_traits()["parent_handle"].default_value = parent
    initial = getattr(IPKernelApp, "_static_immutable_initial_values", None)
    if isinstance(initial, dict) and "parent_handle" in initial:
        initial["parent_handle"] = parent


def serve(sock: socket.socket) -> dict[str, Any] | None:
    """Fork a kernel for each request until the runner closes the socket.

    Returns:
        None in the zygote (the runner is gone); in each forked child, its request, for :func:`main` to start
        the kernel with.
    """
    name = process_name()
    set_process_name(b"qdanalysis-zyg")  # drawer.sibling_kernels counts processes named python as kernels
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    status: dict[int, int] = {}  # kernel pid -> write end of its status pipe
    while True:
        ready = select.select([sock, wake_r], [], [])[0]
        if wake_r in ready:
            while True:
                try:
                    if not os.read(wake_r, 512):
                        break
                except BlockingIOError:
                    break
            _reap(status)
        if sock not in ready:
            continue
        msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 1)
        if not msg:
            return None
        buf = msg
        while not buf.endswith(b"\n"):
            more = sock.recv(1 << 20)
            if not more:
                return None
            buf += more
        request = json.loads(buf)
        if request.get("serve"):  # fork a zygote of its own for one runner (the report server's children)
            child = _fork_zygote(sock, fds, (wake_r, wake_w, *status.values()))
            if child is not None:
                return child
            continue
        err_fd = fds[0] if fds else 2
        why = why_not_fork()
        if why:
            _answer(sock, {"error": why}, None)
            if fds:
                os.close(err_fd)
            continue
        status_r, status_w = os.pipe2(os.O_CLOEXEC)
        ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            sock.detach()  # closed below with every other descriptor: the object must not close a kernel's later
            become_kernel(request, name, (err_fd, ready_w))
            return request
        os.close(ready_w)
        os.read(ready_r, 1)  # EOF once the child has its own session
        os.close(ready_r)
        if fds:
            os.close(err_fd)
        status[pid] = status_w
        _answer(sock, {"pid": pid}, status_r)
        os.close(status_r)


def _fork_zygote(sock: socket.socket, fds: list[int], ours: tuple[int, ...]) -> dict[str, Any] | None:
    """Fork a zygote that serves the socket in ``fds`` (a runner of its own) as this one serves ``sock``.

    Returns:
        In the new zygote, ``{"serve": fd}`` for :func:`main` to serve (``ours``, this zygote's descriptors, and
        ``sock`` closed); None here, after answering ``{"pid": …}`` or why not.
    """
    why = why_not_fork() or ("" if fds else "no socket attached")
    if why:
        _answer(sock, {"error": why}, None)
        for fd in fds:
            os.close(fd)
        return None
    pid = os.fork()
    if pid == 0:
        sock.close()
        signal.set_wakeup_fd(-1)
        for fd in ours + tuple(fds[1:]):
            os.close(fd)
        return {"serve": fds[0]}
    for fd in fds:
        os.close(fd)
    _answer(sock, {"pid": pid}, None)
    return None


def _answer(sock: socket.socket, answer: dict[str, Any], fd: int | None) -> None:
    line = json.dumps(answer).encode() + b"\n"
    if fd is None:
        sock.sendall(line)
    else:
        socket.send_fds(sock, [line], [fd])


def _reap(status: dict[int, int]) -> None:
    """Reap every exited kernel and write its wait status to its pipe."""
    while True:
        try:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = status.pop(pid, None)
        if fd is not None:
            try:
                os.write(fd, str(wait_status).encode())
            except OSError:
                pass
            os.close(fd)


def main(argv: list[str]) -> int:
    # As ipykernel_launcher: the working folder is not on sys.path while the libraries import.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    sock = socket.socket(fileno=int(argv[0]))
    preload(dict(os.environ))
    request = serve(sock)
    while request is not None and "serve" in request:  # a zygote forked for a runner of its own
        request = serve(socket.socket(fileno=request["serve"]))
    if request is None:
        return 0
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

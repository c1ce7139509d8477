"""Commands run as a user would run them, each in a subprocess under a 2 GiB address-space limit and a
timeout, with the child's own peak memory; and what a clean exit is (exit 0 or 1, no traceback, no internal
error). Used by the corpus of bad input files and the million-row load (tests/integration/), and, without the
limit, by the command-line tests (tests/run/test_cli.py, tests/integration/test_safety.py, :func:`run_module`).

``run_python`` starts a new Python; ``run_cli`` and ``run_module`` fork each command from one process that imported
the command's libraries once (:data:`_FORK_SERVER`), each child starting from that state as a fresh process would.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import suite

from qdanalysis.paths import PROJECT_ROOT

MEMORY_LIMIT = 2 << 30  # 2 GiB of address space for every run
TIMEOUT = 120


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args: object, cwd: Path, timeout: float = TIMEOUT) -> Run:
    """``python -m qdanalysis.run.cli ARGS`` under a 2 GiB address-space limit, with its peak RSS: a child forked
    from :data:`_FORK_SERVER`, which imported what the command imports once (a fresh Python per run spent most of
    a short run's time there)."""
    return _forked("qdanalysis.run.cli", *args, cwd=cwd, timeout=timeout)


def run_module(module: str, *args: object, cwd: Path, env: dict[str, str], timeout: float = TIMEOUT) -> Run:
    """``python -m MODULE ARGS`` in ``cwd`` with exactly the environment ``env`` and no memory limit, as a child of
    :data:`_FORK_SERVER` (a server started with that environment)."""
    return _forked(module, *args, cwd=cwd, timeout=timeout, env=env, limit=None)


#: The process :func:`run_cli`'s commands are forked from. It imports what ``qdanalysis validate`` imports (pandas,
#: pyarrow, calamine, the readers), as a fresh process would, with no library starting a thread (a fork copies one
#: thread), then forks a child per request and reports its wait status and peak memory. It is started with the
#: environment of the runs it serves, so that what Python and the libraries read from it at start-up (the streams'
#: encoding, ``sys.path`` from PYTHONPATH, the project folder :mod:`qdanalysis.paths` reads) is what a fresh process
#: of the run reads. The child runs the module
#: as ``python -m`` runs it, as a fresh process would: its own session, the address-space limit if any, the folder, the
#: environment and ``sys.path[0]`` of the run, stdin from /dev/null, stdout and stderr to files, and at its end
#: the exit a fresh interpreter makes (threads joined, atexit functions run, streams flushed, the exit status of
#: ``SystemExit`` or of an uncaught exception with its traceback). The server runs no command itself: each child
#: starts from the state after those imports, never from another run's.
_FORK_SERVER = r"""
import json, os, resource, runpy, sys, threading, time, traceback
os.environ.update({"OPENBLAS_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false"})
import python_calamine, qdanalysis.read.inputs
if len(os.listdir("/proc/self/task")) != 1:
    sys.exit("the fork server has more than one thread")
for line in sys.stdin:
    req = json.loads(line)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setsid()
            if req["limit"] is not None:
                resource.setrlimit(resource.RLIMIT_AS, (req["limit"], req["limit"]))
            os.chdir(req["cwd"])
            os.environ.clear()
            os.environ.update(req["env"])
            for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                    (2, req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
                opened = os.open(path, flags, 0o644)
                os.dup2(opened, fd)
                os.close(opened)
            sys.path[0] = os.getcwd()
            sys.argv = [req["module"], *req["args"]]
            try:
                runpy.run_module(req["module"], run_name="__main__", alter_sys=True)
                code = 0
            except SystemExit as exc:
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            threading._shutdown()
            import atexit
            atexit._run_exitfuncs()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except BaseException:
                    code = code or 120
            os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    _, status, usage = os.wait4(pid, 0)
    print(json.dumps({"status": status, "seconds": time.monotonic() - start, "max_rss": usage.ru_maxrss}), flush=True)
"""
#: The fork servers, each started by the first run with its environment, by that environment (less the variable
#: pytest changes at each test, which nothing reads at start-up; each run is still given its own).
_SERVERS: dict[frozenset, subprocess.Popen] = {}
#: Where the children's stdout and stderr go (not the run's folder: a command that lists its folder would see them).
_OUTPUT: list[Path] = []


def _server(env: dict[str, str]) -> subprocess.Popen:
    key = frozenset((k, v) for k, v in env.items() if k != "PYTEST_CURRENT_TEST")
    server = _SERVERS.get(key)
    if server is None or server.poll() is not None:
        server = _SERVERS[key] = subprocess.Popen([sys.executable, "-c", _FORK_SERVER], stdin=subprocess.PIPE,
                                                  stdout=subprocess.PIPE, env=env, cwd=PROJECT_ROOT, bufsize=0)
        atexit.register(_stop, server)
    return server


def _stop(server: subprocess.Popen) -> None:
    server.stdin.close()
    server.wait(timeout=30)


def _answer(server: subprocess.Popen, timeout: float | None) -> dict | None:
    """The server's next line, or None when ``timeout`` seconds pass first (read unbuffered: nothing of a line
    the server wrote can wait in a buffer that ``select`` does not see)."""
    if timeout is not None and not select.select([server.stdout], [], [], max(0.0, timeout))[0]:
        return None
    line = server.stdout.readline()
    if not line:
        pytest.fail(f"the fork server of tests/limited_runs.py exited (status {server.wait()})")
    return json.loads(line)


def _forked(module: str, *args: object, cwd: Path, timeout: float, env: dict[str, str] | None = None,
            limit: int | None = MEMORY_LIMIT) -> Run:
    """``python -m MODULE ARGS`` in ``cwd`` under the address-space limit ``limit`` (None: none), as a child of
    :data:`_FORK_SERVER`; ``env`` is the run's environment (default: ours, PYTHONPATH this project, UTF-8 streams)."""
    for check in suite.BEFORE_START:  # as a Popen of the command would
        check([sys.executable, "-m", module, *map(str, args)])
    if env is None:
        env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8")
    server = _server(env)
    if not _OUTPUT:
        _OUTPUT.append(Path(tempfile.mkdtemp(prefix="qdanalysis-runs-")))
        atexit.register(shutil.rmtree, _OUTPUT[0], True)
    out_path, err_path = _OUTPUT[0] / "run.out", _OUTPUT[0] / "run.err"
    request = {"module": module, "args": [str(a) for a in args], "cwd": str(cwd), "env": env,
               "limit": limit, "out": str(out_path), "err": str(err_path)}
    start = time.monotonic()
    data = memoryview(json.dumps(request).encode() + b"\n")
    while data:
        data = data[server.stdin.write(data):]
    pid = _answer(server, None)["pid"]
    done = _answer(server, timeout - (time.monotonic() - start))
    if done is None:
        os.killpg(pid, signal.SIGKILL)
        _answer(server, None)
        pytest.fail(f"python -m {module} {' '.join(map(str, args))} did not finish within {timeout} s")
    run = Run(os.waitstatus_to_exitcode(done["status"]), out_path.read_text(encoding="utf-8"),
              err_path.read_text(encoding="utf-8"), done["seconds"], done["max_rss"] / 1024)
    out_path.unlink()
    err_path.unlink()
    return run


#: A module that prints what a run of it sees (its arguments, folder, ``sys.path[0]``, QD_PROBE, memory limit,
#: session, threads, streams' encoding), then ends as its first argument says (an exit status, an exception, a
#: message): a forked run of it must print and end as a fresh ``python -m probe`` does (tests/integration/test_corpus.py,
#: tests/run/test_cli.py).
PROBE = """
import atexit, os, resource, sys, threading, time
print("argv", sys.argv[1:], "cwd", os.getcwd(), "path0", sys.path[0], "env", os.environ.get("QD_PROBE"))
print("limit", resource.getrlimit(resource.RLIMIT_AS)[0], "own session", os.getsid(0) == os.getpid())
print("threads", threading.active_count(), "encoding", sys.stdout.encoding, flush=True)
atexit.register(print, "atexit ran")
threading.Thread(target=lambda: (time.sleep(0.2), print("thread joined", flush=True))).start()
if sys.argv[1] == "raise":
    raise ValueError("失败了")
sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1])
"""


def run_python(*args: object, cwd: Path, timeout: float = TIMEOUT) -> Run:
    """``python ARGS`` under a 2 GiB address-space limit, with its peak RSS."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8")
    out_path, err_path = cwd / ".cli.out", cwd / ".cli.err"
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, *map(str, args)], stdout=out, stderr=err,
                                cwd=cwd, env=env, preexec_fn=_limit_memory, start_new_session=True)  # noqa: PLW1509
    while True:  # os.wait4 rather than proc.wait: it gives this child's own peak memory
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            proc.returncode = -signal.SIGKILL
            pytest.fail(f"python {' '.join(map(str, args))} did not finish within {timeout} s")
        time.sleep(0.05)
    code = proc.returncode = os.waitstatus_to_exitcode(status)
    run = Run(code, out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8"),
              time.monotonic() - start, usage.ru_maxrss / 1024)
    out_path.unlink()
    err_path.unlink()
    return run


def assert_clean_exit(run: Run) -> None:
    """No signal, no internal error, no traceback, no English exception text."""
    assert run.returncode in (0, 1), (run.returncode, run.output[-3000:])
    assert "Traceback" not in run.output, run.output[-3000:]
    assert "内部错误" not in run.output, run.output[-3000:]


def problem_lines(run: Run) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.strip()]


#: A fresh Python under the limit: ``setup``, then ``call`` (an expression), then whether the room the call found
#: is still there to take, all but KEEP_ROOM of it; last, ``show`` (an expression of ``value``, the call's value),
#: printed.
_ROOM = """
import resource
import numpy as np
import pyarrow as pa
{setup}
assert pa.default_memory_pool().max_memory() == 0, "the setup took memory from arrow's default pool already"

def vm_size():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize:")) << 10

limit = resource.getrlimit(resource.RLIMIT_AS)[0]
before = vm_size()
value = {call}
grown = vm_size() - before
try:
    room = np.empty(limit - before - {keep}, np.uint8)
except MemoryError:
    room = None
print(grown, room is not None)
del room
print({show})
"""
#: What a call may keep of the room: the threads arrow starts at its first parallel read take about 240 MiB (stacks,
#: malloc arenas); pyarrow's default pool reserves 1 GiB at its first allocation.
KEEP_ROOM = 512 << 20


def room_after(setup: str, call: str, *, cwd: Path, show: str = "repr(value)") -> tuple[str, int, bool]:
    """``call`` run after ``setup`` in a fresh Python under the 2 GiB address-space limit: ``show`` of its value
    (printed: one line), how much it grew the address space, and whether the room it found, all but KEEP_ROOM,
    could still be taken after it (by numpy here; in a load, by the readers that come after)."""
    run = run_python("-c", _ROOM.format(setup=setup, call=call, keep=KEEP_ROOM, show=show), cwd=cwd)
    assert run.returncode == 0, run.output[-3000:]
    room, shown = run.stdout.rstrip("\n").split("\n", 1)
    grown, taken = room.split()
    return shown, int(grown), taken == "True"

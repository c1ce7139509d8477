"""Commands run as a user would run them, each in a subprocess under a 2 GiB address-space limit and a
timeout, with the child's own peak memory; and what a clean exit is (exit 0 or 1, no traceback, no internal
error). Used by the corpus of bad input files and the million-row load (tests/integration/).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

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
    """``python -m qdanalysis.run.cli ARGS`` under a 2 GiB address-space limit, with its peak RSS."""
    return run_python("-m", "qdanalysis.run.cli", *args, cwd=cwd, timeout=timeout)


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

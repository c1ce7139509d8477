"""Tests for qdanalysis.run.zygote_main, the zygote process's side (its kernels: tests/run/test_zygote.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from qdanalysis.run import zygote_main
from qdanalysis.run.zygote_main import NO_THREADS_ENV, PRELOAD, blas_threads, why_not_fork


def test_the_openblas_threads_of_a_fresh_process_follow_its_variables_then_its_cpus():
    cpus = len(os.sched_getaffinity(0))
    assert blas_threads({}) == cpus
    assert blas_threads({"OMP_NUM_THREADS": "3"}) == 3
    assert blas_threads({"OMP_NUM_THREADS": "3", "OPENBLAS_NUM_THREADS": "1"}) == 1
    assert blas_threads({"OPENBLAS_NUM_THREADS": "", "GOTO_NUM_THREADS": "x"}) == cpus


def test_a_second_thread_forbids_a_fork_and_is_named():
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, name="qd-test-thread")
    worker.start()
    try:
        why = why_not_fork()
        assert why.startswith("the zygote has ") and " threads (" in why
    finally:
        stop.set()
        worker.join()


@pytest.mark.slow  # imports ipykernel, pandas, matplotlib and qdanalysis in a process of its own
def test_the_preload_starts_no_thread_and_leaves_the_environment_as_it_was():
    """The zygote's imports, in a process of their own: one thread afterwards, and no variable of its own left."""
    code = ("import os, sys; from qdanalysis.run import zygote_main as z; before = dict(os.environ); "
            "z.preload(before); print(z.threads(), repr(z.why_not_fork()), dict(os.environ) == before, "
            "all(m in sys.modules for m in z.PRELOAD), z.IMPORTED_ENV)")
    env = {k: v for k, v in os.environ.items() if k not in NO_THREADS_ENV and k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.split(maxsplit=4) == ["1", "''", "True", "True", "{'PYDEVD_USE_FRAME_EVAL': 'NO'}\n"]
    assert "ipykernel.kernelapp" in PRELOAD


def test_an_exited_kernel_is_reaped_and_its_status_written_to_its_pipe():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
    table = {pid: w}
    zygote_main._reap(table)
    assert table == {}
    assert os.waitstatus_to_exitcode(int(os.read(r, 64))) == 3
    assert os.read(r, 64) == b""  # the write end closed
    os.close(r)


def test_the_process_name_can_be_set_and_read_back():
    code = ("from qdanalysis.run import zygote_main as z; z.set_process_name(b'qd-named'); "
            "print(z.process_name().decode(), open('/proc/self/comm').read().strip())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["qd-named", "qd-named"]

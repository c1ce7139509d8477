"""Timing and memory of commands, for the benchmarks: wall time, peak memory, medians.

A command is measured as a whole subprocess (interpreter start and imports included). Its
memory is sampled over the process and all its descendants (kernels, worker processes): every
50 ms, or less often where one sample costs more, so that the sampler never takes more than 5% of
one core from what it measures (a sample reads every process's ``smaps_rollup``: under Airflow,
about 25 processes, one sample every 50 ms took 32% of a core and slowed the DAG it measured by
about 5 s). The sampler's own CPU time is kept (``sampler_cpu_s``). Memory is counted two ways:

- ``peak_mb``: the peak of their resident sets (RSS) summed. A page that several of them map —
  the code of Python, numpy, pandas, zmq that every kernel loads from the same files — is
  counted once per process: three kernels count it three times although it is in memory once.
- ``peak_pss_mb``: the peak of their proportional set sizes (PSS, ``/proc/<pid>/smaps_rollup``)
  summed: a page mapped by n processes counts 1/n in each, so a page shared within the tree
  counts once. It is the honest figure for a tree of processes, with one caveat: a page also
  mapped by a process outside the tree (another Python of the same environment running at the
  time) counts only the tree's share. ``peak_private_mb`` bounds that: the pages no other
  process maps (USS, counted by no one else) summed, plus the shared pages of the tree's largest
  process counted in full — what the tree holds even if nothing outside shared a page with it.

``others_running`` is the machine's load apart from the command: the mean number of threads
running or waiting for a CPU (``/proc/loadavg``'s fourth field) minus those of the command's own
processes and of the sampler, over the run. The load average (:func:`load_line`) counts the
command's own processes too: a run of three kernels at once raises it by about three by itself.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
SAMPLE_SECONDS = 0.05  # the shortest interval between two samples of a command's memory
SAMPLER_SHARE = 0.05  # the most of one core the sampler takes: it waits (1 / SHARE - 1) x a sample's CPU time
MARKED_SECONDS = 1.0  # how often a detached command's processes outside its tree are looked for


@dataclass(frozen=True)
class Run:
    """One measured subprocess."""

    seconds: float
    peak_mb: float
    cpu_s: float  # user + system CPU of the process and the descendants it waited for
    returncode: int
    stdout: str
    stderr: str
    peak_pss_mb: float = float("nan")  # PSS of the tree summed (see the module docstring)
    peak_private_mb: float = float("nan")  # USS summed + the largest process's shared pages
    others_running: float = float("nan")  # mean runnable threads of the rest of the machine
    sampler_cpu_s: float = float("nan")  # CPU time the memory sampler itself took while the command ran


def env() -> dict[str, str]:
    """The environment of measured commands: the project importable, no pager, UTF-8."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), out.get("PYTHONPATH", "")) if p)
    out.setdefault("PYTHONIOENCODING", "utf-8")
    return out


def qdanalysis_command(*args: str) -> list[str]:
    """``qdanalysis ARGS`` as the user types it: the console script when installed, else ``-m``."""
    script = Path(sys.executable).with_name("qdanalysis")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "qdanalysis.run.cli", *args]


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _rollup(pid: int) -> tuple[int, int, int]:
    """RSS, PSS and USS (private pages) of one process in bytes, from ``/proc/<pid>/smaps_rollup``."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                fields[name] = int(rest.split()[0]) * 1024
    return fields["Rss"], fields["Pss"], fields["Private_Clean"] + fields["Private_Dirty"]


def _tree_memory(procs) -> tuple[int, int, int]:
    """RSS summed, PSS summed, and USS summed plus the largest shared part, over ``procs`` (bytes)."""
    rss = pss = uss = shared = 0
    for p in procs:
        try:
            r, ps, us = _rollup(p.pid)
        except (OSError, KeyError, ValueError):
            continue  # gone, or not Linux
        rss, pss, uss, shared = rss + r, pss + ps, uss + us, max(shared, r - us)
    return rss, pss, uss + shared


def _running_threads(procs) -> int:
    """Threads of ``procs`` that are running or runnable (state R)."""
    count = 0
    for p in procs:
        try:
            tasks = os.listdir(f"/proc/{p.pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p.pid}/task/{tid}/stat", encoding="ascii", errors="replace") as fh:
                    state = fh.read().rpartition(")")[2].split()[0]
            except (OSError, IndexError):
                continue
            count += state == "R"
    return count


def _machine_running() -> int:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return int(fh.read().split()[3].split("/")[0])


#: The variable :func:`run` marks a command's environment with when asked to follow its detached processes.
TREE_VARIABLE = "QDANALYSIS_BENCH_TREE"


def _marked(psutil, needle: bytes) -> list:
    """The live processes whose environment holds ``needle`` (``NAME=value``), with their children."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            proc = psutil.Process(int(pid))
            for p in (proc, *proc.children(recursive=True)):
                found[p.pid] = p
        except (OSError, psutil.Error):
            continue
    return list(found.values())


def run(cmd: list[str], *, cwd: Path = PROJECT_ROOT, check: bool = True, extra_env: dict[str, str] | None = None,
        detached: bool = False) -> Run:
    """Run ``cmd`` to completion and measure it (``extra_env``: variables set for it beside :func:`env`).

    ``detached``: the processes it starts outside its own tree (a report server in a session of its own, reparented
    to init) count as its own too (memory; not in others' load): found by a variable set in its environment
    (:data:`TREE_VARIABLE`), which they inherit, looked for once a second."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        psutil = None
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    marker = f"{TREE_VARIABLE}={os.getpid()}-{time.monotonic_ns()}"
    extra_env = {**(extra_env or {}), **(dict([marker.split("=", 1)]) if detached else {})}
    proc = subprocess.Popen(cmd, cwd=cwd, env={**env(), **extra_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace")
    peak = peak_pss = peak_private = 0
    sampler_cpu = 0.0
    others: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss, peak_private, sampler_cpu
        handle = psutil.Process(proc.pid)
        me = psutil.Process()
        outside: list = []
        look_outside = 0.0
        while not stop.is_set():
            began = time.thread_time()
            try:
                procs = [handle, *handle.children(recursive=True)]
            except psutil.Error:
                procs = []
            if detached and procs:
                if time.monotonic() >= look_outside:
                    outside = _marked(psutil, marker.encode())
                    look_outside = time.monotonic() + MARKED_SECONDS
                inside = {p.pid for p in procs}
                procs += [p for p in outside if p.pid not in inside and p.is_running()]
            if procs and os.path.exists("/proc/loadavg"):
                running = _machine_running()  # read first: this thread is running now, and counted below
                others.append(max(0, running - _running_threads([*procs, me])))
                rss, pss, private = _tree_memory(procs)
                peak, peak_pss, peak_private = max(peak, rss), max(peak_pss, pss), max(peak_private, private)
            else:
                peak = max(peak, _tree_rss(handle))
            spent = time.thread_time() - began
            sampler_cpu += spent
            stop.wait(max(SAMPLE_SECONDS, spent * (1 / SAMPLER_SHARE - 1)))

    sampler = None
    if psutil is not None:
        try:
            psutil.Process(proc.pid)
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        except psutil.Error:
            sampler = None
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    if sampler is not None:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    nan = float("nan")
    result = Run(seconds, peak / 2**20, cpu, proc.returncode, out, err, peak_pss / 2**20 if peak_pss else nan,
                 peak_private / 2**20 if peak_private else nan, statistics.mean(others) if others else nan,
                 sampler_cpu if sampler is not None else nan)
    if check and proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{out[-2000:]}\n{err[-2000:]}")
    return result


def run_python_json(script: Path, *args: str) -> tuple[dict, Run]:
    """Run a benchmark child script that prints one JSON object as its last line."""
    result = run([sys.executable, str(script), *args])
    return json.loads(result.stdout.strip().splitlines()[-1]), result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> str:
    """`` (min–max)`` of the runs, for judging the noise of a median."""
    if len(values) < 2:
        return ""
    return f" ({min(values):.2f}–{max(values):.2f})"


def machine_line() -> str:
    import platform

    mem = ""
    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:  # pragma: no cover
        pass
    return f"{os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.platform(terse=True)}"


def load_line() -> str:
    """The machine's load: other jobs on a shared machine slow every figure down, parallel ones most."""
    one, five, _ = os.getloadavg()
    busy = "  (busy: other jobs are running; wall times and the parallel speed-up suffer)" if one > 0.7 else ""
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min){busy}"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def own_peak_mb() -> float:
    """Peak resident memory of this process in MiB.

    Read from /proc (VmHWM), which starts afresh at exec; ``getrusage``'s ru_maxrss would
    report the parent's peak when the parent was larger at the fork.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

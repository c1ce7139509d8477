"""The fuzz campaign of ``benchmarks/run.py --only fuzz``: mutants of the shipped and test
workbooks (``tests/mutants.py``), judged in a worker process that has a memory limit and a
time limit per mutant, counted per family and outcome.

Run as a script, this file is the worker: it reads one JSON job per line on stdin and
writes one JSON verdict per line on stdout.
"""

from __future__ import annotations

import json
import os
import random
import resource
import select
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import mutants as M  # noqa: E402

WORKER_MEMORY = 3 << 30  # address space of the worker: beyond it, an allocation fails (MemoryError)
TIMEOUT_S = 60.0  # per mutant


def campaign(tmp: Path, per_base: int, seed: int = 17, timeout: float = TIMEOUT_S) -> dict:
    """Make ``per_base`` mutants of each family for each base, judge them, return the counts."""
    bases = {
        "shipped 2020": M.shipped_base(tmp / "bases" / "shipped" / str(M.SHIPPED_YEAR)),
        "small (inline)": M.small_base(tmp / "bases" / "small" / str(M.SHIPPED_YEAR)),
        "small (shared strings)": M.shared_strings_base(tmp / "bases" / "sst" / str(M.SHIPPED_YEAR)),
    }
    worker = _Worker(bases)
    rng = random.Random(seed)
    counts: Counter = Counter()
    defects: list[dict] = []
    started = time.perf_counter()
    n = 0
    try:
        for family in M.FAMILIES:
            for base_name, path in bases.items():
                for _ in range(per_base):
                    n += 1
                    made = M.make_mutant(path, family, rng, tmp / "mutants" / f"{n}")
                    if made is None:
                        counts[(family, "not applicable")] += 1
                        continue
                    verdict = worker.judge({"folder": str(made[0]), "base": base_name, "family": family,
                                            "what": made[1], "twin": str(made[2]) if made[2] else None}, timeout)
                    counts[(family, verdict["outcome"])] += 1
                    if verdict["outcome"] in M.DEFECTS:
                        defects.append(verdict)
    finally:
        worker.close()
    return {"counts": counts, "defects": defects, "seconds": time.perf_counter() - started, "mutants": n,
            "peak_mb": worker.peak_mb}


class _Worker:
    """The judging process; restarted after a timeout or a crash."""

    def __init__(self, bases: dict[str, Path]):
        self.bases = bases
        self.proc: subprocess.Popen | None = None
        self.peak_mb = 0

    def _start(self) -> None:
        args = [sys.executable, __file__, json.dumps({k: str(v.parent) for k, v in self.bases.items()})]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, encoding="utf-8", cwd=ROOT)
        ready = self.proc.stdout.readline()
        if not ready.startswith("ready"):
            raise RuntimeError(f"fuzz worker did not start: {ready!r}")

    def judge(self, job: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        self.proc.stdin.write(json.dumps(job, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not ready or not line:
            outcome = "timeout" if not ready else "error"
            detail = f"no answer within {timeout:.0f} s" if not ready else f"worker died ({self.proc.poll()})"
            self._stop()
            return {**job, "outcome": outcome, "detail": detail}
        verdict = json.loads(line)
        self.peak_mb = max(self.peak_mb, verdict.pop("peak_mb", 0))
        return verdict

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        self.proc = None


def _serve(base_folders: dict[str, str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    tables = {name: M.base_tables(Path(folder)) for name, folder in base_folders.items()}
    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        twin = Path(job["twin"]) if job.get("twin") else None
        v = M.judge(Path(job["folder"]), M.SHIPPED_YEAR, tables[job["base"]], job["family"], job["base"], job["what"],
                    twin)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps({**job, "outcome": v.outcome, "detail": v.detail[:300], "peak_mb": peak}, ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    _serve(json.loads(sys.argv[1]))
